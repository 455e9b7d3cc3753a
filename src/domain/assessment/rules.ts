/**
 * The registry of scoring rules (评分规则). Each entry is pure: it takes the rule's parameters, the
 * indicator's weight (分值) and figure, and the figures of the other townships (for ranking), and returns
 * the points with the rule in words. New rule kinds are new entries; the scheme loader validates the
 * parameters of each kind and the engine calls `evaluateRule`.
 */
import { Dec, ONE, ZERO } from '../decimal.js';
import type { Direction, IndicatorValue, RuleKind, RuleSpec, Text } from './types.js';

export interface RuleContext {
  readonly weight: Dec;
  readonly value: IndicatorValue;
  readonly unit: string;
  /** The figures of every township assessed (this one included), for rank rules. */
  readonly peers: readonly Dec[];
}

export type RuleOutcome =
  | { readonly ok: true; readonly points: Dec; readonly vetoed: boolean; readonly ruleText: Text }
  | { readonly ok: false; readonly message: Text };

interface RuleEntry<S extends RuleSpec> {
  readonly labels: Text;
  readonly evaluate: (spec: S, ctx: RuleContext) => RuleOutcome;
}

type Registry = { readonly [K in RuleKind]: RuleEntry<Extract<RuleSpec, { kind: K }>> };

/** A figure as shown in an explanation: '%' figures are fractions shown ×100. */
export function showFigure(x: Dec, unit: string): string {
  if (unit === '%') return `${trim(x.times(100))}%`;
  return unit ? `${trim(x)} ${unit}` : trim(x);
}

/** At most 4 decimals, no trailing zeros (display only). */
const trim = (x: Dec): string => x.toDecimalPlaces(4, Dec.ROUND_HALF_UP).toString();
export const showPoints = (x: Dec): string => x.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);

const clamp01 = (x: Dec): Dec => Dec.max(ZERO, Dec.min(ONE, x));
const dirText = (d: Direction): Text =>
  d === 'higher_better'
    ? { zh: '越高越好', en: 'higher is better' }
    : { zh: '越低越好', en: 'lower is better' };
const ok = (points: Dec, ruleText: Text, vetoed = false): RuleOutcome => ({
  ok: true,
  points,
  vetoed,
  ruleText,
});
const negativeCount = (ctx: RuleContext): RuleOutcome | undefined =>
  ctx.value.value.isNegative() || !ctx.value.value.isInteger()
    ? {
        ok: false,
        message: {
          zh: `应为非负整数（次数），收到 ${ctx.value.value.toString()}`,
          en: `must be a whole number of events ≥ 0, received ${ctx.value.value.toString()}`,
        },
      }
    : undefined;

export const RULES: Registry = {
  linear: {
    labels: { zh: '区间线性赋分', en: 'linear between bounds' },
    evaluate: (s, ctx) => {
      const x = ctx.value.value;
      const span = s.upper.minus(s.lower);
      const share = clamp01(
        s.direction === 'higher_better' ? x.minus(s.lower).div(span) : s.upper.minus(x).div(span),
      );
      const lo = showFigure(s.lower, ctx.unit);
      const hi = showFigure(s.upper, ctx.unit);
      const d = dirText(s.direction);
      return ok(ctx.weight.times(share), {
        zh: `在 ${lo} 至 ${hi} 之间线性赋分（${d.zh}），得分比例 ${showFigure(share, '%')}`,
        en: `linear between ${lo} and ${hi} (${d.en}), share earned ${showFigure(share, '%')}`,
      });
    },
  },
  tiers: {
    labels: { zh: '分档赋分', en: 'tiers' },
    evaluate: (s, ctx) => {
      const x = ctx.value.value;
      const hit = s.tiers.findIndex(
        (t) => (t.atLeast === undefined || x.gte(t.atLeast)) && (t.atMost === undefined || x.lte(t.atMost)),
      );
      const share = hit < 0 ? ZERO : s.tiers[hit]!.share;
      const bound = (t: (typeof s.tiers)[number]) =>
        [
          t.atLeast !== undefined ? `≥ ${showFigure(t.atLeast, ctx.unit)}` : '',
          t.atMost !== undefined ? `≤ ${showFigure(t.atMost, ctx.unit)}` : '',
        ]
          .filter(Boolean)
          .join(' 且 ');
      const all = s.tiers.map((t) => `${bound(t) || '其他'} → ${showFigure(t.share, '%')}`).join('；');
      const allEn = s.tiers
        .map((t) => `${(bound(t) || 'other').replace(' 且 ', ' and ')} → ${showFigure(t.share, '%')}`)
        .join('; ');
      return ok(ctx.weight.times(share), {
        zh: `分档：${all}；落在${hit < 0 ? '各档之外' : `第 ${hit + 1} 档`}`,
        en: `tiers: ${allEn}; ${hit < 0 ? 'in no tier' : `in tier ${hit + 1}`}`,
      });
    },
  },
  target_completion: {
    labels: { zh: '目标完成率', en: 'target completion rate' },
    evaluate: (s, ctx) => {
      const x = ctx.value.value;
      let rate: Dec;
      if (s.direction === 'higher_better') rate = x.div(s.target);
      else rate = x.isZero() ? s.maxRate : s.target.div(x);
      const credited = Dec.max(ZERO, Dec.min(s.maxRate, rate));
      const t = showFigure(s.target, ctx.unit);
      return ok(ctx.weight.times(credited), {
        zh: `目标 ${t}，完成率 ${showFigure(rate, '%')}（计分上限 ${showFigure(s.maxRate, '%')}），按完成率计分`,
        en: `target ${t}, completion ${showFigure(rate, '%')} (credited up to ${showFigure(s.maxRate, '%')}), points in proportion`,
      });
    },
  },
  rank: {
    labels: { zh: '乡镇排名赋分', en: 'rank among townships' },
    evaluate: (s, ctx) => {
      const x = ctx.value.value;
      const better = ctx.peers.filter((p) => (s.direction === 'higher_better' ? p.gt(x) : p.lt(x))).length;
      const rank = better + 1;
      const n = ctx.peers.length;
      const share = n <= 1 ? ONE : ONE.minus(new Dec(rank - 1).div(n - 1).times(ONE.minus(s.lastShare)));
      const d = dirText(s.direction);
      return ok(ctx.weight.times(share), {
        zh: `${n} 个乡镇中排第 ${rank} 名（${d.zh}）；第 1 名得满分，末名得 ${showFigure(s.lastShare, '%')}，其间线性`,
        en: `ranked ${rank} of ${n} (${d.en}); first earns full marks, last ${showFigure(s.lastShare, '%')}, linear in between`,
      });
    },
  },
  deduction: {
    labels: { zh: '按次扣分', en: 'deduction per event' },
    evaluate: (s, ctx) => {
      const bad = negativeCount(ctx);
      if (bad) return bad;
      const deducted = Dec.min(s.cap, ctx.value.value.times(s.perEvent));
      return ok(ctx.weight.minus(deducted), {
        zh: `每次扣 ${showPoints(s.perEvent)} 分，最多扣 ${showPoints(s.cap)} 分；扣 ${showPoints(deducted)} 分`,
        en: `${showPoints(s.perEvent)} points off per event, at most ${showPoints(s.cap)}; ${showPoints(deducted)} off`,
      });
    },
  },
  veto: {
    labels: { zh: '一票否决', en: 'veto' },
    evaluate: (s, ctx) => {
      const bad = negativeCount(ctx);
      if (bad) return bad;
      const vetoed = ctx.value.value.gte(s.threshold);
      return ok(
        ZERO,
        {
          zh: `发生 ${showPoints(s.threshold).replace(/\.00$/, '')} 次及以上即一票否决（总分计 0）${vetoed ? '：已触发' : '：未触发'}`,
          en: `${showPoints(s.threshold).replace(/\.00$/, '')} or more events veto the assessment (total set to 0)${vetoed ? ': triggered' : ': not triggered'}`,
        },
        vetoed,
      );
    },
  },
  bonus: {
    labels: { zh: '加分', en: 'bonus' },
    evaluate: (s, ctx) => {
      const x = ctx.value.value;
      if (x.isNegative())
        return {
          ok: false,
          message: {
            zh: `加分依据不能为负，收到 ${x.toString()}`,
            en: `a bonus figure cannot be negative, received ${x.toString()}`,
          },
        };
      const points = Dec.min(s.cap, x.times(s.perUnit));
      return ok(points, {
        zh: `每单位加 ${showPoints(s.perUnit)} 分，最多加 ${showPoints(s.cap)} 分`,
        en: `${showPoints(s.perUnit)} points per unit, at most ${showPoints(s.cap)}`,
      });
    },
  },
  two_growths: {
    labels: { zh: 'GEP与GDP双增长', en: 'two growths (GEP and GDP)' },
    evaluate: (s, ctx) => {
      const gep = ctx.value.parts?.gep_growth;
      const gdp = ctx.value.parts?.gdp_growth;
      if (!gep || !gdp)
        return {
          ok: false,
          message: {
            zh: '缺少 GEP 或 GDP 的不变价增长率',
            en: 'the constant-price growth of GEP or GDP is missing',
          },
        };
      const growing =
        (gep.isPositive() && !gep.isZero() ? 1 : 0) + (gdp.isPositive() && !gdp.isZero() ? 1 : 0);
      const share = growing === 2 ? ONE : growing === 1 ? s.oneShare : ZERO;
      return ok(ctx.weight.times(share), {
        zh: `GEP 不变价增长 ${showFigure(gep, '%')}，GDP 不变价增长 ${showFigure(gdp, '%')}；双增长得满分，单增长得 ${showFigure(s.oneShare, '%')}，均未增长得 0`,
        en: `GEP grew ${showFigure(gep, '%')} and GDP ${showFigure(gdp, '%')} at constant prices; both growing earns full marks, one ${showFigure(s.oneShare, '%')}, neither 0`,
      });
    },
  },
};

export const RULE_KINDS = Object.keys(RULES) as RuleKind[];

export function evaluateRule(spec: RuleSpec, ctx: RuleContext): RuleOutcome {
  const entry = RULES[spec.kind] as RuleEntry<RuleSpec>;
  return entry.evaluate(spec, ctx);
}

export const ruleLabels = (kind: RuleKind): Text => RULES[kind].labels;
