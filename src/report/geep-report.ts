/**
 * GEEP report (经济生态生产总值): GDP, pollution cost, ecological damage cost, regulating-service value,
 * green GDP and GEEP per township and for the county, each with its share of GEEP and its change from the
 * previous year. Figures from geep-table (accountGeep); shares and changes added here.
 */
import type { Dec } from '../domain/decimal.js';
import type { InputRecord, RegionAccount } from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import { yearOverYear } from '../domain/geep.js';
import type { Labels } from '../methods/schema.js';
import type { TownshipLabel } from './comparison.js';
import { geepRows, type GeepRow } from './geep-table.js';
import { UNROUNDED_NOTE, ratioOf, type ReportTable } from './table.js';

export const GEEP_ITEMS = [
  'gdp',
  'pollutionCost',
  'ecologicalDamageCost',
  'regulatingValue',
  'greenGdp',
  'geep',
] as const;
export type GeepItem = (typeof GEEP_ITEMS)[number];

export const GEEP_ITEM_LABELS: Record<GeepItem, { labels: Labels; meaning: Labels }> = {
  gdp: {
    labels: { zh: '地区生产总值（GDP）', en: 'GDP' },
    meaning: { zh: '经济活动产出', en: 'output of economic activity' },
  },
  pollutionCost: {
    labels: { zh: '环境退化成本', en: 'Pollution (environmental degradation) cost' },
    meaning: { zh: '污染造成的损失，从GDP中扣除', en: 'damage caused by pollution, deducted from GDP' },
  },
  ecologicalDamageCost: {
    labels: { zh: '生态破坏成本', en: 'Ecological damage cost' },
    meaning: {
      zh: '人类活动破坏生态系统造成的损失，从GDP中扣除',
      en: 'loss from human damage to ecosystems, deducted from GDP',
    },
  },
  regulatingValue: {
    labels: { zh: '生态调节服务价值', en: 'Regulating-service value' },
    meaning: {
      zh: '来自GEP的调节服务价值；物质产品与文化服务已计入GDP，不再加入',
      en: 'regulating services from GEP; provisioning and cultural services are already in GDP',
    },
  },
  greenGdp: {
    labels: { zh: '绿色GDP', en: 'Green GDP' },
    meaning: { zh: 'GDP − 环境退化成本 − 生态破坏成本', en: 'GDP − pollution cost − ecological damage cost' },
  },
  geep: {
    labels: { zh: '经济生态生产总值（GEEP）', en: 'GEEP' },
    meaning: { zh: '绿色GDP + 生态调节服务价值', en: 'green GDP + regulating-service value' },
  },
};

export interface GeepFigure {
  readonly value: Dec;
  /** Share of GEEP (fraction); undefined when GEEP is zero. */
  readonly shareOfGeep?: Dec;
  readonly previous?: Dec;
  readonly change?: Dec;
  readonly changeRate?: Dec;
}

export interface GeepReportRow {
  readonly id: string;
  readonly labels: Labels;
  readonly isTotal: boolean;
  readonly figures: Readonly<Record<GeepItem, GeepFigure>>;
}

export interface GeepReport {
  readonly year: number;
  readonly previousYear?: number;
  readonly rows: readonly GeepReportRow[];
  readonly table: ReportTable;
}

export function geepReport(args: {
  set: CompiledSet;
  region: RegionAccount;
  records: readonly InputRecord[];
  townships: readonly TownshipLabel[];
  previous?: { region: RegionAccount; records: readonly InputRecord[] };
  totalLabels?: Labels;
  /** A township id: the report of that township alone (its own row, no county total); default the county. */
  scope?: string;
}): GeepReport {
  const totalLabels = args.totalLabels ?? { zh: '全县', en: 'County' };
  const labels = new Map(args.townships.map((t) => [t.id, t.labels]));
  const current = geepRows(args.set, args.region, args.records, (t) => t, 'total');
  const before = args.previous
    ? new Map(
        geepRows(args.set, args.previous.region, args.previous.records, (t) => t, 'total').map((r) => [
          r.id,
          r,
        ]),
      )
    : undefined;
  const township = args.scope && args.scope !== 'total' ? args.scope : undefined;
  const inScope = township ? current.filter((r) => r.id === township) : current;
  if (township && !inScope.length)
    throw new Error(`${township} has no account for ${args.region.year}: no GEEP report of it`);
  const rows = inScope.map((r): GeepReportRow => {
    const prev: GeepRow | undefined = before?.get(r.id);
    const figures = Object.fromEntries(
      GEEP_ITEMS.map((item) => {
        const value = r[item];
        const p = prev?.[item];
        return [
          item,
          {
            value,
            shareOfGeep: ratioOf(value, r.geep),
            previous: p,
            change: p && value.minus(p),
            changeRate: yearOverYear(value, p),
          },
        ];
      }),
    ) as Record<GeepItem, GeepFigure>;
    return {
      id: r.id,
      labels: r.isTotal ? totalLabels : (labels.get(r.id) ?? { zh: r.id, en: r.id }),
      isTotal: r.isTotal,
      figures,
    };
  });
  const table: ReportTable = {
    id: 'geep',
    title: { zh: '经济生态生产总值（GEEP）核算表', en: 'GEEP account' },
    columns: [
      { id: 'township', labels: { zh: '乡镇', en: 'Township' } },
      ...GEEP_ITEMS.map((item) => ({
        id: item,
        labels: GEEP_ITEM_LABELS[item].labels,
        unit: 'yi_yuan' as const,
      })),
      {
        id: 'regulatingShare',
        labels: { zh: '调节服务占GEEP比例', en: 'Regulating share of GEEP' },
        unit: 'percent' as const,
      },
      { id: 'geepChangeRate', labels: { zh: 'GEEP增长率', en: 'GEEP growth' }, unit: 'percent' as const },
    ],
    rows: rows.map((r) => ({
      key: r.id,
      labels: r.labels,
      level: r.isTotal ? 0 : 1,
      isTotal: r.isTotal,
      cells: {
        ...Object.fromEntries(GEEP_ITEMS.map((item) => [item, r.figures[item].value])),
        regulatingShare: r.figures.regulatingValue.shareOfGeep,
        geepChangeRate: r.figures.geep.changeRate,
      },
    })),
    note: UNROUNDED_NOTE,
  };
  return { year: args.region.year, previousYear: args.previous?.region.year, rows, table };
}
