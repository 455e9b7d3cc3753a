import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli-run.js';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/main.js';
import { loadSet } from '../../src/methods/resolve.js';
import { priceList } from '../../src/report/price-list.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COEFFS = join(ROOT, 'coefficients');
const tmp = mkdtempSync(join(tmpdir(), 'gep-prices-'));

const run = runCli;

const lineOf = (text: string, ...parts: string[]) =>
  text.split('\n').find((l) => parts.every((p) => l.includes(p)));

describe('gep prices', () => {
  it('minhou-2021: header, percent rates, overrides with their set and [M]', async () => {
    const r = await run('prices', '--set', 'minhou-2021', '--coefficients', COEFFS);
    expect(r.code).toBe(EXIT.ok);
    const set = loadSet(COEFFS, 'minhou-2021');
    const head = r.out.split('\n')[0]!;
    expect(head).toContain(set.title.zh);
    expect(head).toContain('minhou-2021@2.0.0');
    expect(head).toContain(set.hash.slice(0, 12));
    expect(head).toContain('草案，未公示');
    for (const h of ['参数', '地类', '数值', '单位', '价格年份', '核实', '定义于', '来源'])
      expect(r.out).toContain(h);

    const runoff = lineOf(r.out, '地表径流系数', '阔叶林');
    expect(runoff).toBeDefined();
    expect(runoff).toContain('2.67 %');
    expect(runoff).toMatch(/2\.67 %\s+%\s/);

    const grain = set.parameters.get('grain_price')!;
    expect(grain.definedIn).toBe('minhou-2021@2.0.0');
    const line = lineOf(r.out, grain.labels.zh);
    expect(line).toBeDefined();
    expect(line).toContain(grain.value!.toFixed());
    expect(line).toContain('minhou-2021@2.0.0');
    expect(line).toContain('[M] 未核实');
    expect(line).toContain('2021');
    // an inherited price keeps its own set and price year (restated by the engine, not by hand)
    const reservoir = lineOf(r.out, set.parameters.get('reservoir_cost')!.labels.zh);
    expect(reservoir).toContain('gep-functional@2.0.0');
    expect(reservoir).toContain('2010');

    // products below the table, with method and formulas
    expect(r.out).toContain('水源涵养 (water_conservation)');
    expect(r.out).toContain('影子工程法');
    expect(r.out).toContain(
      'to((precipitation - precipitation * runoff_coefficient - evapotranspiration) * land_area, "m3")',
    );
    expect(r.out).toContain('Q * reservoir_cost');
  });

  it('gep-functional: seawall_cost is 未设定', async () => {
    const r = await run('prices', '--set', 'gep-functional@1.0.0', '--coefficients', COEFFS);
    expect(r.code).toBe(EXIT.ok);
    const line = lineOf(r.out, '单位长度海堤建设成本');
    expect(line).toContain('未设定 (not set)');
    expect(line).toContain('gep-functional@1.0.0');
    const model = priceList(loadSet(COEFFS, 'gep-functional'), 'zh');
    const row = model.rows.find((x) => x.parameter === 'seawall_cost')!;
    expect(row.value).toBe('未设定 (not set)');
    expect(row.rawValue).toBe('');
  });

  it('one row per land class for per-class parameters, in the set order', () => {
    const set = loadSet(COEFFS, 'minhou-2021');
    const rows = priceList(set).rows.filter((x) => x.parameter === 'runoff_coefficient');
    const order = set.landClasses.map((c) => c.id).filter((c) => rows.some((x) => x.landClass === c));
    expect(rows.map((x) => x.landClass)).toEqual(order);
    expect(rows.find((x) => x.landClass === 'forest_broadleaf')!.rawValue).toBe('0.0267');
  });

  it('CSV: BOM, one row per price, written to --out', async () => {
    const out = join(tmp, 'prices.csv');
    const r = await run(
      'prices',
      '--set',
      'minhou-2021',
      '--format',
      'csv',
      '--out',
      out,
      '--coefficients',
      COEFFS,
    );
    expect(r.code).toBe(EXIT.ok);
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('runoff_coefficient,地表径流系数,forest_broadleaf,阔叶林,0.0267,2.67 %,%');
    const rows = text.trim().split('\r\n');
    expect(rows.length - 1).toBe(priceList(loadSet(COEFFS, 'minhou-2021')).rows.length);
  });

  it('English labels with --lang en; unknown format is a usage error', async () => {
    const r = await run('prices', '--set', 'minhou-2021', '--lang', 'en', '--coefficients', COEFFS);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('draft, not published');
    expect(r.out).toContain('Shadow engineering');
    const bad = await run('prices', '--set', 'minhou-2021', '--format', 'xml', '--coefficients', COEFFS);
    expect(bad.code).toBe(EXIT.usage);
  });
});

describe('gep prices --year: money parameters restated by the price index', () => {
  it('the 2010 reservoir cost at 2021 prices: 7.06 × 692.7 ÷ 536.1 ≈ 9.122294348 元/m³; the CPI table and method sources listed', async () => {
    const r = await run('prices', '--set', 'minhou-2021', '--year', '2021', '--coefficients', COEFFS);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('折算至2021年');
    const reservoir = lineOf(r.out, '单位库容水库建设成本')!;
    expect(reservoir).toMatch(/7\.06\s+元\/m3\s+2010\s+≈9\.122294348\s+692\.7 ÷ 536\.1/);
    // a 2021 price is its own value at 2021 prices
    expect(lineOf(r.out, '粮食价格')).toMatch(/2700\s+元\/t\s+2021\s+2700\s+692\.7 ÷ 692\.7/);
    // the index itself, row by row with its source
    expect(lineOf(r.out, '全国居民消费价格指数', '2007')).toContain('493.6');
    expect(lineOf(r.out, '全国居民消费价格指数', '2007')).toContain('[V] 已核实');
    // every product names the source of its formulas with [V]/[M]
    expect(r.out).toMatch(/方法来源: \[M\] E_pt = Σ EPP/);
    const model = priceList(loadSet(COEFFS, 'minhou-2021'), 'zh', 2021);
    expect(model.products.every((p) => /^\[[VM]\] /.test(p.source))).toBe(true);
  });
});
