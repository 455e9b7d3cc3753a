import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import {
  compareYears,
  evaluateRule,
  scoreScheme,
  type AssessmentScheme,
  type IndicatorValue,
  type RuleSpec,
} from '../../src/domain/assessment/index.js';

const D = (x: string | number) => new Dec(x);
const expectDec = (actual: Dec | undefined, expected: string) => {
  expect(actual, 'value missing').toBeDefined();
  expect(actual!.toString()).toBe(new Dec(expected).toString());
};
/** Points of one rule for one figure (weight in points), others' figures for rank rules. */
function points(
  rule: RuleSpec,
  weight: string,
  value: IndicatorValue,
  peers: string[] = [],
  unit = '%',
): Dec {
  const out = evaluateRule(rule, { weight: D(weight), value, unit, peers: peers.map(D) });
  if (!out.ok) throw new Error(out.message.en);
  return out.points;
}
const v = (x: string): IndicatorValue => ({ value: D(x) });

describe('rule registry, worked by hand', () => {
  it('linear between bounds: forest cover 0.70 between 0.60 and 0.80, weight 20 → 20 × (0.70 − 0.60)/0.20 = 10 points', () => {
    const rule: RuleSpec = { kind: 'linear', lower: D('0.6'), upper: D('0.8'), direction: 'higher_better' };
    expectDec(points(rule, '20', v('0.70')), '10');
    expectDec(points(rule, '20', v('0.55')), '0'); // below the lower bound
    expectDec(points(rule, '20', v('0.95')), '20'); // above the upper bound: capped at the weight
    // lower is better: composite air index 3.2 between 3.0 (best) and 4.0 (worst), weight 10 → 10 × (4.0 − 3.2)/1.0 = 8
    const lower: RuleSpec = { kind: 'linear', lower: D('3.0'), upper: D('4.0'), direction: 'lower_better' };
    expectDec(points(lower, '10', v('3.2'), [], ''), '8');
  });

  it('tiers: good-air days ≥ 95 % → 100 %, ≥ 90 % → 80 %, else 0; weight 15 → 0.93 gives 15 × 0.8 = 12', () => {
    const rule: RuleSpec = {
      kind: 'tiers',
      tiers: [
        { atLeast: D('0.95'), share: D(1) },
        { atLeast: D('0.90'), share: D('0.8') },
      ],
    };
    expectDec(points(rule, '15', v('0.93')), '12');
    expectDec(points(rule, '15', v('0.96')), '15');
    expectDec(points(rule, '15', v('0.85')), '0');
  });

  it('target completion: target 100 万元, achieved 90 → 90 %, weight 10 → 9; 130 credited up to 120 % → 12', () => {
    const rule: RuleSpec = {
      kind: 'target_completion',
      target: D(100),
      direction: 'higher_better',
      maxRate: D('1.2'),
    };
    expectDec(points(rule, '10', v('90'), [], '万元'), '9');
    expectDec(points(rule, '10', v('130'), [], '万元'), '12');
    // lower is better: target ≤ 50 t, emitted 62.5 t → 50/62.5 = 80 % → 8 points
    const lower: RuleSpec = {
      kind: 'target_completion',
      target: D(50),
      direction: 'lower_better',
      maxRate: D(1),
    };
    expectDec(points(lower, '10', v('62.5'), [], 't'), '8');
  });

  it('rank among 5 townships, last earns 60 %: 3rd → 1 − (2/4) × 0.4 = 0.8 → weight 10 → 8; ties share a rank', () => {
    const rule: RuleSpec = { kind: 'rank', direction: 'higher_better', lastShare: D('0.6') };
    const peers = ['5', '4', '3', '2', '1'];
    expectDec(points(rule, '10', v('3'), peers, ''), '8');
    expectDec(points(rule, '10', v('5'), peers, ''), '10');
    expectDec(points(rule, '10', v('1'), peers, ''), '6');
    // 4, 4, 2: both 4s rank 1st → full marks
    expectDec(points(rule, '10', v('4'), ['4', '4', '2'], ''), '10');
  });

  it('deduction per event with a cap: 2 points per incident, at most 5, weight 10: 2 incidents → 6, 4 → 5', () => {
    const rule: RuleSpec = { kind: 'deduction', perEvent: D(2), cap: D(5) };
    expectDec(points(rule, '10', v('2'), [], '次'), '6');
    expectDec(points(rule, '10', v('4'), [], '次'), '5');
    const bad = evaluateRule(rule, { weight: D(10), value: v('-1'), unit: '次', peers: [] });
    expect(bad.ok).toBe(false);
  });

  it('veto: one major environmental incident triggers it, none does not; points always 0', () => {
    const rule: RuleSpec = { kind: 'veto', threshold: D(1) };
    const hit = evaluateRule(rule, { weight: D(0), value: v('1'), unit: '次', peers: [] });
    const miss = evaluateRule(rule, { weight: D(0), value: v('0'), unit: '次', peers: [] });
    expect(hit.ok && hit.vetoed).toBe(true);
    expect(miss.ok && miss.vetoed).toBe(false);
  });

  it('bonus: 1.5 points per provincial award, at most 4: 2 awards → 3, 5 awards → 4', () => {
    const rule: RuleSpec = { kind: 'bonus', perUnit: D('1.5'), cap: D(4) };
    expectDec(points(rule, '0', v('2'), [], '项'), '3');
    expectDec(points(rule, '0', v('5'), [], '项'), '4');
  });

  it('two growths: both GEP and GDP grow → full 10; only GEP → 50 % → 5; neither → 0; missing part is an error', () => {
    const rule: RuleSpec = { kind: 'two_growths', oneShare: D('0.5') };
    const both = { value: D(2), parts: { gep_growth: D('0.031'), gdp_growth: D('0.062') } };
    const one = { value: D(1), parts: { gep_growth: D('0.02'), gdp_growth: D('-0.01') } };
    const none = { value: D(0), parts: { gep_growth: D(0), gdp_growth: D('-0.01') } };
    expectDec(points(rule, '10', both), '10');
    expectDec(points(rule, '10', one), '5');
    expectDec(points(rule, '10', none), '0');
    expect(evaluateRule(rule, { weight: D(10), value: v('1'), unit: '', peers: [] }).ok).toBe(false);
  });
});

/** Three townships, five indicators in two sections plus a veto, 100 points. */
const scheme: AssessmentScheme = {
  id: 'test',
  version: '1.0.0',
  title: { zh: '测试', en: 'Test' },
  fullScore: D(100),
  vetoEffect: 'zero_total',
  grades: [
    { min: D(90), labels: { zh: '好', en: 'good' } },
    { min: D(80), labels: { zh: '较好', en: 'fairly good' } },
    { min: D(70), labels: { zh: '一般', en: 'average' } },
    { min: D(60), labels: { zh: '较差', en: 'poor' } },
    { min: D(0), labels: { zh: '差', en: 'bad' } },
  ],
  indicators: [
    {
      type: 'section',
      id: 'quality',
      labels: { zh: '生态质量', en: 'Ecological quality' },
      cap: D(58),
      children: [
        {
          type: 'indicator',
          id: 'forest',
          labels: { zh: '森林覆盖率', en: 'Forest cover' },
          weight: D(30),
          unit: '%',
          source: { from: 'input', input: 'forest_cover' },
          rule: { kind: 'linear', lower: D('0.5'), upper: D('0.7'), direction: 'higher_better' },
        },
        {
          type: 'indicator',
          id: 'air',
          labels: { zh: '空气优良天数比例', en: 'Good-air days' },
          weight: D(30),
          unit: '%',
          source: { from: 'input', input: 'good_air_share' },
          rule: {
            kind: 'target_completion',
            target: D('0.95'),
            direction: 'higher_better',
            maxRate: D('1.05'),
          },
        },
      ],
    },
    {
      type: 'section',
      id: 'value',
      labels: { zh: '生态产品价值', en: 'Eco-product value' },
      children: [
        {
          type: 'indicator',
          id: 'gep_growth',
          labels: { zh: 'GEP增长率', en: 'GEP growth' },
          weight: D(20),
          unit: '%',
          source: { from: 'account', figure: 'gep_growth' },
          rule: { kind: 'rank', direction: 'higher_better', lastShare: D('0.5') },
        },
        {
          type: 'indicator',
          id: 'incidents',
          labels: { zh: '生态破坏事件', en: 'Ecological damage events' },
          weight: D(20),
          unit: '次',
          source: {
            from: 'department',
            figure: 'events',
            department: { zh: '生态环境局', en: 'Ecology bureau' },
            evidence: { zh: '通报', en: 'notices' },
          },
          rule: { kind: 'deduction', perEvent: D(5), cap: D(20) },
        },
      ],
    },
    {
      type: 'indicator',
      id: 'major_incident',
      labels: { zh: '重特大突发环境事件', en: 'Major environmental incident' },
      weight: D(0),
      unit: '次',
      source: {
        from: 'department',
        figure: 'events',
        department: { zh: '生态环境局', en: 'Ecology bureau' },
        evidence: { zh: '通报', en: 'notices' },
      },
      rule: { kind: 'veto', threshold: D(1) },
    },
  ],
};

const row = (forest: string, air: string, growth: string, incidents: string, major: string) =>
  new Map<string, IndicatorValue>([
    ['forest', v(forest)],
    ['air', v(air)],
    ['gep_growth', v(growth)],
    ['incidents', v(incidents)],
    ['major_incident', v(major)],
  ]);

describe('a three-township, five-indicator assessment with a veto', () => {
  const values = new Map([
    ['a', row('0.66', '0.9975', '0.05', '1', '0')],
    ['b', row('0.58', '0.76', '0.02', '0', '0')],
    ['c', row('0.72', '0.95', '0.08', '0', '1')],
  ]);
  const names = new Map([
    ['a', { zh: '甲镇', en: 'Town A' }],
    ['b', { zh: '乙镇', en: 'Town B' }],
    ['c', { zh: '丙镇', en: 'Town C' }],
  ]);
  const result = scoreScheme(scheme, values, { names });
  const t = (id: string) => result.townships.find((x) => x.township === id)!;
  const pts = (id: string, ind: string) => t(id).indicators.find((i) => i.id === ind)!.points;

  it('scores each indicator by hand', () => {
    // A: forest 30 × (0.66 − 0.5)/0.2 = 24; air 0.9975/0.95 = 1.05 → 30 × 1.05 = 31.5
    expectDec(pts('a', 'forest'), '24');
    expectDec(pts('a', 'air'), '31.5');
    // growth ranks: C 8 % 1st, A 5 % 2nd, B 2 % 3rd; share 1 − (r − 1)/2 × 0.5 → A 0.75 × 20 = 15
    expectDec(pts('a', 'gep_growth'), '15');
    expectDec(pts('a', 'incidents'), '15'); // 20 − 1 × 5
    // B: forest 30 × 0.08/0.2 = 12; air 0.76/0.95 = 0.8 → 24; growth last → 10; incidents 20
    expectDec(pts('b', 'forest'), '12');
    expectDec(pts('b', 'air'), '24');
    expectDec(pts('b', 'gep_growth'), '10');
    expectDec(pts('b', 'incidents'), '20');
    // C: forest above 0.7 → 30; air 1.00 → 30; growth 1st → 20; incidents 20
    expectDec(pts('c', 'forest'), '30');
  });

  it('caps the quality section at 58, sums, vetoes, grades and ranks', () => {
    // A: quality 24 + 31.5 = 55.5 (under the cap); value 15 + 15 = 30; total 85.5 → 较好
    expectDec(t('a').total, '85.5');
    expect(t('a').grade?.zh).toBe('较好');
    // B: 12 + 24 = 36; 10 + 20 = 30; total 66 → 较差
    expectDec(t('b').total, '66');
    expect(t('b').grade?.zh).toBe('较差');
    // C: quality 30 + 30 = 60, capped at 58; 20 + 20 = 40; 98 before veto, vetoed → 0 → 差
    const quality = t('c').sections.find((s) => s.id === 'quality')!;
    expectDec(quality.raw, '60');
    expectDec(quality.points, '58');
    expect(quality.capped).toBe(true);
    expectDec(t('c').beforeVeto, '98');
    expectDec(t('c').total, '0');
    expect(t('c').vetoedBy).toEqual(['major_incident']);
    expect(t('c').grade?.zh).toBe('差');
    expect([t('a').rank, t('b').rank, t('c').rank]).toEqual([1, 2, 3]);
    expect(result.issues).toEqual([]);
  });

  it('explains each score with figure, rule, bounds, weight and points', () => {
    const e = t('a').indicators.find((i) => i.id === 'forest')!.explanation;
    expect(e.text.zh).toBe(
      '森林覆盖率：数值 66%；在 50% 至 70% 之间线性赋分（越高越好），得分比例 80%；分值 30.00 分，得 24.00 分',
    );
    expect(e.text.en).toContain('linear between 50% and 70%');
  });

  it('lists strengths and weaknesses against the mean share', () => {
    // forest shares: A 0.8, B 0.4, C 1 → mean 0.7333; A +0.067. air: A 1.05, B 0.8, C 1.0526 → mean 0.9675; A +0.0825.
    // growth: A 0.75, B 0.5, C 1 → mean 0.75; A 0. incidents: A 0.75, B 1, C 1 → A −0.1667.
    expect(t('a').strengths).toEqual(['air', 'forest']);
    expect(t('a').weaknesses).toEqual(['incidents']);
  });

  it('a missing figure is never 0: no total, no rank, the gap named by township', () => {
    const partial = new Map(values);
    const b = new Map(row('0.58', '0.76', '0.02', '0', '0'));
    b.delete('air');
    partial.set('b', b);
    const r = scoreScheme(scheme, partial, { names });
    const tb = r.townships.find((x) => x.township === 'b')!;
    expect(tb.complete).toBe(false);
    expect(tb.total).toBeUndefined();
    expect(tb.rank).toBeUndefined();
    expect(r.issues.map((i) => i.zh)).toEqual(['乙镇：缺少指标“空气优良天数比例”的数值（缺失不按 0 计）']);
  });

  it('compares with last year in points', () => {
    const lastYear = scoreScheme(scheme, new Map([['a', row('0.60', '0.95', '0.05', '2', '0')]]));
    // last year A: 30 × 0.5 = 15; air 30; growth alone → 20; incidents 10 → 75; change 85.5 − 75 = 10.5
    const change = compareYears(result, lastYear).find((c) => c.township === 'a')!;
    expectDec(change.previousTotal, '75');
    expectDec(change.change, '10.5');
  });
});
