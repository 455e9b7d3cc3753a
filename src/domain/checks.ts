import { Dec } from './decimal.js';
import type { Labels } from '../methods/schema.js';

/** One identity of an account (期初 + 增加 − 减少 = 期末, 资产 − 负债 = 净资产 …), with its outcome. */
export interface IdentityCheck {
  readonly id: string;
  readonly labels: Labels;
  readonly pass: boolean;
  /** The two sides, when the check compares figures. */
  readonly left?: Dec;
  readonly right?: Dec;
  readonly difference?: Dec;
  readonly tolerance?: Dec;
  /** Why it failed, when the reason is not a difference of figures (e.g. an inconsistent matrix). */
  readonly detail?: Labels;
}

/** Sums are exact to 34 significant digits: a difference beyond 10⁻⁹ 元 means a figure went astray. */
export const MONEY_TOLERANCE = new Dec('1e-9');
/** Areas are entered to 0.01 hm², the tolerance the transition-matrix check uses. */
export const AREA_TOLERANCE = new Dec('0.01');

export function compare(id: string, labels: Labels, left: Dec, right: Dec, tolerance: Dec): IdentityCheck {
  const difference = left.minus(right);
  return { id, labels, pass: difference.abs().lte(tolerance), left, right, difference, tolerance };
}
