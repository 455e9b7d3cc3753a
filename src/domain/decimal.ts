import { create, all, type MathJsInstance } from 'mathjs';

/**
 * The one mathjs instance of the project: BigNumber (decimal.js) with 34 significant digits
 * (IEEE 754 decimal128). Formulas from coefficient sets are parsed by it; numbers are its BigNumber.
 */
export const math: MathJsInstance = create(all!, { number: 'BigNumber', precision: 34 });

export const Dec = (math as unknown as { BigNumber: DecimalCtor }).BigNumber;
export type Dec = InstanceType<DecimalCtor>;

type DecimalCtor = typeof import('decimal.js').Decimal;

export const ZERO: Dec = new Dec(0);
export const ONE: Dec = new Dec(1);

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

// thousands separators only between groups of three digits of the integer part: "1,234,567.5", "1 234"
const GROUPED = /^[+-]?\d{1,3}([,_ ]\d{3})+(\.\d*)?([eE][+-]?\d+)?$/;

/** True when a text holds several values (a column or row pasted from a spreadsheet) rather than one. */
export const isSeveralValues = (raw: unknown): boolean =>
  typeof raw === 'string' && /[\r\n\t;]/.test(raw.trim());

/**
 * Parses a decimal from text or a JS number; returns undefined for anything else (no NaN, no Infinity).
 * Separators are accepted only as thousands grouping: "1200.5\n1500" or "1200.5 1500" is several values,
 * never the number 1200.51500.
 */
export function parseDecimal(raw: unknown): Dec | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? new Dec(String(raw)) : undefined;
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  if (DECIMAL_TEXT.test(trimmed)) return new Dec(trimmed);
  return GROUPED.test(trimmed) ? new Dec(trimmed.replace(/[,_ ]/g, '')) : undefined;
}

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
