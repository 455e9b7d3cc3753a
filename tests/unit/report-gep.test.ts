import { describe, expect, it } from 'vitest';
import { aggregateRegion } from '../../src/domain/accounting.js';
import type { Dec } from '../../src/domain/decimal.js';
import { validateRecords } from '../../src/domain/inputs.js';
import { gepReport, sumOfLevel } from '../../src/report/gep-report.js';
import { account, baseRawRecord, set } from './fixtures.js';
import { expectDec } from './report-fixtures.js';

const t1 = account(baseRawRecord('T1'));
const t2 = account(baseRawRecord('T2'));
const region = aggregateRegion([t1, t2]);
const { records } = validateRecords(set, [baseRawRecord('T1'), baseRawRecord('T2')]);
const county = gepReport({
  set,
  scope: 'total',
  scopeLabels: { zh: '全县', en: 'County' },
  accounts: region.townships,
  totals: region,
  records,
});
const cell = (rows: readonly { key: string; cells: Record<string, unknown> }[], key: string, col: string) =>
  rows.find((r) => r.key === key)?.cells[col] as Dec | undefined;

describe('GEP report of a county of two identical townships', () => {
  it('water conservation, broadleaf forest, worked by hand and summed over the two townships', () => {
    // per township: (P − P·α − ET) × A = (1600 − 1600 × 2.67 % − 800) mm × 1000 hm²
    //   = 757.28 mm × 1000 hm² × 10 m³/(mm·hm²) = 7,572,800 m³; value × 7.06 元/m³ = 53,463,968 元
    const key = 'total|water_conservation|forest_broadleaf';
    expectDec(cell(county.physical.rows, key, 'quantity'), '15145600');
    expectDec(cell(county.value.rows, key, 'value'), '106927936');
    expect(county.physical.rows.find((r) => r.key === key)!.unit).toBe('m3');
  });

  it('categories, products and components each add up to GEP; shares of the categories to 1', () => {
    const tolerance = '1e-9';
    for (const level of [0, 1, 2])
      expect(sumOfLevel(county.value, level).minus(region.gep).abs().lte(tolerance)).toBe(true);
    const shares = county.value.rows
      .filter((r) => r.level === 0 && !r.isTotal)
      .map((r) => r.cells.share as Dec);
    expect(
      shares
        .reduce((a, s) => a.plus(s))
        .minus(1)
        .abs()
        .lte(tolerance),
    ).toBe(true);
    expectDec(cell(county.value.rows, 'total|gep_net', 'value'), region.gep.minus(2000000)); // 2 × 100 万元 deducted
  });

  it('indicators on net GEP: 2 × 5,550 hm² = 111 km², 100,000 people, GDP 2 × 100,000 万元 = 2e9 元', () => {
    expectDec(county.figures.areaKm2, '111');
    // net GEP = GEP − 2 × 100 万元 out-of-region value of the fixture
    expectDec(region.gepNet, region.gep.minus(2_000_000));
    expectDec(county.indicators.gepPerKm2, region.gepNet.div(111));
    expectDec(county.indicators.gepPerCapita, region.gepNet.div(100000));
    expectDec(county.indicators.gepToGdp, region.gepNet.div('2e9'));
    expect(county.set).toEqual(t1.set);
  });

  it('a township report keys its rows by township id, in catalogue order, with status of unvalued items', () => {
    const r = gepReport({
      set,
      scope: 'T1',
      scopeLabels: { zh: 'T1', en: 'T1' },
      accounts: [t1],
      totals: t1,
      records: [records[0]!],
    });
    const keys = r.value.rows.map((x) => x.key);
    expect(keys[0]).toBe('T1|category|provisioning');
    expect(keys).toContain('T1|water_conservation|forest_broadleaf');
    expectDec(cell(r.value.rows, 'T1|water_conservation|forest_broadleaf', 'value'), '53463968');
    expect(keys.indexOf('T1|category|regulating')).toBeGreaterThan(keys.indexOf('T1|category|provisioning'));
    const statuses = new Set(r.physical.rows.map((x) => x.cells.status).filter(Boolean));
    expect([...statuses].every((s) => ['ok', 'not_applicable', 'not_valued'].includes(s as string))).toBe(
      true,
    );
  });
});
