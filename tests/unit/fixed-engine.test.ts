/**
 * The fixed-point engine (fixed-1) against the decimal.js reference (decimal-34): every figure of every
 * component within 10⁻⁶ of its unit (元 for values) on the whole sample county and on a generated province,
 * and under random perturbations; the engine is recorded; a bundle made by the decimal engine re-runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountTownship,
  aggregateRegion,
  type ComponentResult,
  type InputRecord,
  type TownshipAccount,
} from '../../src/domain/accounting.js';
import { Dec } from '../../src/domain/decimal.js';
import {
  DECIMAL_ENGINE,
  FIXED_ENGINE,
  INPUT_SCALE,
  decToScaled,
  divRound,
  rescale,
  scaledToDec,
} from '../../src/domain/fixed.js';
import { validateRecords } from '../../src/domain/inputs.js';
import { bundleResults, compareResults, type Bundle } from '../../src/io/bundle.js';
import { readDatasetJson } from '../../src/io/dataset.js';
import { loadSet } from '../../src/methods/resolve.js';
import { buildProvince } from '../../seeds/province.js';
import { EXIT } from '../../src/cli/main.js';
import { runCli } from './cli-run.js';
import { checkPlausibility } from '../../src/domain/plausibility.js';
import { provinceRun } from '../../src/domain/province.js';
import { CATEGORIES } from '../../src/methods/schema.js';
import { loadPlausibilityIfAny } from '../../src/methods/plausibility.js';

/** The stated bound: every figure of the fixed engine within 10⁻⁶ of its unit of the decimal engine's. */
const BOUND = new Dec('1e-6');

const set = loadSet('coefficients', 'minhou-2021', '2.0.0');
const dataset = readDatasetJson('seeds/minhou/dataset.json');

/** Every figure of two accounts, side by side: "component.what[.class]" → [fixed, decimal]. */
function pairs(a: TownshipAccount, b: TownshipAccount): [string, Dec | undefined, Dec | undefined][] {
  const out: [string, Dec | undefined, Dec | undefined][] = [
    ['gep', a.gep, b.gep],
    ['gepNet', a.gepNet, b.gepNet],
    ['outOfRegionDeduction', a.outOfRegionDeduction, b.outOfRegionDeduction],
  ];
  for (const [k, v] of b.productValues) out.push([`product.${k}`, a.productValues.get(k), v]);
  for (const [k, v] of b.ecosystemValues) out.push([`ecosystem.${k}`, a.ecosystemValues.get(k), v]);
  b.components.forEach((y: ComponentResult, i) => {
    const x = a.components[i]!;
    const id = y.component.id;
    expect(x.component.id).toBe(id);
    expect(x.status, id).toBe(y.status);
    out.push([`${id}.quantity`, x.quantity, y.quantity], [`${id}.value`, x.value, y.value]);
    for (const [k, v] of y.quantityByClass ?? [])
      out.push([`${id}.quantity.${k}`, x.quantityByClass?.get(k), v]);
    for (const [k, v] of y.valueByClass ?? []) out.push([`${id}.value.${k}`, x.valueByClass?.get(k), v]);
    if (y.outOfRegion && 'value' in y.outOfRegion)
      out.push([
        `${id}.outOfRegion`,
        (x.outOfRegion as { value?: Dec } | undefined)?.value,
        y.outOfRegion.value,
      ]);
  });
  return out;
}

/** Compares the engines on records; returns the number of figures compared and the largest difference. */
function compareEngines(records: readonly InputRecord[], profile: string, constantPriceYear?: number) {
  let figures = 0;
  let worst = new Dec(0);
  for (const r of records) {
    const a = accountTownship(set, r, profile, { constantPriceYear });
    const b = accountTownship(set, r, profile, { constantPriceYear, engine: DECIMAL_ENGINE });
    expect(a.engine, `${r.township} ${r.year}`).toBe(FIXED_ENGINE);
    expect(b.engine).toBe(DECIMAL_ENGINE);
    for (const [what, x, y] of pairs(a, b)) {
      expect(x === undefined, `${r.township} ${r.year} ${what}`).toBe(y === undefined);
      if (x === undefined || y === undefined) continue;
      const d = x.minus(y).abs();
      if (d.gt(worst)) worst = d;
      expect(d.lte(BOUND), `${r.township} ${r.year} ${what}: ${x.toString()} vs ${y.toString()}`).toBe(true);
      figures++;
    }
  }
  return { figures, worst };
}

describe('fixed-point arithmetic', () => {
  it('rounds half away from zero where it must, and converts decimals exactly', () => {
    // 7 ÷ 2 = 3.5 → 4; −7 ÷ 2 → −4; 5 ÷ 3 = 1.67 → 2; 1 ÷ 3 → 0
    expect([
      divRound(7n, 2n),
      divRound(-7n, 2n),
      divRound(5n, 3n),
      divRound(1n, 3n),
      divRound(7n, -2n),
    ]).toEqual([4n, -4n, 2n, 0n, -4n]);
    // 1.25 at scale 2 → scale 1: 12.5 → 13; scale 1 → 3: 1.3 = 1.300
    expect(rescale(125n, 2, 1)).toBe(13n);
    expect(rescale(-125n, 2, 1)).toBe(-13n);
    expect(rescale(13n, 1, 3)).toBe(1300n);
    // 123.4500 = 1234500 at 4 decimals; −0.001 at 3 = −1; 1e-19 has more than 18 decimals: not exact
    expect(decToScaled(new Dec('123.4500'), 4)).toBe(1234500n);
    expect(decToScaled(new Dec('-0.001'), 3)).toBe(-1n);
    expect(decToScaled(new Dec('1e-19'), 18)).toBeUndefined();
    expect(decToScaled(new Dec('12345678901234.5678901'), 7)).toBe(123456789012345678901n);
    expect(scaledToDec(-1234500n, 4).toString()).toBe('-123.45');
  });

  it('round-trips any decimal of at most 18 decimals at scale 18 (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 18 }),
        (n, s) => {
          const d = scaledToDec(n, s);
          expect(decToScaled(d, 18)).toBe(n * 10n ** BigInt(18 - s));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fixed engine = decimal engine within 10⁻⁶ per figure', () => {
  const { records, issues } = validateRecords(set, dataset.records, dataset.townships);

  it('on every component of the sample county, every profile, current and constant prices', () => {
    expect(issues).toEqual([]);
    expect(records.length).toBe(30); // 15 townships × 2020, 2021
    for (const p of set.profiles) {
      const { figures, worst } = compareEngines(records, p.id);
      expect(figures).toBeGreaterThan(1000);
      // observed ≈ 10⁻²¹ 元: +, −, × exact, quotients to 10⁻³⁰, the reference itself rounds to 34 digits
      expect(worst.lt('1e-15'), worst.toString()).toBe(true);
    }
    compareEngines(records, 'academic', 2020);
  });

  it('on a generated province (40 townships × 3 years)', () => {
    const { raw, townships } = buildProvince(set, { townships: 40, years: 3, firstYear: 2019, seed: 7 });
    const v = validateRecords(set, raw, townships);
    expect(v.issues).toEqual([]);
    const { figures, worst } = compareEngines(v.records, 'academic');
    expect(figures).toBeGreaterThan(40 * 3 * 100);
    expect(worst.lt('1e-15'), worst.toString()).toBe(true);
  });

  it('under random perturbations of a township (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const { raw, townships } = buildProvince(set, { townships: 1, years: 1, firstYear: 2021, seed });
        const v = validateRecords(set, raw, townships);
        expect(v.issues).toEqual([]);
        compareEngines(v.records, 'gbt_46869_2025');
      }),
      { numRuns: 15 },
    );
  });

  it('sends a record it cannot hold exactly (a value of 10 decimals) to the decimal engine, and says so', () => {
    expect(INPUT_SCALE).toBe(9);
    const r = records[0]!;
    const values = new Map(r.values);
    const [id, v] = [...values].find(([, x]) => x instanceof Dec)! as [string, Dec];
    values.set(id, v.plus('1e-10'));
    const a = accountTownship(set, { ...r, values }, 'academic');
    expect(a.engine).toBe(DECIMAL_ENGINE);
  });
});

describe('the fixed engine makes its per-component detail only when it is read', () => {
  const { records } = validateRecords(set, dataset.records, dataset.townships);
  const str = (d: Dec | undefined) => d?.toString();

  it('gives the totals the full results give, and the region the same figures either way', () => {
    const accounts = records.filter((r) => r.year === 2021).map((r) => accountTownship(set, r, 'academic'));
    for (const a of accounts) {
      const where = `${a.township} ${a.year}`;
      // the component figures a region adds up are the full results' quantity and value, component by component
      const full = a.components.filter((r) => r.quantity !== undefined);
      expect(
        a.componentFigures!.map((f) => [f.component.id, str(f.quantity), str(f.value)]),
        where,
      ).toEqual(full.map((r) => [r.component.id, str(r.quantity), str(r.value)]));
      // products: the component values added in component order, as the decimal engine adds them (same strings)
      const products = new Map<string, Dec>();
      for (const r of a.components)
        if (r.value)
          products.set(
            r.component.product.id,
            (products.get(r.component.product.id) ?? new Dec(0)).plus(r.value),
          );
      expect(
        [...a.productValues].map(([k, v]) => [k, str(v)]),
        where,
      ).toEqual([...products].map(([k, v]) => [k, str(v)]));
      // ecosystems: Σ per-class values by the class's ecosystem (exact in fixed point; 34 digits in Dec)
      const eco = new Map<string, Dec>();
      const ecosystemOf = new Map(set.landClasses.map((l) => [l.id, l.ecosystem as string]));
      for (const r of a.components) {
        if (!r.value) continue;
        if (r.valueByClass)
          for (const [k, v] of r.valueByClass)
            eco.set(ecosystemOf.get(k)!, (eco.get(ecosystemOf.get(k)!) ?? new Dec(0)).plus(v));
        else {
          const k = r.component.ecosystem ?? 'unallocated';
          eco.set(k, (eco.get(k) ?? new Dec(0)).plus(r.value));
        }
      }
      expect([...a.ecosystemValues.keys()], where).toEqual([...eco.keys()]);
      for (const [k, v] of eco)
        expect(
          a.ecosystemValues
            .get(k as never)!
            .minus(v)
            .abs()
            .lte('1e-20'),
          `${where} ${k}`,
        ).toBe(true);
    }
    // the region from the figures alone, and from accounts whose full results were read first: the same
    const lean = aggregateRegion(
      records.filter((r) => r.year === 2021).map((r) => accountTownship(set, r, 'academic')),
    );
    const read = aggregateRegion(accounts);
    expect(lean.gep.toString()).toBe(read.gep.toString());
    expect([...lean.componentValues].map(([k, v]) => [k, str(v)])).toEqual(
      [...read.componentValues].map(([k, v]) => [k, str(v)]),
    );
    expect([...lean.componentQuantities].map(([k, v]) => [k, str(v)])).toEqual(
      [...read.componentQuantities].map(([k, v]) => [k, str(v)]),
    );
  });

  it('gives the plausibility checks the same warnings from its figures as from its full results', () => {
    const rules = loadPlausibilityIfAny('coefficients')!;
    const year = records.filter((r) => r.year === 2021);
    for (const r of year) {
      const a = accountTownship(set, r, 'academic');
      // the same account read whole: its full results, no component figures
      const whole = { ...a, components: a.components, componentFigures: undefined };
      const scope = { kind: 'township' as const, areaKm2: new Dec(100), records: [r] };
      expect(JSON.stringify(checkPlausibility(a, scope, rules, set)), r.township).toBe(
        JSON.stringify(checkPlausibility(whole, scope, rules, set)),
      );
    }
    // the county, whose quantity-per-area checks read each township's classes
    const region = aggregateRegion(year.map((r) => accountTownship(set, r, 'academic')));
    const whole = {
      ...region,
      townships: region.townships.map((t) => ({
        ...t,
        components: t.components,
        componentFigures: undefined,
      })),
    };
    const scope = { kind: 'region' as const, areaKm2: new Dec(2000), records: year };
    const warnings = JSON.stringify(checkPlausibility(region, scope, rules, set));
    expect(warnings).toBe(JSON.stringify(checkPlausibility(whole, scope, rules, set)));
  });

  it('keeps the detail of each township-year, though the engine reuses its scratch area', () => {
    const [r1, r2] = records.filter((r) => r.year === 2021);
    const a = accountTownship(set, r1!, 'academic');
    const before = accountTownship(set, r1!, 'academic').components.map((r) => str(r.value));
    accountTownship(set, r2!, 'academic'); // overwrites the scratch area
    expect(a.components.map((r) => str(r.value))).toEqual(before);
    expect(a.township).not.toBe(r2!.township);
  });
});

describe('a province run: totals only, equal to the decimal engine summed record by record', () => {
  it('every total (GEP, categories, products, ecosystems, component quantities and values), read midway too', () => {
    const { raw, townships } = buildProvince(set, { townships: 25, years: 2, firstYear: 2020, seed: 11 });
    const v = validateRecords(set, raw, townships);
    expect(v.issues).toEqual([]);
    // one record the fixed engine cannot hold (a value of 10 decimals): the decimal engine's figures go in too
    const [id, x] = [...v.records[7]!.values].find(([, y]) => y instanceof Dec)! as [string, Dec];
    const records = v.records.map((r, i) =>
      i === 7 ? { ...r, values: new Map(r.values).set(id, x.plus('1e-10')) } : r,
    );
    // at each year's prices: the plans priced for 2020 and 2021 hold some figures at larger scales than the
    // set's own plan, whose scale the totals start from (this run used to fail: "negative power of ten")
    const run = provinceRun(set, 'academic');
    const startScale = run.totals.scale;
    const dec = (n: bigint) => scaledToDec(n, run.totals.scale);
    // the sums of the decimal engine's figures, record by record
    const sum = new Map<string, Dec>();
    const put = (k: string, d: Dec | undefined) => d && sum.set(k, (sum.get(k) ?? new Dec(0)).plus(d));
    records.forEach((r, i) => {
      run.add(r);
      // totals read midway are settled, and the run goes on from them
      if (i === 20) expect(dec(run.totals.gep).gt(0)).toBe(true);
      const a = accountTownship(set, r, 'academic', { engine: DECIMAL_ENGINE });
      put('gep', a.gep);
      put('outOfRegionDeduction', a.outOfRegionDeduction);
      for (const [k, d] of Object.entries(a.categoryValues)) put(`category.${k}`, d);
      for (const [k, d] of a.productValues) put(`product.${k}`, d);
      for (const [k, d] of a.ecosystemValues) put(`ecosystem.${k}`, d);
      for (const c of a.components) {
        put(`${c.component.id}.quantity`, c.quantity);
        put(`${c.component.id}.value`, c.value);
      }
    });
    const t = run.totals;
    expect([t.records, t.decimalRecords]).toEqual([50, 1]);
    expect(t.scale).toBeGreaterThan(startScale);
    const ours = new Map<string, Dec>([
      ['gep', dec(t.gep)],
      ['outOfRegionDeduction', dec(t.outOfRegionDeduction)],
    ]);
    CATEGORIES.forEach((c, i) => ours.set(`category.${c}`, dec(t.categories[i]!)));
    run.plan.products.forEach((p, i) => ours.set(`product.${p}`, dec(t.products[i]!)));
    run.plan.ecosystems.forEach((e, i) => ours.set(`ecosystem.${e}`, dec(t.ecosystems[i]!)));
    run.plan.components.forEach((c, i) => {
      ours.set(`${c.model.id}.quantity`, dec(t.componentQuantities[i]!));
      ours.set(`${c.model.id}.value`, dec(t.componentValues[i]!));
    });
    let checked = 0;
    for (const [k, d] of sum) {
      expect(ours.has(k), k).toBe(true);
      // 50 records' figures, each within 10⁻¹⁵ of its unit (above): their sum within 10⁻¹³
      expect(ours.get(k)!.minus(d).abs().lt('1e-13'), `${k}: ${ours.get(k)} vs ${d}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
    // a total nobody contributed to is 0 (an ecosystem without land, a category without products)
    for (const [k, d] of ours) if (!sum.has(k)) expect(d.isZero(), k).toBe(true);
    expect(dec(t.gep).gt(1e9)).toBe(true);
  });
});

describe('a bundle made by the decimal engine (before engines had versions) re-runs', () => {
  it('by the decimal rules when it records no engine, and by its own when it records one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gep-engine-'));
    const out = join(dir, 'run.json');
    const args = ['--set', 'minhou-2021', '--data', 'seeds/minhou/dataset.json', '--year', '2021'];
    expect((await runCli('bundle', ...args, '--out', out)).code).toBe(EXIT.ok);
    const b = JSON.parse(readFileSync(out, 'utf8')) as Bundle;
    expect(b.engine).toBe(FIXED_ENGINE);
    expect((await runCli('rerun', out)).code).toBe(EXIT.ok);

    // the old bundle: the decimal engine's figures, no engine recorded
    const { records } = validateRecords(set, b.records, dataset.townships);
    const decimal = bundleResults(
      aggregateRegion(records.map((r) => accountTownship(set, r, b.profile, { engine: DECIMAL_ENGINE }))),
    );
    // the engines' figures differ in far digits (so the rule matters), never beyond the bound
    const diffs = compareResults(decimal, b.results);
    expect(diffs.length).toBeGreaterThan(0);
    const old: Bundle = { ...b, results: decimal };
    delete old.engine;
    writeFileSync(out, JSON.stringify(old));
    const r = await runCli('rerun', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    // the same figures claimed by the fixed engine do not re-run identically
    writeFileSync(out, JSON.stringify({ ...old, engine: FIXED_ENGINE }));
    expect((await runCli('rerun', out)).code).toBe(EXIT.mismatch);
  });
});
