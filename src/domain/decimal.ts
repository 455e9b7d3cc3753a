import type { MathJsInstance } from 'mathjs';
import mathjs from 'mathjs/lib/browser/math.js';

/**
 * The one mathjs instance of the project: BigNumber (decimal.js) with 34 significant digits
 * (IEEE 754 decimal128). Formulas from coefficient sets are parsed by it; numbers are its BigNumber.
 * It comes from mathjs's single-file build: the package's main entry loads ≈ 1,000 modules, which added ≈ 80 MB
 * to the server's resident memory (≈ 30 MB of it heap) against ≈ 11 MB for this build of the same version.
 */
export const math: MathJsInstance = mathjs.create({ number: 'BigNumber', precision: 34 });

export const Dec = (math as unknown as { BigNumber: DecimalCtor }).BigNumber;
export type Dec = InstanceType<DecimalCtor>;

type DecimalCtor = typeof import('decimal.js').Decimal;

export const ZERO: Dec = new Dec(0);
export const ONE: Dec = new Dec(1);

/**
 * The one rule for every number that enters (form, import, API, override, set file, set edit, area):
 * finite, at most 40 significant digits, and 0 or 10⁻³⁰ ≤ |x| < 10³¹. Text may group thousands with
 * commas in their proper places only ("1,234.5"; "1,5" and "1 2 3" are refused). Full-width digits and
 * signs (１２３．５) are accepted: the text is NFKC-normalised first.
 */
export const NUMBER_LIMITS = { maxSignificantDigits: 40, maxExponent: 30, maxLength: 100 } as const;

/** True when a text holds several values (a column or row pasted from a spreadsheet) rather than one. */
export const isSeveralValues = (raw: unknown): boolean =>
  typeof raw === 'string' && /[\r\n\t;]/.test(raw.trim());

const DECIMAL_TEXT = /^[+-]?(\d{1,3}(,\d{3})+(\.\d*)?|\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export type DecimalReading = { ok: true; value: Dec } | { ok: false; message: { zh: string; en: string } };

/**
 * Plain decimal text that is within the rule by its form alone: at most 31 integer digits (|x| < 10³¹), at most
 * 30 decimals (|x| ≥ 10⁻³⁰ unless 0) and at most 40 characters (≤ 40 significant digits). Most values (every
 * number from a spreadsheet, every stored value) are of this form and are read without the checks below.
 */
const PLAIN_DECIMAL = /^-?\d{1,31}(?:\.\d{1,30})?$/;

/** The decimal of plain decimal text (see PLAIN_DECIMAL), which is one value within the rule; else undefined. */
export const readPlainDecimal = (raw: unknown): Dec | undefined =>
  typeof raw === 'string' && raw.length <= 40 && PLAIN_DECIMAL.test(raw) ? plainToDec(raw) : undefined;

/** Decimal digits per limb of decimal.js (its base is 10⁷). */
const LOG_BASE = 7;
/**
 * 10⁰ … 10⁷ as small integers: a limb scaled by one of them stays a small integer (x ** k gives a float, and an array
 * of limbs holding one would be an array of floats, slower in every decimal.js operation than decimal.js's own).
 */
const LIMB_SCALE = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000];

/**
 * new Dec(text) for plain decimal text (PLAIN_DECIMAL), made as decimal.js's parser makes it (the same sign s,
 * exponent e of the leading digit and base-10⁷ limbs d: tests/unit/plain-decimal.test.ts compares them), without
 * its regular expressions, and with the limbs in an array of their own length (decimal.js pushes them into an empty
 * array, which keeps room for 16): half the memory per value, which a year's records keep by the thousand.
 */
export function plainToDec(text: string): Dec {
  // a Dec of 0 has decimal.js's own fields, in its order (constructor, s, e, d): they are set below
  const x = new Dec(0) as unknown as { s: number; e: number; d: number[] };
  let start = 0;
  if (text.charCodeAt(0) === 45) {
    start = 1;
    x.s = -1; // "-0" keeps its sign, as decimal.js keeps it
  }
  const dot = text.indexOf('.');
  // the digits read as one string without the point (no string is made: digitAt skips the point)
  const intLen = (dot < 0 ? text.length : dot) - start;
  const count = text.length - start - (dot < 0 ? 0 : 1);
  let first = 0;
  while (first < count && digitAt(text, start, intLen, first) === 0) first++;
  if (first === count) return x as unknown as Dec; // zero: e = 0, d = [0]
  let last = count - 1;
  while (digitAt(text, start, intLen, last) === 0) last--;
  const e = intLen - first - 1;
  x.e = e;
  const len = last - first + 1;
  const from = start + first;
  // the first limb takes the digits down to a multiple of 7 places from the point, the last is padded with zeros
  let i = (e + 1) % LOG_BASE;
  if (e < 0) i += LOG_BASE;
  if (i >= len) {
    x.d = [digitsAt(text, from, intLen - first, 0, len) * LIMB_SCALE[i - len]!];
    return x as unknown as Dec;
  }
  const at = intLen - first;
  // the limbs: a first one of i digits (when i > 0), whole ones of 7, and the last one padded
  const limbs = (i ? 1 : 0) + Math.ceil((len - i) / LOG_BASE);
  // (an array of small integers without holes, of the limbs' length, as decimal.js's own arrays are)
  const d: number[] = limbs === 1 ? [0] : limbs === 2 ? [0, 0] : limbs === 3 ? [0, 0, 0] : [0, 0, 0, 0];
  while (d.length < limbs) d.push(0);
  let k = 0;
  if (i) d[k++] = digitsAt(text, from, at, 0, i);
  for (; i < len - LOG_BASE; i += LOG_BASE) d[k++] = digitsAt(text, from, at, i, i + LOG_BASE);
  d[k] = digitsAt(text, from, at, i, len) * LIMB_SCALE[LOG_BASE - (len - i)]!;
  x.d = d;
  return x as unknown as Dec;
}

/** The k-th digit of plain text whose digits start at `start` and whose point (if any) follows `intLen` digits. */
const digitAt = (text: string, start: number, intLen: number, k: number): number =>
  text.charCodeAt(start + k + (k >= intLen ? 1 : 0)) - 48;

/** The digits k ∈ [a, b) (counted from `from`, the point after `intLen` of them) as one number (b − a ≤ 7). */
function digitsAt(text: string, from: number, intLen: number, a: number, b: number): number {
  let v = 0;
  for (let k = a; k < b; k++) v = v * 10 + text.charCodeAt(from + k + (k >= intLen ? 1 : 0)) - 48;
  return v;
}

/** Reads a decimal from text or a JS number, saying why when it cannot. */
export function readDecimal(raw: unknown): DecimalReading {
  const plain = readPlainDecimal(
    typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : undefined) : raw,
  );
  return plain ? { ok: true, value: plain } : readDecimalChecked(raw);
}

/**
 * The text `readDecimal(raw).value.toString()` gives, worked out without making a Decimal, when raw is plain
 * decimal text or a JS number within the rule by its form alone (PLAIN_DECIMAL, as readDecimal's fast path) and
 * decimal.js writes it without an exponent (10⁻⁷ ≤ |x| < 10²¹, or 0): the sign, the digits without leading zeros
 * before the point and without trailing zeros after it ("-007.50" → "-7.5", "-0.0" → "0"). Undefined for anything
 * else (text to be read by readDecimal: commas, exponents, spaces, full-width digits, …, or refused by it).
 */
export function plainDecimalText(raw: unknown): string | undefined {
  let s: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return undefined;
    // JS writes a number as decimal.js does: the shortest digits, no leading or trailing zeros ("-0" as "0"), and
    // with an exponent below 10⁻⁶ and from 10²¹ on, exactly where decimal.js does
    s = String(raw);
    return s.includes('e') ? undefined : s;
  } else if (typeof raw === 'string') s = raw;
  else return undefined;
  if (s.length > 40 || !PLAIN_DECIMAL.test(s)) return undefined;
  const neg = s.charCodeAt(0) === 45; // '-'
  const start = neg ? 1 : 0;
  const dot = s.indexOf('.');
  const intEnd = dot < 0 ? s.length : dot;
  // the integer digits without leading zeros (one 0 kept: "0.5")
  let a = start;
  while (a < intEnd - 1 && s.charCodeAt(a) === 48) a++;
  // the decimals without trailing zeros
  let end = s.length;
  if (dot >= 0) {
    while (end > dot + 1 && s.charCodeAt(end - 1) === 48) end--;
    if (end === dot + 1) end = dot;
  }
  const zeroInt = intEnd - a === 1 && s.charCodeAt(a) === 48;
  if (zeroInt) {
    if (end <= dot || dot < 0) return '0'; // zero, of either sign
    // 0.000000x: decimal.js writes 10⁻⁷ and below with an exponent
    let z = dot + 1;
    while (s.charCodeAt(z) === 48) z++;
    if (z - dot - 1 >= 6) return undefined;
  } else if (intEnd - a > 21) return undefined; // 10²¹ and above: with an exponent
  if (a === start && end === s.length) return s;
  return (neg ? '-' : '') + s.slice(a, end);
}

function readDecimalChecked(raw: unknown): DecimalReading {
  const shown = String(raw).slice(0, 40) + (String(raw).length > 40 ? '…' : '');
  const notNumber = {
    ok: false as const,
    message: { zh: `"${shown}"不是数值`, en: `"${shown}" is not a number` },
  };
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return notNumber;
    text = String(raw);
  } else if (typeof raw === 'string') {
    text = raw.normalize('NFKC').trim();
  } else return notNumber;
  if (text.length > NUMBER_LIMITS.maxLength)
    return {
      ok: false,
      message: {
        zh: `"${shown}"过长（数值最多 ${NUMBER_LIMITS.maxLength} 个字符）`,
        en: `"${shown}" is too long (a number has at most ${NUMBER_LIMITS.maxLength} characters)`,
      },
    };
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return notNumber;
  const plain = text.replace(/,/g, '');
  const mantissa = plain
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  const digits = mantissa.replace(/^0+/, '').length;
  const writtenExp = m[5] ? m[5].slice(1) : '0';
  const tooBig = {
    ok: false as const,
    message: {
      zh: `"${shown}"超出可接受的数值范围（绝对值须小于 10^${NUMBER_LIMITS.maxExponent + 1}、不小于 10^-${NUMBER_LIMITS.maxExponent}，有效数字不超过 ${NUMBER_LIMITS.maxSignificantDigits} 位）`,
      en: `"${shown}" is outside the accepted range (|x| < 10^${NUMBER_LIMITS.maxExponent + 1} and ≥ 10^-${NUMBER_LIMITS.maxExponent}, at most ${NUMBER_LIMITS.maxSignificantDigits} significant digits)`,
    },
  };
  if (digits > NUMBER_LIMITS.maxSignificantDigits || writtenExp.replace(/^[+-]?0*/, '').length > 4)
    return tooBig;
  const value = new Dec(plain);
  if (!value.isFinite()) return notNumber;
  if (!value.isZero() && Math.abs(value.e) > NUMBER_LIMITS.maxExponent) return tooBig;
  return { ok: true, value };
}

/** Parses a decimal under the rule above; undefined for anything else (no NaN, no Infinity, no 1e9000). */
export function parseDecimal(raw: unknown): Dec | undefined {
  const r = readDecimal(raw);
  return r.ok ? r.value : undefined;
}

/**
 * Every figure the engine produces must be finite and below this magnitude (10⁵⁰): beyond it a figure is
 * an error in the data or the method, and printing it would cost time and memory without meaning.
 */
export const FIGURE_MAX_EXPONENT = 50;

export const isSaneFigure = (v: Dec): boolean => v.isFinite() && (v.isZero() || v.e <= FIGURE_MAX_EXPONENT);

export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** Display rounding, the only place a figure is rounded: fixed decimals, half-up, thousands separators. */
export function formatFixed(value: Dec, decimals = 2, grouping = true): string {
  const fixed = value.toFixed(decimals, Dec.ROUND_HALF_UP);
  if (!grouping) return fixed;
  const [int = '', frac] = fixed.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac !== undefined ? '.' + frac : '');
}
