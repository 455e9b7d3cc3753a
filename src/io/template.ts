/**
 * Data-entry templates: one row per township × year; one column per scalar input and per
 * (per-class input, land class). Header text `key (unit)`, e.g. `land_area.forest_broadleaf (hm2)`.
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

export const headerText = (c: { key: string; unit: string }) => `${c.key} (${c.unit})`;

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
}

/** A decimal as a spreadsheet number when the number keeps every digit, else as text. */
function cellValue(text: string | undefined): string | number {
  if (text === undefined) return '';
  const n = Number(text);
  return Number.isFinite(n) && new Dec(text).eq(new Dec(n)) ? n : text;
}

function keyRows(set: CompiledSet, rows: TemplateRows, filled: readonly FilledRow[] = []) {
  const cols = templateColumns(set);
  const header = ['township', 'year', ...cols.map(headerText)];
  const body: (string | number)[][] = [];
  const byKey = new Map(filled.map((f) => [`${f.township}|${f.year}`, f.values]));
  for (const t of rows.townships)
    for (const y of rows.years) {
      const v = byKey.get(`${t}|${y}`) ?? {};
      body.push([
        t,
        y,
        ...cols.map((c) => {
          const x = v[c.input];
          return cellValue(typeof x === 'string' ? x : c.landClass ? x?.[c.landClass] : undefined);
        }),
      ]);
    }
  return { cols, header, body };
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
