/**
 * A report table as plain data: columns with their display unit, rows with a stable key (for the trace
 * link and for sorting) and unrounded cells. One view partial or export can render any report table.
 */
import type { Dec } from '../domain/decimal.js';
import type { Labels } from '../methods/schema.js';
import type { DisplayUnitId } from './format.js';

export interface ReportColumn {
  readonly id: string;
  readonly labels: Labels;
  /** Display unit of the column's Dec cells; absent for text columns or cells whose unit is on the row. */
  readonly unit?: DisplayUnitId;
  /** A column of coded values (a status): each code's words, which every view and export shows. */
  readonly values?: Readonly<Record<string, Labels>>;
}

/** A text cell as people read it: a coded value in words (ok → 已核算), other text as it is. */
export const cellText = (c: ReportColumn, v: string, lang: 'zh' | 'en'): string =>
  c.values && Object.hasOwn(c.values, v) ? c.values[v]![lang] : v;

export type ReportCell = Dec | string | undefined;

export interface ReportRow {
  /** Stable key, e.g. "ganzhe|water_conservation|forest_broadleaf" or "total". */
  readonly key: string;
  readonly labels: Labels;
  /** 0 = top level (a category or a total), 1 = product, 2 = component, 3 = land class. */
  readonly level: number;
  readonly isTotal: boolean;
  /** Unit text of a physical quantity row (m³, t, kWh …), when the unit differs by row. */
  readonly unit?: string;
  readonly cells: Readonly<Record<string, ReportCell>>;
}

export interface ReportTable {
  readonly id: string;
  readonly title: Labels;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ReportRow[];
  readonly note?: Labels;
  /** Of one page of a paged table: how many top-level rows come before it (its row numbers go on from there). */
  readonly rowsBefore?: number;
}

/** Totals in the reports are computed from unrounded values: every table says so once. */
export const UNROUNDED_NOTE: Labels = {
  zh: '合计由未经舍入的数值计算，显示值四舍五入，末位可能与分项之和相差。',
  en: 'Totals are computed from unrounded values; displayed figures are rounded, so they may differ from the sum of the rounded parts in the last digit.',
};

/** a / b, or undefined when b is zero: a share or ratio that does not exist is never shown as 0. */
export function ratioOf(a: Dec, b: Dec): Dec | undefined {
  return b.isZero() ? undefined : a.div(b);
}

/**
 * 序号 of an official table, one per row: 1, 2 … for top-level rows, 1.1, 1.2 … for the rows under them, 合计 for
 * a total row that is exactly the sum of its parts (`isSum`), blank otherwise.
 */
export function rowNumbers(
  table: ReportTable,
  isSum: (rows: readonly ReportRow[], index: number, column: string) => unknown,
  lang: 'zh' | 'en',
): string[] {
  const firstNumeric = table.columns.find((c) => c.unit);
  // the top level is the shallowest level of the table's items (a list of land classes may start at 1)
  const topLevel = Math.min(...table.rows.filter((r) => !r.isTotal).map((r) => r.level));
  let top = table.rowsBefore ?? 0;
  let sub = 0;
  return table.rows.map((r, i) => {
    if (r.isTotal)
      return firstNumeric && isSum(table.rows, i, firstNumeric.id) ? (lang === 'en' ? 'Total' : '合计') : '';
    if (r.level === topLevel) {
      top++;
      sub = 0;
      return String(top);
    }
    if (r.level === topLevel + 1 && top) return `${top}.${++sub}`;
    return '';
  });
}

/**
 * The 单位 line of a table whose figures (shares in % and ratios aside, their headers say so) share one display
 * unit ("万元"); undefined when they do not.
 */
export function tableUnit(table: ReportTable, label: (u: DisplayUnitId) => string): string | undefined {
  const units = [
    ...new Set(
      table.columns
        .filter((c) => c.unit && c.unit !== 'percent' && c.unit !== 'ratio' && label(c.unit))
        .map((c) => label(c.unit!)),
    ),
  ];
  return units.length === 1 ? units[0] : undefined;
}
