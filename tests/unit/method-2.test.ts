/**
 * gep-functional@2.0.0, the corrected method: climate regulation as the MEE 2020 guideline writes it (with r and
 * the evaporation of the D days), price years restated through the CPI to current and constant prices, and net
 * GEP with the upstream share of water supply and hydropower deducted. Every expected figure is worked by hand.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  accountTownship,
  aggregateRegion,
  type ComponentResult,
  type TownshipAccount,
} from '../../src/domain/accounting.js';
import { Dec } from '../../src/domain/decimal.js';
import { formatIssue, validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import { pricedSet } from '../../src/domain/prices.js';
import { traceComponent } from '../../src/domain/trace.js';
import { loadSet } from '../../src/methods/resolve.js';
import { SetLoadError } from '../../src/methods/compile.js';
import { baseRawRecord } from './fixtures.js';

const COEFFICIENTS = fileURLToPath(new URL('../../coefficients', import.meta.url));
const set = loadSet(COEFFICIENTS, 'gep-functional', '2.0.0');
const D = (x: string | number) => new Dec(x);

/** The fixture record (fixtures.ts, worked for 1.0.0) with the inputs 2.0.0 adds. */
function record(year: number, values: Record<string, unknown> = {}): RawRecord {
  const base = baseRawRecord('T1', year);
  return { ...base, values: { ...base.values, upstream_inflow: '0', ...values } };
}

function account(raw: RawRecord, constantPriceYear?: number): TownshipAccount {
  const { records, issues } = validateRecords(set, [raw]);
  expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
  return accountTownship(set, records[0]!, 'academic', { constantPriceYear });
}
const component = (a: TownshipAccount, id: string): ComponentResult =>
  a.components.find((c) => c.component.id === id)!;

describe('climate regulation (MEE 2020 guideline form, gep-functional@2.0.0)', () => {
  // fixture: D = 135 d, broadleaf 1000 hm², water 200 hm², annual open-water evaporation 1080 mm, r = 3
  const a = account(record(2021));
  const c = component(a, 'climate_vegetation');
  const w = component(a, 'climate_water_surface');

  it('vegetation: E_pt = EPP × S × D × 10⁶ ÷ (3600 × r), EPP in kJ/(m²·d), S in km²', () => {
    // broadleaf: EPP 2100 kJ/(m²·d), S = 1000 hm² = 10 km², D = 135 d, r = 3
    // 2100 × 10 × 135 × 10⁶ ÷ (3600 × 3) = 2,835,000,000,000 ÷ 10,800 = 262,500,000 kWh
    expect(c.quantityByClass!.get('forest_broadleaf')!.toString()).toBe('262500000');
    // grassland: EPP 700, S = 200 hm² = 2 km²: 700 × 2 × 135 × 10⁶ ÷ 10,800 = 17,500,000 kWh
    expect(c.quantityByClass!.get('grassland')!.toString()).toBe('17500000');
  });

  it('open water: E_we = E_w × ρ × q ÷ (3600 × r), E_w the evaporation of the D days, no humidification', () => {
    // E_w = 1080 mm × pan 1 × 135 d ÷ 365 d × 1.5 × 200 hm² = 1.08 m × 0.55479… × 2,000,000 m² = 1,198,356.16… m³
    const ew = D('1.08').times(135).div(365).times('1.5').times(2_000_000);
    expect(ew.toFixed(2)).toBe('1198356.16');
    // × 1000 kg/m³ × 2450 J/g = 2450 kJ/kg ⇒ kJ; ÷ 3600 kJ/kWh ÷ 3 (r) ⇒ kWh ≈ 271,849,315 kWh
    const expected = ew.times(1000).times(2450).div(3600).div(3);
    expect(w.quantity!.toSignificantDigits(20).toString()).toBe(expected.toSignificantDigits(20).toString());
    expect(w.quantity!.toFixed(0)).toBe('271849315');
    // 1.0.0 took the whole year's evaporation without r: 1.08 × 2,000,000 × 2450 × 1000 ÷ 3600 + 120 × 2,160,000
    // = 1,470,000,000 + 259,200,000 = 1,729,200,000 kWh, 6.36 × more
    expect(D('1729200000').div(w.quantity!).toFixed(2)).toBe('6.36');
  });

  it('the humidification term E_w × y counts only when the set switches it on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gep-humid-'));
    cpSync(COEFFICIENTS, dir, { recursive: true });
    mkdirSync(join(dir, 'humid'));
    writeFileSync(
      join(dir, 'humid', '1.0.0.yaml'),
      [
        'id: humid',
        'version: 1.0.0',
        'status: draft',
        'extends: { id: gep-functional, version: 2.0.0 }',
        'title: { zh: 干燥地区, en: Dry region }',
        'parameterOverrides:',
        "  - { id: humidification_applies, value: '1', source: 'dry region', verified: false }",
      ].join('\n'),
    );
    const dry = loadSet(dir, 'humid', '1.0.0');
    const { records } = validateRecords(dry, [record(2021)]);
    const q = accountTownship(dry, records[0]!, 'academic').components.find(
      (r) => r.component.id === 'climate_water_surface',
    )!.quantity!;
    // + E_w × 120 kWh/m³ = 1,198,356.16… × 120 ≈ 143,802,740 kWh
    const ew = D('1.08').times(135).div(365).times('1.5').times(2_000_000);
    expect(q.minus(w.quantity!).toSignificantDigits(20).toString()).toBe(
      ew.times(120).toSignificantDigits(20).toString(),
    );
  });
});

describe('price years, current and constant prices (CPI, 1978 = 100)', () => {
  it('restates a 2010 price to 2021 (current) and to the 2020 base year (constant), by hand', () => {
    // reservoir cost 7.06 元/m³ at 2010 prices; CPI 2010 = 536.1, 2020 = 686.5, 2021 = 692.7
    const at2021 = pricedSet(set, 2021).parameters.get('reservoir_cost')!;
    expect(at2021.value!.toFixed(6)).toBe('9.122294'); // 7.06 × 692.7 ÷ 536.1 = 4890.462 ÷ 536.1 = 9.12229434…
    expect(at2021.restatement).toMatchObject({ fromYear: 2010, toYear: 2021 });
    expect(at2021.restatement!.factor.toFixed(8)).toBe('1.29210968'); // 692.7 ÷ 536.1
    const at2020 = pricedSet(set, 2020).parameters.get('reservoir_cost')!;
    expect(at2020.value!.toFixed(6)).toBe('9.040645'); // 7.06 × 686.5 ÷ 536.1 = 4846.69 ÷ 536.1 = 9.04064540…
    // a price of the accounting year itself is not changed: travel expense 300 元/人次 at 2021 prices
    expect(pricedSet(set, 2021).parameters.get('travel_expense_per_visit')!.value!.toString()).toBe('300');
    // a non-money parameter is never restated
    expect(pricedSet(set, 2021).parameters.get('runoff_coefficient')!.restatement).toBeUndefined();
  });

  it('the account and its trace carry the price basis; constant prices scale every money figure', () => {
    const current = account(record(2021));
    const constant = account(record(2021), 2020);
    expect(current.prices).toEqual({ kind: 'current', year: 2021 });
    expect(constant.prices).toEqual({ kind: 'constant', year: 2020 });
    // water conservation: the same m³ at 9.12229434 vs 9.04064540 元/m³
    const wc = (a: TownshipAccount) => component(a, 'water_conservation');
    expect(wc(current).quantity!.eq(wc(constant).quantity!)).toBe(true);
    const ratio = wc(constant).value!.div(wc(current).value!);
    expect(ratio.toSignificantDigits(15).toString()).toBe(
      D('686.5').div('692.7').toSignificantDigits(15).toString(),
    );
    const t = traceComponent(set, constant, 'water_conservation', 'forest_broadleaf');
    const price = t.value!.symbols.find((s) => s.symbol === 'reservoir_cost')!;
    expect(price.restatement).toMatchObject({
      stated: '7.06',
      fromYear: 2010,
      toYear: 2020,
      toIndex: '686.5',
    });
  });

  it('constant-price growth of two years, by hand', () => {
    // the same physical record in 2020 and 2021, but 10 % more visits in 2021 (recreation: 300 + 120 元/人次 at
    // 2021 prices); at constant 2020 prices the only growth is the visits: 1,000 × 420 × 686.5 ÷ 692.7
    const y2020 = account(record(2020));
    const y2021 = account(record(2021, { tourist_visits: '11000' }));
    const c2020 = account(record(2020), 2020);
    const c2021 = account(record(2021, { tourist_visits: '11000' }), 2020);
    expect(c2020.gep.eq(y2020.gep)).toBe(true); // 2020 at 2020 prices is the current-price account
    const growth = c2021.gep.minus(c2020.gep);
    const byHand = D(1000).times(420).times('686.5').div('692.7');
    expect(growth.toSignificantDigits(20).toString()).toBe(byHand.toSignificantDigits(20).toString());
    // at current prices the growth also holds inflation of every 2010/2018 price: larger
    expect(y2021.gep.minus(y2020.gep).gt(growth)).toBe(true);
  });

  it('refuses at load a money parameter without a price year, and a year the index lacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gep-noyear-'));
    cpSync(COEFFICIENTS, dir, { recursive: true });
    const file = join(dir, 'gep-functional', '2.0.0.yaml');
    const text = readFileSync(file, 'utf8')
      .replace("value: '7.06', priceYear: 2010,", "value: '7.06',")
      .replace("value: '15.58', priceYear: 2010,", "value: '15.58', priceYear: 1990,");
    writeFileSync(file, text);
    let issues: string[] = [];
    try {
      loadSet(dir, 'gep-functional', '2.0.0');
    } catch (e) {
      issues = (e as SetLoadError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    expect(issues).toContain(
      'parameters.reservoir_cost.priceYear: a money parameter needs its price year (价格年份) to be restated',
    );
    expect(issues).toContain('parameters.dredging_cost.priceYear: price index "cpi" has no value for 1990');
  });

  it('an accounting year beyond the index is an error naming the index and the year', () => {
    expect(() => account(record(2031))).toThrow(/has no value for 2031/);
  });
});

describe('net GEP: the upstream share of water supply and hydropower (GB/T 46869—2025)', () => {
  it('deducts value × inflow ÷ (inflow + local water resources), plus the other typed deduction', () => {
    // inflow 30,000 万m³, local water resources 10,000 万m³ ⇒ share 0.75
    const a = account(record(2021, { upstream_inflow: '30000' }));
    const ids = ['water_domestic', 'water_industrial', 'water_agricultural', 'hydropower'];
    for (const id of ids) {
      const r = component(a, id);
      expect(r.outOfRegion && 'share' in r.outOfRegion && r.outOfRegion.share.toString()).toBe('0.75');
    }
    const upstream = ids.reduce((s, id) => s.plus(component(a, id).value!.times('0.75')), D(0));
    // out_of_region_value 100 万元 = 1,000,000 元 is added as it is
    expect(a.outOfRegionDeduction.toString()).toBe(upstream.plus(1_000_000).toString());
    expect(a.gepNet.toString()).toBe(a.gep.minus(a.outOfRegionDeduction).toString());
    // domestic water 1,000,000 m³ × 2.6 元/m³ (2010) × 692.7 ÷ 536.1 × 0.75, by hand
    const domestic = component(a, 'water_domestic').outOfRegion as { value: Dec };
    expect(domestic.value.toFixed(2)).toBe(
      D(1_000_000).times('2.6').times('692.7').div('536.1').times('0.75').toFixed(2),
    );
    const trace = traceComponent(set, a, 'water_domestic');
    expect(trace.outOfRegion!.result).toBe('0.75');
    expect(trace.outOfRegion!.symbols.map((s) => s.symbol).sort()).toEqual([
      'upstream_inflow',
      'water_resources_total',
    ]);
  });

  it('without inflow nothing is deducted but the typed line; the county adds the townships', () => {
    const a = account(record(2021));
    expect(a.outOfRegionDeduction.toString()).toBe('1000000');
    const region = aggregateRegion([a, account(record(2021, { upstream_inflow: '10000' }))]);
    expect(region.gepNet.toString()).toBe(region.gep.minus(region.outOfRegionDeduction).toString());
  });
});

describe('summary: net GEP as the headline, constant-price growth', () => {
  it('per km² on net GEP; the constant-price item changes only by the real growth', async () => {
    const { summaryReport } = await import('../../src/report/summary.js');
    const validated = (raw: RawRecord) => validateRecords(set, [raw]).records;
    const r2020 = validated(record(2020, { upstream_inflow: '30000' }));
    const r2021 = validated(record(2021, { upstream_inflow: '30000', tourist_visits: '11000' }));
    const a2020 = aggregateRegion(r2020.map((r) => accountTownship(set, r, 'academic')));
    const a2021 = aggregateRegion(r2021.map((r) => accountTownship(set, r, 'academic')));
    const s = summaryReport({
      set,
      profile: 'academic',
      scope: 'T1',
      scopeLabels: { zh: '甲镇', en: 'Town A' },
      current: { totals: a2021, records: r2021, year: 2021 },
      previous: { totals: a2020, records: r2020, year: 2020 },
    });
    const item = (id: string) => s.items.find((i) => i.id === id)!;
    expect(s.items[0]!.id).toBe('gep_net');
    expect(s.prices).toEqual({ current: 2021, constantYear: 2020 });
    // area 5,550 hm² = 55.5 km² (fixture land areas): per km² = net GEP ÷ 55.5
    expect(item('gep_per_km2').value!.toString()).toBe(a2021.gepNet.div('55.5').toString());
    // constant 2020 prices: the only change is 1,000 more visits × 420 元 × 686.5 ÷ 692.7
    const growth = D(1000).times(420).times('686.5').div('692.7');
    expect(item('gep_net_constant').change!.toSignificantDigits(20).toString()).toBe(
      growth.toSignificantDigits(20).toString(),
    );
    expect(item('gep_net_constant').previous!.toString()).toBe(a2020.gepNet.toString());
  });
});

describe('balance sheet, configuration minhou-2: provisioning on its rent, liabilities as stocks', () => {
  it('asset flow = regulating + cultural + Σ provisioning × rent share; the year’s damage shown apart', async () => {
    const { parse } = await import('yaml');
    const { parseBalanceSheetConfig } = await import('../../src/domain/balance-sheet-config.js');
    const { townshipBalanceSheet } = await import('../../src/domain/balance-sheet.js');
    const { assetValueAnnuityDue } = await import('../../src/domain/geep.js');
    const config = parseBalanceSheetConfig(
      parse(readFileSync(join(COEFFICIENTS, 'balance-sheet', 'minhou-2.yaml'), 'utf8')),
      set,
      'minhou-2.yaml',
    );
    const year = (y: number, stock: string) => {
      const raw = record(y, { restoration_cost_stock: stock });
      const r = validateRecords(set, [raw]).records[0]!;
      return { record: r, account: accountTownship(set, r, 'academic') };
    };
    const opening = year(2020, '500'); // 500 万元 outstanding
    const closing = year(2021, '450'); // 50 万元 restored during the year
    const sheet = townshipBalanceSheet({ set, config, opening, closing });
    const p = closing.account.productValues;
    const rent = {
      agricultural_products: '0.3',
      forestry_products: '0.4',
      livestock_products: '0.15',
      fishery_products: '0.2',
      water_supply: '0.5',
      ecological_energy: '0.3',
    };
    const provisioningRent = Object.entries(rent).reduce(
      (s, [id, share]) => s.plus(p.get(id)!.times(share)),
      D(0),
    );
    const { regulating, cultural } = closing.account.categoryValues;
    const flow = regulating.plus(cultural).plus(provisioningRent);
    expect(sheet.assetValue.closingFlow.toString()).toBe(flow.toString());
    expect(sheet.assetValue.closing.toString()).toBe(assetValueAnnuityDue(flow, D('0.0277'), 100).toString());
    // the gross flow would be larger by 70 % of agriculture, 60 % of forestry, …
    expect(closing.account.categoryValues.provisioning.gt(provisioningRent)).toBe(true);
    // liabilities: the stock only, 4,500,000 元 at the end; the year's costs are flows, not in the position
    expect(sheet.liabilities.map((l) => [l.id, l.closing.toString()])).toEqual([
      ['ecological_restoration_stock', '4500000'],
    ]);
    expect(sheet.liabilityFlows.map((l) => [l.id, l.closing.toString()])).toEqual([
      ['pollution_damage_flow', '1000000'], // 100 万元
      ['ecological_damage_flow', '500000'], // 50 万元
    ]);
    expect(sheet.closing.netAssets.toString()).toBe(sheet.closing.assets.minus(4_500_000).toString());
    expect(sheet.checks.every((c) => c.pass)).toBe(true);
  });

  it('refuses a configuration that leaves a provisioning product without a rent share', async () => {
    const { parse } = await import('yaml');
    const { parseBalanceSheetConfig } = await import('../../src/domain/balance-sheet-config.js');
    const raw = parse(readFileSync(join(COEFFICIENTS, 'balance-sheet', 'minhou-2.yaml'), 'utf8'));
    delete raw.assetValue.rentShares.water_supply;
    raw.assetValue.rentShares.water_conservation = '10%';
    raw.assetValue.rentShares.fishery_products = '120%';
    let issues: readonly string[] = [];
    try {
      parseBalanceSheetConfig(raw, set, 'bad.yaml');
    } catch (e) {
      issues = (e as { issues: readonly string[] }).issues;
    }
    expect(issues.join('\n')).toMatch(/rentShares\.water_conservation: not a provisioning product/);
    expect(issues.join('\n')).toMatch(/rentShares\.fishery_products: "120%" is not a share/);
    expect(issues.join('\n')).toMatch(/no rent share for water_supply/);
  });
});

describe('comparison: growth ranked at constant prices', () => {
  it('a township whose only change is inflation has zero real growth; visits +10 % rank first', async () => {
    const { comparisonReport } = await import('../../src/report/comparison.js');
    const recs = (y: number, visitsB: string) =>
      validateRecords(set, [
        { ...record(y), township: 'A' },
        { ...record(y, { tourist_visits: visitsB }), township: 'B' },
      ]).records;
    const r2020 = recs(2020, '10000');
    const r2021 = recs(2021, '11000');
    const region = (rs: typeof r2020) => aggregateRegion(rs.map((r) => accountTownship(set, r, 'academic')));
    const report = comparisonReport({
      set,
      region: region(r2021),
      records: r2021,
      townships: [
        { id: 'A', labels: { zh: '甲', en: 'A' } },
        { id: 'B', labels: { zh: '乙', en: 'B' } },
      ],
      previous: region(r2020),
      previousRecords: r2020,
      profile: 'academic',
    });
    const growth = report.rankings.find((r) => r.metric === 'gep_growth')!;
    expect(growth.labels.zh).toBe('GEP净值增长率（2020年不变价）');
    expect(growth.rows.map((r) => r.township)).toEqual(['B', 'A']);
    expect(growth.rows[1]!.value!.toString()).toBe('0'); // A: same physical record, inflation only
    // B: 1,000 visits × 420 元 × 686.5 ÷ 692.7 over B's 2020 net GEP at 2020 prices
    const b2020 = accountTownship(set, r2020[1]!, 'academic').gepNet;
    expect(growth.rows[0]!.value!.toSignificantDigits(15).toString()).toBe(
      D(1000).times(420).times('686.5').div('692.7').div(b2020).toSignificantDigits(15).toString(),
    );
  });
});

describe('ESV with method 2.0.0: one equivalent restated from 2010 prices', () => {
  it('3,406.50 元/hm² (2010) × 692.7 ÷ 536.1 at 2021 prices; 100 hm² of broadleaf = 100 × 22.95 equivalents', async () => {
    const { accountEsv } = await import('../../src/domain/esv.js');
    const esv = loadSet(COEFFICIENTS, 'esv-xie-2015', '2.0.0');
    const r = accountEsv(esv, new Map([['forest_broadleaf', D(100)]]), 2021);
    const d = D('3406.50').times('692.7').div('536.1'); // 4,401.59… 元/hm²
    // equal to 30 significant digits (the engine multiplies 3406.50 by the index ratio, 34 digits each step)
    expect(r.equivalentValue.toSignificantDigits(30).toString()).toBe(d.toSignificantDigits(30).toString());
    expect(r.total.toSignificantDigits(30).toString()).toBe(
      d.times(100).times('22.95').toSignificantDigits(30).toString(),
    );
  });
});
