/**
 * Data-entry templates: one row per township × year; one column per scalar input and per
 * (per-class input, land class). Header text `key (unit)`, e.g. `land_area.forest_broadleaf (hm2)`.
 */
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { CompiledSet } from '../domain/model.js';
import { toCsv } from './csv.js';

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

function keyRows(set: CompiledSet, rows: TemplateRows) {
  const cols = templateColumns(set);
  const header = ['township', 'year', ...cols.map(headerText)];
  const body: (string | number)[][] = [];
  for (const t of rows.townships) for (const y of rows.years) body.push([t, y, ...cols.map(() => '')]);
  return { cols, header, body };
}

export function templateCsv(set: CompiledSet, rows: TemplateRows): string {
  const { header, body } = keyRows(set, rows);
  return toCsv([header, ...body]);
}

export function templateWorkbook(set: CompiledSet, rows: TemplateRows): ExcelJS.Workbook {
  const { cols, header, body } = keyRows(set, rows);
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
