/**
 * The eco-product register and the realisation ledger, worked by hand: quantities agree with the accounts,
 * a trade and a procurement contract give the expected rate, an asset package's rights add up to its area,
 * and every bad row is named with its field and reason at once.
 */
import { describe, expect, it } from 'vitest';
import { accountTownship } from '../../src/domain/accounting.js';
import { Dec } from '../../src/domain/decimal.js';
import { validateRecords } from '../../src/domain/inputs.js';
import {
  entryFigure,
  procurementLines,
  realisationRates,
  validateEntries,
  validateRealisations,
  type RawEntry,
  type RawRealisation,
} from '../../src/domain/register.js';
import { loadSet } from '../../src/methods/resolve.js';
import { set as functional } from './fixtures.js';
import { tinySet } from './tiny-set.js';

const tiny = loadSet(tinySet(), 'tiny', '1.0.0');
const townships = [
  { id: 'T1', names: ['甲镇', 'Jia Town'] },
  { id: 'T2', names: ['乙镇'] },
];

const entry = (o: RawEntry = {}): RawEntry => ({
  name: '甲镇 组分丙',
  township: '甲镇',
  product: 'p',
  component: 'c',
  source: 'accounts',
  owner: '甲村村集体',
  ownership: '集体所有',
  rightHolder: '甲林场',
  rightType: '林地经营权',
  supplier: '甲林场',
  grade: '良',
  tradable: '是',
  ...o,
});

describe('register entries', () => {
  it('takes quantity and value from the township account, times the share', () => {
    // x = 1000 → quantity c = 1000 t; value = Q × k = 1000 t × 2 元/t = 2000 元
    const { records } = validateRecords(tiny, [{ township: 'T1', year: 2021, values: { x: '1000' } }]);
    const account = accountTownship(tiny, records[0]!, 'all');
    const { entries, issues } = validateEntries({ set: tiny, townships }, [
      entry(),
      entry({ name: '甲镇 一村', village: '一村', share: '25 %' }),
    ]);
    expect(issues).toEqual([]);
    expect(entries[0]!.township).toBe('T1');
    const whole = entryFigure(tiny, entries[0]!, account);
    expect(whole.quantity!.toString()).toBe('1000');
    expect(whole.unit).toBe('t');
    expect(whole.value!.toString()).toBe('2000');
    // the register's figure is the account's own: same component result, not a copy typed again
    expect(whole.quantity!.eq(account.components[0]!.quantity!)).toBe(true);
    // 25 % of the township: 1000 t × 0.25 = 250 t; 2000 元 × 0.25 = 500 元
    const part = entryFigure(tiny, entries[1]!, account);
    expect(part.quantity!.toString()).toBe('250');
    expect(part.value!.toString()).toBe('500');
    // no approved account: the figure is missing with a reason, never 0
    expect(entryFigure(tiny, entries[0]!, undefined).missing?.en).toMatch(/no approved accounts/);
  });

  it('converts an entered quantity to the component unit', () => {
    // 3 万t = 30 000 t
    const { entries, issues } = validateEntries({ set: tiny, townships }, [
      entry({ source: '填报', quantity: '3', unit: '万t', value: '60000' }),
    ]);
    expect(issues).toEqual([]);
    const f = entryFigure(tiny, entries[0]!, undefined);
    expect(f.quantity!.toString()).toBe('30000');
    expect(f.value!.toString()).toBe('60000');
  });

  it('names every problem of every row at once, in zh and en', () => {
    const { entries, issues } = validateEntries({ set: tiny, townships }, [
      entry({ township: '丙镇', grade: '特级', tradable: '是' }),
      entry({ owner: '', tradable: '否', share: '150 %', origin: { sheet: '目录', row: 7 } }),
      entry({ source: 'entered', unit: 'm3', quantity: 'abc' }),
    ]);
    expect(entries).toEqual([]);
    const at = issues.map((i) => `${i.row}:${i.field}`);
    expect(at).toEqual([
      '1:township',
      '1:grade',
      '7:share',
      '7:owner',
      '7:tradableReason',
      '3:quantity',
      '3:unit',
    ]);
    expect(issues[0]!.message.zh).toBe('乡镇：未知乡镇"丙镇"');
    expect(issues[4]!.message.en).toBe('why (not) tradable: say why it cannot be traded');
    expect(issues[6]!.message.zh).toBe('单位："m3"不能换算为"t"');
  });
});

const rawTrade: RawRealisation = {
  kind: 'trade',
  date: '2021-05-10',
  contractNo: 'MH-2021-001',
  buyer: '某茶企',
  seller: '甲村合作社',
  product: 'agricultural_products',
  entries: ['1'],
  quantity: '12.5',
  unit: 't',
  unitPrice: '36000',
};
const rawProcurement: RawRealisation = {
  kind: '政府采购',
  date: '2021-11-30',
  contractNo: 'MHCG-2021-08',
  buyer: '县财政局',
  seller: '县林业投资公司',
  product: 'water_conservation',
  entries: ['2', '3'],
  quantity: '2,000,000',
  unit: 'm3',
  unitPrice: '0.3',
  amount: '600000.00',
};
const ledgerCtx = {
  set: functional,
  entries: new Map([
    ['1', { product: 'agricultural_products', township: 'T1', name: '甲村 茶叶' }],
    ['2', { product: 'water_conservation', township: 'T1', name: '甲镇 水源涵养' }],
    ['3', { product: 'water_conservation', township: 'T2', name: '乙镇 水源涵养' }],
    ['4', { product: 'forestry_products', township: 'T2', name: '乙镇 林木' }],
  ]),
};

describe('realisation ledger', () => {
  it('a trade and a procurement contract give the expected realisation rate', () => {
    const { realisations, issues } = validateRealisations(ledgerCtx, [rawTrade, rawProcurement]);
    expect(issues).toEqual([]);
    // trade: 12.5 t × 36 000 元/t = 450 000 元; procurement: 2 000 000 m³ × 0.3 元/m³ = 600 000 元
    expect(realisations.map((r) => r.amount.toString())).toEqual(['450000', '600000']);
    const gep = {
      year: 2021,
      gep: new Dec('50000000'), // 5 000 万元
      productValues: new Map([
        ['agricultural_products', new Dec('9000000')],
        ['water_conservation', new Dec('20000000')],
        ['climate_regulation', new Dec('10000000')],
      ]),
    };
    const townOf = new Map([...ledgerCtx.entries].map(([id, e]) => [id, e.township]));
    const [y] = realisationRates(functional, realisations, [gep], townOf);
    // (450 000 + 600 000) 元 ÷ 50 000 000 元 = 0.021 = 2.1 %
    expect(y!.realised.toString()).toBe('1050000');
    expect(y!.rate!.toString()).toBe('0.021');
    // per product: 450 000 ÷ 9 000 000 = 0.05; 600 000 ÷ 20 000 000 = 0.03
    expect(y!.byProduct.get('agricultural_products')!.rate!.toString()).toBe('0.05');
    expect(y!.byProduct.get('water_conservation')!.rate!.toString()).toBe('0.03');
    // regulating GEP = 20 000 000 + 10 000 000 = 30 000 000 元; realised 600 000, all by procurement
    expect(y!.regulating.gep!.toString()).toBe('30000000');
    expect(y!.regulating.rate!.toString()).toBe('0.02');
    expect(y!.regulating.procurementShare!.toString()).toBe('1');
    // by township: the trade is T1's; the procurement draws on T1 and T2 → "several townships"
    expect(y!.byTownship.get('T1')!.toString()).toBe('450000');
    expect(y!.byTownship.get('*')!.toString()).toBe('600000');
    expect(y!.byKind.get('procurement')!.toString()).toBe('600000');
  });

  it('refuses an amount that is not quantity × unit price, an unknown entry and a wrong product', () => {
    const { realisations, issues } = validateRealisations(ledgerCtx, [
      { ...rawProcurement, amount: '600000.01', entries: ['2', '9', '1'] },
    ]);
    expect(realisations).toEqual([]);
    expect(issues.map((i) => i.field)).toEqual(['entries', 'entries', 'amount']);
    expect(issues[0]!.message.zh).toBe('关联目录条目：目录中没有条目 9');
    expect(issues[1]!.message.en).toBe('register entries: entry "甲村 茶叶" is not of "Water conservation"');
    expect(issues[2]!.message.zh).toBe('金额（元）：600000.01 元 ≠ 数量 × 单价 = 600000 元');
  });

  const pkg = (areas: string[], packageArea: string): RawRealisation => ({
    kind: 'eco_bank',
    date: '2021-08-01',
    contractNo: 'STYH-2021-01',
    buyer: '县生态银行运营公司',
    seller: '乙镇林农（3 户）',
    product: 'forestry_products',
    entries: ['4'],
    amount: '55800', // 155 亩 × 360 元/亩·年 (托管费)
    operator: '县生态银行运营公司',
    terms: '托管 20 年，每年 360 元/亩，期满木材收入 60% 归林农',
    packageArea,
    rights: areas.map((a, i) => ({
      holder: `林农${i + 1}`,
      rightType: '林地经营权',
      areaHm2: a,
      entry: '4',
    })),
  });

  it("an asset package's rights add up to its area", () => {
    // 2.4 + 3.6 + 4.3333 = 10.3333 hm²
    const ok = validateRealisations(ledgerCtx, [pkg(['2.4', '3.6', '4.3333'], '10.3333')]);
    expect(ok.issues).toEqual([]);
    expect(ok.realisations[0]!.package!.rights.length).toBe(3);
    expect(ok.realisations[0]!.amount.toString()).toBe('55800');
    // one hundredth of a hectare off: refused, naming both sums
    const off = validateRealisations(ledgerCtx, [pkg(['2.4', '3.6', '4.3333'], '10.34')]);
    expect(off.realisations).toEqual([]);
    expect(off.issues.map((i) => i.message.en)).toEqual([
      "package area (hm²): 10.34 hm² ≠ the rights' total 10.3333 hm²",
    ]);
  });

  it('derives the procurement list: reference price = value ÷ quantity, budget = value', () => {
    const { records } = validateRecords(tiny, [{ township: 'T1', year: 2021, values: { x: '1000' } }]);
    const account = accountTownship(tiny, records[0]!, 'all');
    const { entries } = validateEntries({ set: tiny, townships }, [entry()]);
    // the tiny set's product is provisioning: not on the procurement list of regulating services
    expect(
      procurementLines(tiny, [
        { id: '1', entry: entries[0]!, figure: entryFigure(tiny, entries[0]!, account) },
      ]),
    ).toEqual([]);
    const water = {
      ...entries[0]!,
      product: 'water_conservation',
      component: undefined,
      source: 'entered' as const,
      quantity: new Dec('2000000'),
      unit: 'm3',
      value: new Dec('1640000'),
    };
    const [l] = procurementLines(functional, [
      { id: '2', entry: water, figure: entryFigure(functional, water, undefined) },
    ]);
    // 1 640 000 元 ÷ 2 000 000 m³ = 0.82 元/m³
    expect(l!.referencePrice!.toString()).toBe('0.82');
    expect(l!.budget!.toString()).toBe('1640000');
  });
});
