/**
 * Hardening (issue 11): every number that enters is finite and bounded, formulas whose constant parts are
 * not finite or whose exponents can explode are refused at load, the engine refuses to hand on a figure
 * that is not finite, identity checks fail on NaN, unit names are own properties only, and long or
 * deep formulas are refused with a message (no stack overflow).

 * The sets here are tiny ones (tiny-set.ts), so the tests do not follow set (a).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountingError, accountTownship, checkIdentities } from '../../src/domain/accounting.js';
import type { RegionAccount } from '../../src/domain/accounting.js';
import { Dec, parseDecimal, readDecimal } from '../../src/domain/decimal.js';
import { FormulaError, checkFormula, parseFormula } from '../../src/domain/formula.js';
import { validateRecords } from '../../src/domain/inputs.js';
import { UnitError, parseUnit } from '../../src/domain/units.js';
import { SetLoadError } from '../../src/methods/compile.js';
import { loadSet } from '../../src/methods/resolve.js';
import { tinySet } from './tiny-set.js';

/** The messages a tiny set is refused with. */
function refusal(o: Parameters<typeof tinySet>[0]): string {
  try {
    loadSet(tinySet(o), 'tiny', '1.0.0');
  } catch (e) {
    if (e instanceof SetLoadError) return e.message;
    throw e;
  }
  throw new Error('the set loaded; it should have been refused');
}

describe('one rule for every number that enters (readDecimal / parseDecimal)', () => {
  it('accepts plain, signed, exponent, grouped and full-width numbers', () => {
    expect(parseDecimal('1,234.5')!.toString()).toBe('1234.5');
    expect(parseDecimal('12,345,678')!.toString()).toBe('12345678');
    expect(parseDecimal(' -2.5e3 ')!.toString()).toBe('-2500');
    expect(parseDecimal('１２３．５')!.toString()).toBe('123.5'); // full-width, NFKC
    expect(parseDecimal(0.25)!.toString()).toBe('0.25');
    expect(parseDecimal('1e30')!.toString()).toBe('1e+30'); // the largest power of ten accepted
  });

  it('refuses "1,5" and "1 2 3" (L3): commas only between groups of three, no inner spaces', () => {
    for (const bad of ['1,5', '1 2 3', '12,34', '1,2345', '1_000', ',123', '1.2.3'])
      expect(parseDecimal(bad), bad).toBeUndefined();
  });

  it('refuses non-finite numbers and values beyond 10^31 or with more than 40 digits (H1, M1)', () => {
    for (const bad of [
      Infinity,
      -Infinity,
      NaN,
      'Infinity',
      'NaN',
      '1e9000000000000000',
      '1e31',
      '-1e31',
      '1e-31',
    ])
      expect(parseDecimal(bad), String(bad)).toBeUndefined();
    expect(parseDecimal('1' + '0'.repeat(40))).toBeUndefined(); // 41 digits, 10^40
    expect(parseDecimal('0.' + '1'.repeat(41))).toBeUndefined(); // 41 significant digits
    const r = readDecimal('1e9000000000000000');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message.zh).toContain('超出可接受的数值范围');
      expect(r.message.en).toContain('outside the accepted range');
    }
  });
});

describe('unit names are own properties only (L1)', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', '万constructor'])(
    '"%s" is an unknown unit, not a TypeError',
    (name) => {
      expect(() => parseUnit(name)).toThrow(UnitError);
      expect(() => parseUnit(`t/${name}`)).toThrow(/unknown unit/);
    },
  );
  it('a unit exponent is small: m^1000000000 is refused at once', () => {
    expect(() => parseUnit('m^1000000000')).toThrow(/between -6 and 6/);
  });
  it('to(x, "constructor") in a formula is a formula error', () => {
    const resolve = () => ({ unit: parseUnit('t') });
    expect(() => checkFormula('to(x, "constructor")', resolve)).toThrow(FormulaError);
    expect(() => checkFormula('to(x, "__proto__")', resolve)).toThrow(/unknown unit/);
  });
});

describe('long and deep formulas are refused with a message (L1)', () => {
  it('a flat 20,000-term sum', () => {
    const text = Array.from({ length: 20_000 }, () => 'x').join(' + ');
    expect(() => parseFormula(text)).toThrow(/at most 1000 are allowed/);
  });
  it('a sum of 200 terms (under the length limit, 200 operations deep)', () => {
    const text = Array.from({ length: 200 }, () => 'x').join('+');
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(() => parseFormula(text)).toThrow(/nested more than 100 operations deep/);
  });
  it('parentheses 400 deep', () => {
    expect(() => parseFormula('('.repeat(400) + 'x' + ')'.repeat(400))).toThrow(/nested more than 40 deep/);
  });
  it('the same refusal reaches the set loader as an issue, not a crash', () => {
    const msg = refusal({ quantity: Array.from({ length: 200 }, () => 'asUnit(x, "t")').join('+') });
    expect(msg).toContain('products.p.components.c.quantity.formula');
  });
});

describe('formulas whose constant parts are not finite are refused at load (M1)', () => {
  it.each([
    ['asUnit(x / 0, "t")', /division by zero/],
    ['asUnit(x * exp(1e20), "t")', /not a finite number/],
    ['asUnit(x * exp(10^20), "t")', /exponent must be a constant/], // 10^20 is refused before exp
    ['asUnit(x * sqrt(-1), "t")', /not a finite number/],
    ['asUnit(x * log(0), "t")', /not a finite number/],
    ['asUnit(x * (-8)^(1/3), "t")', /not a finite number/],
    ['asUnit(x * 10^60, "t")', /exponent must be a constant between -10 and 10/],
  ])('%s', (quantity, why) => {
    const msg = refusal({ quantity });
    expect(msg).toContain('tiny/1.0.0.yaml: products.p.components.c');
    expect(msg).toMatch(why);
  });

  it('a parameter that makes a divisor zero (k = 0 in Q / k) is refused at load', () => {
    expect(refusal({ value: 'asUnit(valueIn(Q, "t") / valueIn(k, "元/t"), "元")', k: '0' })).toMatch(
      /division by zero/,
    );
  });
});

describe('exponents that can explode are refused at load (H3)', () => {
  it('grain_output * 10^10^10: the exponent 10^10 is above 10', () => {
    expect(refusal({ quantity: 'asUnit(x * 10^10^10, "t")' })).toMatch(/exponent must be a constant/);
  });
  it('x ^ y: a variable exponent is refused', () => {
    expect(refusal({ quantity: 'asUnit(x ^ y, "t")' })).toMatch(/exponent must be a constant/);
  });
  it('x ^ 2 and x ^ 0.678 load: a small constant exponent is fine', () => {
    expect(() =>
      loadSet(tinySet({ quantity: 'asUnit(x ^ 2 + x ^ 0.678, "t")' }), 'tiny', '1.0.0'),
    ).not.toThrow();
  });
});

describe('the engine refuses to produce a figure that is not finite (M1)', () => {
  const account = (quantity: string, x: string) => {
    const set = loadSet(tinySet({ quantity }), 'tiny', '1.0.0');
    const { records, issues } = validateRecords(set, [{ township: 'T1', year: 2021, values: { x } }]);
    expect(issues).toEqual([]);
    return () => accountTownship(set, records[0]!, 'all');
  };
  it('exp(x) with x = 1000 gives e^1000 ≈ 1.97e434 t: refused, naming the component', () => {
    expect(account('asUnit(exp(x), "t")', '1000')).toThrow(AccountingError);
    expect(account('asUnit(exp(x), "t")', '1000')).toThrow(/组分丙 \(c\): the quantity is too large/);
  });
  it('1 / x with x = 0 is Infinity: refused, naming the component', () => {
    expect(account('asUnit(1 / x, "t")', '0')).toThrow(/T1 2021: 组分丙 \(c\): the quantity is Infinity/);
  });
  it('sqrt(x - 10) with x = 1 is NaN: refused', () => {
    expect(account('asUnit(sqrt(x - 10), "t")', '1')).toThrow(/the quantity is NaN/);
  });
  it('a sane figure passes: x = 3 t × k = 2 元/t = 6 元', () => {
    const result = account('asUnit(x, "t")', '3')();
    expect(result.gep.toString()).toBe('6');
  });
});

describe('identity checks treat NaN as a failure (M1)', () => {
  it('a NaN GEP breaks every identity', () => {
    const nan = new Dec(NaN);
    const region = {
      gep: nan,
      categoryValues: { provisioning: new Dec(1), regulating: new Dec(0), cultural: new Dec(0) },
      productValues: new Map([['p', new Dec(1)]]),
      ecosystemValues: new Map([['forest', new Dec(1)]]),
      componentValues: new Map([['c', new Dec(1)]]),
      townships: [{ township: 'T1', gep: nan, categoryValues: { provisioning: new Dec(1) } }],
    } as unknown as RegionAccount;
    expect(checkIdentities(region)).toHaveLength(5);
  });
});

describe('override quantities are finite, bounded and not negative (H1)', () => {
  const set = () => loadSet(tinySet(), 'tiny', '1.0.0');
  const withOverride = (quantity: unknown, unit?: string) =>
    validateRecords(set(), [
      {
        township: 'T1',
        year: 2021,
        values: { x: '1' },
        overrides: { c: { quantity, unit, source: 'model' } },
      },
    ]).issues.map((i) => ({ field: i.field, en: i.message.en, zh: i.message.zh }));

  it('1e9000000000000000 is refused with the reason', () => {
    expect(withOverride('1e9000000000000000')).toEqual([
      expect.objectContaining({
        field: 'overrides.c',
        en: expect.stringContaining('outside the accepted range'),
      }),
    ]);
  });
  it('-5 is refused: an external figure cannot be negative', () => {
    expect(withOverride('-5')).toEqual([
      expect.objectContaining({ field: 'overrides.c', zh: '外部模型结果不能为负数：-5' }),
    ]);
  });
  it('Infinity and NaN (as JSON numbers cannot carry them, as text) are refused', () => {
    expect(withOverride('Infinity')).toHaveLength(1);
    expect(withOverride(Number.NaN)).toHaveLength(1);
  });
  it('unit "constructor" is refused with a message, not a crash', () => {
    expect(withOverride('5', 'constructor')).toEqual([
      expect.objectContaining({ field: 'overrides.c', en: 'unit "constructor" is not recognised' }),
    ]);
  });
  it('5 t is accepted', () => {
    expect(withOverride('5', 't')).toEqual([]);
  });
});

describe('fuzz: set files with formulas that cannot give a finite figure (fast-check)', () => {
  const badPart = fc.oneof(
    fc.integer({ min: 1, max: 1e6 }).map((n) => `${n} / 0`),
    fc.integer({ min: 1, max: 1e6 }).map((n) => `${n} / (${n} - ${n})`),
    fc.integer({ min: 116, max: 1e9 }).map((n) => `exp(${n})`),
    fc.integer({ min: 1, max: 1e6 }).map((n) => `sqrt(-${n})`),
    fc.integer({ min: 0, max: 1e6 }).map((n) => `log(-${n})`),
    fc.integer({ min: 2, max: 1e6 }).map((n) => `(-${n})^(1/3)`),
    fc.integer({ min: 11, max: 1e9 }).map((k) => `2^${k}`),
    fc.integer({ min: 2, max: 12 }).map((k) => `10^10^${k}`),
    fc.constantFrom('x ^ y', 'y ^ x', '2 ^ x', 'x ^ (1 / 0)'),
    fc.integer({ min: 101, max: 400 }).map((n) => Array.from({ length: n }, () => 'x').join('+')),
    fc.integer({ min: 41, max: 200 }).map((n) => '('.repeat(n) + 'x' + ')'.repeat(n)),
  );
  it('each is refused at load with an issue naming the component (200 runs)', () => {
    let refusedCount = 0;
    fc.assert(
      fc.property(badPart, (part) => {
        const msg = refusal({ quantity: `asUnit(x * (${part}), "t")` });
        expect(msg).toContain('products.p.components.c');
        refusedCount++;
      }),
      { numRuns: 200, seed: 15 },
    );
    expect(refusedCount).toBe(200);
  });
});
