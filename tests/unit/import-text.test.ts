/**
 * The import's values as stored text (validateRecordsAsText) and its plan without the merged copy
 * (eachMergedChange): each equal to the long way (validateRecords then storedValues; diffStored of mergeValues).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from '../../src/domain/decimal.js';
import {
  sumPlainTexts,
  validateRecords,
  validateRecordsAsText,
  type RawRecord,
} from '../../src/domain/inputs.js';
import { loadSet } from '../../src/methods/resolve.js';
import {
  diffMerged,
  diffStored,
  eachMergedChange,
  mergeValues,
  storedOverrides,
  storedValues,
  type StoredValues,
} from '../../src/store/survey.js';
import { tinySet } from './tiny-set.js';

const minhou = loadSet('coefficients', 'minhou-2021', '2.0.0');
const dataset = JSON.parse(readFileSync('seeds/minhou/dataset.json', 'utf8')) as {
  townships: { id: string; areaKm2: string; labels: { zh: string } }[];
  records: RawRecord[];
};
const townships = dataset.townships.map((t) => ({
  id: t.id,
  areaKm2: new Dec(t.areaKm2),
  names: [t.labels.zh],
}));

/** The long way: decimals, then the text storedValues and storedOverrides make of them. */
function longWay(...args: Parameters<typeof validateRecords>) {
  const { records, issues } = validateRecords(...args);
  return {
    records: records.map((r) => ({
      township: r.township,
      year: r.year,
      stored: { values: storedValues(r), overrides: storedOverrides(r) },
    })),
    issues,
  };
}

describe('validateRecordsAsText: the stored text of validateRecords, made without a Decimal per plain value', () => {
  const tiny = loadSet(tinySet(), 'tiny', '1.0.0');
  const one = (values: Record<string, unknown>, units?: Record<string, string>) =>
    validateRecordsAsText(tiny, [{ township: 'T1', year: 2021, values, units }], undefined, {
      allowMissing: true,
    });

  it('hand-worked: canonical text, the range bound [0, 1e6] of x decided exactly, units converted', () => {
    expect(one({ x: '007.50', y: -0 }).records[0]!.stored.values).toEqual({ x: '7.5', y: '0' });
    // '1,234.5' (a thousands comma) and 2e3 (an exponent) are read the long way: 1234.5 and 2000
    expect(one({ x: '1,234.5', y: '2e3' }).records[0]!.stored.values).toEqual({ x: '1234.5', y: '2000' });
    // the bound itself is in range; 1000000.0000000001 rounds to the float 1e6 too, but is above the bound
    expect(one({ x: 1_000_000 }).records[0]!.stored.values).toEqual({ x: '1000000' });
    const over = one({ x: '1000000.0000000001' });
    expect(over.records).toEqual([]);
    expect(over.issues.map((i) => i.message.en)).toEqual([
      'value 1000000.0000000001 1 is outside the valid range [0, 1000000]',
    ]);
    expect(one({ x: '-0.000001' }).issues[0]!.message.en).toBe(
      'value -0.000001 1 is outside the valid range [0, 1000000]',
    );
    // 15 亩 = 15 / 15 hm² = 1 hm²; 1.5 亩 = 0.1 hm² (1 hm² = 15 亩)
    expect(one({ area: { forest: '15' } }, { area: '亩' }).records[0]!.stored.values).toEqual({
      area: { forest: '1' },
    });
    expect(one({ area: { forest: 1.5 } }, { area: '亩' }).records[0]!.stored.values).toEqual({
      area: { forest: '0.1' },
    });
  });

  it('the sample county (30 township-years of 80 values): the same text, in the same order', () => {
    const a = longWay(minhou, dataset.records, townships);
    const b = validateRecordsAsText(minhou, dataset.records, townships);
    expect(a.issues).toEqual([]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('values of every shape, in and out of range, by code and id: the same records, issues and messages', () => {
    const classes = minhou.landClasses;
    const codes = classes.flatMap((c) => c.sourceCodes);
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.double({ min: 0, max: 1e5 }),
      fc.integer({ min: -10, max: 10 ** 6 }),
      fc.stringMatching(/^-?0{0,2}[0-9]{1,8}(\.[0-9]{0,8})?$/),
      fc.constantFrom('1,234.5', '2e3', ' 12 ', '１２', '5%', '1\n2', '', 'abc', '1e40', '0.0000001', null),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: dataset.records.length - 1 }),
        fc.array(fc.tuple(fc.nat({ max: minhou.inputs.length - 1 }), value), { maxLength: 6 }),
        fc.array(fc.tuple(fc.constantFrom(...classes.map((c) => c.id), ...codes), value), { maxLength: 4 }),
        fc.boolean(),
        (k, changes, areas, allowMissing) => {
          const base = dataset.records[k]!;
          const values: Record<string, unknown> = structuredClone(base.values);
          for (const [i, v] of changes) {
            const input = minhou.inputs[i]!;
            if (!input.perLandClass) values[input.id] = v;
          }
          const land = values.land_area as Record<string, unknown>;
          for (const [c, v] of areas) land[c] = v;
          const raw = [{ ...base, values, origin: { sheet: 's', row: 2 } }];
          const a = longWay(minhou, raw, townships, { allowMissing });
          const b = validateRecordsAsText(minhou, raw, townships, { allowMissing });
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        },
      ),
      { numRuns: 1_500, seed: 18 },
    );
  });
});

describe('sumPlainTexts: land-use areas added as integers, equal to decimal.js adding them up', () => {
  it('hand-worked: 1169.25 + 0.5 − 0.75 + 12 = 1181; 0.001 + 2 = 2.001; 35 digits go to decimal.js', () => {
    expect(sumPlainTexts(['1169.25', '0.5', '-0.75', '12'])!.toString()).toBe('1181');
    expect(sumPlainTexts(['0.001', '2'])!.toString()).toBe('2.001');
    expect(sumPlainTexts(['-0.5', '0.25'])!.toString()).toBe('-0.25');
    expect(sumPlainTexts([])!.toString()).toBe('0');
    // 34 nines is below 10³⁴ (exact); adding 1 makes 10³⁴, 35 digits, which decimal.js may round: not here
    expect(sumPlainTexts(['9'.repeat(34)])!.eq('9'.repeat(34))).toBe(true);
    expect(sumPlainTexts(['9'.repeat(34), '1'])).toBeUndefined();
    expect(sumPlainTexts(['1e-7', '1'])).toBeUndefined();
  });

  it('equals sum() of the Decimals whenever it gives a sum', () => {
    const text = fc.oneof(
      fc.stringMatching(/^-?[1-9][0-9]{0,12}(\.[0-9]{0,6}[1-9])?$/),
      fc.stringMatching(/^-?0\.[0-9]{0,20}[1-9]$/),
      fc.stringMatching(/^[1-9][0-9]{20,30}$/),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 14 }), (texts) => {
        const fast = sumPlainTexts(texts);
        const slow = sum(texts.map((t) => new Dec(t)));
        if (fast !== undefined) expect(fast.toString()).toBe(slow.toString());
      }),
      { numRuns: 5_000, seed: 18 },
    );
  });
});

describe('eachMergedChange: the diff of the merged values, without merging', () => {
  it('hand-worked: only given fields that differ, in the stored order, new ones after', () => {
    const before: StoredValues = { gdp: '1', land_area: { paddy: '2', forest: '3' }, pop: '4' };
    const given: StoredValues = {
      pop: '5',
      land_area: { forest: '3', water: '6', paddy: '7' },
      gdp: '1',
      new: '8',
    };
    const seen: [string, string | null, string][] = [];
    eachMergedChange(before, given, (f, o, n) => seen.push([f, o, n]));
    expect(seen).toEqual([
      ['land_area.paddy', '2', '7'],
      ['land_area.water', null, '6'],
      ['pop', '4', '5'],
      ['new', null, '8'],
    ]);
    expect(Object.entries(diffMerged(before, given))).toEqual(
      Object.entries(diffStored(before, mergeValues(before, given))),
    );
  });

  it('equals diffStored(before, mergeValues(before, given)), order included, for keys and shapes of every kind', () => {
    const key = fc.constantFrom('gdp', 'pop', 'land_area', 'x', '0', '12', 'constructor', 'toString');
    const cls = fc.constantFrom('paddy', 'forest', 'water', '2', '0301', '__proto__', 'valueOf');
    const text = fc.constantFrom('1', '2', '3.5', '0');
    const entry = fc.oneof(
      { weight: 3, arbitrary: text },
      { weight: 3, arbitrary: fc.dictionary(cls, text, { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    const values = fc.dictionary(key, entry, { maxKeys: 5 }) as fc.Arbitrary<StoredValues>;
    fc.assert(
      fc.property(fc.option(values, { nil: undefined }), values, (before, given) => {
        const seen: [string, string | null, string | null][] = [];
        eachMergedChange(before, given, (f, o, n) => seen.push([f, o, n]));
        const diff = diffStored(before, mergeValues(before, given));
        expect(seen).toEqual(Object.entries(diff).map(([f, [o, n]]) => [f, o, n]));
      }),
      { numRuns: 5_000, seed: 18 },
    );
  });
});
