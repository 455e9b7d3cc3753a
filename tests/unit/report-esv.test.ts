import { describe, expect, it } from 'vitest';
import type { InputRecord } from '../../src/domain/accounting.js';
import type { Dec } from '../../src/domain/decimal.js';
import { loadSet } from '../../src/methods/resolve.js';
import { esvReport } from '../../src/report/esv-report.js';
import { D, expectDec, handAccount, handRegion, minhouSample } from './report-fixtures.js';

const esvSet = loadSet('coefficients', 'esv-xie-2015');
const record = (township: string, areas: Record<string, string>): InputRecord => ({
  township,
  year: 2021,
  values: new Map([['land_area', new Map(Object.entries(areas).map(([k, v]) => [k, D(v)]))]]),
});

describe('ESV report worked by hand (Xie 2015, D = 3,406.50 元/hm²)', () => {
  const report = esvReport({
    set: esvSet,
    region: handRegion([
      handAccount('a', 2021, '100000000', '150000000', '50000000'),
      handAccount('b', 2021, '0', '0', '0'),
    ]),
    records: [record('a', { forest_broadleaf: '100', built_up: '50' }), record('b', { water: '10' })],
    townships: [
      { id: 'a', labels: { zh: '甲镇', en: 'A' } },
      { id: 'b', labels: { zh: '乙镇', en: 'B' } },
    ],
  });
  const cell = (table: typeof report.byGroup, key: string, col: string) =>
    table.rows.find((r) => r.key === key)!.cells[col] as Dec | undefined;

  it('a: 100 hm² broadleaf × 22.95 equivalents × 3,406.50 = 7,817,917.5 元; built-up land counts 0', () => {
    expectDec(cell(report.byGroup, 'a', 'total'), '7817917.5');
    // regulating group: gas 2.17 + climate 6.50 + purification 1.93 + hydrology 4.74 = 15.34 → 5,225,571 元
    expectDec(cell(report.byGroup, 'a', 'regulating'), '5225571');
    expectDec(report.scopes[0]!.esv.unmappedAreaHm2, '50');
  });

  it('b: 10 hm² water × 125.61 × 3,406.50 = 4,278,904.65 元; the county is the sum, 12,096,822.15 元', () => {
    expectDec(cell(report.byGroup, 'b', 'total'), '4278904.65');
    expectDec(cell(report.byGroup, 'total', 'total'), '12096822.15');
  });

  it('per service: a climate regulation 100 × 6.50 × 3,406.50 = 2,214,225 元; b hydrological 10 × 102.24 × 3,406.50 = 3,482,805.6 元', () => {
    expectDec(cell(report.byService, 'a', 'climate_regulation'), '2214225');
    expectDec(cell(report.byService, 'b', 'hydrological_regulation'), '3482805.6');
    expectDec(cell(report.byService, 'total', 'total'), '12096822.15');
  });

  it('per ecosystem type: broadleaf 7,817,917.5 and water body 4,278,904.65 元; only types with area are columns', () => {
    expect(report.byType.columns.map((c) => c.id)).toEqual(['township', 'broadleaf', 'water_body', 'total']);
    expectDec(cell(report.byType, 'a', 'broadleaf'), '7817917.5');
    expectDec(cell(report.byType, 'a', 'water_body'), '0');
    expectDec(cell(report.byType, 'total', 'water_body'), '4278904.65');
  });

  it('GEP beside ESV: a 300,000,000 vs 7,817,917.5 元; no ratio for b whose GEP is 0', () => {
    expectDec(cell(report.gepVsEsv, 'a', 'difference'), D('7817917.5').minus('300000000'));
    expectDec(cell(report.gepVsEsv, 'a', 'ratio'), D('7817917.5').div('300000000'));
    expect(cell(report.gepVsEsv, 'b', 'ratio')).toBeUndefined();
  });
});

describe('Minhou sample county', () => {
  it('county ESV = Σ townships (linear in area), 15 townships + total', () => {
    const s = minhouSample();
    const r = esvReport({
      set: s.set,
      region: s.region(2021),
      records: s.records(2021),
      townships: s.dataset.townships,
    });
    expect(r.scopes).toHaveLength(16);
    const sum = r.scopes.filter((x) => !x.isTotal).reduce((a, x) => a.plus(x.esv.total), D(0));
    expect(sum.minus(r.scopes.at(-1)!.esv.total).abs().lte('1e-9')).toBe(true);
  });
});
