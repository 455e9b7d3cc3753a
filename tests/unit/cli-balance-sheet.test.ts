/**
 * `gep balance-sheet` from a data file, worked by hand. A set derived from gep-functional keeps one product
 * (agricultural products, grain at 2,000 元/t) so the service flow is grain output × 2,000 元/t; the
 * configuration values provisioning at r = 25 %, n = 3 a (annuity due), so that
 *   asset value = F × (1 + 1/1.25 + 1/1.25²) = F × (1 + 0.8 + 0.64) = 2.44 × F,
 * and counts half the pollution cost (万元 → 元) as a liability.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/main.js';
import { runCli } from './cli-run.js';
import { BASE_AREAS, baseRawRecord, set as base } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'gep-cli-bs-'));
const COEFFS = join(tmp, 'coefficients');
cpSync('coefficients', COEFFS, { recursive: true });

const keep = 'agricultural_products';
const money = (id: string, role: string) =>
  `  - { id: ${id}, labels: { zh: ${id}, en: ${id} }, unit: 万元, range: [0, 1e12], department: { zh: 局, en: bureau }, group: economy, role: ${role} }`;
const setFile = (id: string, extra = '') => {
  mkdirSync(join(COEFFS, id), { recursive: true });
  writeFileSync(
    join(COEFFS, id, '1.0.0.yaml'),
    [
      `id: ${id}`,
      'version: 1.0.0',
      'status: draft',
      `title: { zh: 手算, en: hand }`,
      'extends: { id: gep-functional, version: 1.0.0 }',
      extra,
      'inputs:',
      money('pollution_cost', 'pollution_cost'),
      money('ecological_damage_cost', 'ecological_damage_cost'),
      `removeProducts: [${base.products
        .map((p) => p.id)
        .filter((p) => p !== keep)
        .join(', ')}]`,
      'parameterOverrides:',
      `  - { id: grain_price, value: '2000', source: hand, verified: true }`,
    ].join('\n'),
  );
};
setFile('bs-hand');
setFile('bs-named', 'balanceSheet: hand');
setFile('bs-named-missing', 'balanceSheet: nowhere');

const CONFIG = [
  'format: gep-ledger/balance-sheet@1',
  'id: hand',
  'title: { zh: 手算资产负债表, en: Hand balance sheet }',
  'landAreaInput: land_area',
  'stocks:',
  '  - input: forest_stock_volume',
  "assetValue: { rate: '25%', years: 3, categories: [provisioning], source: hand }",
  'liabilities:',
  "  - { id: pollution, labels: { zh: 污染治理负债, en: Pollution liability }, basis: { zh: 污染成本之半, en: half the pollution cost }, source: hand, inputs: [pollution_cost], share: '50%' }",
].join('\n');
const CONFIG_FILE = join(tmp, 'hand.yaml');
writeFileSync(CONFIG_FILE, CONFIG);
writeFileSync(join(COEFFS, 'balance-sheet', 'hand.yaml'), CONFIG);

// a: grain 1,000 t → 1,500 t; 10 hm² broadleaf forest built over; stock 100,000 → 103,000 m³; pollution 100 → 120 万元
// b: grain 500 t both years; pollution 40 万元 both years
const rec = (
  township: string,
  year: number,
  v: { grain: string; pollution: string; stock: string; built?: boolean },
) => {
  const r = baseRawRecord(township, year);
  const areas = { ...BASE_AREAS };
  if (v.built) Object.assign(areas, { forest_broadleaf: '990', built_up: '410' });
  return {
    township,
    year,
    values: {
      ...r.values,
      land_area: areas,
      grain_output: v.grain,
      vegetable_output: '0',
      fruit_output: '0',
      tea_output: '0',
      pollution_cost: v.pollution,
      forest_stock_volume: v.stock,
    },
  };
};
const DATA = join(tmp, 'bs.json');
writeFileSync(
  DATA,
  JSON.stringify({
    format: 'gep-ledger/dataset@1',
    region: { id: 'hand', labels: { zh: '手算县', en: 'Hand County' } },
    townships: [
      { id: 'a', labels: { zh: '甲镇', en: 'A' }, kind: 'town' },
      { id: 'b', labels: { zh: '乙镇', en: 'B' }, kind: 'town' },
    ],
    records: [
      rec('a', 2020, { grain: '1000', pollution: '100', stock: '100000' }),
      rec('a', 2021, { grain: '1500', pollution: '120', stock: '103000', built: true }),
      rec('b', 2020, { grain: '500', pollution: '40', stock: '50000' }),
      rec('b', 2021, { grain: '500', pollution: '40', stock: '50000' }),
    ],
  }),
);

const sheet = (set: string, ...more: string[]) =>
  runCli(
    'balance-sheet',
    '--set',
    set,
    '--coefficients',
    COEFFS,
    '--data',
    DATA,
    '--opening',
    '2020',
    '--closing',
    '2021',
    ...more,
  );

type Sheet = {
  assetValue: { openingFlow: string; closingFlow: string; opening: string; closing: string };
  liabilities: { id: string; opening: string; closing: string }[];
  opening: { assets: string; liabilities: string; netAssets: string };
  closing: { assets: string; liabilities: string; netAssets: string };
  extent: {
    basis: string;
    rows: { landClass: string; opening: string; additions: string; reductions: string; closing: string }[];
  };
  stocks: { input: string; opening: string; closing: string; additions: string }[];
  checks: { pass: boolean }[];
};
type Json = { county: Sheet; townships: (Sheet & { township: string })[]; regionChecks: { pass: boolean }[] };

describe('gep balance-sheet, worked by hand', async () => {
  const r = await sheet('bs-hand', '--config', CONFIG_FILE, '--format', 'json');
  const j = JSON.parse(r.out) as Json;
  const a = j.townships.find((t) => t.township === 'a')!;
  const b = j.townships.find((t) => t.township === 'b')!;

  it('exits 0 and every identity holds', () => {
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    for (const s of [a, b, j.county]) expect(s.checks.every((c) => c.pass)).toBe(true);
    expect(j.regionChecks.every((c) => c.pass)).toBe(true);
  });

  it('asset value (NPV) = 2.44 × flow: a 2.44 × 2,000,000 = 4,880,000 → 2.44 × 3,000,000 = 7,320,000 元', () => {
    expect(a.assetValue).toMatchObject({
      openingFlow: '2000000', // 1,000 t × 2,000 元/t
      closingFlow: '3000000', // 1,500 t × 2,000 元/t
      opening: '4880000',
      closing: '7320000',
    });
    expect(b.assetValue).toMatchObject({ opening: '2440000', closing: '2440000' }); // 2.44 × 1,000,000
    expect(j.county.assetValue).toMatchObject({ opening: '7320000', closing: '9760000' });
  });

  it('liabilities: half the pollution cost, 万元 → 元: a 100 × 10⁴ × 50 % = 500,000 → 600,000; county 700,000 → 800,000', () => {
    expect(a.liabilities[0]).toMatchObject({ id: 'pollution', opening: '500000', closing: '600000' });
    expect(b.liabilities[0]).toMatchObject({ opening: '200000', closing: '200000' });
    expect(j.county.liabilities[0]).toMatchObject({ opening: '700000', closing: '800000' });
  });

  it('net assets = assets − liabilities: county 7,320,000 − 700,000 = 6,620,000 → 9,760,000 − 800,000 = 8,960,000', () => {
    expect(j.county.opening).toEqual({ assets: '7320000', liabilities: '700000', netAssets: '6620000' });
    expect(j.county.closing).toEqual({ assets: '9760000', liabilities: '800000', netAssets: '8960000' });
    expect(a.closing.netAssets).toBe('6720000'); // 7,320,000 − 600,000
  });

  it('extent (net change, no matrix): a broadleaf 1,000 − 10 = 990, built-up 400 + 10 = 410 hm²; stock +3,000 m³', () => {
    expect(a.extent.basis).toBe('net_change');
    expect(a.extent.rows.find((x) => x.landClass === 'forest_broadleaf')).toEqual({
      landClass: 'forest_broadleaf',
      opening: '1000',
      additions: '0',
      reductions: '10',
      closing: '990',
    });
    expect(a.extent.rows.find((x) => x.landClass === 'built_up')).toMatchObject({
      additions: '10',
      closing: '410',
    });
    expect(a.stocks[0]).toMatchObject({
      input: 'forest_stock_volume',
      opening: '100000',
      closing: '103000',
      additions: '3000',
    });
    expect(j.county.stocks[0]).toMatchObject({ opening: '150000', closing: '153000' });
  });

  it('the table prints the NPV with its flows, exactly', async () => {
    const t = await sheet('bs-hand', '--config', CONFIG_FILE, '--township', 'a');
    expect(t.code).toBe(EXIT.ok);
    expect(t.out).toContain('r = 25%');
    expect(t.out).toContain('期初 F = 2000000 元 → 4880000 元；期末 F = 3000000 元 → 7320000 元');
    expect(t.out).toMatch(/恒等式：(\d+)\/\1 成立/);
  });

  it('CSV: one row per table cell, exact: county net assets closing 8,960,000', async () => {
    const c = await sheet('bs-hand', '--config', CONFIG_FILE, '--format', 'csv');
    expect(c.code).toBe(EXIT.ok);
    const rows = c.out
      .slice(1)
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    const net = rows.find(
      (x) =>
        x[6] === 'total' && x[8] === 'assets_and_liabilities' && x[9] === 'net_assets' && x[11] === 'closing',
    );
    expect(net?.[13]).toBe('8960000');
  });
});

describe('which configuration: --config, else the one the set names, else an error that says so', () => {
  it('a set naming `balanceSheet: hand` uses coefficients/balance-sheet/hand.yaml', async () => {
    const r = await sheet('bs-named', '--format', 'json');
    expect(r.code).toBe(EXIT.ok);
    expect((JSON.parse(r.out) as Json).county.closing.netAssets).toBe('8960000');
  });

  it('a set naming a configuration that does not exist: exit 1, the name and the choices', async () => {
    const r = await sheet('bs-named-missing');
    expect(r.code).toBe(EXIT.setInvalid);
    expect(r.err).toContain('no balance-sheet configuration "nowhere"');
    expect(r.err).toContain('hand, minhou');
  });

  it('a set naming none, with two configurations in the folder: exit 1, asks for --config', async () => {
    const r = await sheet('bs-hand');
    expect(r.code).toBe(EXIT.setInvalid);
    expect(r.err).toContain('--config');
  });

  it('the closing year before the opening year is a usage error', async () => {
    const r = await runCli(
      'balance-sheet',
      '--set',
      'bs-hand',
      '--coefficients',
      COEFFS,
      '--data',
      DATA,
      '--opening',
      '2021',
      '--closing',
      '2020',
    );
    expect(r.code).toBe(EXIT.usage);
  });
});
