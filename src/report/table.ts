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
}

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
