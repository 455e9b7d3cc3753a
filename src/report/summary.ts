/**
 * One-page summary (一页纸摘要) of a township or the county for one year: GEP, the three categories, the
 * largest products, change from the previous year, GEEP and the coefficient set, each item with a
 * one-line meaning in Chinese and English.
 */
import type { Dec } from '../domain/decimal.js';
import { regionGepNetAtConstantPrices, type GepTotals, type InputRecord } from '../domain/accounting.js';
import { restatesPrices, type PriceBasis } from '../domain/prices.js';
import { accountGeep, gepIndicators, yearOverYear } from '../domain/geep.js';
import type { CompiledSet } from '../domain/model.js';
import type { PlausibilityWarning } from '../domain/plausibility.js';
import type { Category, Labels } from '../methods/schema.js';
import type { DisplayUnitId } from './format.js';
import { CATEGORY_LABELS } from './gep-table.js';
import { scopeFigures } from './scope-figures.js';
import { ratioOf } from './table.js';

export interface SummaryItem {
  readonly id: string;
  readonly labels: Labels;
  readonly meaning: Labels;
  readonly unit: DisplayUnitId;
  readonly value?: Dec;
  readonly previous?: Dec;
  readonly change?: Dec;
  /** Fraction; undefined without a previous year or over a zero base. */
  readonly changeRate?: Dec;
}

export interface TopProduct {
  readonly id: string;
  readonly labels: Labels;
  readonly category: Category;
  readonly value: Dec;
  readonly share?: Dec;
}

export interface Summary {
  readonly scope: string;
  readonly scopeLabels: Labels;
  readonly year: number;
  readonly previousYear?: number;
  readonly items: readonly SummaryItem[];
  readonly topProducts: readonly TopProduct[];
  /** The prices of the figures (current prices of the year) and the base year of the constant-price items. */
  readonly prices?: { readonly current: number; readonly constantYear?: number };
  /** Plausibility warnings of the current year's account (合理性提示): figures outside published ranges. */
  readonly warnings: readonly PlausibilityWarning[];
  /** "id@version+hash" of the plausibility document the warnings come from. */
  readonly plausibility?: string;
  /** "id@version+hash" and its parts: which published prices the figures use. */
  readonly set: { id: string; version: string; hash: string; text: string; status: CompiledSet['status'] };
}

const L = (zh: string, en: string): Labels => ({ zh, en });

const MEANINGS: Record<string, { labels: Labels; meaning: Labels; unit: DisplayUnitId }> = {
  gep_net: {
    labels: L('GEP（净值，GB/T 46869—2025）', 'Net GEP (GB/T 46869—2025)'),
    meaning: L(
      '扣除区域外生态系统输入价值（如上游来水形成的供水与水电）后的GEP：国家标准定义的GEP，单位面积、人均与GEP/GDP均按此计算',
      "GEP less the value from ecosystems outside the region (e.g. water and hydropower from upstream inflow): the national standard's GEP, on which the per-km², per-capita and GEP/GDP figures are computed",
    ),
    unit: 'yi_yuan',
  },
  gep_net_constant: {
    labels: L('GEP净值', 'Net GEP'),
    meaning: L(
      '以基准年价格计的GEP净值：各年可比，增长率按此计算',
      'net GEP at the prices of the base year: comparable across years, the basis of growth',
    ),
    unit: 'yi_yuan',
  },
  gep: {
    labels: L('GEP总值（含区域外输入）', 'Gross GEP (with outside value)'),
    meaning: L(
      '生态系统一年内为人类提供的最终产品与服务价值之和（当年价），未扣除区域外输入',
      'total value of the final goods and services ecosystems supplied in the year (current prices), before deducting outside value',
    ),
    unit: 'yi_yuan',
  },
  provisioning: {
    labels: CATEGORY_LABELS.provisioning,
    meaning: L(
      '农林牧渔产品、水资源、生态能源等物质产品的价值',
      'value of farm, forest, livestock and fishery products, water and ecological energy',
    ),
    unit: 'yi_yuan',
  },
  regulating: {
    labels: CATEGORY_LABELS.regulating,
    meaning: L(
      '水源涵养、土壤保持、固碳、净化等调节服务的价值',
      'value of water conservation, soil retention, carbon sequestration, purification and other regulation',
    ),
    unit: 'yi_yuan',
  },
  cultural: {
    labels: CATEGORY_LABELS.cultural,
    meaning: L('休闲旅游与景观价值', 'value of recreation, tourism and landscape'),
    unit: 'yi_yuan',
  },
  geep: {
    labels: L('经济生态生产总值（GEEP）', 'Gross Economic-Ecological Product (GEEP)'),
    meaning: L(
      'GDP扣除污染与生态破坏成本，再加调节服务价值',
      'GDP less pollution and ecological damage costs, plus regulating services',
    ),
    unit: 'yi_yuan',
  },
  gep_per_km2: {
    labels: L('单位面积GEP（净值）', 'Net GEP per km²'),
    meaning: L('每平方千米土地产生的GEP净值', 'net GEP per square kilometre'),
    unit: 'wan_yuan_per_km2',
  },
  gep_per_capita: {
    labels: L('人均GEP（净值）', 'Net GEP per capita'),
    meaning: L('每位常住人口对应的GEP净值', 'net GEP per resident'),
    unit: 'yuan_per_capita',
  },
  gep_to_gdp: {
    labels: L('GEP/GDP', 'GEP/GDP'),
    meaning: L('GEP净值与经济产出之比', 'net GEP relative to economic output'),
    unit: 'ratio',
  },
};

export interface SummaryYear {
  readonly totals: GepTotals;
  readonly records: readonly InputRecord[];
  readonly year: number;
}

/**
 * Net GEP of the records at the constant prices of `baseYear` (undefined for a set without price indices). Figures
 * at the current prices of the base year itself are those: the records are not accounted again.
 */
function netAtConstantPrices(set: CompiledSet, profile: string, y: SummaryYear, baseYear?: number) {
  if (baseYear === undefined || !restatesPrices(set) || !y.records.length) return undefined;
  const prices = (y.totals as { prices?: PriceBasis }).prices;
  if (y.year === baseYear && prices?.kind === 'current' && prices.year === baseYear) return y.totals.gepNet;
  return regionGepNetAtConstantPrices(set, y.records, profile, baseYear);
}

function figuresOf(
  set: CompiledSet,
  y: SummaryYear,
  constantNet: Dec | undefined,
): Record<string, Dec | undefined> {
  const f = scopeFigures(set, y.records);
  const geep = accountGeep({ ...f, regulatingValue: y.totals.categoryValues.regulating });
  const ind = gepIndicators({ gep: y.totals.gepNet, ...f });
  return {
    gep: y.totals.gep,
    ...y.totals.categoryValues,
    gep_net: y.totals.gepNet,
    gep_net_constant: constantNet,
    geep: geep.geep,
    gep_per_km2: ind.gepPerKm2,
    gep_per_capita: ind.gepPerCapita,
    gep_to_gdp: ind.gepToGdp,
  };
}

export function summaryReport(args: {
  set: CompiledSet;
  /** The profile the totals were accounted with (for the constant-price figures). */
  profile?: string;
  /** Base year of constant prices; the set's default when omitted. */
  constantPriceYear?: number;
  scope: string;
  scopeLabels: Labels;
  current: SummaryYear;
  previous?: SummaryYear;
  topN?: number;
  warnings?: readonly PlausibilityWarning[];
  plausibility?: { id: string; version: string; hash: string };
}): Summary {
  const { set, current, previous } = args;
  const profile = args.profile ?? 'academic';
  const baseYear = restatesPrices(set) ? (args.constantPriceYear ?? set.constantPriceYear) : undefined;
  const now = figuresOf(set, current, netAtConstantPrices(set, profile, current, baseYear));
  const before = previous
    ? figuresOf(set, previous, netAtConstantPrices(set, profile, previous, baseYear))
    : undefined;
  const items = Object.entries(MEANINGS).map(([id, m]): SummaryItem => {
    const value = now[id];
    const prev = before?.[id];
    return {
      id,
      ...m,
      value,
      previous: prev,
      change: value && prev ? value.minus(prev) : undefined,
      changeRate: value ? yearOverYear(value, prev) : undefined,
    };
  });
  const gep = current.totals.gep;
  const topProducts = set.products
    .filter((p) => current.totals.productValues.has(p.id))
    .map((p) => {
      const value = current.totals.productValues.get(p.id)!;
      return { id: p.id, labels: p.labels, category: p.category, value, share: ratioOf(value, gep) };
    })
    // largest first; equal values keep catalogue order
    .sort((a, b) => b.value.comparedTo(a.value))
    .slice(0, args.topN ?? 5);
  return {
    scope: args.scope,
    scopeLabels: args.scopeLabels,
    year: current.year,
    previousYear: previous?.year,
    prices: restatesPrices(set) ? { current: current.year, constantYear: baseYear } : undefined,
    items: items.filter((i) => i.id !== 'gep_net_constant' || i.value !== undefined),
    topProducts,
    warnings: args.warnings ?? [],
    plausibility:
      args.plausibility &&
      `${args.plausibility.id}@${args.plausibility.version}+${args.plausibility.hash.slice(0, 12)}`,
    set: {
      id: set.id,
      version: set.version,
      hash: set.hash,
      text: `${set.id}@${set.version}+${set.hash.slice(0, 12)}`,
      status: set.status,
    },
  };
}
