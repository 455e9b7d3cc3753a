/**
 * The decimal engine's 34-digit arithmetic held in BigInt (src/domain/fixed-d34.ts) against decimal.js itself:
 * each sum, and a sum of many figures added in order, is the same decimal, digit for digit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from '../../src/domain/decimal.js';
import { add34, fromDec, round34, sub34, toDec, within34, type D34 } from '../../src/domain/fixed-d34.js';
import { decToScaled, resultToDec, scaledToDec } from '../../src/domain/fixed.js';

const str = (d: D34) => toDec(d).toString();

/** A decimal of up to 40 digits at a scale of −10…60, of either sign. */
const scaled = fc.record({
  n: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  s: fc.integer({ min: -10, max: 60 }),
});
const decOf = ({ n, s }: { n: bigint; s: number }) => new Dec(`${n}e${-s}`);

describe('34-digit decimals in BigInt', () => {
  it('rounds to 34 significant digits half away from zero, by hand', () => {
    // 35 digits 1…(34 ones)5 → the 35th digit 5 rounds the 34th up: 1111…12 × 10
    const n = BigInt('1'.repeat(34) + '5');
    expect(str(round34(n, 0))).toBe(new Dec('1'.repeat(33) + '20').toString());
    expect(str(round34(-n, 0))).toBe(`-${new Dec('1'.repeat(33) + '20').toString()}`);
    // 35 nines → 10³⁵ (a carry: one more digit, the same value)
    expect(str(round34(10n ** 35n - 1n, 0))).toBe('1e+35');
    // 1.2345 × 10⁻⁴⁰ has 5 digits: unchanged
    expect(str(round34(12345n, 44))).toBe('1.2345e-40');
  });

  it('makes the same decimal as resultToDec and as decimal.js for any scaled integer (property)', () => {
    fc.assert(
      fc.property(scaled, (x) => {
        const d = round34(x.n, x.s);
        // decimal.js keeps every digit a value is written with; a sum (here 0 + x) rounds to 34
        expect(str(d)).toBe(sum([decOf(x)]).toString());
        if (x.s >= 0) expect(str(d)).toBe(resultToDec(x.n, x.s).toString());
        expect(str(fromDec(toDec(d)))).toBe(str(d));
      }),
      { numRuns: 2000 },
    );
  });

  it('rounds figures of up to 300 digits (exact run figures at large scales) as decimal.js does (property)', () => {
    const long = fc.record({
      n: fc.bigInt({ min: -(10n ** 300n), max: 10n ** 300n }),
      s: fc.integer({ min: 0, max: 310 }),
    });
    fc.assert(
      fc.property(long, (x) => {
        expect(str(round34(x.n, x.s))).toBe(sum([decOf(x)]).toString());
      }),
      { numRuns: 1000 },
    );
  });

  it('adds and subtracts as decimal.js does at 34 digits (property)', () => {
    fc.assert(
      fc.property(scaled, scaled, (x, y) => {
        const a = round34(x.n, x.s);
        const b = round34(y.n, y.s);
        expect(str(add34(a, b))).toBe(toDec(a).plus(toDec(b)).toString());
        expect(str(sub34(a, b))).toBe(toDec(a).minus(toDec(b)).toString());
      }),
      { numRuns: 3000 },
    );
  });

  it('adds a column of figures in order as sum() does, ties included (property)', () => {
    // figures near one magnitude, so partial sums round at every step; halves are made likely by trailing 5s
    const figure = fc
      .tuple(fc.bigInt({ min: 10n ** 32n, max: 10n ** 34n - 1n }), fc.integer({ min: 18, max: 30 }))
      .map(([n, s]) => ({ n: n - (n % 10n) + 5n, s }));
    fc.assert(
      fc.property(fc.array(figure, { minLength: 1, maxLength: 60 }), (xs) => {
        const decs = xs.map(decOf);
        let acc: D34 = { m: 0n, s: 0 };
        for (const x of xs) acc = add34(acc, round34(x.n, x.s));
        expect(str(acc)).toBe(sum(decs).toString());
      }),
      { numRuns: 500 },
    );
  });

  it('compares within a tolerance exactly', () => {
    // 1.000000000 vs 1.000000001: 10⁻⁹ apart, within 10⁻⁹, not within 10⁻¹⁰
    const a = fromDec(new Dec('1.000000000'));
    const b = fromDec(new Dec('1.000000001'));
    expect(within34(a, b, 9)).toBe(true);
    expect(within34(a, b, 10)).toBe(false);
  });
});

describe('decimals into fixed point', () => {
  it('converts any decimal of up to 40 digits exactly, or says it has too many decimals (property)', () => {
    fc.assert(
      fc.property(scaled, fc.integer({ min: 0, max: 30 }), (x, scale) => {
        const d = decOf(x);
        const n = decToScaled(d, scale);
        expect(n === undefined).toBe(d.decimalPlaces() > scale);
        if (n !== undefined) expect(scaledToDec(n, scale).toString()).toBe(d.toString());
      }),
      { numRuns: 3000 },
    );
    // 1.5 × 10¹⁰ at 2 decimals = 1,500,000,000,000; 0.0012 at 3 decimals has one too many
    expect(decToScaled(new Dec('1.5e10'), 2)).toBe(1_500_000_000_000n);
    expect(decToScaled(new Dec('0.0012'), 3)).toBeUndefined();
    expect(decToScaled(new Dec('-12.50'), 1)).toBe(-125n);
    // either side of 2⁵³ − 1 = 9,007,199,254,740,991 (the largest integer a double holds exactly, scaled as one)
    expect(decToScaled(new Dec('9007199254740.991'), 3)).toBe(9_007_199_254_740_991n);
    expect(decToScaled(new Dec('9007199254740.993'), 3)).toBe(9_007_199_254_740_993n);
    expect(decToScaled(new Dec('-9007199254740.993'), 3)).toBe(-9_007_199_254_740_993n);
    // 14 digits × 10²² = 99,999,999,999,999 followed by 22 zeros
    expect(decToScaled(new Dec('99999999999999'), 22)).toBe(99_999_999_999_999n * 10n ** 22n);
  });
});
