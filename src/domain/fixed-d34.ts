/**
 * The decimal engine's figures (decimal.js at 34 significant digits, rounding half up) held in BigInt: a figure
 * is m × 10⁻ˢ with |m| < 10³⁴. decimal.js rounds each sum it makes, exactly computed, to 34 significant digits,
 * half away from zero; `add34` does the same, so a total added here is the same decimal, digit for digit, as
 * decimal.js gives adding the same figures in the same order (tests/unit/fixed-d34.test.ts). The fixed engine's
 * totals are added here and turned into decimal.js values only when a report reads them.
 */
import { Dec } from './decimal.js';
import { pow10 } from './fixed.js';

/** A decimal of at most 34 significant digits: m × 10⁻ˢ (s may be negative for a large integer). */
export interface D34 {
  readonly m: bigint;
  readonly s: number;
}

export const D34_ZERO: D34 = { m: 0n, s: 0 };

const DIGITS = 34;
const P34 = pow10(DIGITS);
const P18 = pow10(18);

const POW: readonly bigint[] = Array.from({ length: 256 }, (_, i) => pow10(i));

/**
 * Number of decimal digits of a ≥ 10³⁴, by comparisons: a sum of two 34-digit figures has 35 or 36, a run's exact
 * figure (up to ≈ 90) is found by doubling and halving.
 */
function digitsOf(a: bigint): number {
  if (a < POW[35]!) return 35;
  if (a < POW[36]!) return 36;
  // 10^lo ≤ a < 10^hi; the digit count d has 10^(d−1) ≤ a < 10^d
  let lo = 36;
  let hi = 72;
  while (a >= POW[hi]!) {
    lo = hi;
    hi *= 2;
    if (hi > 255) return a.toString().length;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a >= POW[mid]!) lo = mid;
    else hi = mid;
  }
  return hi;
}

const HALF: bigint[] = [];
/** 10ᵏ ÷ 2 (k ≥ 1), cached. */
const halfOf = (k: number) => (HALF[k] ??= pow10(k) / 2n);

/** n × 10⁻ˢ rounded to 34 significant digits, half away from zero (decimal.js ROUND_HALF_UP). */
export function round34(n: bigint, s: number): D34 {
  const neg = n < 0n;
  const a = neg ? -n : n;
  if (a < P34) return { m: n, s };
  const k = digitsOf(a) - DIGITS;
  // ÷ 10ᵏ as divisions by at most 10¹⁸ (one 64-bit digit each: faster than one division by a longer divisor)
  let q = a + halfOf(k);
  let left = k;
  for (; left > 18; left -= 18) q /= P18;
  q /= pow10(left);
  // 99…9.5 rounds up to 10³⁴ (35 digits): the same value with one digit less
  return q === P34 ? { m: neg ? -(P34 / 10n) : P34 / 10n, s: s - k - 1 } : { m: neg ? -q : q, s: s - k };
}

/** a + b as decimal.js adds them at 34 digits: the exact sum, rounded once. */
export function add34(a: D34, b: D34): D34 {
  if (b.m === 0n) return a;
  if (a.m === 0n) return b;
  if (a.s === b.s) return round34(a.m + b.m, a.s);
  return a.s > b.s ? round34(a.m + b.m * pow10(a.s - b.s), a.s) : round34(a.m * pow10(b.s - a.s) + b.m, b.s);
}

export const neg34 = (a: D34): D34 => ({ m: -a.m, s: a.s });

/** a − b as decimal.js subtracts them at 34 digits. */
export const sub34 = (a: D34, b: D34): D34 => add34(a, neg34(b));

/** |a − b| ≤ 10⁻ᵗ, exactly. */
export function within34(a: D34, b: D34, t: number): boolean {
  const s = Math.max(a.s, b.s, t);
  const diff = a.m * pow10(s - a.s) - b.m * pow10(s - b.s);
  return (diff < 0n ? -diff : diff) <= pow10(s - t);
}

/** The figure as a decimal.js value (exact). */
export function toDec(a: D34): Dec {
  if (a.m === 0n) return new Dec(0);
  return new Dec(a.s ? `${a.m}e${-a.s}` : a.m.toString());
}

/** A decimal.js value of at most 34 significant digits, exactly. */
export function fromDec(x: Dec): D34 {
  if (x.isZero()) return D34_ZERO;
  // decimal.js keeps base-10⁷ limbs `d`, the exponent `e` of the leading digit and the sign `s`
  const { d, e, s } = x as unknown as { d: number[]; e: number; s: number };
  let digits = String(d[0]);
  for (let i = 1; i < d.length; i++) digits += String(d[i]).padStart(7, '0');
  const m = BigInt(digits);
  return round34(s < 0 ? -m : m, digits.length - 1 - e);
}
