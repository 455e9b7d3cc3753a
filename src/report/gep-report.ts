/**
 * GEP accounting report (GEP核算报告) of a township or the county for one year: the physical-quantity table
 * and the value table by category → product → component (→ land class), subtotals, shares, GEP, GEP net,
 * and the indicators per km², per capita and GEP/GDP. Each figure row carries a stable key
 * "<scope>|<component>|<landClass>" (scope = township id or "total") for the web layer's trace link.
 */
import { ZERO, sum, type Dec } from '../domain/decimal.js';
import {
  sumComponents,
  type ComponentResult,
  type GepTotals,
  type InputRecord,
  type TownshipAccount,
} from '../domain/accounting.js';
import { gepIndicators, type GepIndicators } from '../domain/geep.js';
import type { CompiledSet } from '../domain/model.js';
import { CATEGORIES, type Labels } from '../methods/schema.js';
import { CATEGORY_LABELS } from './gep-table.js';
import { scopeFigures, type ScopeFigures } from './scope-figures.js';
import { UNROUNDED_NOTE, ratioOf, type ReportRow, type ReportTable } from './table.js';

export const TOTAL_SCOPE = 'total';

export interface GepReport {
  readonly scope: string;
  readonly scopeLabels: Labels;
  readonly year: number;
  readonly set: { id: string; version: string; hash: string };
  readonly profile: string;
  readonly physical: ReportTable;
  readonly value: ReportTable;
  readonly totals: GepTotals;
  readonly figures: ScopeFigures;
  readonly indicators: GepIndicators;
}

export const COMPONENT_STATUS_LABELS: Record<ComponentResult['status'], Labels> = {
  ok: { zh: '已核算', en: 'accounted' },
  not_applicable: { zh: '不适用（缺数据）', en: 'not applicable (no data)' },
  not_valued: { zh: '未定价（参数未设定）', en: 'not valued (parameter not set)' },
};

/**
 * The report of one scope: a township (one account) or the county (all its townships' accounts, with
 * `totals` the region account). `records` are the scope's input records of the year.
 */
export function gepReport(args: {
  set: CompiledSet;
  scope: string;
  scopeLabels: Labels;
  accounts: readonly TownshipAccount[];
  totals: GepTotals;
  records: readonly InputRecord[];
  previousGep?: Dec;
}): GepReport {
  const { set, scope, totals } = args;
  const first = args.accounts[0];
  if (!first) throw new Error('a GEP report needs at least one account');
  const components = sumComponents(args.accounts);
  const classLabels = new Map(set.landClasses.map((c) => [c.id, c.labels]));
  const share = (v: Dec | undefined) => (v === undefined ? undefined : ratioOf(v, totals.gep));
  const physicalRows: ReportRow[] = [];
  const valueRows: ReportRow[] = [];
  const header = (key: string, labels: Labels, level: number, value?: Dec) => {
    physicalRows.push({ key, labels, level, isTotal: false, cells: {} });
    valueRows.push({ key, labels, level, isTotal: false, cells: { value, share: share(value) } });
  };

  for (const category of CATEGORIES) {
    const products = set.products.filter((p) => p.category === category && totals.productValues.has(p.id));
    const inScope = set.products.filter(
      (p) => p.category === category && p.componentIds.some((c) => components.has(c)),
    );
    if (!inScope.length) continue;
    header(`${scope}|category|${category}`, CATEGORY_LABELS[category], 0, totals.categoryValues[category]);
    for (const p of inScope) {
      header(
        `${scope}|product|${p.id}`,
        p.labels,
        1,
        products.includes(p) ? totals.productValues.get(p.id) : undefined,
      );
      for (const cid of p.componentIds) {
        const c = components.get(cid);
        if (!c) continue;
        const key = `${scope}|${cid}|`;
        physicalRows.push({
          key,
          labels: c.component.labels,
          level: 2,
          isTotal: false,
          unit: c.component.quantity.unitText,
          cells: {
            unit: c.component.quantity.unitText,
            quantity: c.quantity,
            status: c.status,
            reason: c.reason,
          },
        });
        valueRows.push({
          key,
          labels: c.component.labels,
          level: 2,
          isTotal: false,
          cells: { value: c.value, share: share(c.value) },
        });
        for (const cls of c.component.landClasses ?? []) {
          const classKey = `${scope}|${cid}|${cls}`;
          const labels = classLabels.get(cls)!;
          physicalRows.push({
            key: classKey,
            labels,
            level: 3,
            isTotal: false,
            unit: c.component.quantity.unitText,
            cells: { unit: c.component.quantity.unitText, quantity: c.quantityByClass?.get(cls) },
          });
          const v = c.valueByClass?.get(cls);
          valueRows.push({
            key: classKey,
            labels,
            level: 3,
            isTotal: false,
            cells: { value: v, share: share(v) },
          });
        }
      }
    }
  }
  const totalRow = (id: string, labels: Labels, value: Dec): ReportRow => ({
    key: `${scope}|${id}`,
    labels,
    level: 0,
    isTotal: true,
    cells: { value, share: share(value) },
  });
  valueRows.push(
    totalRow('gep', { zh: '生态系统生产总值（GEP）', en: 'Gross Ecosystem Product (GEP)' }, totals.gep),
    totalRow(
      'out_of_region_deduction',
      { zh: '减：区域外输入价值', en: 'Less: value from outside the region' },
      totals.outOfRegionDeduction,
    ),
    totalRow('gep_net', { zh: 'GEP（扣除区域外输入）', en: 'GEP net of outside value' }, totals.gepNet),
  );

  const figures = scopeFigures(set, args.records);
  // per km², per capita and GEP/GDP on net GEP (GB/T 46869—2025), as the summary
  const indicators = gepIndicators({ gep: totals.gepNet, ...figures, previousGep: args.previousGep });
  return {
    scope,
    scopeLabels: args.scopeLabels,
    year: first.year,
    set: first.set,
    profile: first.profile,
    physical: {
      id: 'physical',
      title: { zh: '生态产品实物量表', en: 'Physical quantities of ecosystem products' },
      columns: [
        { id: 'item', labels: { zh: '项目', en: 'Item' } },
        { id: 'unit', labels: { zh: '单位', en: 'Unit' } },
        { id: 'quantity', labels: { zh: '实物量', en: 'Physical quantity' } },
        { id: 'status', labels: { zh: '状态', en: 'Status' }, values: COMPONENT_STATUS_LABELS },
      ],
      rows: physicalRows,
    },
    value: {
      id: 'value',
      title: { zh: '生态产品价值量表', en: 'Monetary value of ecosystem products' },
      columns: [
        { id: 'item', labels: { zh: '项目', en: 'Item' } },
        { id: 'value', labels: { zh: '价值量', en: 'Value' }, unit: 'wan_yuan' },
        { id: 'share', labels: { zh: '占GEP比例', en: 'Share of GEP' }, unit: 'percent' },
      ],
      rows: valueRows,
      note: UNROUNDED_NOTE,
    },
    totals,
    figures,
    indicators,
  };
}

/** Σ of the value rows at one level: a check the web layer or a test can run (equals GEP at level 0). */
export function sumOfLevel(table: ReportTable, level: number): Dec {
  return sum(
    table.rows
      .filter((r) => r.level === level && !r.isTotal)
      .map((r) => (r.cells.value as Dec | undefined) ?? ZERO),
  );
}
