/**
 * Catalogue formulas: the whitelist of node types and functions, unit checking against the declared
 * unit, and compilation to exact-decimal (and float baseline) closures.
 */
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import {
  FormulaError,
  checkFormula,
  compileFormula,
  decimalArithmetic,
  floatArithmetic,
  unitMismatch,
  type Binding,
  type CheckedFormula,
  type SymbolType,
} from '../../src/domain/formula.js';
import { formatUnit, parseUnit, sameUnit } from '../../src/domain/units.js';

/** The symbols the test formulas may use, with their units. */
const SYMBOLS: Record<string, string> = {
  P: 'mm', // precipitation
  R: 'mm', // runoff
  A: 'km2', // area
  H: 'hm2', // another area
  x: '1',
  y: '1',
  p: '%',
  price: '元/tC', // a carbon price per t C
  q: 'tCO2', // a CO₂ quantity
  k: 'tCO2/tC', // 44/12
};

const resolve = (name: string): SymbolType | undefined =>
  SYMBOLS[name] === undefined ? undefined : { unit: parseUnit(SYMBOLS[name]) };

const check = (text: string): CheckedFormula => checkFormula(text, resolve);

/** The message checkFormula refuses `text` with; fails the test when it is accepted. */
const refusal = (text: string): string => {
  try {
    check(text);
  } catch (e) {
    expect(e, text).toBeInstanceOf(FormulaError);
    return (e as Error).message;
  }
  throw new Error(`formula accepted: ${text}`);
};

const NAMES = Object.keys(SYMBOLS);
const slots = (name: string): Binding<never> => ({ slot: NAMES.indexOf(name) });

/** Evaluates a checked formula on exact decimals, every symbol a slot of the environment. */
const evalDec = (text: string, values: Record<string, string>): Dec => {
  const fn = compileFormula(check(text), decimalArithmetic, slots);
  return fn(NAMES.map((n) => new Dec(values[n] ?? '0')));
};

describe('unit of a formula vs its declared unit', () => {
  it('(P - R) * A with P, R in mm and A in km² is mm·km², not m³: the message names both and the factor 1000', () => {
    const c = check('(P - R) * A');
    expect(formatUnit(c.unit)).toBe('mm·km²');
    expect(c.symbols.slice().sort()).toEqual(['A', 'P', 'R']);
    const msg = unitMismatch(c.unit, parseUnit('m3'), 'm3');
    expect(msg).toBeDefined();
    expect(msg).toContain('mm·km²');
    expect(msg).toContain('m3');
    expect(msg).toContain('1000');
    expect(msg).toMatch(/1 mm·km² = 1000 m3/);
  });

  it('with to(…, "m3") it passes and evaluates exactly', () => {
    const c = check('to((P - R) * A, "m3")');
    expect(unitMismatch(c.unit, parseUnit('m3'), 'm3')).toBeUndefined();
    // (1600 mm − 600.1 mm) × 2.5 km² = 0.9999 m × 2,500,000 m² = 2,499,750 m³
    expect(evalDec('to((P - R) * A, "m3")', { P: '1600', R: '600.1', A: '2.5' }).toString()).toBe('2499750');
  });

  it('to() into a unit with a non-terminating factor stays exact: 1 hm² = 15 亩', () => {
    expect(evalDec('to(H, "亩")', { H: '0.2' }).toString()).toBe('3');
    expect(evalDec('to(A, "亩")', { A: '1' }).toString()).toBe('1500');
  });

  it('a different dimension is reported as such', () => {
    const msg = unitMismatch(check('P * A').unit, parseUnit('元'), '元');
    expect(msg).toMatch(/dimensions differ/);
  });

  it('adding hm² to km² is refused, suggesting a conversion', () => {
    const msg = refusal('A + H');
    expect(msg).toMatch(/cannot add km² and hm²/);
    expect(msg).toContain('to(');
    expect(refusal('A - H')).toMatch(/cannot subtract/);
    expect(refusal('P + A')).toMatch(/cannot add mm and km²/);
    // once converted, the sum is fine
    expect(formatUnit(check('A + to(H, "km2")').unit)).toBe('km²');
    expect(evalDec('A + to(H, "km2")', { A: '1', H: '50' }).toString()).toBe('1.5');
  });

  it('exp, log and sqrt of a dimensional value are refused', () => {
    expect(refusal('exp(A)')).toMatch(/exp\(\) takes a plain number, got km²/);
    expect(refusal('log(P)')).toMatch(/log\(\) takes a plain number/);
    expect(refusal('sqrt(A)')).toMatch(/sqrt\(\) takes a plain number/);
    expect(refusal('exp(p)')).toMatch(/plain number/); // a % is scaled, not plain
    expect(check('exp(x)').unit.dims).toEqual({});
  });

  it('valueIn(A, "km2") ^ 0.678 is allowed and evaluates', () => {
    const c = check('valueIn(A, "km2") ^ 0.678');
    expect(c.unit.dims).toEqual({});
    const v = evalDec('valueIn(A, "km2") ^ 0.678', { A: '2' });
    expect(Math.abs(v.toNumber() - 2 ** 0.678)).toBeLessThan(1e-12);
    // valueIn converts: 200 hm² are 2 km²
    expect(evalDec('valueIn(H, "km2") ^ 0.678', { H: '200' }).toString()).toBe(v.toString());
  });

  it('a dimensional base needs an integer literal exponent', () => {
    expect(refusal('A ^ 0.678')).toMatch(/integer power/);
    expect(refusal('A ^ x')).toMatch(/integer power/);
    expect(refusal('x ^ A')).toMatch(/exponent must be a plain number/);
    expect(formatUnit(check('P ^ 2').unit)).toBe('mm^2');
  });

  it('a per-t-C price times t CO₂ declared 元 is refused (dimension mismatch)', () => {
    const c = check('q * price');
    const msg = unitMismatch(c.unit, parseUnit('元'), '元');
    expect(msg).toMatch(/dimensions differ/);
    expect(msg).toContain('元');
    // dividing by 44/12 (tCO2/tC) first gives money
    const ok = check('q / k * price');
    expect(unitMismatch(ok.unit, parseUnit('元'), '元')).toBeUndefined();
    const k = new Dec(44).div(12);
    const consts: Record<string, Dec> = { q: new Dec(11), k, price: new Dec(1200) };
    const v = compileFormula(ok, decimalArithmetic, (n) => ({ constant: consts[n]! }))([]);
    // 11 t CO₂ = 3 t C, at 1200 元/t C
    expect(v.toSignificantDigits(30).toString()).toBe('3600');
  });

  it('valueIn and to refuse a conversion across dimensions', () => {
    expect(refusal('to(q, "tC")')).toMatch(/cannot convert/);
    expect(refusal('valueIn(A, "m")')).toMatch(/cannot convert/);
    expect(refusal('to(A)')).toMatch(/two arguments/);
    expect(refusal('to(A, 5)')).toMatch(/unit in quotes/);
    expect(refusal('to(A, "furlong2")')).toMatch(/unknown unit "furlong2"/);
  });

  it('asUnit gives a plain number a unit, and only a plain number', () => {
    expect(formatUnit(check('asUnit(x * 2, "万m3")').unit)).toBe('万m³');
    expect(refusal('asUnit(A, "m3")')).toMatch(/asUnit\(\) takes a plain number/);
  });

  it('min and max take arguments of one unit', () => {
    expect(formatUnit(check('min(P, R)').unit)).toBe('mm');
    expect(refusal('max(A, H)')).toMatch(/max\(\) of km² and hm²/);
    expect(refusal('min(P)')).toMatch(/at least two/);
  });

  it('the branches of a condition must agree in unit; compared values too', () => {
    expect(formatUnit(check('P > R ? P : R').unit)).toBe('mm');
    expect(refusal('P > R ? P : A')).toMatch(/branches of a condition differ/);
    expect(refusal('A > H ? x : y')).toMatch(/cannot compare km² with hm²/);
    expect(evalDec('P > R ? P - R : R - P', { P: '3', R: '5' }).toString()).toBe('2');
  });
});

describe('forbidden things are refused with a clear message', () => {
  it.each([
    ['import("x")', /function "import" is not allowed/],
    ['evaluate("1")', /function "evaluate" is not allowed/],
    ['parse("1")', /function "parse" is not allowed/],
    ['compile("1")', /function "compile" is not allowed/],
    ['simplify("x")', /function "simplify" is not allowed/],
    ['createUnit("foo")', /function "createUnit" is not allowed/],
    ['sin(x)', /function "sin" is not allowed; allowed: min, max/],
    ['f(x) = x', /"FunctionAssignment" expressions are not allowed/],
    ['x = 1', /"Assignment" expressions are not allowed/],
    ['x.constructor', /"Accessor" expressions are not allowed/],
    ['x["constructor"]', /"Accessor" expressions are not allowed/],
    ['[1, 2]', /"Array" expressions are not allowed/],
    ['{a: 1}', /"Object" expressions are not allowed/],
    ['1:3', /"Range" expressions are not allowed/],
    ['x; y', /expressions are not allowed/],
    ['zz', /unknown symbol "zz"/],
    ['x * pi', /unknown symbol "pi"/],
    ['2 x', /write multiplication with "\*"/],
    ['2 mm', /write multiplication with "\*"/],
    ['x > y', /comparisons are only allowed in the condition/],
    ['(P == R) * P', /comparisons are only allowed in the condition/],
    ['x > y ? x > y : y', /comparisons are only allowed in the condition/],
    ['1 < x < 2 ? x : y', /not allowed|comparison/],
    ['x and y', /operator "and" is not allowed/],
    ['x!', /operator "!" is not allowed/],
    ['x mod y', /operator "mod" is not allowed/],
    ['"m3"', /only allowed as a unit argument/],
    ['', /empty formula/],
    ['(x', /syntax error/],
  ])('%s', (text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  // A FunctionNode whose fn is an AccessorNode: mathjs names it after the property ("max"), and the
  // object before the dot (here even an unknown symbol) is never looked at.
  it.each(['x.max(1, 2)', 'zz.constructor.max(1, 2)', 'x["min"](1, 2)'])(
    'an allowed function name reached through an object is refused: %s',
    (text) => {
      expect(() => check(text)).toThrow(FormulaError);
    },
  );

  it.each(['true', 'false + 1', 'null', 'undefined', 'NaN', 'Infinity * x'])(
    'a literal that is not a finite number is refused: %s',
    (text) => {
      expect(() => check(text)).toThrow(FormulaError);
    },
  );

  it.each(['x ? P : R', 'P - R ? P : R'])('a condition must be a comparison: %s', (text) => {
    expect(() => check(text)).toThrow(FormulaError);
  });

  it('a comparison in extra parentheses compiles like one without', () => {
    const v = evalDec('((P > R)) ? P : R', { P: '3', R: '2' });
    expect(v.toString()).toBe('3');
  });
});

describe('decimal exactness', () => {
  it('0.1 + 0.2 = 0.3 exactly', () => {
    const v = evalDec('0.1 + 0.2', {});
    expect(v.eq(new Dec('0.3'))).toBe(true);
    expect(v.toString()).toBe('0.3');
    expect(evalDec('x + y', { x: '0.1', y: '0.2' }).toString()).toBe('0.3');
  });

  it('1/3*3 carries 34 significant digits', () => {
    expect(evalDec('1/3*3', {}).toString()).toBe('0.' + '9'.repeat(34));
    expect(evalDec('x / 3', { x: '1' }).toString()).toBe('0.' + '3'.repeat(34));
  });

  it('literals keep every digit', () => {
    expect(evalDec('12345678901234567890.123456789 + 0', {}).toString()).toBe(
      '12345678901234567890.123456789',
    );
  });

  it('% is converted exactly by to()', () => {
    expect(evalDec('to(p, "1")', { p: '2.67' }).toString()).toBe('0.0267');
  });
});

describe('compilation', () => {
  const SAMPLE =
    'to((P - P * valueIn(p, "1") - R) * A, "m3") * exp(x) / 7 + asUnit(sqrt(valueIn(H, "km2")) * y ^ 2, "m3")';
  const VALUES: Record<string, string> = {
    P: '1634.5',
    R: '812.25',
    A: '3.75',
    H: '420',
    x: '0.0325',
    y: '1.7',
    p: '3.02',
  };

  it('constant folding gives the same result as slot evaluation', () => {
    const checked = check(SAMPLE);
    const bySlot = compileFormula(checked, decimalArithmetic, slots);
    const env = NAMES.map((n) => new Dec(VALUES[n] ?? '0'));
    const folded = compileFormula(checked, decimalArithmetic, (name) => ({
      constant: new Dec(VALUES[name]!),
    }));
    const a = bySlot(env);
    const b = folded([]);
    expect(b.eq(a)).toBe(true);
    expect(b.toString()).toBe(a.toString());
    // a mix: some symbols folded, some from slots
    const mixed = compileFormula(checked, decimalArithmetic, (name) =>
      ['P', 'x', 'H'].includes(name) ? { constant: new Dec(VALUES[name]!) } : slots(name),
    );
    expect(mixed(env).toString()).toBe(a.toString());
  });

  it('folded constants are computed once, the closure ignores the environment', () => {
    const checked = check('to(A, "hm2") * 2');
    const fn = compileFormula(checked, decimalArithmetic, () => ({ constant: new Dec('1.5') }));
    expect(fn([]).toString()).toBe('300');
    expect(fn([new Dec(99)]).toString()).toBe('300');
  });

  it('float arithmetic gives the same value within 1e-9 relative', () => {
    const checked = check(SAMPLE);
    const exact = compileFormula(
      checked,
      decimalArithmetic,
      slots,
    )(NAMES.map((n) => new Dec(VALUES[n] ?? '0')));
    const float = compileFormula(
      checked,
      floatArithmetic,
      slots as (n: string) => Binding<number>,
    )(NAMES.map((n) => Number(VALUES[n] ?? '0')));
    const e = exact.toNumber();
    expect(e).toBeGreaterThan(0);
    expect(Math.abs(float - e) / Math.abs(e)).toBeLessThan(1e-9);
  });

  it('a slot without a value is an error, not NaN', () => {
    const fn = compileFormula(check('P + R'), decimalArithmetic, slots);
    expect(() => fn([])).toThrow(/no value for "P"/);
  });

  it('the unit of every sub-expression is recorded', () => {
    const c = check('to((P - R) * A, "m3")');
    const units = [...c.units.values()].map(formatUnit);
    expect(units).toContain('mm·km²');
    expect(units).toContain('m³');
    expect(sameUnit(c.unit, parseUnit('m3'))).toBe(true);
  });
});
