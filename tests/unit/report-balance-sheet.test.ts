import { describe, expect, it } from 'vitest';
import { accountTownship, aggregateRegion, type InputRecord } from '../../src/domain/accounting.js';
import { BalanceSheetConfigError, parseBalanceSheetConfig } from '../../src/domain/balance-sheet-config.js';
import { regionBalanceSheet, townshipBalanceSheet, type ExtentRow } from '../../src/domain/balance-sheet.js';
import type { Dec } from '../../src/domain/decimal.js';
import { validateRecords } from '../../src/domain/inputs.js';
import type { TransitionMatrix } from '../../src/domain/transitions.js';
import { balanceSheetReport } from '../../src/report/balance-sheet.js';
import { BASE_AREAS, baseRawRecord, set } from './fixtures.js';
import { D, expectDec, minhouSample, readBalanceSheetConfig, totals } from './report-fixtures.js';

const config = readBalanceSheetConfig(set);

/** A validated record: the base record with land areas, stocks and costs replaced. */
function record(township: string, year: number, values: Record<string, unknown>): InputRecord {
  const raw = baseRawRecord(township, year);
  const { records, issues } = validateRecords(set, [{ ...raw, values: { ...raw.values, ...values } }]);
  expect(issues).toEqual([]);
  return records[0]!;
}

/** A transition matrix that keeps every class in place except the listed conversions (hm²). */
function matrix(township: string, moves: Record<string, Record<string, string>>): TransitionMatrix {
  const m: Record<string, Record<string, string>> = {};
  for (const [cls, area] of Object.entries(BASE_AREAS)) {
    const out = moves[cls] ?? {};
    const moved = Object.values(out).reduce((a, v) => a.plus(v), D(0));
    m[cls] = { [cls]: D(area).minus(moved).toString(), ...out };
  }
  return { township, fromYear: 2020, toYear: 2021, unit: 'hm2', matrix: m };
}

// T1: 5 hm² of broadleaf forest built over, 3 hm² of dry farmland planted with tea; a matrix is given.
const t1Opening = record('T1', 2020, {
  forest_stock_volume: '100000',
  water_resources_total: '10000',
  pollution_cost: '100',
  ecological_damage_cost: '50',
});
const t1Closing = record('T1', 2021, {
  land_area: {
    ...BASE_AREAS,
    forest_broadleaf: '995',
    built_up: '405',
    dry_farmland: '297',
    orchard_tea: '303',
  },
  forest_stock_volume: '103000', // m³: +3,000
  water_resources_total: '9500', // 万m³: −500
  pollution_cost: '120', // 万元
  ecological_damage_cost: '50', // 万元
});
const t1Matrix = matrix('T1', { forest_broadleaf: { built_up: '5' }, dry_farmland: { orchard_tea: '3' } });
// T2: 10 hm² of bare land flooded; no matrix.
const t2Opening = record('T2', 2020, {});
const t2Closing = record('T2', 2021, { land_area: { ...BASE_AREAS, bare: '40', water: '210' } });

const row = (rows: readonly ExtentRow[], cls: string) => rows.find((r) => r.landClass === cls)!;

describe('balance-sheet configuration (coefficients/balance-sheet/minhou.yaml)', () => {
  it('names the stocks, the NPV basis and the liabilities as data', () => {
    expect(config.stocks.map((s) => s.input.id)).toEqual(['forest_stock_volume', 'water_resources_total']);
    expectDec(config.assetValue.rate, '0.0277'); // '2.77%'
    expect(config.assetValue.years).toBe(100);
    expect(config.liabilities.map((l) => [l.id, l.inputs.map((i) => i.id)])).toEqual([
      ['pollution_restoration', ['pollution_cost']],
      ['ecological_restoration', ['ecological_damage_cost']],
    ]);
  });

  it('refuses unknown inputs, per-class stocks and non-money liabilities, all at once', () => {
    const bad = {
      format: 'gep-ledger/balance-sheet@1',
      id: 'bad',
      title: { zh: '坏', en: 'bad' },
      stocks: [{ input: 'no_such_input' }, { input: 'evapotranspiration' }],
      assetValue: { rate: '-150%', years: 10, source: 'test' },
      liabilities: [
        {
          id: 'x',
          labels: { zh: 'x', en: 'x' },
          basis: { zh: 'x', en: 'x' },
          source: 's',
          inputs: ['grain_output'],
        },
      ],
    };
    let error: BalanceSheetConfigError | undefined;
    try {
      parseBalanceSheetConfig(bad, set, 'bad.yaml');
    } catch (e) {
      error = e as BalanceSheetConfigError;
    }
    expect(error?.issues).toHaveLength(4);
    expect(error?.message).toContain('no input "no_such_input"');
    expect(error?.message).toContain('"evapotranspiration" is given per land class');
    expect(error?.message).toContain('"-150%" is not a rate');
    expect(error?.message).toContain('"grain_output" is not an amount of money (t)');
  });
});

describe('township balance sheet worked by hand', () => {
  const sheet = townshipBalanceSheet({
    set,
    config,
    // GEP 2020: 242,000,000 元; 2021: 121,000,000 元
    opening: { record: t1Opening, account: totals('121000000', '96800000', '24200000') },
    closing: { record: t1Closing, account: totals('60500000', '48400000', '12100000', '1000000') },
    transition: t1Matrix,
    assetValue: { rate: D('0.1'), years: 3 },
  });

  it('extent account from the transition matrix: additions = column − diagonal, reductions = row − diagonal', () => {
    expect(sheet.extent.basis).toBe('transition_matrix');
    const broadleaf = row(sheet.extent.rows, 'forest_broadleaf'); // 1000 − 5 = 995
    expect(
      [broadleaf.opening, broadleaf.additions, broadleaf.reductions, broadleaf.closing].map(String),
    ).toEqual(['1000', '0', '5', '995']);
    const built = row(sheet.extent.rows, 'built_up'); // 400 + 5 = 405
    expect([built.opening, built.additions, built.reductions, built.closing].map(String)).toEqual([
      '400',
      '5',
      '0',
      '405',
    ]);
    const dry = row(sheet.extent.rows, 'dry_farmland'); // 300 − 3 = 297
    expect([dry.additions, dry.reductions, dry.closing].map(String)).toEqual(['0', '3', '297']);
    const tea = row(sheet.extent.rows, 'orchard_tea'); // 300 + 3 = 303
    expect([tea.additions, tea.reductions, tea.closing].map(String)).toEqual(['3', '0', '303']);
    // total: 5,550 hm² both years; 8 hm² converted in and 8 out
    const t = sheet.extent.total;
    expect([t.opening, t.additions, t.reductions, t.closing].map(String)).toEqual(['5550', '8', '8', '5550']);
    expectDec(sheet.extent.matrix!.get('forest_broadleaf')!.get('built_up'), 5);
  });

  it('stocks on a net basis: forest +3,000 m³, water resources −500 万m³', () => {
    const [forest, water] = sheet.stocks;
    expect([forest!.opening, forest!.additions, forest!.reductions, forest!.closing].map(String)).toEqual([
      '100000',
      '3000',
      '0',
      '103000',
    ]);
    expect([water!.opening, water!.additions, water!.reductions, water!.closing].map(String)).toEqual([
      '10000',
      '0',
      '500',
      '9500',
    ]);
    expect(water!.unit).toBe('万m3');
  });

  it('service value extension: GEP 242,000,000 → 121,000,000 元, −50 %', () => {
    const gep = sheet.serviceValues.find((r) => r.id === 'gep')!;
    expectDec(gep.change, '-121000000');
    expectDec(gep.changeRate, '-0.5');
    const net = sheet.serviceValues.find((r) => r.id === 'gep_net')!;
    expectDec(net.closing, '120000000'); // 121,000,000 − 1,000,000 deducted
  });

  it('asset value = NPV of the flow at 10 % over 3 years, annuity-due', () => {
    // closing: 121e6 + 121e6/1.1 + 121e6/1.21 = 121e6 + 110e6 + 100e6 = 331,000,000 元
    expectDec(sheet.assetValue.closing, '331000000');
    // opening: 242e6 + 220e6 + 200e6 = 662,000,000 元
    expectDec(sheet.assetValue.opening, '662000000');
  });

  it('liabilities in 万元 converted to 元, net assets = assets − liabilities', () => {
    // closing: pollution 120 万元 = 1,200,000 元; ecological damage 50 万元 = 500,000 元
    expect(sheet.liabilities.map((l) => [l.id, l.closing.toString()])).toEqual([
      ['pollution_restoration', '1200000'],
      ['ecological_restoration', '500000'],
    ]);
    expectDec(sheet.closing.liabilities, '1700000');
    expectDec(sheet.closing.netAssets, '329300000'); // 331,000,000 − 1,700,000
    // opening: 100 + 50 万元 = 1,500,000 元; 662,000,000 − 1,500,000
    expectDec(sheet.opening.netAssets, '660500000');
  });

  it('every identity holds and is listed', () => {
    expect(sheet.checks.filter((c) => !c.pass)).toEqual([]);
    // 13 classes + total, 2 stocks, Σ categories ×2, liabilities ×2, net assets ×2
    expect(sheet.checks).toHaveLength(13 + 1 + 2 + 2 + 2 + 2);
  });

  it('the report lays the sheet out with keys, labels and units', () => {
    const report = balanceSheetReport(set, sheet, { zh: '一镇', en: 'T1' });
    expect(report.balanced).toBe(true);
    const builtRow = report.extent.rows.find((r) => r.key === 'T1|extent|built_up')!;
    expect(builtRow.labels.zh).toBe(set.landClasses.find((c) => c.id === 'built_up')!.labels.zh);
    expectDec(builtRow.cells.additions as Dec, 5);
    expect(report.transitionMatrix!.rows).toHaveLength(13);
    const net = report.assetsAndLiabilities.rows.find((r) => r.key === 'T1|position|net_assets')!;
    expectDec(net.cells.closing as Dec, '329300000');
    expect(report.assetsAndLiabilities.columns.find((c) => c.id === 'closing')!.unit).toBe('yi_yuan');
  });
});

describe('failing identities are reported, not hidden', () => {
  it('a matrix that does not match the areas: the account falls back to net change and says why', () => {
    const wrong = matrix('T1', { forest_broadleaf: { built_up: '6' }, dry_farmland: { orchard_tea: '3' } });
    const sheet = townshipBalanceSheet({
      set,
      config,
      opening: { record: t1Opening, account: totals('1', '1', '1') },
      closing: { record: t1Closing, account: totals('1', '1', '1') },
      transition: wrong,
    });
    expect(sheet.extent.basis).toBe('net_change');
    const failed = sheet.checks.filter((c) => !c.pass);
    expect(failed.map((c) => c.id)).toEqual(['extent.transition_matrix']);
    // row broadleaf: 994 + 6 = 1000 fits; column broadleaf 994 ≠ 995, column built_up 406 ≠ 405
    expect(failed[0]!.detail!.en).toContain('column sum 994 hm² ≠ closing area 995 hm²');
    expect(failed[0]!.detail!.en).toContain('column sum 406 hm² ≠ closing area 405 hm²');
    // the detail names the land classes as the set does, never by id
    const name = (id: string) => set.landClasses.find((c) => c.id === id)!.labels;
    expect(failed[0]!.detail!.zh).toContain(`${name('built_up').zh}：列合计 406 hm²`);
    expect(failed[0]!.detail!.en).toContain(`${name('built_up').en}: column sum 406 hm²`);
    expect(failed[0]!.detail!.zh).not.toMatch(/[a-z]_[a-z]/);
    const builtCheck = sheet.checks.find((c) => c.id === 'extent.built_up')!;
    expect(builtCheck.labels.zh).toBe(`期初 + 本期增加 − 本期减少 = 期末（${name('built_up').zh}）`);
    // net change still balances: broadleaf −5, built-up +5
    expectDec(row(sheet.extent.rows, 'forest_broadleaf').reductions, 5);
  });
});

describe('county balance sheet = Σ townships', () => {
  const profile = 'academic';
  const opening = [t1Opening, t2Opening];
  const closing = [t1Closing, t2Closing];
  const sheet = regionBalanceSheet({
    set,
    config,
    opening: {
      records: opening,
      region: aggregateRegion(opening.map((r) => accountTownship(set, r, profile))),
    },
    closing: {
      records: closing,
      region: aggregateRegion(closing.map((r) => accountTownship(set, r, profile))),
    },
    transitions: [t1Matrix],
  });

  it('adds the extent accounts: T1 by matrix, T2 by net change', () => {
    expect(sheet.townships.map((s) => s.extent.basis)).toEqual(['transition_matrix', 'net_change']);
    expect(sheet.total.extent.basis).toBe('mixed');
    expect(sheet.total.extent.matrix).toBeUndefined(); // T2 has none
    const t = sheet.total.extent;
    // forest: 2 × 1000 opening, −5 (T1); water +10, bare −10 (T2)
    expect(
      [row(t.rows, 'forest_broadleaf').opening, row(t.rows, 'forest_broadleaf').closing].map(String),
    ).toEqual(['2000', '1995']);
    expectDec(row(t.rows, 'water').additions, 10);
    expectDec(row(t.rows, 'bare').reductions, 10);
    // total: 11,100 hm²; additions 5 + 3 + 10 = 18, reductions 5 + 3 + 10 = 18
    expect([t.total.opening, t.total.additions, t.total.reductions, t.total.closing].map(String)).toEqual([
      '11100',
      '18',
      '18',
      '11100',
    ]);
  });

  it('liabilities: T1 1,700,000 + T2 1,500,000 元; every identity passes, county = Σ townships', () => {
    expectDec(sheet.total.closing.liabilities, '3200000');
    expect(sheet.checks.filter((c) => !c.pass)).toEqual([]);
    expect(sheet.checks.map((c) => c.id)).toContain('county_sum.net_assets');
  });
});

describe('Minhou sample county 2020 → 2021', () => {
  it('uses every township’s transition matrix and balances', () => {
    const s = minhouSample();
    const cfg = readBalanceSheetConfig(s.set);
    const sheet = regionBalanceSheet({
      set: s.set,
      config: cfg,
      opening: { records: s.records(2020), region: s.region(2020) },
      closing: { records: s.records(2021), region: s.region(2021) },
      transitions: s.dataset.transitions,
    });
    expect(sheet.townships).toHaveLength(15);
    expect(sheet.total.extent.basis).toBe('transition_matrix');
    expect(sheet.checks.filter((c) => !c.pass)).toEqual([]);
    // the county's closing extent is the sum of the townships' land areas = 2,136 km² = 213,600 hm²
    expectDec(sheet.total.extent.total.closing, '213600');
  });
});
