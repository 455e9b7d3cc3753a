import type { MathNode } from 'mathjs';
import { Dec, isSaneFigure, math } from './decimal.js';
import {
  DIMENSIONLESS,
  UnitError,
  conversionFactor,
  divideUnits,
  formatRatio,
  formatUnit,
  isDimensionless,
  multiplyUnits,
  parseUnit,
  powerUnit,
  ratioEquals,
  sameDimension,
  sameUnit,
  type Ratio,
  type Unit,
} from './units.js';

/**
 * Catalogue formulas: parsed by mathjs, checked for units, compiled to closures.
 *
 * Only the node types and functions below are accepted. Nothing in a formula can define, import,
 * evaluate or reach an object: mathjs never evaluates the tree, our compiler walks a whitelist, and
 * every symbol must be a declared input, parameter or quantity.
 */
export const ALLOWED_FUNCTIONS = [
  'min',
  'max',
  'abs',
  'exp',
  'log',
  'sqrt',
  'to',
  'valueIn',
  'asUnit',
] as const;

export class FormulaError extends Error {}

export interface SymbolType {
  unit: Unit;
}

export interface CheckedFormula {
  readonly text: string;
  readonly node: MathNode;
  readonly unit: Unit;
  readonly symbols: readonly string[];
  /** The unit of every sub-expression, for the conversions of to() and valueIn(). */
  readonly units: ReadonlyMap<MathNode, Unit>;
}

type AnyNode = MathNode & {
  type: string;
  fn?: string | { name?: string };
  args?: MathNode[];
  name?: string;
  value?: unknown;
  content?: MathNode;
  implicit?: boolean;
  condition?: MathNode;
  trueExpr?: MathNode;
  falseExpr?: MathNode;
};

const ARITHMETIC: Record<string, string> = {
  add: '+',
  subtract: '−',
  multiply: '×',
  divide: '÷',
  pow: '^',
  unaryMinus: '−',
  unaryPlus: '+',
};
const COMPARISON = new Set(['smaller', 'larger', 'smallerEq', 'largerEq', 'equal', 'unequal']);

const unwrap = (raw: MathNode): AnyNode => {
  let n = raw as AnyNode;
  while (n.type === 'ParenthesisNode') n = n.content as AnyNode;
  return n;
};

/** Limits that keep a formula readable and its checking cheap (no stack overflow on a 20,000-term sum). */
export const FORMULA_LIMITS = { maxLength: 1000, maxNesting: 40, maxDepth: 100, maxPower: 10 } as const;

export function parseFormula(text: string): MathNode {
  if (typeof text !== 'string' || !text.trim()) throw new FormulaError('empty formula');
  if (text.length > FORMULA_LIMITS.maxLength)
    throw new FormulaError(
      `the formula has ${text.length} characters; at most ${FORMULA_LIMITS.maxLength} are allowed (split it into components)`,
    );
  let open = 0;
  for (const ch of text) {
    open += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (open > FORMULA_LIMITS.maxNesting)
      throw new FormulaError(`parentheses nested more than ${FORMULA_LIMITS.maxNesting} deep`);
  }
  let node: MathNode;
  try {
    node = math.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw new FormulaError('the formula is too deeply nested');
    throw new FormulaError(`syntax error: ${(e as Error).message}`);
  }
  // depth of the tree, without recursion: a long sum is a deep left-leaning tree
  const stack: [MathNode, number][] = [[node, 1]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    if (depth > FORMULA_LIMITS.maxDepth)
      throw new FormulaError(
        `the formula is nested more than ${FORMULA_LIMITS.maxDepth} operations deep; split it into components`,
      );
    const a = n as AnyNode;
    for (const child of [...(a.args ?? []), a.content, a.condition, a.trueExpr, a.falseExpr])
      if (child) stack.push([child, depth + 1]);
  }
  return node;
}

const unitArg = (node: AnyNode, fn: string): Unit => {
  const arg = node.args?.[1] as AnyNode | undefined;
  if (!arg || arg.type !== 'ConstantNode' || typeof arg.value !== 'string')
    throw new FormulaError(`${fn}() takes a unit in quotes as its second argument, e.g. ${fn}(x, "m3")`);
  try {
    return parseUnit(arg.value);
  } catch (e) {
    throw new FormulaError((e as UnitError).message);
  }
};

const show = (u: Unit) => formatUnit(u) || '1';

/** Type-checks a formula: every symbol known, every function allowed, units consistent. */
export function checkFormula(
  text: string,
  resolve: (name: string) => SymbolType | undefined,
): CheckedFormula {
  const node = parseFormula(text);
  const symbols = new Set<string>();
  const units = new Map<MathNode, Unit>();
  const visit = (raw: MathNode, inCondition = false): Unit => {
    const u = visitNode(raw, inCondition);
    units.set(raw, u);
    return u;
  };

  const visitNode = (raw: MathNode, inCondition: boolean): Unit => {
    const n = raw as AnyNode;
    switch (n.type) {
      case 'ConstantNode':
        if (typeof n.value === 'string')
          throw new FormulaError(`text "${n.value}" is only allowed as a unit argument`);
        if (!(n.value instanceof Dec && n.value.isFinite()))
          throw new FormulaError(`"${String(n.value)}" is not a number; a formula takes finite numbers only`);
        return DIMENSIONLESS;
      case 'ParenthesisNode':
        return visit(n.content!, inCondition);
      case 'SymbolNode': {
        const found = resolve(n.name!);
        if (!found) throw new FormulaError(`unknown symbol "${n.name}"`);
        symbols.add(n.name!);
        return found.unit;
      }
      case 'ConditionalNode': {
        const cond = unwrap(n.condition!);
        if (cond.type !== 'OperatorNode' || !COMPARISON.has(cond.fn as string))
          throw new FormulaError('the condition of "a ? b : c" must be a comparison such as x > y');
        visit(n.condition!, true);
        const a = visit(n.trueExpr!);
        const b = visit(n.falseExpr!);
        if (!sameUnit(a, b))
          throw new FormulaError(`the two branches of a condition differ in unit: ${show(a)} and ${show(b)}`);
        return a;
      }
      case 'OperatorNode': {
        const fn = typeof n.fn === 'string' ? n.fn : '';
        if (n.implicit) throw new FormulaError('write multiplication with "*"');
        if (COMPARISON.has(fn)) {
          if (!inCondition)
            throw new FormulaError('comparisons are only allowed in the condition of "a ? b : c"');
          const [a, b] = n.args!.map((x) => visit(x));
          if (!sameUnit(a!, b!)) throw new FormulaError(`cannot compare ${show(a!)} with ${show(b!)}`);
          return DIMENSIONLESS;
        }
        if (!(fn in ARITHMETIC))
          throw new FormulaError(`operator "${(n as { op?: string }).op ?? fn}" is not allowed`);
        if (fn === 'unaryMinus' || fn === 'unaryPlus') return visit(n.args![0]!);
        const [left, right] = n.args! as [MathNode, MathNode];
        const a = visit(left);
        const b = visit(right);
        if (fn === 'add' || fn === 'subtract') {
          if (!sameDimension(a, b))
            throw new FormulaError(`cannot ${fn === 'add' ? 'add' : 'subtract'} ${show(a)} and ${show(b)}`);
          if (!ratioEquals(a.scale, b.scale))
            throw new FormulaError(
              `cannot ${fn === 'add' ? 'add' : 'subtract'} ${show(a)} and ${show(b)} without converting one: use to(x, "${show(a)}")`,
            );
          return a;
        }
        if (fn === 'multiply') return multiplyUnits(a, b);
        if (fn === 'divide') return divideUnits(a, b);
        // pow: the exponent is dimensionless; a dimensional base needs an integer literal exponent
        if (!isDimensionless(b) || !ratioEquals(b.scale, DIMENSIONLESS.scale))
          throw new FormulaError(`an exponent must be a plain number, got ${show(b)}`);
        if (isDimensionless(a) && ratioEquals(a.scale, DIMENSIONLESS.scale)) return DIMENSIONLESS;
        const exp = right as AnyNode;
        const k = exp.type === 'ConstantNode' ? Number(String(exp.value)) : NaN;
        if (!Number.isInteger(k))
          throw new FormulaError(
            `${show(a)} can only be raised to an integer power; use valueIn(x, "unit") first`,
          );
        return powerUnit(a, k);
      }
      case 'FunctionNode': {
        if ((n.fn as AnyNode | undefined)?.type !== 'SymbolNode')
          throw new FormulaError('only the allowed functions may be called, by their plain name');
        const name = (n.fn as { name?: string } | undefined)?.name ?? '';
        if (!(ALLOWED_FUNCTIONS as readonly string[]).includes(name))
          throw new FormulaError(
            `function "${name}" is not allowed; allowed: ${ALLOWED_FUNCTIONS.join(', ')}`,
          );
        const args = n.args ?? [];
        if (name === 'to' || name === 'valueIn' || name === 'asUnit') {
          if (args.length !== 2) throw new FormulaError(`${name}() takes two arguments`);
          const from = visit(args[0]!);
          const target = unitArg(n, name);
          if (name === 'asUnit') {
            if (!isDimensionless(from) || !ratioEquals(from.scale, DIMENSIONLESS.scale))
              throw new FormulaError(`asUnit() takes a plain number, got ${show(from)}`);
            return target;
          }
          if (!sameDimension(from, target))
            throw new FormulaError(`${name}(): cannot convert ${show(from)} to ${show(target)}`);
          return name === 'to' ? target : DIMENSIONLESS;
        }
        if (name === 'min' || name === 'max') {
          if (args.length < 2) throw new FormulaError(`${name}() takes at least two arguments`);
          const units = args.map((x) => visit(x));
          for (const u of units.slice(1))
            if (!sameUnit(u, units[0]!))
              throw new FormulaError(`${name}() of ${show(units[0]!)} and ${show(u)}`);
          return units[0]!;
        }
        if (args.length !== 1) throw new FormulaError(`${name}() takes one argument`);
        const u = visit(args[0]!);
        if (name === 'abs') return u;
        if (!isDimensionless(u) || !ratioEquals(u.scale, DIMENSIONLESS.scale))
          throw new FormulaError(`${name}() takes a plain number, got ${show(u)}; use valueIn(x, "unit")`);
        return DIMENSIONLESS;
      }
      default:
        throw new FormulaError(`"${n.type.replace(/Node$/, '')}" expressions are not allowed in a formula`);
    }
  };

  const unit = visit(node);
  return { text, node, unit, symbols: [...symbols], units };
}

/** Compares a formula's unit with the declared one: same dimension and the same scale. */
export function unitMismatch(result: Unit, declared: Unit, declaredText: string): string | undefined {
  if (!sameDimension(result, declared))
    return `gives ${show(result)} but declares ${declaredText}: the dimensions differ`;
  if (!ratioEquals(result.scale, declared.scale)) {
    const f: Ratio = conversionFactor(result, declared);
    return `gives ${show(result)} (1 ${show(result)} = ${formatRatio(f)} ${declaredText}) but declares ${declaredText}: a unit factor is missing or wrong; convert with to(…, "${declaredText}")`;
  }
  return undefined;
}

/* ---------- compilation to closures ---------- */

/** The arithmetic a compiled formula runs on: exact decimals, or plain numbers for the float baseline. */
export interface Arithmetic<T> {
  literal(text: string): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  pow(a: T, b: T): T;
  neg(a: T): T;
  abs(a: T): T;
  exp(a: T): T;
  ln(a: T): T;
  sqrt(a: T): T;
  cmp(a: T, b: T): number;
  /** Finite and of a magnitude a figure can have (see isSaneFigure). */
  isSane(a: T): boolean;
}

export const decimalArithmetic: Arithmetic<Dec> = {
  literal: (t) => new Dec(t),
  add: (a, b) => a.plus(b),
  sub: (a, b) => a.minus(b),
  mul: (a, b) => a.times(b),
  div: (a, b) => a.div(b),
  pow: (a, b) => a.pow(b),
  neg: (a) => a.neg(),
  abs: (a) => a.abs(),
  exp: (a) => a.exp(),
  ln: (a) => a.ln(),
  sqrt: (a) => a.sqrt(),
  cmp: (a, b) => a.cmp(b),
  isSane: isSaneFigure,
};

export const floatArithmetic: Arithmetic<number> = {
  literal: (t) => Number(t),
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  neg: (a) => -a,
  abs: Math.abs,
  exp: Math.exp,
  ln: Math.log,
  sqrt: Math.sqrt,
  cmp: (a, b) => a - b,
  isSane: (a) => Number.isFinite(a) && Math.abs(a) < 1e50,
};

/** A symbol is either a known constant (folded at compile time) or a slot of the record being accounted. */
export type Binding<T> = { constant: T } | { slot: number };

type Compiled<T> = { constant: T } | { run: (env: ReadonlyArray<T>) => T };

export function compileFormula<T>(
  checked: CheckedFormula,
  arith: Arithmetic<T>,
  bind: (name: string) => Binding<T>,
): (env: ReadonlyArray<T>) => T {
  const unitOfNode = (raw: MathNode): Unit => {
    const u = checked.units.get(raw);
    if (!u) throw new FormulaError('formula was not checked');
    return u;
  };

  const lift = (c: Compiled<T>) => ('constant' in c ? () => c.constant : c.run);
  // a constant part of a formula (literals and parameters) is computed once, here: it must be finite
  // and of a sane magnitude, so x / 0, exp(10^20), sqrt(-1), log(0), (-8)^(1/3) are refused at load
  const fold = (parts: Compiled<T>[], f: (...v: T[]) => T, what = ''): Compiled<T> => {
    if (parts.every((p) => 'constant' in p)) {
      const constant = f(...parts.map((p) => (p as { constant: T }).constant));
      if (!arith.isSane(constant))
        throw new FormulaError(
          `a constant part${what ? ` (${what})` : ''} of "${checked.text}" is not a finite number of sane size (${String(constant)})`,
        );
      return { constant };
    }
    const runs = parts.map(lift);
    if (runs.length === 1) {
      const [r0] = runs as [(e: ReadonlyArray<T>) => T];
      return { run: (e) => f(r0(e)) };
    }
    if (runs.length === 2) {
      const [r0, r1] = runs as [(e: ReadonlyArray<T>) => T, (e: ReadonlyArray<T>) => T];
      return { run: (e) => f(r0(e), r1(e)) };
    }
    return { run: (e) => f(...runs.map((r) => r(e))) };
  };
  const scaleBy = (part: Compiled<T>, factor: Ratio): Compiled<T> => {
    if (factor.num === 1n && factor.den === 1n) return part;
    const num = arith.literal(factor.num.toString());
    if (factor.den === 1n) return fold([part], (x) => arith.mul(x, num));
    const den = arith.literal(factor.den.toString());
    return fold([part], (x) => arith.div(arith.mul(x, num), den));
  };

  const build = (raw: MathNode): Compiled<T> => {
    const n = raw as AnyNode;
    switch (n.type) {
      case 'ConstantNode':
        return { constant: arith.literal(String(n.value)) };
      case 'ParenthesisNode':
        return build(n.content!);
      case 'SymbolNode': {
        const b = bind(n.name!);
        if ('constant' in b) return { constant: b.constant };
        const slot = b.slot;
        return {
          run: (e) => {
            const v = e[slot];
            if (v === undefined) throw new FormulaError(`no value for "${n.name}"`);
            return v;
          },
        };
      }
      case 'ConditionalNode': {
        const inner = unwrap(n.condition!);
        const [l, r] = inner.args!.map(build) as [Compiled<T>, Compiled<T>];
        const t = build(n.trueExpr!);
        const f = build(n.falseExpr!);
        const test = COMPARE[inner.fn as string]!;
        return fold([l, r, t, f], (a, b, x, y) => (test(arith.cmp(a, b)) ? x : y));
      }
      case 'OperatorNode': {
        const parts = n.args!.map(build);
        switch (n.fn) {
          case 'add':
            return fold(parts, arith.add);
          case 'subtract':
            return fold(parts, arith.sub);
          case 'multiply':
            return fold(parts, arith.mul);
          case 'divide': {
            const d = parts[1]!;
            if ('constant' in d && arith.cmp(d.constant, arith.literal('0')) === 0)
              throw new FormulaError(`division by zero in "${checked.text}"`);
            return fold(parts, arith.div, 'a division');
          }
          case 'pow': {
            // an exponent is a constant (a literal or a parameter) of at most 10 in magnitude: a
            // variable or large exponent can explode (10^10^10) beyond anything a figure can be
            const k = parts[1]!;
            const max = arith.literal(String(FORMULA_LIMITS.maxPower));
            if (!('constant' in k) || arith.cmp(arith.abs(k.constant), max) > 0)
              throw new FormulaError(
                `an exponent must be a constant between -${FORMULA_LIMITS.maxPower} and ${FORMULA_LIMITS.maxPower} in "${checked.text}"`,
              );
            return fold(parts, arith.pow, 'a power');
          }
          case 'unaryMinus':
            return fold(parts, arith.neg);
          default:
            return parts[0]!;
        }
      }
      case 'FunctionNode': {
        const name = (n.fn as { name: string }).name;
        const args = n.args!;
        if (name === 'to' || name === 'valueIn') {
          const factor = conversionFactor(unitOfNode(args[0]!), unitArg(n, name));
          return scaleBy(build(args[0]!), factor);
        }
        if (name === 'asUnit') return build(args[0]!);
        const parts = args.map(build);
        if (name === 'min') return fold(parts, (...v) => v.reduce((a, b) => (arith.cmp(b, a) < 0 ? b : a)));
        if (name === 'max') return fold(parts, (...v) => v.reduce((a, b) => (arith.cmp(b, a) > 0 ? b : a)));
        const unary: Record<string, (a: T) => T> = {
          abs: arith.abs,
          exp: arith.exp,
          log: arith.ln,
          sqrt: arith.sqrt,
        };
        return fold(parts, unary[name]!, `${name}()`);
      }
      default:
        throw new FormulaError(`cannot compile ${n.type}`);
    }
  };

  const compiled = build(checked.node);
  if ('constant' in compiled) {
    const c = compiled.constant;
    return () => c;
  }
  return compiled.run;
}

const COMPARE: Record<string, (c: number) => boolean> = {
  smaller: (c) => c < 0,
  larger: (c) => c > 0,
  smallerEq: (c) => c <= 0,
  largerEq: (c) => c >= 0,
  equal: (c) => c === 0,
  unequal: (c) => c !== 0,
};
