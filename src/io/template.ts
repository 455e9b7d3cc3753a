/**
 * Data-entry templates: one row per township × year; one column per scalar input and per
 * (per-class input, land class). Header text `key (unit)`, e.g. `land_area.forest_broadleaf (hm2)`.
 * Then three columns per component for an externally modelled quantity (override):
 * `overrides.<component>.quantity (unit)`, `overrides.<component>.unit` (blank: the header's unit) and
 * `overrides.<component>.source`.
 */
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { CompiledSet } from '../domain/model.js';
import { toCsv } from './csv.js';
import { Dec } from '../domain/decimal.js';

export interface TemplateColumn {
  /** input id, or "input.landClass". */
  readonly key: string;
  readonly input: string;
  readonly landClass?: string;
  readonly unit: string;
  /** Second header row: zh label with the responsible department. */
  readonly labelZh: string;
}

export function templateColumns(set: CompiledSet): TemplateColumn[] {
  const cols: TemplateColumn[] = [];
  for (const input of set.inputs) {
    const dept = `（${input.department.zh}）`;
    if (input.perLandClass)
      for (const cls of set.landClasses)
        cols.push({
          key: `${input.id}.${cls.id}`,
          input: input.id,
          landClass: cls.id,
          unit: input.unit,
          labelZh: `${input.labels.zh}·${cls.labels.zh}${dept}`,
        });
    else
      cols.push({ key: input.id, input: input.id, unit: input.unit, labelZh: `${input.labels.zh}${dept}` });
  }
  return cols;
}

export const OVERRIDE_FIELDS = ['quantity', 'unit', 'source'] as const;
export type OverrideField = (typeof OVERRIDE_FIELDS)[number];

export interface OverrideColumn {
  /** "overrides.<component>.<field>" */
  readonly key: string;
  readonly component: string;
  readonly field: OverrideField;
  /** The component's declared quantity unit, in the quantity column's header. */
  readonly unit?: string;
  readonly labelZh: string;
}

export function overrideColumns(set: CompiledSet): OverrideColumn[] {
  const what: Record<OverrideField, string> = { quantity: '外部模型实物量', unit: '单位', source: '来源' };
  return set.components.flatMap((c) =>
    OVERRIDE_FIELDS.map((field) => ({
      key: `overrides.${c.id}.${field}`,
      component: c.id,
      field,
      unit: field === 'quantity' ? c.quantity.unitText : undefined,
      labelZh: `${c.labels.zh}·${what[field]}`,
    })),
  );
}

export const headerText = (c: { key: string; unit?: string }) => (c.unit ? `${c.key} (${c.unit})` : c.key);

/** Marker of the label row in XLSX templates: the reader skips rows whose township cell is this. */
export const LABEL_ROW_MARK = '乡镇';

export interface TemplateRows {
  townships: readonly string[];
  years: readonly number[];
}

/** Entered values of one township-year: input id → decimal text, or land class → decimal text. */
export interface FilledRow {
  township: string;
  year: number;
  values: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  /** component → external quantity (in `unit`, else the component's unit) and its source. */
  overrides?: Readonly<Record<string, { quantity: string; unit?: string; source?: string }>>;
}

/** A decimal as a spreadsheet number when the number keeps every digit, else as text. */
function cellValue(text: string | undefined): string | number {
  if (text === undefined || text.trim() === '') return '';
  const n = Number(text);
  return Number.isFinite(n) && new Dec(text).eq(new Dec(n)) ? n : text;
}

function keyRows(set: CompiledSet, rows: TemplateRows, filled: readonly FilledRow[] = []) {
  const cols = templateColumns(set);
  const oCols = overrideColumns(set);
  const header = ['township', 'year', ...cols.map(headerText), ...oCols.map(headerText)];
  const body: (string | number)[][] = [];
  const byKey = new Map(filled.map((f) => [`${f.township}|${f.year}`, f]));
  for (const t of rows.townships)
    for (const y of rows.years) {
      const f = byKey.get(`${t}|${y}`);
      const v = f?.values ?? {};
      body.push([
        t,
        y,
        ...cols.map((c) => {
          const x = v[c.input];
          return cellValue(typeof x === 'string' ? x : c.landClass ? x?.[c.landClass] : undefined);
        }),
        ...oCols.map((c) => {
          const o = f?.overrides?.[c.component];
          if (!o) return '';
          return c.field === 'quantity' ? cellValue(o.quantity) : (o[c.field] ?? '');
        }),
      ]);
    }
  return { cols: [...cols, ...oCols], header, body };
}

export function templateCsv(set: CompiledSet, rows: TemplateRows, filled?: readonly FilledRow[]): string {
  const { header, body } = keyRows(set, rows, filled);
  return toCsv([header, ...body]);
}

export function templateWorkbook(
  set: CompiledSet,
  rows: TemplateRows,
  filled?: readonly FilledRow[],
): ExcelJS.Workbook {
  const { cols, header, body } = keyRows(set, rows, filled);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  ws.addRow(header);
  ws.addRow([LABEL_ROW_MARK, '年份', ...cols.map((c) => c.labelZh)]);
  for (const r of body) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.getRow(2).font = { italic: true, color: { argb: 'FF666666' } };
  ws.views = [{ state: 'frozen', xSplit: 2, ySplit: 2 }];
  ws.columns.forEach((c, i) => (c.width = i < 2 ? 12 : 24));
  return wb;
}

export async function writeTemplate(set: CompiledSet, path: string, rows: TemplateRows): Promise<void> {
  if (path.toLowerCase().endsWith('.csv')) writeFileSync(path, templateCsv(set, rows), 'utf8');
  else await templateWorkbook(set, rows).xlsx.writeFile(path);
}
