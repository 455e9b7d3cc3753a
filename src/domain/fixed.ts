/**
 * Fixed-point evaluation of checked formulas on BigInt: the exact engine's arithmetic.
 *
 * A figure is an integer n at a scale s fixed at compile time (the figure is n × 10⁻ˢ). Addition,
 * subtraction and multiplication are exact (the scales of a product add up; a sum aligns its parts to the
 * larger scale). Rounding (half away from zero) happens only where it must:
 * - a division keeps at least DIVISION_SCALE decimals (10⁻³⁰);
 * - exp, log, sqrt and non-integer powers of a variable run in decimal.js (34 digits), kept to DIVISION_SCALE;
 * - a cap that binds is shared among land classes in proportion (a quotient at the quantity's scale).
 * A component's quantity (every class, total, cap) and value are held at one scale each, the largest its
 * formulas give, so sums and products stay exact; totals are held at the largest scale of the plan.
 * Constant parts of a formula (literals, parameters, unit factors) are folded at compile time in decimal.js,
 * exactly as the decimal engine folds them, then turned into integers at their own scale without loss.
 */
import type { MathNode } from 'mathjs';
import { Dec } from './decimal.js';
import { FORMULA_LIMITS, FormulaError, decimalArithmetic, type CheckedFormula } from './formula.js';
import { conversionFactor, parseUnit, type Unit } from './units.js';

/** Version of the fixed-point engine, recorded in every result it makes. */
export const FIXED_ENGINE = 'fixed-1';
/** Version of the decimal.js engine (34 significant digits), the reference; absent version means this one. */
export const DECIMAL_ENGINE = 'decimal-34';
export type EngineVersion = typeof FIXED_ENGINE | typeof DECIMAL_ENGINE;

/**
 * Scale of input values (survey data rarely has more than 6 decimals): a record with a value of more decimals is
 * accounted by the decimal engine, exactly.
 */
export const INPUT_SCALE = 9;
/** Least scale of the totals of a province run (a decimal engine's figure is added rounded to it). */
export const FIGURE_SCALE = 24;
/** Least number of decimals a quotient keeps. */
export const DIVISION_SCALE = 30;

/** Thrown when a record leaves the fixed engine's domain (÷ 0, a figure out of range, a missing slot). */
export class FixedFallback extends Error {}
const FALLBACK = new FixedFallback('fixed engine: fall back to decimal');

const POW10: bigint[] = [1n];
/** 10ⁿ as a BigInt, cached. */
export function pow10(n: number): bigint {
  if (n < 0) throw new RangeError('negative power of ten');
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

/** n ÷ d rounded half away from zero; d ≠ 0. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return n >= 0n ? (2n * n + d) / (2n * d) : -((-2n * n + d) / (2n * d));
}

/** n at scale `from` re-expressed at scale `to` (exact when to ≥ from, rounded otherwise). */
export function rescale(n: bigint, from: number, to: number): bigint {
  if (to >= from) return to === from ? n : n * pow10(to - from);
  const d = pow10(from - to);
  return n >= 0n ? (n + d / 2n) / d : -((-n + d / 2n) / d);
}

// 10⁰ … 10²² as doubles, each exact (read from their decimal text, not computed by pow)
const EXACT_POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Number of decimals of a decimal.js value (0 for an integer). */
function decimalsOf(x: Dec): number {
  return Math.max(0, x.decimalPlaces());
}

/** A decimal at `scale` decimals, or undefined when it has more (exact conversion only). */
export function decToScaled(x: Dec, scale: number): bigint | undefined {
  if (!x.isFinite()) return undefined;
  if (x.isZero()) return 0n;
  // decimal.js keeps base-10⁷ limbs `d`, the exponent `e` of the leading digit and the sign `s`
  const { d, e, s } = x as unknown as { d: number[]; e: number; s: number };
  if (d.length <= 2) {
    // up to 14 digits (most survey values): the limbs as one exact integer, no text
    const lead = d[0]!;
    const leadDigits =
      lead < 10 ? 1 : lead < 100 ? 2 : lead < 1e3 ? 3 : lead < 1e4 ? 4 : lead < 1e5 ? 5 : lead < 1e6 ? 6 : 7;
    let places = leadDigits + 7 * (d.length - 1) - 1 - e;
    const m = d.length === 1 ? lead : lead * 1e7 + d[1]!;
    if (places <= scale && scale - places <= 22) {
      // the scaled integer as a float when that is exact (both factors exact, the product below 2⁵³): one BigInt
      const f = m * EXACT_POW10[scale - places]!;
      if (f <= Number.MAX_SAFE_INTEGER) return BigInt(s < 0 ? -f : f);
    }
    let n = BigInt(m);
    // trailing zeros of the last limb do not count
    while (places > scale && n % 10n === 0n) {
      n /= 10n;
      places--;
    }
    if (places > scale) return undefined;
    if (places < scale) n *= pow10(scale - places);
    return s < 0 ? -n : n;
  }
  let digits = String(d[0]);
  for (let i = 1; i < d.length; i++) digits += String(d[i]).padStart(7, '0');
  const places = digits.length - 1 - e; // decimals of digits × 10^(e − len + 1)
  let n: bigint;
  if (places <= scale) n = BigInt(digits) * pow10(scale - places);
  else {
    // trailing zeros of the last limb do not count
    const trimmed = digits.replace(/0+$/, '');
    const p = places - (digits.length - trimmed.length);
    if (p > scale) return undefined;
    n = BigInt(trimmed) * pow10(scale - p);
  }
  return s < 0 ? -n : n;
}

/** A decimal rounded (half away from zero) to `scale` decimals. */
export function decToScaledRounded(x: Dec, scale: number): bigint {
  const exact = decToScaled(x, scale);
  if (exact !== undefined) return exact;
  return BigInt(x.toFixed(scale, Dec.ROUND_HALF_UP).replace('.', ''));
}

/** The decimal n × 10⁻ˢ, exactly. */
export function scaledToDec(n: bigint, scale: number): Dec {
  return new Dec(scale ? `${n}e-${scale}` : n.toString());
}

/** Significant digits of a figure handed on as a decimal: those of the decimal engine (decimal128). */
export const RESULT_DIGITS = 34;

/**
 * The decimal n × 10⁻ˢ to RESULT_DIGITS significant digits (half away from zero), as the decimal engine keeps
 * its figures: the exact integer stays inside the engine, the reports get decimals of ordinary length.
 */
export function resultToDec(n: bigint, scale: number): Dec {
  const neg = n < 0n;
  let abs = neg ? -n : n;
  let text = abs.toString();
  let s = scale;
  const extra = text.length - RESULT_DIGITS;
  if (extra > 0) {
    const d = pow10(extra);
    abs = (abs + d / 2n) / d;
    s -= extra;
    text = abs.toString();
  }
  // trailing zeros make the text longer, not the value different
  let end = text.length;
  while (end > 1 && text.charCodeAt(end - 1) === 48) end--;
  s -= text.length - end;
  text = text.slice(0, end);
  return new Dec(`${neg ? '-' : ''}${text}${s ? `e${-s}` : ''}`);
}

/* ---------- compilation ---------- */

export type FixedRun = (env: ReadonlyArray<bigint | undefined>) => bigint;

/** A symbol is a folded constant or a slot of the record's array at a known scale. */
export type FixedBinding = { constant: Dec } | { slot: number; scale: number };

type Part = { constant: Dec } | { scale: number; run: FixedRun };

type AnyNode = MathNode & {
  type: string;
  fn?: string | { name?: string };
  args?: MathNode[];
  name?: string;
  value?: unknown;
  content?: MathNode;
  condition?: MathNode;
  trueExpr?: MathNode;
  falseExpr?: MathNode;
};

const unwrap = (raw: MathNode): AnyNode => {
  let n = raw as AnyNode;
  while (n.type === 'ParenthesisNode') n = n.content as AnyNode;
  return n;
};

const COMPARE: Record<string, (c: number) => boolean> = {
  smaller: (c) => c < 0,
  larger: (c) => c > 0,
  smallerEq: (c) => c <= 0,
  largerEq: (c) => c >= 0,
  equal: (c) => c === 0,
  unequal: (c) => c !== 0,
};

type Varying = { scale: number; run: FixedRun };
const isConst = (p: Part): p is { constant: Dec } => 'constant' in p;

/*
 * The closures a compiled formula is made of, each made by one function at module level: V8 keeps the type feedback
 * and optimised code of a closure with the place that creates it, so closures made here share theirs across every
 * formula, class and plan (made inside compileFixed, each formula's would warm up on its own, record by record).
 */
const runConstant =
  (n: bigint): FixedRun =>
  () =>
    n;
const runSlot =
  (slot: number): FixedRun =>
  (e) => {
    const v = e[slot];
    if (v === undefined) throw FALLBACK;
    return v;
  };
const runTimesConst =
  (r: FixedRun, c: bigint): FixedRun =>
  (e) =>
    r(e) * c;
const runPlusConst =
  (r: FixedRun, c: bigint): FixedRun =>
  (e) =>
    r(e) + c;
const runPlus =
  (a: FixedRun, b: FixedRun): FixedRun =>
  (e) =>
    a(e) + b(e);
const runMinus =
  (a: FixedRun, b: FixedRun): FixedRun =>
  (e) =>
    a(e) - b(e);
const runTimes =
  (a: FixedRun, b: FixedRun): FixedRun =>
  (e) =>
    a(e) * b(e);
const runNeg =
  (r: FixedRun): FixedRun =>
  (e) =>
    -r(e);
const runAbs =
  (r: FixedRun): FixedRun =>
  (e) => {
    const v = r(e);
    return v < 0n ? -v : v;
  };
/** rx × f ÷ d, d a constant (d2 = 2|d|), rounded half away from zero. */
const runDivConst =
  (rx: FixedRun, f: bigint, d2: bigint, neg: boolean): FixedRun =>
  (e) => {
    const n = rx(e) * f;
    const q = n >= 0n ? (2n * n + d2 / 2n) / d2 : -((-2n * n + d2 / 2n) / d2);
    return neg ? -q : q;
  };
const runDiv =
  (rx: FixedRun, ry: FixedRun, f: bigint): FixedRun =>
  (e) => {
    const d = ry(e);
    if (d === 0n) throw FALLBACK;
    return divRound(rx(e) * f, d);
  };
const runViaDecimal =
  (run: FixedRun, scale: number, f: (x: Dec) => Dec): FixedRun =>
  (e) => {
    const y = f(scaledToDec(run(e), scale));
    if (!y.isFinite()) throw FALLBACK;
    return decToScaledRounded(y, DIVISION_SCALE);
  };
const runIf =
  (l: FixedRun, r: FixedRun, t: FixedRun, f: FixedRun, test: (c: number) => boolean): FixedRun =>
  (e) => {
    const a = l(e);
    const b = r(e);
    return test(a < b ? -1 : a > b ? 1 : 0) ? t(e) : f(e);
  };
const runBest =
  (runs: readonly FixedRun[], lt: boolean): FixedRun =>
  (e) => {
    let best = runs[0]!(e);
    for (let i = 1; i < runs.length; i++) {
      const v = runs[i]!(e);
      if (lt ? v < best : v > best) best = v;
    }
    return best;
  };
const runRounded =
  (run: FixedRun, d: bigint, h: bigint): FixedRun =>
  (e) => {
    const n = run(e);
    return n >= 0n ? (n + h) / d : -((h - n) / d);
  };

/** A part as a run at its scale (a constant becomes a closure over its integer). */
function asRun(p: Part): Varying {
  if (!isConst(p)) return p;
  const scale = decimalsOf(p.constant);
  return { scale, run: runConstant(decToScaled(p.constant, scale)!) };
}

/** A run re-expressed at a larger scale (exact). */
function alignUp(p: Varying, scale: number): FixedRun {
  if (p.scale === scale) return p.run;
  return runTimesConst(p.run, pow10(scale - p.scale));
}

/**
 * Compiles a checked formula to a closure over a BigInt array, with its result scale. Constant parts are
 * folded in decimal.js; a constant that is not finite or of absurd size is refused here, like the decimal
 * engine refuses it.
 */
export function compileFixed(
  checked: CheckedFormula,
  bind: (name: string) => FixedBinding,
): { scale: number; run: FixedRun } {
  const unitOfNode = (raw: MathNode): Unit => {
    const u = checked.units.get(raw);
    if (!u) throw new FormulaError('formula was not checked');
    return u;
  };
  const foldConst = (v: Dec, what = ''): Part => {
    if (!decimalArithmetic.isSane(v))
      throw new FormulaError(
        `a constant part${what ? ` (${what})` : ''} of "${checked.text}" is not a finite number of sane size (${String(v)})`,
      );
    return { constant: v };
  };

  const add = (a: Part, b: Part, sign: 1 | -1): Part => {
    if (isConst(a) && isConst(b))
      return foldConst(sign > 0 ? a.constant.plus(b.constant) : a.constant.minus(b.constant));
    const x = asRun(a);
    const y = asRun(b);
    const scale = Math.max(x.scale, y.scale);
    const rx = alignUp(x, scale);
    if (isConst(b)) {
      const c = decToScaled(b.constant, scale)!;
      return { scale, run: runPlusConst(rx, sign > 0 ? c : -c) };
    }
    const ry = alignUp(y, scale);
    return { scale, run: sign > 0 ? runPlus(rx, ry) : runMinus(rx, ry) };
  };

  const mul = (a: Part, b: Part): Part => {
    if (isConst(a) && isConst(b)) return foldConst(a.constant.times(b.constant));
    // a constant factor on the right: one closure less
    if (isConst(a)) [a, b] = [b, a];
    const x = a as Varying;
    if (isConst(b)) {
      const cs = decimalsOf(b.constant);
      const c = decToScaled(b.constant, cs)!;
      const rx = x.run;
      if (c === 1n) return { scale: x.scale + cs, run: rx };
      return { scale: x.scale + cs, run: runTimesConst(rx, c) };
    }
    const y = b as Varying;
    const rx = x.run;
    const ry = y.run;
    return { scale: x.scale + y.scale, run: runTimes(rx, ry) };
  };

  const div = (a: Part, b: Part): Part => {
    if (isConst(b) && b.constant.isZero()) throw new FormulaError(`division by zero in "${checked.text}"`);
    if (isConst(a) && isConst(b)) return foldConst(a.constant.div(b.constant), 'a division');
    const x = asRun(a);
    if (isConst(b)) {
      // ÷ 10ᵏ is a change of scale, exact
      const abs = b.constant.abs();
      const k = abs.e;
      if (abs.eq(new Dec(10).pow(k)) && k >= 0 && k <= 60) {
        const rx = x.run;
        const neg = b.constant.isNeg();
        return { scale: x.scale + k, run: neg ? runNeg(rx) : rx };
      }
    }
    const y = asRun(b);
    const scale = Math.max(DIVISION_SCALE, x.scale - y.scale);
    const f = pow10(scale - x.scale + y.scale);
    const rx = x.run;
    const ry = y.run;
    if (isConst(b)) {
      const d = ry([]);
      const d2 = 2n * (d < 0n ? -d : d);
      const neg = d < 0n;
      return { scale, run: runDivConst(rx, f, d2, neg) };
    }
    return { scale, run: runDiv(rx, ry, f) };
  };

  /** A function decimal.js computes (34 digits), kept to DIVISION_SCALE decimals. */
  const viaDecimal = (p: Varying, f: (x: Dec) => Dec): Part => {
    return { scale: DIVISION_SCALE, run: runViaDecimal(p.run, p.scale, f) };
  };

  const unary = (
    a: Part,
    fDec: (x: Dec) => Dec,
    fFixed: ((p: Varying) => Part) | null,
    what: string,
  ): Part => {
    if (isConst(a)) return foldConst(fDec(a.constant), what);
    return fFixed ? fFixed(a) : viaDecimal(a, fDec);
  };

  /** Parts aligned to one scale, to compare and choose among them. */
  const aligned = (parts: Part[]): { scale: number; runs: FixedRun[] } => {
    const vs = parts.map(asRun);
    const scale = Math.max(...vs.map((v) => v.scale));
    return { scale, runs: vs.map((v) => alignUp(v, scale)) };
  };

  const build = (raw: MathNode): Part => {
    const n = raw as AnyNode;
    switch (n.type) {
      case 'ConstantNode':
        return { constant: new Dec(String(n.value)) };
      case 'ParenthesisNode':
        return build(n.content!);
      case 'SymbolNode': {
        const b = bind(n.name!);
        if ('constant' in b) return { constant: b.constant };
        return { scale: b.scale, run: runSlot(b.slot) };
      }
      case 'ConditionalNode': {
        const inner = unwrap(n.condition!);
        const parts = [...inner.args!.map(build), build(n.trueExpr!), build(n.falseExpr!)];
        const test = COMPARE[inner.fn as string]!;
        if (parts.every(isConst)) {
          const [l, r, t, f] = parts.map((p) => (p as { constant: Dec }).constant) as [Dec, Dec, Dec, Dec];
          return foldConst(test(l.cmp(r)) ? t : f);
        }
        const { scale, runs } = aligned(parts);
        const [l, r, t, f] = runs as [FixedRun, FixedRun, FixedRun, FixedRun];
        return { scale, run: runIf(l, r, t, f, test) };
      }
      case 'OperatorNode': {
        const parts = n.args!.map(build);
        switch (n.fn) {
          case 'add':
            return add(parts[0]!, parts[1]!, 1);
          case 'subtract':
            return add(parts[0]!, parts[1]!, -1);
          case 'multiply':
            return mul(parts[0]!, parts[1]!);
          case 'divide':
            return div(parts[0]!, parts[1]!);
          case 'pow': {
            const k = parts[1]!;
            const max = new Dec(FORMULA_LIMITS.maxPower);
            if (!isConst(k) || k.constant.abs().gt(max))
              throw new FormulaError(
                `an exponent must be a constant between -${FORMULA_LIMITS.maxPower} and ${FORMULA_LIMITS.maxPower} in "${checked.text}"`,
              );
            const base = parts[0]!;
            if (isConst(base)) return foldConst(base.constant.pow(k.constant), 'a power');
            if (!k.constant.isInteger()) return viaDecimal(base, (x) => x.pow(k.constant));
            const p = Math.abs(k.constant.toNumber());
            let out: Part = { constant: new Dec(1) };
            for (let i = 0; i < p; i++) out = mul(out, base);
            return k.constant.isNeg() ? div({ constant: new Dec(1) }, out) : out;
          }
          case 'unaryMinus':
            return unary(
              parts[0]!,
              (x) => x.neg(),
              (p) => ({ scale: p.scale, run: runNeg(p.run) }),
              '',
            );
          default:
            return parts[0]!;
        }
      }
      case 'FunctionNode': {
        const name = (n.fn as { name: string }).name;
        const args = n.args!;
        if (name === 'to' || name === 'valueIn') {
          const arg = args[1] as AnyNode;
          const factor = conversionFactor(unitOfNode(args[0]!), parseUnit(String(arg.value)));
          const part = build(args[0]!);
          if (factor.num === 1n && factor.den === 1n) return part;
          const scaled = mul(part, { constant: new Dec(factor.num.toString()) });
          return factor.den === 1n ? scaled : div(scaled, { constant: new Dec(factor.den.toString()) });
        }
        if (name === 'asUnit') return build(args[0]!);
        const parts = args.map(build);
        if (name === 'min' || name === 'max') {
          const better = name === 'min' ? (c: number) => c < 0 : (c: number) => c > 0;
          if (parts.every(isConst))
            return foldConst(
              parts
                .map((p) => (p as { constant: Dec }).constant)
                .reduce((a, b) => (better(b.cmp(a)) ? b : a)),
            );
          const { scale, runs } = aligned(parts);
          return { scale, run: runBest(runs, name === 'min') };
        }
        const a = parts[0]!;
        if (name === 'abs')
          return unary(
            a,
            (x) => x.abs(),
            (p) => ({ scale: p.scale, run: runAbs(p.run) }),
            'abs()',
          );
        const fDec: Record<string, (x: Dec) => Dec> = {
          exp: decimalArithmetic.exp,
          log: decimalArithmetic.ln,
          sqrt: decimalArithmetic.sqrt,
        };
        return unary(a, fDec[name]!, null, `${name}()`);
      }
      default:
        throw new FormulaError(`cannot compile ${n.type}`);
    }
  };

  return asRun(build(checked.node));
}

/** A compiled formula whose result is held at `target` decimals (rounded when the formula gives more). */
export function atScale(f: { scale: number; run: FixedRun }, target: number): FixedRun {
  const { scale, run } = f;
  if (scale === target) return run;
  if (scale < target) return runTimesConst(run, pow10(target - scale));
  const d = pow10(scale - target);
  return runRounded(run, d, d / 2n);
}
