/**
 * Report model of the published price list (公示价格) of a coefficient set: every parameter with its value,
 * unit, price year, verification and the set that defined it, then the products with their valuation method
 * and formulas. Pure: strings only, no IO; rendering lives in src/cli.
 */
import type { Dec } from '../domain/decimal.js';
import type { CompiledSet, ParameterModel } from '../domain/model.js';
import { pricedSet, restatesPrices } from '../domain/prices.js';
import type { Category } from '../methods/schema.js';
import { CATEGORY_LABELS } from './gep-table.js';

type Lang = 'zh' | 'en';
type ValuationMethod = CompiledSet['products'][number]['method'];

export const METHOD_LABELS: Record<ValuationMethod, { zh: string; en: string }> = {
  market_value: { zh: '市场价值法', en: 'Market value' },
  shadow_engineering: { zh: '影子工程法', en: 'Shadow engineering' },
  replacement_cost: { zh: '替代成本法', en: 'Replacement cost' },
  avoided_cost: { zh: '防护/避免成本法', en: 'Avoided cost' },
  travel_cost: { zh: '旅行费用法', en: 'Travel cost' },
  hedonic: { zh: '享乐价格法', en: 'Hedonic pricing' },
};

export const STATUS_LABELS: Record<CompiledSet['status'], { zh: string; en: string }> = {
  draft: { zh: '草案，未公示', en: 'draft, not published' },
  published: { zh: '已公示', en: 'published' },
};

export const NOT_SET = '未设定 (not set)';

export interface PriceRow {
  readonly parameter: string;
  readonly parameterName: string;
  /** Land class id; '' for a scalar parameter. */
  readonly landClass: string;
  readonly landClassName: string;
  /** Display value: percent rates × 100 with " %", unset values NOT_SET; rounded only past 12 digits. */
  readonly value: string;
  /** Stored value as text ('' when unset): the fraction for percent rates. */
  readonly rawValue: string;
  readonly unit: string;
  readonly priceYear: string;
  readonly verified: boolean;
  readonly verifiedText: string;
  readonly definedIn: string;
  readonly source: string;
  readonly note: string;
  /** With a year: the value restated to that year's prices ('' when not money or unset) and the factor. */
  readonly restated?: string;
  readonly factor?: string;
}

export interface IndexRow {
  readonly index: string;
  readonly indexName: string;
  readonly base: string;
  readonly year: number;
  readonly value: string;
  readonly verifiedText: string;
  readonly source: string;
}

export interface FormulaRow {
  readonly component: string;
  readonly componentName: string;
  readonly quantity: string;
  readonly quantityUnit: string;
  readonly value: string;
  readonly valueUnit: string;
}

export interface ProductPriceRow {
  readonly product: string;
  readonly productName: string;
  readonly category: Category;
  readonly categoryName: string;
  readonly method: ValuationMethod;
  readonly methodName: string;
  /** Where the formulas come from, with [V]/[M]; '' when the set does not say. */
  readonly source: string;
  readonly components: readonly FormulaRow[];
}

export interface PriceList {
  readonly title: string;
  readonly ref: string;
  readonly hash12: string;
  readonly status: CompiledSet['status'];
  readonly statusText: string;
  readonly rows: readonly PriceRow[];
  readonly products: readonly ProductPriceRow[];
  /** The year the `restated` column is at, when asked for. */
  readonly year?: number;
  readonly indices: readonly IndexRow[];
}

const plain = (d: Dec) => d.toFixed();

/** Full precision, except a long repeating quotient (e.g. 44/12) shown to 10 significant digits with "≈". */
function shown(d: Dec): string {
  return d.precision() > 12 ? `≈${d.toSignificantDigits(10).toFixed()}` : plain(d);
}

function displayValue(p: ParameterModel, v: Dec | null | undefined): string {
  if (v === null || v === undefined) return NOT_SET;
  return p.percent ? `${shown(v.times(100))} %` : shown(v);
}

function priceRow(p: ParameterModel, lang: Lang, landClass: string, className: string, v?: Dec | null) {
  return {
    parameter: p.id,
    parameterName: p.labels[lang],
    landClass,
    landClassName: className,
    value: displayValue(p, v),
    rawValue: v === null || v === undefined ? '' : plain(v),
    unit: p.percent ? '%' : p.unitText,
    priceYear: p.priceYear === null || p.priceYear === undefined ? '' : String(p.priceYear),
    verified: p.verified,
    verifiedText: verifiedText(p.verified, lang),
    definedIn: p.definedIn,
    source: p.source,
    note: p.note ?? '',
  } satisfies PriceRow;
}

function verifiedText(verified: boolean, lang: Lang) {
  if (verified) return lang === 'zh' ? '[V] 已核实' : '[V] verified';
  return lang === 'zh' ? '[M] 未核实' : '[M] not verified';
}

/** One row per scalar parameter, one row per land class for per-class parameters (in the set's class order). */
export function priceRows(set: CompiledSet, lang: Lang = 'zh', year?: number): PriceRow[] {
  const at = year !== undefined && restatesPrices(set) ? pricedSet(set, year) : undefined;
  const withRestated = (row: PriceRow, p: ParameterModel, cls: string): PriceRow => {
    if (!at) return row;
    const q = at.parameters.get(p.id)!;
    const v = cls ? q.values?.get(cls) : q.value;
    return {
      ...row,
      restated: q.restatement && v ? displayValue(q, v) : '',
      factor: q.restatement
        ? `${q.restatement.toIndex.toFixed()} ÷ ${q.restatement.fromIndex.toFixed()}`
        : '',
    };
  };
  const classOrder = set.landClasses.map((c) => c.id);
  const className = new Map(set.landClasses.map((c) => [c.id, c.labels[lang]]));
  const rows: PriceRow[] = [];
  for (const p of set.parameters.values()) {
    if (p.values) {
      const ids = [
        ...classOrder.filter((c) => p.values!.has(c)),
        ...[...p.values.keys()].filter((c) => !className.has(c)),
      ];
      for (const c of ids)
        rows.push(withRestated(priceRow(p, lang, c, className.get(c) ?? c, p.values.get(c)), p, c));
    } else rows.push(withRestated(priceRow(p, lang, '', '', p.value), p, ''));
  }
  return rows;
}

/** The price-index series of the set, one row per year. */
export function indexRows(set: CompiledSet, lang: Lang = 'zh'): IndexRow[] {
  return [...set.priceIndices.values()].flatMap((index) =>
    [...index.values].map(([year, v]) => ({
      index: index.id,
      indexName: index.labels[lang],
      base: index.base,
      year,
      value: v.value.toFixed(),
      verifiedText: verifiedText(v.verified, lang),
      source: v.source,
    })),
  );
}

/** Products of the catalogue with category, valuation method and each component's formulas. */
export function productPriceRows(set: CompiledSet, lang: Lang = 'zh'): ProductPriceRow[] {
  const components = new Map(set.components.map((c) => [c.id, c]));
  return set.products.map((p) => ({
    product: p.id,
    productName: p.labels[lang],
    category: p.category,
    categoryName: CATEGORY_LABELS[p.category][lang],
    method: p.method,
    methodName: METHOD_LABELS[p.method][lang],
    source: p.source ? `${p.verified ? '[V]' : '[M]'} ${p.source}` : '',
    components: p.componentIds.map((id) => {
      const c = components.get(id);
      return {
        component: id,
        componentName: c?.labels[lang] ?? id,
        quantity: c?.quantity.text ?? '',
        quantityUnit: c?.quantity.unitText ?? '',
        value: c?.value.text ?? '',
        valueUnit: c?.value.unitText ?? '',
      };
    }),
  }));
}

export function priceList(set: CompiledSet, lang: Lang = 'zh', year?: number): PriceList {
  return {
    title: set.title[lang],
    ref: `${set.id}@${set.version}`,
    hash12: set.hash.slice(0, 12),
    status: set.status,
    statusText: STATUS_LABELS[set.status][lang],
    rows: priceRows(set, lang, year),
    products: productPriceRows(set, lang),
    year: year !== undefined && restatesPrices(set) ? year : undefined,
    indices: indexRows(set, lang),
  };
}
