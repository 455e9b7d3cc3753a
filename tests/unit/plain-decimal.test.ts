import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, plainDecimalText, plainToDec, readDecimal } from '../../src/domain/decimal.js';

/** What the import stores for a value: decimal.js's text of readDecimal's value, or the refusal. */
const slow = (raw: unknown) => {
  const r = readDecimal(raw);
  return r.ok ? r.value.toString() : undefined;
};

/** Text shaped like numbers people and spreadsheets write, with the parts that make readDecimal work harder. */
const numberText = fc
  .tuple(
    fc.constantFrom('', '', '-', '-', '+', ' ', '－'),
    fc.stringMatching(/^0{0,3}[0-9]{0,34}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,34}0{0,3}$/), { nil: undefined }),
    fc.constantFrom('', '', '', '', '', '', 'e5', 'E-3', 'e+21', 'e-8', 'e30', 'e-31', 'e99999'),
    fc.constantFrom('', '', '', '', '', ' ', '%', ',5'),
  )
  .map(([sign, int, frac, exp, tail]) => `${sign}${int}${frac === undefined ? '' : '.' + frac}${exp}${tail}`);

/** Grouped by thousands, e.g. "1,234.5". */
const grouped = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.array(fc.integer({ min: 0, max: 999 }), { maxLength: 8 }))
  .map(([h, rest]) => [String(h), ...rest.map((g) => String(g).padStart(3, '0'))].join(','));

describe('plainDecimalText: the stored text of a plain value without a Decimal, equal to decimal.js', () => {
  it('hand-worked cases: leading and trailing zeros, signs, the exponent bounds of decimal.js (10⁻⁷, 10²¹)', () => {
    expect(plainDecimalText('007.50')).toBe('7.5');
    expect(plainDecimalText('-0.0')).toBe('0');
    expect(plainDecimalText('-0')).toBe('0');
    expect(plainDecimalText('12.000')).toBe('12');
    expect(plainDecimalText('0.000001')).toBe('0.000001'); // 10⁻⁶: decimal.js writes it plain
    expect(slow('0.0000001')).toBe('1e-7'); // 10⁻⁷: with an exponent, so not here
    expect(plainDecimalText('0.0000001')).toBeUndefined();
    expect(plainDecimalText('100000000000000000000')).toBe('100000000000000000000'); // 10²⁰
    expect(slow('1000000000000000000000')).toBe('1e+21');
    expect(plainDecimalText('1000000000000000000000')).toBeUndefined();
    expect(plainDecimalText(1234.5)).toBe('1234.5');
    expect(plainDecimalText(-0)).toBe('0');
    expect(plainDecimalText(1e-7)).toBeUndefined(); // String(1e-7) is "1e-7": read by readDecimal
    // JS and decimal.js switch to exponents at the same bounds: 10⁻⁶ and 10²⁰ plain, 10²¹ not
    expect(plainDecimalText(0.000001)).toBe('0.000001');
    expect(plainDecimalText(1e20)).toBe('100000000000000000000');
    expect(plainDecimalText(1e21)).toBeUndefined();
    expect(slow(1e21)).toBe('1e+21');
    // what readDecimal reads the long way, or refuses: not plain
    for (const s of [
      '1,234.5',
      '+1',
      ' 1',
      '1e3',
      '１２',
      '.5',
      '5.',
      '1.5%',
      'abc',
      '',
      '1'.repeat(32),
      NaN,
    ])
      expect(plainDecimalText(s)).toBeUndefined();
    expect(slow('1,234.5')).toBe('1234.5');
  });

  it('equals decimal.js on text of every shape (when it gives a text)', () => {
    let plain = 0;
    fc.assert(
      fc.property(fc.oneof(numberText, grouped), (s) => {
        const fast = plainDecimalText(s);
        if (fast !== undefined) plain++;
        if (fast !== undefined) expect(fast).toBe(slow(s));
        // text without the extra parts is always plain
        if (/^-?\d{1,31}(\.\d{1,30})?$/.test(s) && s.length <= 40) {
          const v = slow(s)!;
          if (!v.includes('e')) expect(fast).toBe(v);
        }
      }),
      { numRuns: 20_000, seed: 18 },
    );
    // the generator reaches the plain path often, and the long way too
    expect(plain).toBeGreaterThan(2_000);
    expect(plain).toBeLessThan(18_000);
  });

  it('equals decimal.js on JS numbers (spreadsheet cells), including huge and tiny ones', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.double({ min: -1e6, max: 1e6 })), (x) => {
        const fast = plainDecimalText(x);
        if (fast !== undefined) expect(fast).toBe(slow(x));
        else if (Number.isFinite(x) && x !== 0)
          // left to readDecimal only when decimal.js writes an exponent or the rule is passed
          expect(Math.abs(x) < 1e-6 || Math.abs(x) >= 1e21).toBe(true);
      }),
      { numRuns: 20_000, seed: 18 },
    );
  });
});

/** decimal.js's representation of a value: sign, exponent of the leading digit, base-10⁷ limbs. */
const parts = (x: Dec) => {
  const { s, e, d } = x as unknown as { s: number; e: number; d: number[] };
  return { s, e, d: [...d] };
};

describe("plainToDec: new Dec(text) of plain decimal text, made without decimal.js's parser", () => {
  it('hand-worked limbs (base 10⁷, the first limb up to a multiple of 7 places from the point)', () => {
    // 1234567.1234567 = 1234567 | 1234567 (e = 6)
    expect(parts(plainToDec('1234567.1234567'))).toEqual({ s: 1, e: 6, d: [1234567, 1234567] });
    // 12.5: e = 1, first limb "12" (2 digits), then "5" padded to 5000000
    expect(parts(plainToDec('12.5'))).toEqual({ s: 1, e: 1, d: [12, 5000000] });
    // 0.000123: e = −4, first limb the places down to 10⁻⁷ (0.0001230 → 1230)
    expect(parts(plainToDec('0.000123'))).toEqual({ s: 1, e: -4, d: [1230] });
    // leading and trailing zeros do not count; −0 keeps its sign as decimal.js keeps it
    expect(parts(plainToDec('-007.50'))).toEqual({ s: -1, e: 0, d: [7, 5000000] });
    expect(parts(plainToDec('-0.00'))).toEqual({ s: -1, e: 0, d: [0] });
    // 10⁷: e = 7, one digit in the first limb ((7 + 1) mod 7 = 1), the zero limbs after it dropped
    expect(parts(plainToDec('10000000'))).toEqual({ s: 1, e: 7, d: [1] });
  });

  it('equals new Dec(text) in sign, exponent and limbs, and in value and text', () => {
    const plainText = fc
      .tuple(
        fc.constantFrom('', '-'),
        fc.stringMatching(/^0{0,3}[0-9]{1,28}$/),
        fc.option(fc.stringMatching(/^[0-9]{1,27}0{0,3}$/), { nil: undefined }),
      )
      .map(([sign, int, frac]) => `${sign}${int}${frac === undefined ? '' : '.' + frac}`);
    fc.assert(
      fc.property(plainText, (t) => {
        const fast = plainToDec(t);
        const slowDec = new Dec(t);
        expect(parts(fast)).toEqual(parts(slowDec));
        expect(fast.toString()).toBe(slowDec.toString());
        expect(fast.plus(1).toString()).toBe(slowDec.plus(1).toString());
        expect(fast.constructor).toBe(slowDec.constructor);
      }),
      { numRuns: 20_000, seed: 19 },
    );
  });
});
