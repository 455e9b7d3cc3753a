/**
 * A two-year, three-township equivalent-factor (ESV) case worked by hand, printed by
 * `gep account --format json|csv|table` with the set esv-xie-2015@1.0.0 (no price index: Xie Gaodi et al. 2015, D = 3,406.50 元/hm²).
 * ESV of a service = area (hm²) × equivalent of its ecosystem type × D.
 *
 * Areas (hm², every other land class 0):
 *   A: 2020 broadleaf forest 100;            2021 broadleaf forest 120
 *   B: 2020 water 10;                        2021 water 10, paddy 20
 *   C: 2020 dry farmland 100, built-up 50;   2021 dry farmland 80, built-up 70 (built-up land: no service)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/main.js';
import { runCli } from './cli-run.js';
import { baseRawRecord, perClass } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'gep-cli-esv-'));
const DATA = join(tmp, 'esv-case.json');
const AREAS: Record<string, Record<number, Record<string, string>>> = {
  a: { 2020: { forest_broadleaf: '100' }, 2021: { forest_broadleaf: '120' } },
  b: { 2020: { water: '10' }, 2021: { water: '10', paddy: '20' } },
  c: { 2020: { dry_farmland: '100', built_up: '50' }, 2021: { dry_farmland: '80', built_up: '70' } },
};
writeFileSync(
  DATA,
  JSON.stringify({
    format: 'gep-ledger/dataset@1',
    region: { id: 'hand', labels: { zh: '手算县', en: 'Hand County' } },
    townships: [
      { id: 'a', labels: { zh: '甲镇', en: 'A Town' }, kind: 'town' },
      { id: 'b', labels: { zh: '乙镇', en: 'B Town' }, kind: 'town' },
      { id: 'c', labels: { zh: '丙乡', en: 'C Township' }, kind: 'township' },
    ],
    records: Object.entries(AREAS).flatMap(([township, years]) =>
      Object.entries(years).map(([year, areas]) => {
        const r = baseRawRecord(township, Number(year));
        return { township, year: Number(year), values: { ...r.values, land_area: perClass(areas) } };
      }),
    ),
  }),
);

const account = (year: string, format: string) =>
  runCli('account', '--set', 'esv-xie-2015@1.0.0', '--data', DATA, '--year', year, '--format', format);

type EsvJson = {
  total: string;
  byGroup: Record<string, string>;
  byService: Record<string, string>;
  byType: Record<string, string>;
  areaByTypeHm2: Record<string, string>;
};
type Json = {
  equivalentValue: string;
  county: { esv: EsvJson };
  townships: { township: string; esv: EsvJson }[];
};
/** Types with area (a type whose classes all have 0 hm² is listed with 0). */
const nonZero = (m: Record<string, string>) =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => v !== '0'));
const json = async (year: string) => {
  const r = await account(year, 'json');
  expect(r.err).toBe('');
  expect(r.code).toBe(EXIT.ok);
  return JSON.parse(r.out) as Json;
};

describe('ESV by service, group and ecosystem type, per township and county (JSON, exact)', () => {
  it('2021, A: 120 hm² broadleaf; each service = 120 × equivalent × 3,406.50 元', async () => {
    const j = await json('2021');
    expect(j.equivalentValue).toBe('3406.5');
    const a = j.townships.find((t) => t.township === 'a')!.esv;
    expect(a.byService).toEqual({
      food: '118546.2', // 120 × 0.29 × 3406.50
      raw_materials: '269794.8', // 120 × 0.66 × 3406.50
      water_supply: '138985.2', // 120 × 0.34 × 3406.50
      gas_regulation: '887052.6', // 120 × 2.17 = 260.4; × 3406.50
      climate_regulation: '2657070', // 120 × 6.50 × 3406.50
      environmental_purification: '788945.4', // 120 × 1.93 × 3406.50
      hydrological_regulation: '1937617.2', // 120 × 4.74 × 3406.50
      soil_conservation: '1083267', // 120 × 2.65 × 3406.50
      nutrient_cycling: '81756', // 120 × 0.20 × 3406.50
      biodiversity: '985159.8', // 120 × 2.41 × 3406.50
      aesthetic_landscape: '433306.8', // 120 × 1.06 × 3406.50
    });
    // groups: supply 0.29 + 0.66 + 0.34 = 1.29; regulating 2.17 + 6.50 + 1.93 + 4.74 = 15.34;
    // support 2.65 + 0.20 + 2.41 = 5.26; cultural 1.06 (equivalents, × 120 × 3406.50)
    expect(a.byGroup).toEqual({
      supply: '527326.2',
      regulating: '6270685.2',
      support: '2150182.8',
      cultural: '433306.8',
    });
    expect(a.total).toBe('9381501'); // 120 × 22.95 × 3406.50
    expect(nonZero(a.byType)).toEqual({ broadleaf: '9381501' });
    expect(nonZero(a.areaByTypeHm2)).toEqual({ broadleaf: '120' });
  });

  it('2021, B: paddy water supply is negative: 10 × 8.29 × 3406.50 + 20 × (−2.63) × 3406.50', async () => {
    const b = (await json('2021')).townships.find((t) => t.township === 'b')!.esv;
    // 282,398.85 − 179,181.9 = 103,216.95 元
    expect(b.byService.water_supply).toBe('103216.95');
    // water 10 × 125.61 × 3406.50 = 4,278,904.65; paddy 20 × 3.89 × 3406.50 = 265,025.7
    expect(nonZero(b.byType)).toEqual({ paddy: '265025.7', water_body: '4278904.65' });
    expect(b.total).toBe('4543930.35');
  });

  it('2021 county = Σ townships: 9,381,501 + 4,543,930.35 + 80 × 4.01 × 3406.50 (1,092,805.2) = 15,018,236.55', async () => {
    const j = await json('2021');
    expect(j.townships.find((t) => t.township === 'c')!.esv.total).toBe('1092805.2');
    expect(j.county.esv.total).toBe('15018236.55');
    expect(nonZero(j.county.esv.byType)).toEqual({
      dry_farmland: '1092805.2',
      paddy: '265025.7',
      broadleaf: '9381501',
      water_body: '4278904.65',
    });
  });

  it('2020: A 100 × 22.95 × 3406.50 = 7,817,917.5; B 4,278,904.65; C 100 × 4.01 × 3406.50 = 1,366,006.5; county 13,462,828.65', async () => {
    const j = await json('2020');
    const total = (id: string) => j.townships.find((t) => t.township === id)!.esv.total;
    expect([total('a'), total('b'), total('c')]).toEqual(['7817917.5', '4278904.65', '1366006.5']);
    expect(j.county.esv.total).toBe('13462828.65');
  });
});

describe('the same figures in CSV (exact) and in the table (万元, 2 decimals)', () => {
  it('CSV: one row per township × measure × item, exact values', async () => {
    const r = await account('2021', 'csv');
    expect(r.code).toBe(EXIT.ok);
    const rows = r.out
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual([
      'region',
      'year',
      'set',
      'set_hash',
      'profile',
      'township',
      'township_zh',
      'measure',
      'item',
      'item_zh',
      'unit',
      'value',
    ]);
    const value = (township: string, measure: string, item: string) =>
      rows.find((x) => x[5] === township && x[7] === measure && x[8] === item)?.[11];
    expect(value('a', 'esv_service', 'climate_regulation')).toBe('2657070');
    expect(value('b', 'esv_service', 'water_supply')).toBe('103216.95');
    expect(value('c', 'esv_type', 'dry_farmland')).toBe('1092805.2');
    expect(value('total', 'esv_total', '')).toBe('15018236.55');
    expect(value('total', 'esv_group', 'support')).toBeDefined();
  });

  it('table: A 938.15 万元 (9,381,501 元), B water supply 10.32 万元, county 1,501.82 万元', async () => {
    const r = await account('2021', 'table');
    expect(r.code).toBe(EXIT.ok);
    const line = (title: string, name: string) => {
      const block = r.out.slice(r.out.indexOf(title));
      return block.split('\n').find((l) => l.startsWith(name))!;
    };
    expect(line('生态系统服务价值（当量因子法）', '甲镇')).toMatch(/\s938\.15$/);
    expect(line('生态系统服务价值：分服务', '乙镇').split(/\s+/)[3]).toBe('10.32');
    expect(line('生态系统服务价值：分生态系统类型', '手算县')).toMatch(/\s1,501\.82$/);
  });
});

describe('the same figures in XLSX', () => {
  it('ESV sheets in 元 and a sheet of every figure with its exact text', async () => {
    const out = join(tmp, 'esv.xlsx');
    const r = await runCli(
      'account',
      '--set',
      'esv-xie-2015@1.0.0',
      '--data',
      DATA,
      '--year',
      '2021',
      '--format',
      'xlsx',
      '--out',
      out,
    );
    expect(r.code).toBe(EXIT.ok);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const services = wb.getWorksheet('ESV 服务')!;
    const header = services.getRow(2).values as unknown[];
    const col = header.findIndex((h) => h === '气候调节 (元)');
    let a: ExcelJS.Row | undefined;
    services.eachRow((row) => {
      if (row.getCell(1).value === '甲镇') a = row;
    });
    expect(a!.getCell(col).value).toBe(2657070); // 120 × 6.50 × 3406.50
    const figures = wb.getWorksheet('明细 figures')!;
    const exact: string[] = [];
    figures.eachRow((row) => {
      if (row.getCell(1).value === '乙镇' && row.getCell(3).value === 'water_supply')
        exact.push(String(row.getCell(7).value));
    });
    expect(exact).toContain('103216.95');
  });
});
