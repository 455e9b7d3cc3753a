/**
 * Price years and constant prices. A money parameter is stated at its price year; figures are given at the
 * prices of the accounting year (current prices, 当年价) or of a base year (constant prices, 不变价). Each money
 * parameter is restated by its price-index series: value × I(target year) ÷ I(price year).
 */
import { Dec } from './decimal.js';
import type { CompiledSet, ParameterModel, PriceIndexModel, Restatement } from './model.js';

/** Which prices an account's figures are at. */
export interface PriceBasis {
  readonly kind: 'current' | 'constant';
  /** The year whose prices the figures are at: the accounting year (current) or the base year (constant). */
  readonly year: number;
}

export class PriceIndexError extends Error {
  constructor(
    readonly labels: { zh: string; en: string },
    message = labels.en,
  ) {
    super(message);
  }
}

/** Does the set restate its money parameters? (Sets without price indices give figures at their stated prices.) */
export const restatesPrices = (set: CompiledSet) => set.priceIndices.size > 0;

export function indexValue(index: PriceIndexModel, year: number): Dec {
  const v = index.values.get(year)?.value;
  if (!v)
    throw new PriceIndexError({
      zh: `价格指数"${index.labels.zh}"缺少 ${year} 年的数值：请在核算参数集中补充该年指数`,
      en: `price index "${index.labels.en}" has no value for ${year}: add that year's index to the coefficient set`,
    });
  return v;
}

/** The restatement of one money parameter to the prices of `toYear`; undefined for parameters that are not money. */
export function restatementOf(
  set: CompiledSet,
  param: ParameterModel,
  toYear: number,
): Omit<Restatement, 'stated'> | undefined {
  if (!param.priceIndex || param.priceYear === null || param.priceYear === undefined) return undefined;
  const index = set.priceIndices.get(param.priceIndex)!;
  const fromIndex = indexValue(index, param.priceYear);
  const toIndex = indexValue(index, toYear);
  return {
    index: index.id,
    fromYear: param.priceYear,
    toYear,
    fromIndex,
    toIndex,
    factor: toIndex.div(fromIndex),
  };
}

function restate(set: CompiledSet, param: ParameterModel, toYear: number): ParameterModel {
  const r = restatementOf(set, param, toYear);
  if (!r) return param;
  if (param.values) {
    const values = new Map([...param.values].map(([cls, v]) => [cls, v.times(r.factor)]));
    return { ...param, values, restatement: { ...r, stated: param.values } };
  }
  if (param.value === null || param.value === undefined) return param;
  return { ...param, value: param.value.times(r.factor), restatement: { ...r, stated: param.value } };
}

const priced = new WeakMap<CompiledSet, Map<number, CompiledSet>>();

/**
 * The set with every money parameter restated to the prices of `year` (formulas recompiled with the new
 * constants). Built once per set and year. A set without price indices is returned as it is.
 */
export function pricedSet(set: CompiledSet, year: number): CompiledSet {
  if (!restatesPrices(set)) return set;
  let byYear = priced.get(set);
  if (!byYear) priced.set(set, (byYear = new Map()));
  let out = byYear.get(year);
  if (!out) {
    const parameters = new Map([...set.parameters].map(([id, p]) => [id, restate(set, p, year)]));
    const { components, equivalentFactor } = set.replan(parameters);
    out = { ...set, parameters, components, equivalentFactor };
    byYear.set(year, out);
  }
  return out;
}

/** The price basis of figures for `accountingYear`: current prices, or constant prices of `constantYear`. */
export function priceBasis(accountingYear: number, constantYear?: number): PriceBasis {
  return constantYear === undefined
    ? { kind: 'current', year: accountingYear }
    : { kind: 'constant', year: constantYear };
}
