/**
 * Every figure of an account, per township and for the county, as one list of lines: GEP gross and net,
 * by category, product, component (quantity and value), land class and ecosystem type; GEEP and green
 * GDP with their inputs; the indicators; and, when the set has an equivalent-factor table, ESV (total, by
 * service, service group and ecosystem type of the table). Unrounded Dec values: the CLI and the exports
 * format them (JSON as exact decimal strings, CSV as one row per line, tables rounded for display).
 */
import { ZERO, type Dec } from '../domain/decimal.js';
import type { InputRecord, RegionAccount, TownshipAccount } from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import { CATEGORIES, type Labels } from '../methods/schema.js';
import { esvReport, type EsvReport } from './esv-report.js';
import { geepRows, type GeepRow } from './geep-table.js';
import { CATEGORY_LABELS } from './gep-table.js';

export const MEASURES = [
  'gep',
  'out_of_region_deduction',
  'gep_net',
  'category',
  'product',
  'component_quantity',
  'component_value',
  'land_class',
  'ecosystem',
  'geep',
  'indicator',
  'esv_total',
  'esv_group',
  'esv_service',
  'esv_type',
  'esv_type_area',
] as const;
export type Measure = (typeof MEASURES)[number];

export const ECOSYSTEM_LABELS: Readonly<Record<string, Labels>> = {
  forest: { zh: '森林', en: 'Forest' },
  shrub: { zh: '灌丛', en: 'Shrub' },
  grassland: { zh: '草地', en: 'Grassland' },
  wetland: { zh: '湿地', en: 'Wetland' },
  farmland: { zh: '农田', en: 'Farmland' },
  urban: { zh: '城镇', en: 'Urban' },
  water: { zh: '水域', en: 'Water' },
  bare: { zh: '裸地', en: 'Bare land' },
  unallocated: { zh: '未分配到生态系统', en: 'Not allocated to an ecosystem' },
};

const GEEP_LINES: ReadonlyArray<[keyof GeepRow, string, Labels]> = [
  ['gdp', 'gdp', { zh: '地区生产总值（GDP）', en: 'GDP' }],
  ['pollutionCost', 'pollution_cost', { zh: '环境退化成本', en: 'Pollution cost' }],
  ['ecologicalDamageCost', 'ecological_damage_cost', { zh: '生态破坏成本', en: 'Ecological damage cost' }],
  ['regulatingValue', 'regulating_value', { zh: '调节服务价值', en: 'Regulating-service value' }],
  ['greenGdp', 'green_gdp', { zh: '绿色GDP', en: 'Green GDP' }],
  ['geep', 'geep', { zh: '经济生态生产总值（GEEP）', en: 'GEEP' }],
];

const INDICATOR_LINES: ReadonlyArray<[keyof GeepRow, string, Labels, string]> = [
  ['areaKm2', 'area', { zh: '面积', en: 'Area' }, 'km2'],
  ['population', 'population', { zh: '常住人口', en: 'Resident population' }, '人'],
  ['gepPerKm2', 'gep_per_km2', { zh: '单位面积GEP', en: 'GEP per km²' }, '元/km2'],
  ['gepPerCapita', 'gep_per_capita', { zh: '人均GEP', en: 'GEP per capita' }, '元/人'],
  ['gepToGdp', 'gep_to_gdp', { zh: 'GEP/GDP', en: 'GEP/GDP' }, '1'],
  ['growth', 'gep_growth', { zh: 'GEP增长率', en: 'GEP growth' }, '1'],
];

export interface FigureLine {
  readonly measure: Measure;
  /** The id of the item within the measure (a product id, a land class, a service …); '' for a single figure. */
  readonly item: string;
  readonly labels: Labels;
  readonly unit: string;
  readonly value: Dec;
}

export interface ScopeLines {
  /** A township id, or 'total' for the region. */
  readonly id: string;
  readonly isTotal: boolean;
  readonly lines: readonly FigureLine[];
}

export interface AccountFigures {
  readonly scopes: readonly ScopeLines[];
  /** Absent when the set has no equivalent-factor table. */
  readonly esv?: EsvReport;
  readonly geep: readonly GeepRow[];
}

function gepLines(set: CompiledSet, a: TownshipAccount | RegionAccount): FigureLine[] {
  const out: FigureLine[] = [];
  const line = (measure: Measure, item: string, labels: Labels, value: Dec, unit = '元') =>
    out.push({ measure, item, labels, unit, value });
  line('gep', '', { zh: 'GEP（总值）', en: 'GEP (gross)' }, a.gep);
  line(
    'out_of_region_deduction',
    '',
    { zh: '区域外输入价值', en: 'Out-of-region value' },
    a.outOfRegionDeduction,
  );
  line('gep_net', '', { zh: 'GEP（净值）', en: 'GEP (net)' }, a.gepNet);
  for (const c of CATEGORIES) line('category', c, CATEGORY_LABELS[c], a.categoryValues[c]);
  for (const p of set.products)
    if (a.productValues.has(p.id)) line('product', p.id, p.labels, a.productValues.get(p.id)!);

  const components = new Map(set.components.map((c) => [c.id, c]));
  const quantities = new Map<string, Dec>();
  const values = new Map<string, Dec>();
  const byClass = new Map<string, Dec>();
  const townships = 'townships' in a ? a.townships : [a];
  for (const t of townships)
    for (const r of t.components) {
      const id = r.component.id;
      if (r.quantity) quantities.set(id, (quantities.get(id) ?? ZERO).plus(r.quantity));
      if (r.value) values.set(id, (values.get(id) ?? ZERO).plus(r.value));
      for (const [cls, v] of r.valueByClass ?? []) byClass.set(cls, (byClass.get(cls) ?? ZERO).plus(v));
    }
  for (const [id, q] of quantities) {
    const c = components.get(id)!;
    line('component_quantity', id, c.labels, q, c.quantity.unitText);
  }
  for (const [id, v] of values) line('component_value', id, components.get(id)!.labels, v);
  for (const l of set.landClasses)
    if (byClass.has(l.id)) line('land_class', l.id, l.labels, byClass.get(l.id)!);
  for (const [eco, v] of a.ecosystemValues)
    line('ecosystem', eco, ECOSYSTEM_LABELS[eco] ?? { zh: eco, en: eco }, v);
  return out;
}

function geepLines(row: GeepRow): FigureLine[] {
  const out: FigureLine[] = [];
  for (const [key, item, labels] of GEEP_LINES)
    out.push({ measure: 'geep', item, labels, unit: '元', value: row[key] as Dec });
  for (const [key, item, labels, unit] of INDICATOR_LINES) {
    const v = row[key] as Dec | undefined;
    if (v !== undefined) out.push({ measure: 'indicator', item, labels, unit, value: v });
  }
  return out;
}

function esvLines(set: CompiledSet, report: EsvReport, id: string): FigureLine[] {
  const ef = set.equivalentFactor!;
  const esv = report.scopes.find((s) => s.id === id)!.esv;
  const out: FigureLine[] = [
    {
      measure: 'esv_total',
      item: '',
      labels: { zh: '生态系统服务价值（当量因子法）', en: 'ESV (equivalent factors)' },
      unit: '元',
      value: esv.total,
    },
  ];
  for (const g of ef.groups)
    out.push({
      measure: 'esv_group',
      item: g.id,
      labels: g.labels,
      unit: '元',
      value: esv.byGroup.get(g.id)!,
    });
  for (const s of ef.services)
    out.push({
      measure: 'esv_service',
      item: s.id,
      labels: s.labels,
      unit: '元',
      value: esv.byService.get(s.id)!,
    });
  for (const t of ef.types) {
    const v = esv.byType.get(t.id);
    if (v === undefined) continue;
    out.push({ measure: 'esv_type', item: t.id, labels: t.labels, unit: '元', value: v });
    out.push({
      measure: 'esv_type_area',
      item: t.id,
      labels: t.labels,
      unit: 'hm2',
      value: esv.byTypeArea.get(t.id)!,
    });
  }
  return out;
}

export function accountFigures(args: {
  set: CompiledSet;
  region: RegionAccount;
  records: readonly InputRecord[];
  townships: ReadonlyArray<{ id: string; labels: Labels }>;
  totalLabels?: Labels;
}): AccountFigures {
  const { set, region, records } = args;
  const geep = geepRows(set, region, records, (t) => t, 'total');
  const esv = set.equivalentFactor
    ? esvReport({ set, region, records, townships: args.townships, totalLabels: args.totalLabels })
    : undefined;
  const scope = (id: string, a: TownshipAccount | RegionAccount, isTotal: boolean): ScopeLines => ({
    id,
    isTotal,
    lines: [
      ...gepLines(set, a),
      ...geepLines(geep.find((r) => r.id === id && r.isTotal === isTotal)!),
      ...(esv ? esvLines(set, esv, id) : []),
    ],
  });
  return {
    scopes: [...region.townships.map((t) => scope(t.township, t, false)), scope('total', region, true)],
    esv,
    geep,
  };
}

/** The lines of one scope as nested JSON: exact decimal strings, grouped by measure. */
export function scopeJson(lines: readonly FigureLine[]) {
  const single = (m: Measure) => lines.find((l) => l.measure === m)?.value.toFixed();
  const group = (m: Measure) =>
    Object.fromEntries(lines.filter((l) => l.measure === m).map((l) => [l.item, l.value.toFixed()]));
  const hasEsv = lines.some((l) => l.measure === 'esv_total');
  return {
    gep: single('gep'),
    outOfRegionDeduction: single('out_of_region_deduction'),
    gepNet: single('gep_net'),
    categories: group('category'),
    products: group('product'),
    components: Object.fromEntries(
      lines
        .filter((l) => l.measure === 'component_quantity' || l.measure === 'component_value')
        .reduce((m, l) => {
          const c = m.get(l.item) ?? {};
          if (l.measure === 'component_quantity')
            Object.assign(c, { quantity: l.value.toFixed(), unit: l.unit });
          else Object.assign(c, { value: l.value.toFixed() });
          return m.set(l.item, c);
        }, new Map<string, Record<string, string>>()),
    ),
    landClasses: group('land_class'),
    ecosystems: group('ecosystem'),
    geep: group('geep'),
    indicators: group('indicator'),
    esv: hasEsv
      ? {
          total: single('esv_total'),
          byGroup: group('esv_group'),
          byService: group('esv_service'),
          byType: group('esv_type'),
          areaByTypeHm2: group('esv_type_area'),
        }
      : null,
  };
}
