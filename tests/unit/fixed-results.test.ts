/**
 * The fixed engine's accounts add their figures in BigInt (src/domain/fixed-results.ts) as decimal.js adds the
 * same figures: a region, its per-component and per-class sums and its net GEP are the same decimals, digit for
 * digit and in the same order, as those added from the accounts' decimal figures (a copy of an account made by
 * spreading has no fixed run and is added the decimal way). On the sample county and a generated province.
 */
import { describe, expect, it } from 'vitest';
import {
  accountAtConstantPrices,
  accountTownship,
  aggregateRegion,
  gepNetAtConstantPrices,
  regionGepNet,
  regionGepNetAtConstantPrices,
  sumComponents,
  type RegionAccount,
  type TownshipAccount,
} from '../../src/domain/accounting.js';
import { Dec } from '../../src/domain/decimal.js';
import { validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import { readDatasetJson } from '../../src/io/dataset.js';
import { loadSet } from '../../src/methods/resolve.js';
import { buildProvince } from '../../seeds/province.js';

const set = loadSet('coefficients', 'minhou-2021', '2.0.0');
const dataset = readDatasetJson('seeds/minhou/dataset.json');

const text = (x: unknown): unknown =>
  x instanceof Dec
    ? x.toString()
    : x instanceof Map
      ? [...x].map(([k, v]) => [k, text(v)])
      : x && typeof x === 'object'
        ? Object.entries(x).map(([k, v]) => [k, k === 'component' ? (v as { id: string }).id : text(v)])
        : x;

/** Every figure of a region as text, Maps in their order. */
const regionText = (r: RegionAccount) =>
  text({
    gep: r.gep,
    gepNet: r.gepNet,
    outOfRegionDeduction: r.outOfRegionDeduction,
    categoryValues: r.categoryValues,
    productValues: r.productValues,
    ecosystemValues: r.ecosystemValues,
    componentQuantities: r.componentQuantities,
    componentValues: r.componentValues,
  });

/** The same account read whole: a plain object of its decimals, without its fixed run. */
const plain = (a: TownshipAccount): TownshipAccount => ({ ...a });

function check(raw: readonly RawRecord[], townships: Parameters<typeof validateRecords>[2], profile: string) {
  const { records, issues } = validateRecords(set, raw, townships);
  expect(issues).toEqual([]);
  for (const constantPriceYear of [undefined, 2020])
    for (const year of [2020, 2021]) {
      const accounts = records
        .filter((r) => r.year === year)
        .map((r) => accountTownship(set, r, profile, { constantPriceYear }));
      const where = `${profile} ${year} ${constantPriceYear ?? 'current'}`;
      expect(accounts.every((a) => a.engine === 'fixed-1')).toBe(true);
      const fast = aggregateRegion(accounts);
      const slow = aggregateRegion(accounts.map(plain));
      expect(regionText(fast), where).toEqual(regionText(slow));
      expect(regionGepNet(accounts).toString(), where).toBe(slow.gepNet.toString());
      expect(text(sumComponents(accounts)), where).toEqual(text(sumComponents(accounts.map(plain))));
      // one township: its totals as the decimal engine's summarise adds its own results
      const one = accounts[1]!;
      expect(text(sumComponents([one]))).toEqual(text(sumComponents([plain(one)])));
      if (constantPriceYear === undefined) continue;
      // net GEP at constant prices from runs read on the scratch area (fresh records: nothing kept yet), then
      // from what was kept, then from kept accounts: the same decimal as the accounts' region
      const fresh = records.filter((r) => r.year === year).map((r) => ({ ...r }));
      const net = () => regionGepNetAtConstantPrices(set, fresh, profile, 2020).toString();
      expect(net(), where).toBe(slow.gepNet.toString());
      expect(net(), where).toBe(slow.gepNet.toString());
      expect(
        fresh.map((r) => gepNetAtConstantPrices(set, r, profile, 2020).toString()),
        where,
      ).toEqual(accounts.map((a) => a.gepNet.toString()));
      const kept = records.filter((r) => r.year === year).map((r) => ({ ...r }));
      kept.forEach((r) => accountAtConstantPrices(set, r, profile, 2020));
      expect(regionGepNetAtConstantPrices(set, kept, profile, 2020).toString(), where).toBe(
        slow.gepNet.toString(),
      );
    }
}

describe('net GEP at constant prices without the accounts', () => {
  it("is the decimal engine's region net when a record is not the fixed engine's (a value of 12 decimals)", () => {
    const { records } = validateRecords(set, dataset.records, dataset.townships);
    const year = records.filter((r) => r.year === 2021);
    // 10⁻¹² t more grain in the first township: more decimals than the fixed engine takes
    const [first, ...rest] = year;
    const grain = first!.values.get('grain_output') as Dec;
    const values = new Map(first!.values).set('grain_output', grain.plus('0.000000000001'));
    const odd = [{ ...first!, values }, ...rest];
    const accounts = odd.map((r) => accountTownship(set, r, 'academic', { constantPriceYear: 2020 }));
    expect(accounts[0]!.engine).toBe('decimal-34');
    const expected = aggregateRegion(accounts).gepNet.toString();
    expect(
      regionGepNetAtConstantPrices(
        set,
        odd.map((r) => ({ ...r })),
        'academic',
        2020,
      ).toString(),
    ).toBe(expected);
    expect(gepNetAtConstantPrices(set, { ...odd[0]! }, 'academic', 2020).toString()).toBe(
      accounts[0]!.gepNet.toString(),
    );
  });
});

describe('fixed accounts add up as decimal.js adds them, digit for digit', () => {
  it('on the sample county (15 townships, 2020 and 2021), two profiles, current and constant prices', () => {
    for (const profile of ['academic', 'gbt_46869_2025']) check(dataset.records, dataset.townships, profile);
  });

  it('on a generated province (120 townships × 2 years)', () => {
    const { raw, townships } = buildProvince(set, { townships: 120, years: 2, firstYear: 2020, seed: 11 });
    check(raw, townships, 'academic');
  });
});
