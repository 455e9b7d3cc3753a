/**
 * Equivalent-factor ESV report (当量因子法, Xie Gaodi et al. 2015) per township and for the county, and a
 * side-by-side table of GEP (functional-value method) and ESV. The county's ESV is that of the summed
 * land areas (the method is linear in area, so it equals the sum of the townships').
 */
import { ZERO, type Dec } from '../domain/decimal.js';
import type { InputRecord, RegionAccount } from '../domain/accounting.js';
import { accountEsv, landAreaFromRecord, type EsvAccount } from '../domain/esv.js';
import type { CompiledSet } from '../domain/model.js';
import type { Labels } from '../methods/schema.js';
import type { TownshipLabel } from './comparison.js';
import { UNROUNDED_NOTE, ratioOf, type ReportTable } from './table.js';

export interface EsvScope {
  readonly id: string;
  readonly labels: Labels;
  readonly isTotal: boolean;
  readonly esv: EsvAccount;
  /** GEP of the same scope and year (元), from the functional-value account. */
  readonly gep: Dec;
}

export interface EsvReport {
  readonly year: number;
  /** Value of one standard equivalent, 元/hm². */
  readonly equivalentValue: Dec;
  readonly scopes: readonly EsvScope[];
  readonly byGroup: ReportTable;
  /** Township × service (元): every service of the table. */
  readonly byService: ReportTable;
  /** Township × ecosystem type of the table (元), the types with area somewhere in the region. */
  readonly byType: ReportTable;
  readonly gepVsEsv: ReportTable;
}

export function esvReport(args: {
  set: CompiledSet;
  region: RegionAccount;
  records: readonly InputRecord[];
  townships: readonly TownshipLabel[];
  totalLabels?: Labels;
  landAreaInput?: string;
  /** A township id: the report of that township alone (its own row, no county total); default the county. */
  scope?: string;
}): EsvReport {
  const { set, region } = args;
  const ef = set.equivalentFactor;
  if (!ef) throw new Error(`coefficient set ${set.id}@${set.version} has no equivalent-factor section`);
  const labels = new Map(args.townships.map((t) => [t.id, t.labels]));
  const countyArea = new Map<string, Dec>();
  const township = args.scope && args.scope !== 'total' ? args.scope : undefined;
  const accounts = township ? region.townships.filter((t) => t.township === township) : region.townships;
  if (township && !accounts.length)
    throw new Error(`${township} has no account for ${region.year}: no ESV report of it`);
  const records = new Map(args.records.filter((r) => r.year === region.year).map((r) => [r.township, r]));
  const scopes: EsvScope[] = accounts.map((t) => {
    const record = records.get(t.township);
    if (!record) throw new Error(`${t.township} ${region.year}: no record for the ESV report`);
    const area = landAreaFromRecord(set, record, args.landAreaInput);
    for (const [cls, a] of area) countyArea.set(cls, (countyArea.get(cls) ?? ZERO).plus(a));
    return {
      id: t.township,
      labels: labels.get(t.township) ?? { zh: t.township, en: t.township },
      isTotal: false,
      esv: accountEsv(set, area, region.prices?.year),
      gep: t.gep,
    };
  });
  if (!township)
    scopes.push({
      id: 'total',
      labels: args.totalLabels ?? { zh: '全县', en: 'County' },
      isTotal: true,
      esv: accountEsv(set, countyArea, region.prices?.year),
      gep: region.gep,
    });

  const row = (s: EsvScope, cells: Record<string, Dec | undefined>) => ({
    key: s.id,
    labels: s.labels,
    level: s.isTotal ? 0 : 1,
    isTotal: s.isTotal,
    cells,
  });
  const byGroup: ReportTable = {
    id: 'esv_by_group',
    title: { zh: '生态系统服务价值（当量因子法）', en: 'Ecosystem service value (equivalent-factor method)' },
    columns: [
      { id: 'township', labels: { zh: '乡镇', en: 'Township' } },
      ...ef.groups.map((g) => ({ id: g.id, labels: g.labels, unit: 'wan_yuan' as const })),
      { id: 'total', labels: { zh: '合计', en: 'Total' }, unit: 'wan_yuan' as const },
    ],
    rows: scopes.map((s) => row(s, { ...Object.fromEntries(s.esv.byGroup), total: s.esv.total })),
    note: UNROUNDED_NOTE,
  };
  const byService: ReportTable = {
    id: 'esv_by_service',
    title: { zh: '生态系统服务价值：分服务', en: 'Ecosystem service value by service' },
    columns: [
      { id: 'township', labels: { zh: '乡镇', en: 'Township' } },
      ...ef.services.map((s) => ({ id: s.id, labels: s.labels, unit: 'wan_yuan' as const })),
      { id: 'total', labels: { zh: '合计', en: 'Total' }, unit: 'wan_yuan' as const },
    ],
    rows: scopes.map((s) => row(s, { ...Object.fromEntries(s.esv.byService), total: s.esv.total })),
    note: UNROUNDED_NOTE,
  };
  // the county row, or the one township's: the ecosystem types with area in the scope
  const county = scopes.at(-1)!.esv;
  const types = ef.types.filter((t) => county.byType.has(t.id));
  const byType: ReportTable = {
    id: 'esv_by_type',
    title: { zh: '生态系统服务价值：分生态系统类型', en: 'Ecosystem service value by ecosystem type' },
    columns: [
      { id: 'township', labels: { zh: '乡镇', en: 'Township' } },
      ...types.map((t) => ({ id: t.id, labels: t.labels, unit: 'wan_yuan' as const })),
      { id: 'total', labels: { zh: '合计', en: 'Total' }, unit: 'wan_yuan' as const },
    ],
    rows: scopes.map((s) =>
      row(s, {
        ...Object.fromEntries(types.map((t) => [t.id, s.esv.byType.get(t.id) ?? ZERO])),
        total: s.esv.total,
      }),
    ),
    note: UNROUNDED_NOTE,
  };
  const gepVsEsv: ReportTable = {
    id: 'gep_vs_esv',
    title: {
      zh: 'GEP（功能价值法）与ESV（当量因子法）对照',
      en: 'GEP (functional value) and ESV (equivalent factor) side by side',
    },
    columns: [
      { id: 'township', labels: { zh: '乡镇', en: 'Township' } },
      { id: 'gep', labels: { zh: 'GEP', en: 'GEP' }, unit: 'yi_yuan' },
      { id: 'esv', labels: { zh: 'ESV', en: 'ESV' }, unit: 'yi_yuan' },
      { id: 'difference', labels: { zh: 'ESV − GEP', en: 'ESV − GEP' }, unit: 'yi_yuan' },
      { id: 'ratio', labels: { zh: 'ESV/GEP', en: 'ESV/GEP' }, unit: 'ratio' },
    ],
    rows: scopes.map((s) =>
      row(s, {
        gep: s.gep,
        esv: s.esv.total,
        difference: s.esv.total.minus(s.gep),
        ratio: ratioOf(s.esv.total, s.gep),
      }),
    ),
    note: {
      zh: '两种方法口径不同：GEP按实物量×价格核算最终产品与服务，ESV按地类面积×当量因子估算，含支持服务。',
      en: 'The methods differ: GEP values final goods and services as quantity × price; ESV estimates from land area × equivalent factors and includes supporting services.',
    },
  };
  return {
    year: region.year,
    equivalentValue: scopes[0]!.esv.equivalentValue,
    scopes,
    byGroup,
    byService,
    byType,
    gepVsEsv,
  };
}
