/**
 * A province run: township-years streamed through the fixed-point engine into totals, nothing else kept, so
 * memory does not grow with the number of records. A record the fixed engine sends on (see accountTownship)
 * is accounted by the decimal engine and added to the same totals.
 */
import { accountTownship, productsInProfile, type InputRecord } from './accounting.js';
import { DECIMAL_ENGINE, FixedFallback, decToScaledRounded } from './fixed.js';
import type { Dec } from './decimal.js';
import {
  addScratch,
  emptyTotals,
  fixedPlan,
  loadRecord,
  runFixed,
  settleTotals,
  type FixedPlan,
  type FixedTotals,
} from './fixed-account.js';
import type { CompiledSet } from './model.js';
import { CATEGORIES } from '../methods/schema.js';
import { PriceIndexError, pricedSet, restatesPrices } from './prices.js';

export interface ProvinceRun {
  readonly plan: FixedPlan;
  /** The totals so far (settled when read: settleTotals). */
  readonly totals: FixedTotals;
  /** Accounts one township-year into the totals. */
  add(record: InputRecord): void;
}

/**
 * Starts a province run of one set and profile: each record at its year's prices (a set with price indices), or
 * at the constant prices of `constantPriceYear`. The totals of several years are the sum of their figures.
 */
export function provinceRun(stated: CompiledSet, profile: string, constantPriceYear?: number): ProvinceRun {
  const included = new Set(productsInProfile(stated, profile).map((p) => p.id));
  const planOf = (year: number) =>
    fixedPlan(
      restatesPrices(stated) ? pricedSet(stated, constantPriceYear ?? year) : stated,
      profile,
      included,
    );
  // the plan whose indices the totals follow (every priced plan of the set has the same)
  const first =
    constantPriceYear !== undefined ? planOf(constantPriceYear) : fixedPlan(stated, profile, included);
  const totals = emptyTotals(first);
  const index = new Map(first.components.map((c, i) => [c.model.id, i]));
  const fixed = (d: Dec) => decToScaledRounded(d, totals.scale);
  return {
    plan: first,
    get totals() {
      return settleTotals(totals);
    },
    add(record) {
      if (!record.overrides?.size)
        try {
          const plan = restatesPrices(stated) ? planOf(record.year) : first;
          if (loadRecord(plan, record)) {
            runFixed(plan);
            addScratch(plan, totals);
            return;
          }
        } catch (e) {
          // the decimal engine names the error (a missing price index, a figure out of range)
          if (!(e instanceof FixedFallback || e instanceof PriceIndexError)) throw e;
        }
      // the decimal engine's figures (or its error), added to the same totals
      const a = accountTownship(stated, record, profile, { engine: DECIMAL_ENGINE, constantPriceYear });
      totals.records++;
      totals.decimalRecords++;
      totals.gep += fixed(a.gep);
      totals.outOfRegionDeduction += fixed(a.outOfRegionDeduction);
      CATEGORIES.forEach((c, i) => (totals.categories[i]! += fixed(a.categoryValues[c])));
      for (const [p, v] of a.productValues) totals.products[first.products.indexOf(p)]! += fixed(v);
      for (const [e, v] of a.ecosystemValues) totals.ecosystems[first.ecosystems.indexOf(e)]! += fixed(v);
      for (const r of a.components) {
        const i = index.get(r.component.id)!;
        if (r.quantity) totals.componentQuantities[i]! += fixed(r.quantity);
        if (r.value) totals.componentValues[i]! += fixed(r.value);
      }
    },
  };
}
