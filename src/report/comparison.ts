/**
 * Township comparison for assessors (考核): rankings of GEP, GEP per km², per capita, growth and GEP/GDP,
 * composition by category, the township × product matrix (heat map) and the change between two years.
 * Pure: accounts and records in, plain data out; indicators come from geep-table (gepIndicators).
 */
import { ZERO, type Dec } from '../domain/decimal.js';
import { gepNetAtConstantPrices, type InputRecord, type RegionAccount } from '../domain/accounting.js';
import { restatesPrices } from '../domain/prices.js';
import type { CompiledSet } from '../domain/model.js';
import { CATEGORIES, type Category, type Labels } from '../methods/schema.js';
import type { DisplayUnitId } from './format.js';
import { geepRows, type GeepRow } from './geep-table.js';
import { ratioOf } from './table.js';

export interface TownshipLabel {
  readonly id: string;
  readonly labels: Labels;
}

export type RankingMetric = 'gep' | 'gep_per_km2' | 'gep_per_capita' | 'gep_growth' | 'gep_to_gdp';

export interface RankingRow {
  /** Competition ranking (1, 2, 2, 4): equal values share a rank. Undefined when there is no figure. */
  readonly rank?: number;
  readonly township: string;
  readonly labels: Labels;
  readonly value?: Dec;
}

export interface Ranking {
  readonly metric: RankingMetric;
  readonly labels: Labels;
  /** One line: what the figure means. */
  readonly meaning: Labels;
  readonly unit: DisplayUnitId;
  readonly rows: readonly RankingRow[];
}

export interface CompositionRow {
  readonly township: string;
  readonly labels: Labels;
  readonly values: Readonly<Record<Category, Dec>>;
  /** Share of the township's GEP, per category; undefined when its GEP is zero. */
  readonly shares: Readonly<Record<Category, Dec | undefined>>;
  readonly gep: Dec;
}

export interface ProductMatrix {
  readonly products: ReadonlyArray<{ id: string; labels: Labels; category: Category }>;
  readonly townships: readonly TownshipLabel[];
  /** [township][product] in 元; 0 where the township has no value for the product. */
  readonly values: ReadonlyArray<ReadonlyArray<Dec>>;
}

export interface ChangeRow {
  readonly township: string;
  readonly labels: Labels;
  readonly previous: Dec;
  readonly current: Dec;
  readonly change: Dec;
  readonly changeRate?: Dec;
  readonly categoryChange: Readonly<Record<Category, Dec>>;
}

export interface ComparisonReport {
  readonly year: number;
  readonly previousYear?: number;
  readonly rankings: readonly Ranking[];
  readonly composition: readonly CompositionRow[];
  readonly productMatrix: ProductMatrix;
  /** Present when the previous year's account is given. */
  readonly change?: readonly ChangeRow[];
  /** The indicator rows per township and the county total, unrounded (from geep-table). */
  readonly indicators: readonly GeepRow[];
}

const L = (zh: string, en: string): Labels => ({ zh, en });

export const RANKING_METRICS: Record<
  RankingMetric,
  { labels: Labels; meaning: Labels; unit: DisplayUnitId; pick: (r: GeepRow) => Dec | undefined }
> = {
  gep: {
    labels: L('GEP', 'GEP'),
    meaning: L(
      '乡镇生态系统一年提供的最终产品与服务价值',
      'value of the final goods and services the township’s ecosystems supplied in the year',
    ),
    unit: 'yi_yuan',
    pick: (r) => r.gep,
  },
  gep_per_km2: {
    labels: L('单位面积GEP', 'GEP per km²'),
    meaning: L(
      '每平方千米土地产生的GEP，消除面积差异',
      'GEP per square kilometre, free of differences in size',
    ),
    unit: 'wan_yuan_per_km2',
    pick: (r) => r.gepPerKm2,
  },
  gep_per_capita: {
    labels: L('人均GEP', 'GEP per capita'),
    meaning: L('每位常住人口对应的GEP', 'GEP per resident'),
    unit: 'yuan_per_capita',
    pick: (r) => r.gepPerCapita,
  },
  gep_growth: {
    labels: L('GEP增长率', 'GEP growth'),
    meaning: L('GEP较上年的变化率', 'change of GEP from the previous year'),
    unit: 'percent',
    pick: (r) => r.growth,
  },
  gep_to_gdp: {
    labels: L('GEP/GDP', 'GEP/GDP'),
    meaning: L(
      'GEP与地区生产总值之比，大于1表示生态价值超过经济产出',
      'GEP over GDP; above 1 the ecosystems’ value exceeds economic output',
    ),
    unit: 'ratio',
    pick: (r) => r.gepToGdp,
  },
};

/** Descending, ties share the better rank (1, 2, 2, 4), in account order; rows without a figure last. */
export function rank(items: ReadonlyArray<{ township: string; labels: Labels; value?: Dec }>): RankingRow[] {
  const withValue = items
    .map((item, order) => ({ item, order }))
    .filter((x) => x.item.value !== undefined)
    .sort((a, b) => b.item.value!.comparedTo(a.item.value!) || a.order - b.order);
  const out: RankingRow[] = [];
  withValue.forEach(({ item }, i) => {
    const previous = out[i - 1];
    const tied = previous?.value !== undefined && previous.value.eq(item.value!);
    out.push({ ...item, rank: tied ? previous.rank : i + 1 });
  });
  for (const item of items) if (item.value === undefined) out.push({ ...item, rank: undefined });
  return out;
}

function composition(region: RegionAccount, labelOf: (t: string) => Labels): CompositionRow[] {
  return region.townships.map((t) => ({
    township: t.township,
    labels: labelOf(t.township),
    values: t.categoryValues,
    shares: Object.fromEntries(CATEGORIES.map((c) => [c, ratioOf(t.categoryValues[c], t.gep)])) as Record<
      Category,
      Dec | undefined
    >,
    gep: t.gep,
  }));
}

function productMatrix(
  set: CompiledSet,
  region: RegionAccount,
  labelOf: (t: string) => Labels,
): ProductMatrix {
  const products = set.products
    .filter((p) => region.productValues.has(p.id))
    .map((p) => ({ id: p.id, labels: p.labels, category: p.category }));
  return {
    products,
    townships: region.townships.map((t) => ({ id: t.township, labels: labelOf(t.township) })),
    values: region.townships.map((t) => products.map((p) => t.productValues.get(p.id) ?? ZERO)),
  };
}

/**
 * Year over year per township, nominal: the GEP and category figures of the difference of its two accounts
 * (src/domain/difference.ts gives the same for one township on each side: after − before), without the
 * per-component detail the difference model also builds.
 */
function changeRows(
  current: RegionAccount,
  previous: RegionAccount,
  labelOf: (t: string) => Labels,
): ChangeRow[] {
  const before = new Map(previous.townships.map((t) => [t.township, t]));
  return current.townships.flatMap((t) => {
    const p = before.get(t.township);
    if (!p) return [];
    const change = t.gep.minus(p.gep);
    return [
      {
        township: t.township,
        labels: labelOf(t.township),
        previous: p.gep,
        current: t.gep,
        change,
        changeRate: ratioOf(change, p.gep),
        categoryChange: Object.fromEntries(
          CATEGORIES.map((c) => [c, t.categoryValues[c].minus(p.categoryValues[c])]),
        ) as Record<Category, Dec>,
      },
    ];
  });
}

/**
 * Per township: net GEP at constant prices this year ÷ last year − 1 (sets with price indices). An account at the
 * current prices of the base year has the constant-price figures already: its record is not accounted again.
 */
function constantPriceGrowth(
  set: CompiledSet,
  profile: string,
  records: readonly InputRecord[],
  previousRecords?: readonly InputRecord[],
  accounted: readonly RegionAccount[] = [],
): Map<string, Dec | undefined> | undefined {
  const base = set.constantPriceYear;
  if (!previousRecords || base === undefined || !restatesPrices(set)) return undefined;
  const atBase = new Map(
    accounted
      .filter((a) => a.year === base && a.prices?.kind === 'current' && a.prices.year === base)
      .flatMap((a) => a.townships.map((t) => [t.township, t] as const)),
  );
  const net = (r: InputRecord) =>
    r.year === base && atBase.has(r.township) && atBase.get(r.township)!.profile === profile
      ? atBase.get(r.township)!.gepNet
      : gepNetAtConstantPrices(set, r, profile, base);
  const before = new Map(previousRecords.map((r) => [r.township, net(r)]));
  return new Map(
    records.map((r) => {
      const p = before.get(r.township);
      return [r.township, p ? ratioOf(net(r).minus(p), p) : undefined];
    }),
  );
}

export function comparisonReport(args: {
  set: CompiledSet;
  region: RegionAccount;
  records: readonly InputRecord[];
  townships: readonly TownshipLabel[];
  previous?: RegionAccount;
  /** County total's label in the indicator rows. */
  totalLabels?: Labels;
  /** With the previous year's records, growth is ranked on net GEP at the set's constant prices. */
  previousRecords?: readonly InputRecord[];
  profile?: string;
}): ComparisonReport {
  const { set, region, previous } = args;
  const constantGrowth = constantPriceGrowth(
    set,
    args.profile ?? 'academic',
    args.records,
    args.previousRecords,
    previous ? [region, previous] : [region],
  );
  const labels = new Map(args.townships.map((t) => [t.id, t.labels]));
  const labelOf = (t: string) => labels.get(t) ?? { zh: t, en: t };
  const totalLabels = args.totalLabels ?? L('全县', 'County');
  const indicators = geepRows(set, region, args.records, (t) => t, totalLabels.zh, previous);
  const townshipRows = indicators.filter((r) => !r.isTotal);
  const metrics = (Object.keys(RANKING_METRICS) as RankingMetric[]).filter(
    (m) => m !== 'gep_growth' || previous !== undefined,
  );
  return {
    year: region.year,
    previousYear: previous?.year,
    rankings: metrics.map((metric) => {
      const m = RANKING_METRICS[metric];
      return {
        metric,
        labels: m.labels,
        meaning: m.meaning,
        unit: m.unit,
        rows: rank(
          townshipRows.map((r) => ({
            township: r.id,
            labels: labelOf(r.id),
            value: metric === 'gep_growth' && constantGrowth ? constantGrowth.get(r.id) : m.pick(r),
          })),
        ),
        ...(metric === 'gep_growth' && constantGrowth
          ? {
              labels: L(
                `GEP净值增长率（${set.constantPriceYear}年不变价）`,
                `Net GEP growth (constant ${set.constantPriceYear} prices)`,
              ),
              meaning: L(
                'GEP净值较上年的实际变化率（剔除价格变动）',
                'real change of net GEP from the previous year (price changes removed)',
              ),
            }
          : {}),
      };
    }),
    composition: composition(region, labelOf),
    productMatrix: productMatrix(set, region, labelOf),
    change: previous ? changeRows(region, previous, labelOf) : undefined,
    indicators,
  };
}
