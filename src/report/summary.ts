/**
 * One-page summary (一页纸摘要) of a township or the county for one year: GEP, the three categories, the
 * largest products, change from the previous year, GEEP and the coefficient set, each item with a
 * one-line meaning in Chinese and English.
 */
import type { Dec } from '../domain/decimal.js';
import type { GepTotals, InputRecord } from '../domain/accounting.js';
import { accountGeep, gepIndicators, yearOverYear } from '../domain/geep.js';
import type { CompiledSet } from '../domain/model.js';
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
  /** "id@version+hash" and its parts: which published prices the figures use. */
  readonly set: { id: string; version: string; hash: string; text: string; status: CompiledSet['status'] };
}

const L = (zh: string, en: string): Labels => ({ zh, en });

const MEANINGS: Record<string, { labels: Labels; meaning: Labels; unit: DisplayUnitId }> = {
  gep: {
    labels: L('生态系统生产总值（GEP）', 'Gross Ecosystem Product (GEP)'),
    meaning: L(
      '生态系统一年内为人类提供的最终产品与服务价值之和',
      'total value of the final goods and services ecosystems supplied in the year',
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
  gep_net: {
    labels: L('GEP（扣除区域外输入）', 'GEP net of outside value'),
    meaning: L('扣除来自区域外的价值后的GEP', 'GEP less the value originating outside the region'),
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
    labels: L('单位面积GEP', 'GEP per km²'),
    meaning: L('每平方千米土地产生的GEP', 'GEP per square kilometre'),
    unit: 'wan_yuan_per_km2',
  },
  gep_per_capita: {
    labels: L('人均GEP', 'GEP per capita'),
    meaning: L('每位常住人口对应的GEP', 'GEP per resident'),
    unit: 'yuan_per_capita',
  },
  gep_to_gdp: {
    labels: L('GEP/GDP', 'GEP/GDP'),
    meaning: L('生态价值与经济产出之比', 'ecosystem value relative to economic output'),
    unit: 'ratio',
  },
};

export interface SummaryYear {
  readonly totals: GepTotals;
  readonly records: readonly InputRecord[];
  readonly year: number;
}

function figuresOf(set: CompiledSet, y: SummaryYear): Record<string, Dec | undefined> {
  const f = scopeFigures(set, y.records);
  const geep = accountGeep({ ...f, regulatingValue: y.totals.categoryValues.regulating });
  const ind = gepIndicators({ gep: y.totals.gep, ...f });
  return {
    gep: y.totals.gep,
    ...y.totals.categoryValues,
    gep_net: y.totals.gepNet,
    geep: geep.geep,
    gep_per_km2: ind.gepPerKm2,
    gep_per_capita: ind.gepPerCapita,
    gep_to_gdp: ind.gepToGdp,
  };
}

export function summaryReport(args: {
  set: CompiledSet;
  scope: string;
  scopeLabels: Labels;
  current: SummaryYear;
  previous?: SummaryYear;
  topN?: number;
}): Summary {
  const { set, current, previous } = args;
  const now = figuresOf(set, current);
  const before = previous ? figuresOf(set, previous) : undefined;
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
    items,
    topProducts,
    set: {
      id: set.id,
      version: set.version,
      hash: set.hash,
      text: `${set.id}@${set.version}+${set.hash.slice(0, 12)}`,
      status: set.status,
    },
  };
}
