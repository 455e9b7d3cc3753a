import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dec, sum } from '../../src/domain/decimal.js';
import { allocate, apportion, type AllocationInputs, type Fund } from '../../src/domain/allocation/index.js';

const D = (x: string | number) => new Dec(x);
const T = ['a', 'b', 'c'];
const names = new Map([
  ['a', { zh: '甲镇', en: 'Town A' }],
  ['b', { zh: '乙镇', en: 'Town B' }],
  ['c', { zh: '丙镇', en: 'Town C' }],
]);
const inputs = (
  rows: Record<string, Record<string, string>>,
  extra: Partial<AllocationInputs> = {},
): AllocationInputs => ({
  townships: T,
  names,
  figures: new Map(
    Object.entries(rows).map(([t, f]) => [t, new Map(Object.entries(f).map(([k, v]) => [k, D(v)]))]),
  ),
  ...extra,
});
const amounts = (r: ReturnType<typeof allocate>) =>
  Object.fromEntries(r.lines.map((l) => [l.township, l.amount.toFixed(2)]));
const fund = (amount: string, rule: Fund['rule']): Fund => ({
  name: { zh: '测试资金', en: 'Test fund' },
  year: 2021,
  amount: D(amount),
  source: { zh: '县财政', en: 'County budget' },
  rule,
});

describe('factor method (因素法), worked by hand', () => {
  // 水环境质量 70 % (scores 90 / 80 / 70 → 0.375, 1/3, 7/24), 森林生态保护 20 % (forest 3000 / 2000 / 1000 hm² →
  // 1/2, 1/3, 1/6), 用水总量 10 % inverse (1 / 2 / 4 万m³ → 1, 0.5, 0.25 over 1.75 → 4/7, 2/7, 1/7).
  // A = 0.2625 + 0.1 + 0.0571428… = 0.4196428…; B = 0.2333… + 0.0666… + 0.0285714… = 0.3285714…;
  // C = 0.2041666… + 0.0333… + 0.0142857… = 0.2517857…
  // × 10,000,000.00 元: A 4,196,428.5714…, B 3,285,714.2857…, C 2,517,857.1428…; floors add to 9,999,999.99,
  // the last fen goes to the largest remainder (B, 0.57 fen).
  const f = fund('10000000.00', {
    kind: 'factor',
    factors: [
      {
        id: 'water',
        labels: { zh: '水环境质量', en: 'Water quality' },
        weight: D('0.7'),
        normalise: 'proportional',
        unit: '分',
      },
      {
        id: 'forest',
        labels: { zh: '森林生态保护', en: 'Forest protection' },
        weight: D('0.2'),
        normalise: 'proportional',
        unit: 'hm²',
      },
      {
        id: 'water_use',
        labels: { zh: '用水总量', en: 'Water use' },
        weight: D('0.1'),
        normalise: 'inverse',
        unit: '万m³',
      },
    ],
  });
  const r = allocate(
    f,
    inputs({
      a: { water: '90', forest: '3000', water_use: '1' },
      b: { water: '80', forest: '2000', water_use: '2' },
      c: { water: '70', forest: '1000', water_use: '4' },
    }),
  );
  it('splits 10,000,000.00 元 to the fen and the parts add to the fund exactly', () => {
    expect(r.issues).toEqual([]);
    expect(amounts(r)).toEqual({ a: '4196428.57', b: '3285714.29', c: '2517857.14' });
    expect(sum(r.lines.map((l) => l.amount)).toFixed(2)).toBe('10000000.00');
    expect(r.retained.isZero()).toBe(true);
  });
  it('explains each township with its factors', () => {
    const a = r.lines.find((l) => l.township === 'a')!;
    expect(a.parts.map((p) => p.labels.zh)).toEqual([
      '水环境质量（权重 70%，90 分，占比 37.5%）',
      '森林生态保护（权重 20%，3000 hm²，占比 50%）',
      '用水总量（权重 10%，1 万m³，占比 57.1429%）',
    ]);
    expect(a.explanation.zh).toContain('综合分配系数 41.9643%');
  });
  it('refuses a missing figure, naming the township (never 0)', () => {
    const bad = allocate(
      f,
      inputs({
        a: { water: '90', forest: '3000', water_use: '1' },
        b: { water: '80', forest: '2000' },
        c: { water: '70', forest: '1000', water_use: '4' },
      }),
    );
    expect(bad.lines).toEqual([]);
    expect(bad.issues.map((i) => i.zh)).toEqual(['乙镇：缺少“用水总量”']);
  });
  it('any weights: the parts always add to the total to the fen (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.array(fc.integer({ min: 0, max: 10 ** 9 }), { minLength: 1, maxLength: 40 }),
        (fen, weights) => {
          const total = D(fen).div(100);
          const parts = apportion(total, new Map(weights.map((w, i) => [i, D(w)])));
          const s = sum(parts.values());
          return weights.every((w) => w === 0)
            ? s.isZero()
            : s.eq(total) && [...parts.values()].every((p) => p.times(100).isInteger());
        },
      ),
    );
  });
});

describe('score-based allocation with base, cut and reward', () => {
  // fund 10,000,000 元; bases A 4,000,000, B 3,000,000, C 2,000,000; full score 100; the best gets 300,000.
  // scores A 104, B 92.5, C 101 → kept A 4,000,000, B 3,000,000 × 0.925 = 2,775,000, C 2,000,000; top: A 300,000.
  // pool = 10,000,000 − 8,775,000 − 300,000 = 925,000, shared by points above 100 (A 4, C 1): A 740,000, C 185,000.
  const rule = { kind: 'score_based' as const, fullScore: D(100), topN: 1, topReward: D(300000) };
  it('keeps, cuts and rewards, adding to the fund', () => {
    const r = allocate(
      fund('10000000', rule),
      inputs({
        a: { score: '104', base: '4000000' },
        b: { score: '92.5', base: '3000000' },
        c: { score: '101', base: '2000000' },
      }),
    );
    expect(amounts(r)).toEqual({ a: '5040000.00', b: '2775000.00', c: '2185000.00' });
    expect(r.retained.isZero()).toBe(true);
    expect(r.total.toString()).toBe('10000000');
  });
  it('a vetoed township (score 0) keeps nothing; with no one above full the cuts are retained', () => {
    // A 100 → 4,000,000 + 300,000 (top); B 0 → 0; C 95 → 1,900,000; retained 10,000,000 − 6,200,000 = 3,800,000
    const r = allocate(
      fund('10000000', rule),
      inputs({
        a: { score: '100', base: '4000000' },
        b: { score: '0', base: '3000000' },
        c: { score: '95', base: '2000000' },
      }),
    );
    expect(amounts(r)).toEqual({ a: '4300000.00', b: '0.00', c: '1900000.00' });
    expect(r.retained.toString()).toBe('3800000');
    expect(r.retainedReason?.zh).toBe('无乡镇得分超过满分，扣减部分留存');
  });
  it('refuses a fund too small for the base amounts', () => {
    const r = allocate(
      fund('5000000', rule),
      inputs({
        a: { score: '100', base: '4000000' },
        b: { score: '100', base: '3000000' },
        c: { score: '100', base: '2000000' },
      }),
    );
    expect(r.lines).toEqual([]);
    expect(r.issues[0]!.zh).toContain('不足');
  });
});

describe('payment per unit of real GEP increment (as Jingning paid 大均乡)', () => {
  const rule = { kind: 'per_increment' as const, ratePerUnit: D(500), unit: '万元' };
  const data = inputs({ a: { increment: '3760' }, b: { increment: '-200' }, c: { increment: '1000' } });
  it('pays 500 元 per 万元 of increment, nothing for a decrease, and retains the rest', () => {
    // A 3760 × 500 = 1,880,000; B 0; C 500,000; Σ 2,380,000 of a 3,000,000 fund → 620,000 retained
    const r = allocate(fund('3000000', rule), data);
    expect(amounts(r)).toEqual({ a: '1880000.00', b: '0.00', c: '500000.00' });
    expect(r.retained.toString()).toBe('620000');
  });
  it('scales down to a smaller fund, to the fen', () => {
    // 2,000,000 × 1,880,000 / 2,380,000 = 1,579,831.9327…; C 420,168.0672… → the spare fen to C (0.72 > 0.27)
    const r = allocate(fund('2000000', rule), data);
    expect(amounts(r)).toEqual({ a: '1579831.93', b: '0.00', c: '420168.07' });
    expect(r.retained.isZero()).toBe(true);
  });
});

describe('reward–penalty schedule per point of change (as Zhejiang green-development rewards)', () => {
  it('rewards 500,000 元 a point, 1,000,000 more a point beyond 1, and takes 1,000,000 a point of decline', () => {
    // A +1.5 → 750,000 + 0.5 × 1,000,000 = 1,250,000; B −0.4 → −400,000; C 0 → 0; net 850,000 of a 2,000,000 fund
    const r = allocate(
      fund('2000000', {
        kind: 'schedule',
        unit: '百分点',
        rewardPerUnit: D(500000),
        penaltyPerUnit: D(1000000),
        extraAbove: { threshold: D(1), perUnit: D(1000000) },
      }),
      inputs({ a: { change: '1.5' }, b: { change: '-0.4' }, c: { change: '0' } }),
    );
    expect(amounts(r)).toEqual({ a: '1250000.00', b: '-400000.00', c: '0.00' });
    expect(r.retained.toString()).toBe('1150000');
  });
});

describe('upstream–downstream horizontal compensation, twelve months', () => {
  // 断面一 A→B 100,000 元/month: met 10, failed 2 (Mar, Aug) → B pays A 10 × 100,000, A pays B 2 × 100,000: A +800,000.
  // 断面二 B→C 50,000 元/month: met 7, failed 5 → B +50,000 × (7 − 5) = +100,000, C −100,000.
  // Net: A +800,000; B −800,000 + 100,000 = −700,000; C −100,000; Σ 0.
  const rule = {
    kind: 'upstream_downstream' as const,
    period: 'month' as const,
    pairs: [
      {
        id: 's1',
        section: { zh: '断面一', en: 'Section 1' },
        upstream: 'a',
        downstream: 'b',
        amountPerPeriod: D(100000),
      },
      {
        id: 's2',
        section: { zh: '断面二', en: 'Section 2' },
        upstream: 'b',
        downstream: 'c',
        amountPerPeriod: D(50000),
      },
    ],
  };
  const months = (failed: number[]) => Array.from({ length: 12 }, (_, i) => !failed.includes(i + 1));
  it('settles each month by compliance and nets to zero', () => {
    const r = allocate(
      fund('0', rule),
      inputs(
        {},
        {
          compliance: new Map([
            ['s1', months([3, 8])],
            ['s2', months([1, 2, 6, 7, 12])],
          ]),
        },
      ),
    );
    expect(r.issues).toEqual([]);
    expect(amounts(r)).toEqual({ a: '800000.00', b: '-700000.00', c: '-100000.00' });
    expect(r.total.isZero()).toBe(true);
    const s1 = r.settlements![0]!;
    expect(s1.periods[2]).toEqual({ compliant: false, payer: 'a', payee: 'b' });
    expect(s1.periods[0]).toEqual({ compliant: true, payer: 'b', payee: 'a' });
    expect(r.lines.find((l) => l.township === 'b')!.parts.map((p) => p.labels.zh)).toEqual([
      '断面一（甲镇→乙镇）达标 10/12个月，下游付',
      '断面二（乙镇→丙镇）达标 7/12个月，上游收',
    ]);
  });
  it('refuses a series that is not twelve months', () => {
    const r = allocate(
      fund('0', rule),
      inputs(
        {},
        {
          compliance: new Map([
            ['s1', months([])],
            ['s2', months([]).slice(0, 11)],
          ]),
        },
      ),
    );
    expect(r.issues.map((i) => i.zh)).toEqual(['断面“断面二”须有 12 个月的达标结果，收到 11 个']);
  });
});
