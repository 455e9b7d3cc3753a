/**
 * Project and plan appraisal (项目生态产品价值影响评估): a scenario against its baseline, at constant prices, in
 * three cases — central (the set's values), low and high (every parameter that carries a low / high estimate
 * at that estimate) — as the annual ΔGEP and its present value over the project's life. Each case is one
 * difference of two accounts (src/domain/difference.ts). Pure.
 */
import { accountTownship, type InputRecord, type TownshipAccount } from './accounting.js';
import { Dec, ZERO } from './decimal.js';
import { difference, type Difference } from './difference.js';
import type { CompiledSet, ParameterModel } from './model.js';
import { presentValueOrdinary } from './geep.js';
import type { Labels } from '../methods/schema.js';

export const CASES = ['central', 'low', 'high'] as const;
export type AppraisalCase = (typeof CASES)[number];

export const CASE_LABELS: Readonly<Record<AppraisalCase, Labels>> = {
  central: { zh: '中值', en: 'Central' },
  low: { zh: '低值', en: 'Low' },
  high: { zh: '高值', en: 'High' },
};

export interface AppraisalParameters {
  readonly profile: string;
  /** Base year of the constant prices. */
  readonly constantPriceYear: number;
  /** Discount rate (fraction, e.g. 0.05). */
  readonly rate: Dec;
  /** Project life in years (whole, ≥ 1). */
  readonly horizon: number;
}

export interface CaseResult {
  readonly case: AppraisalCase;
  readonly difference: Difference;
  /** Present value of the annual ΔGEP over the horizon, each year discounted: Σ ΔGEP / (1 + r)^t, t = 1…n. */
  readonly presentValue: Dec;
  readonly presentValueNet: Dec;
}

export interface Appraisal {
  readonly parameters: AppraisalParameters;
  readonly cases: Readonly<Record<AppraisalCase, CaseResult>>;
  /** The parameters that carry a low or high estimate (what the low and high cases vary). */
  readonly varied: readonly ParameterModel[];
  readonly warnings: readonly AppraisalWarning[];
}

export interface AppraisalWarning {
  readonly id: string;
  readonly message: Labels;
}

export class AppraisalError extends Error {
  constructor(readonly messages: Labels) {
    super(messages.en);
  }
}

/** Checks the rate and horizon a person gave; every problem at once. */
export function checkAppraisalParameters(rate: Dec, horizon: number): Labels[] {
  const out: Labels[] = [];
  if (!rate.isFinite() || rate.lt(0) || rate.gte(1))
    out.push({ zh: '折现率须在 0% 与 100% 之间', en: 'the discount rate must be between 0 % and 100 %' });
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 200)
    out.push({ zh: '评估期须为 1–200 的整数年', en: 'the horizon must be a whole number of years, 1–200' });
  return out;
}

const caseSets = new WeakMap<CompiledSet, Map<AppraisalCase, CompiledSet>>();

/**
 * The set of a case: every parameter with a low (high) estimate at that estimate, formulas recompiled. The
 * case is part of the set's hash so that no cache mixes the cases. The central case is the set itself.
 */
export function caseSet(set: CompiledSet, which: AppraisalCase): CompiledSet {
  if (which === 'central') return set;
  let byCase = caseSets.get(set);
  if (!byCase) caseSets.set(set, (byCase = new Map()));
  let out = byCase.get(which);
  if (!out) {
    const parameters = new Map(
      [...set.parameters].map(([id, p]) => {
        const bound = p[which];
        if (bound === undefined) return [id, p];
        if (bound instanceof Map) return [id, { ...p, values: new Map([...p.values!, ...bound]) }];
        return [id, { ...p, value: bound as Dec }];
      }),
    );
    const { components, equivalentFactor } = set.replan(parameters);
    out = { ...set, hash: `${set.hash}~${which}`, parameters, components, equivalentFactor };
    byCase.set(which, out);
  }
  return out;
}

/** Parameters with a low or a high estimate. */
export const variedParameters = (set: CompiledSet): ParameterModel[] =>
  [...set.parameters.values()].filter((p) => p.low !== undefined || p.high !== undefined);

/** Present value of a stream of annual figures, the first at the end of year 1: Σ xₜ / (1 + r)^t. */
export function presentValueOfStream(stream: readonly Dec[], rate: Dec): Dec {
  let total = ZERO;
  const factor = new Dec(1).plus(rate);
  stream.forEach((x, i) => (total = total.plus(x.div(factor.pow(i + 1)))));
  return total;
}

/**
 * Appraises scenario records against baseline records (the same townships, one year), accounting both at the
 * constant prices of the base year, in the three cases.
 */
export function appraise(
  set: CompiledSet,
  baseline: readonly InputRecord[],
  scenario: readonly InputRecord[],
  parameters: AppraisalParameters,
): Appraisal {
  const problems = checkAppraisalParameters(parameters.rate, parameters.horizon);
  if (problems.length)
    throw new AppraisalError({
      zh: problems.map((p) => p.zh).join('；'),
      en: problems.map((p) => p.en).join('; '),
    });
  const account = (s: CompiledSet, records: readonly InputRecord[]): TownshipAccount[] =>
    records.map((r) =>
      accountTownship(s, r, parameters.profile, { constantPriceYear: parameters.constantPriceYear }),
    );
  const run = (which: AppraisalCase): CaseResult => {
    const s = caseSet(set, which);
    const d = difference(s, account(s, baseline), account(s, scenario));
    return {
      case: which,
      difference: d,
      presentValue: presentValueOrdinary(d.gep.delta, parameters.rate, parameters.horizon),
      presentValueNet: presentValueOrdinary(d.gepNet.delta, parameters.rate, parameters.horizon),
    };
  };
  const cases = { central: run('central'), low: run('low'), high: run('high') };
  return { parameters, cases, varied: variedParameters(set), warnings: appraisalWarnings(cases) };
}

/**
 * Plausibility of the change itself (warnings, never errors): the ΔGEP per hectare of land converted against
 * the baseline's value per hectare of the classes that lost area, and the order of the cases.
 */
export function appraisalWarnings(cases: Readonly<Record<AppraisalCase, CaseResult>>): AppraisalWarning[] {
  const out: AppraisalWarning[] = [];
  const d = cases.central.difference;
  const losing = d.byLandClass.filter((c) => c.area?.delta.isNeg());
  const converted = losing.reduce((s, c) => s.plus(c.area!.delta.neg()), ZERO);
  if (converted.gt(0)) {
    // the largest value per hm² among the classes that lost area, in the baseline
    const perHa = losing.filter((c) => c.area!.before.gt(0)).map((c) => c.before.div(c.area!.before));
    const highest = perHa.reduce((m, x) => (x.gt(m) ? x : m), ZERO);
    const change = d.gep.delta.abs().div(converted);
    if (highest.gt(0) && change.gt(highest.times(2)))
      out.push({
        id: 'delta_per_hectare',
        message: {
          zh: `每公顷转换土地的 GEP 变化量（${change.toFixed(0)} 元/hm²）超过被转换地类基准单位面积价值最高值（${highest.toFixed(0)} 元/hm²）的两倍：请核对情景的其他修改。`,
          en: `the ΔGEP per hectare converted (${change.toFixed(0)} yuan/hm²) is more than twice the highest baseline value per hectare of the classes converted (${highest.toFixed(0)} yuan/hm²): check the scenario's other edits.`,
        },
      });
    const builtUpOnly = d.byLandClass.every(
      (c) => !c.area?.delta.gt(0) || ['built_up', 'bare'].includes(c.id),
    );
    if (builtUpOnly && d.gep.delta.gt(0))
      out.push({
        id: 'gain_from_sealing',
        message: {
          zh: '土地只转为建设用地或裸地，GEP 却增加：请核对情景的其他修改。',
          en: 'land only turns into built-up or bare land, yet GEP rises: check the scenario’s other edits.',
        },
      });
  }
  const [lo, mid, hi] = [cases.low, cases.central, cases.high].map((c) => c.difference.gep.delta);
  const min = Dec.min(lo!, hi!);
  const max = Dec.max(lo!, hi!);
  if (mid!.lt(min) || mid!.gt(max))
    out.push({
      id: 'central_outside_range',
      message: {
        zh: '中值不在低值与高值之间：参数的低值、高值对 GEP 的作用方向不同，请分别查看。',
        en: 'the central case is not between the low and high cases: the parameters’ estimates act in different directions.',
      },
    });
  return out;
}
