/**
 * Report tables to XLSX and CSV. XLSX keeps numbers as numbers (in the column's display unit, named in the
 * header) and writes a subtotal or total as a SUM formula over its parts wherever the figure is exactly that
 * sum, so an official can audit the sheet in Excel or LibreOffice. CSV is UTF-8 with a BOM, every cell
 * neutralised against formula injection.
 */
import ExcelJS from 'exceljs';
import { Dec, sum } from '../domain/decimal.js';
import { DISPLAY_UNITS, scaledQuantity, unitLabel, type Lang } from '../report/format.js';
import { displayUnit } from '../domain/units.js';
import {
  cellText,
  rowNumbers,
  tableUnit,
  type ReportColumn,
  type ReportRow,
  type ReportTable,
} from '../report/table.js';
import { columnLetter } from './table-input.js';
import { toCsv } from './csv.js';

const isDec = (x: unknown): x is Dec => x instanceof Dec;
const SUM_TOLERANCE = new Dec('1e-9');

const header = (c: ReportColumn, lang: Lang) => {
  const name = c.labels[lang];
  const unit = c.unit ? unitLabel(c.unit, lang) : '';
  return unit ? `${name} (${unit})` : name;
};

const displayed = (v: Dec, c: ReportColumn) => (c.unit ? v.div(DISPLAY_UNITS[c.unit].divisor) : v);

/** The rows a row adds up: the next rows one level deeper (a total: every top-level row that is not a total). */
export function partsOf(rows: readonly ReportRow[], index: number): number[] {
  const row = rows[index]!;
  if (row.isTotal) return rows.flatMap((r, i) => (i !== index && !r.isTotal && r.level === 0 ? [i] : []));
  const parts: number[] = [];
  for (let i = index + 1; i < rows.length && rows[i]!.level > row.level; i++)
    if (rows[i]!.level === row.level + 1) parts.push(i);
  return parts;
}

/** Parts whose sum is exactly the row's figure in this column: the SUM formula then reproduces it. */
export function summedParts(rows: readonly ReportRow[], index: number, column: string): number[] | undefined {
  const v = rows[index]!.cells[column];
  if (!isDec(v)) return undefined;
  // parts without a figure (not valued, not applicable) count as nothing
  const parts = partsOf(rows, index).filter((i) => isDec(rows[i]!.cells[column]));
  if (parts.length < 1) return undefined;
  const total = sum(parts.map((i) => rows[i]!.cells[column] as Dec));
  return total.minus(v).abs().lte(SUM_TOLERANCE) ? parts : undefined;
}

const rowLabel = (r: ReportRow, lang: Lang) => `${'  '.repeat(r.level)}${r.labels[lang]}`;

export function addTableSheet(
  wb: ExcelJS.Workbook,
  table: ReportTable,
  lang: Lang,
  intro: readonly string[] = [],
) {
  const name = table.title[lang].replace(/[\\/?*[\]:]/g, ' ').slice(0, 31);
  let sheetName = name;
  for (let n = 2; wb.getWorksheet(sheetName); n++) sheetName = `${name.slice(0, 28)} ${n}`;
  const ws = wb.addWorksheet(sheetName);
  for (const line of intro) ws.addRow([line]);
  ws.addRow([table.title[lang]]).font = { bold: true };
  const unit = tableUnit(table, (u) => unitLabel(u, lang));
  if (unit) ws.addRow([`${lang === 'en' ? 'Unit: ' : '单位：'}${unit}`]);
  const cols = table.columns;
  // column A is 序号; the table's columns follow from B
  const headerRow = ws.addRow([lang === 'en' ? 'No.' : '序号', ...cols.map((c) => header(c, lang))]);
  headerRow.font = { bold: true };
  const firstDataRow = headerRow.number + 1;
  const numbers = rowNumbers(table, summedParts, lang);
  table.rows.forEach((r, i) => {
    const excelRow = ws.getRow(firstDataRow + i);
    excelRow.getCell(1).value = numbers[i]!;
    // a physical quantity in the unit a statistician writes (万m³, 亿kWh …), its unit beside it
    const q =
      isDec(r.cells.quantity) && typeof r.cells.unit === 'string'
        ? scaledQuantity(r.cells.quantity, r.cells.unit)
        : undefined;
    cols.forEach((c, j) => {
      const cell = excelRow.getCell(j + 2);
      const v =
        q && c.id === 'quantity' ? q.value : q && c.id === 'unit' ? displayUnit(q.unit, lang) : r.cells[c.id];
      if (j === 0 && v === undefined) {
        cell.value = rowLabel(r, lang);
        return;
      }
      if (!isDec(v)) {
        cell.value = v === undefined ? '' : cellText(c, v, lang);
        return;
      }
      const result = Number(displayed(v, c).toString());
      // a scaled quantity row has its own unit: no SUM across rows of different units
      const parts = q && c.id === 'quantity' ? undefined : summedParts(table.rows, i, c.id);
      const letter = columnLetter(j + 1);
      cell.value = parts
        ? { formula: `SUM(${parts.map((p) => `${letter}${firstDataRow + p}`).join(',')})`, result }
        : result;
      const decimals = c.unit ? DISPLAY_UNITS[c.unit].decimals : 2;
      cell.numFmt = decimals ? `#,##0.${'0'.repeat(decimals)}` : '#,##0';
    });
    if (r.isTotal || r.level === 0) excelRow.font = { bold: true };
  });
  const lastRow = firstDataRow + table.rows.length - 1;
  if (table.note) ws.addRow([table.note[lang]]).font = { italic: true };
  ws.columns.forEach((c, i) => (c.width = i === 0 ? 7 : i === 1 ? 36 : 18));
  // the header stays in view while scrolling; the table prints on its own, header repeated, as wide as a page
  ws.views = [{ state: 'frozen', xSplit: 2, ySplit: headerRow.number }];
  const lastColumn = columnLetter(cols.length);
  ws.pageSetup.printArea = `A${headerRow.number - (unit ? 2 : 1)}:${lastColumn}${Math.max(lastRow, headerRow.number)}`;
  ws.pageSetup.printTitlesRow = `${headerRow.number}:${headerRow.number}`;
  ws.pageSetup.orientation = cols.length > 6 ? 'landscape' : 'portrait';
  ws.pageSetup.paperSize = 9; // A4
  ws.pageSetup.fitToPage = true;
  ws.pageSetup.fitToWidth = 1;
  ws.pageSetup.fitToHeight = 0;
  ws.headerFooter.oddFooter = lang === 'en' ? 'Page &P of &N' : '第 &P 页 / 共 &N 页';
  return ws;
}

export async function reportXlsx(
  tables: readonly ReportTable[],
  lang: Lang,
  intro: readonly string[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GEP Ledger';
  tables.forEach((t, i) => addTableSheet(wb, t, lang, i === 0 ? intro : []));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Every table one after the other, as the XLSX has it: title, 单位 line, 序号 (合计 on a total that is the sum
 * of its parts), physical quantities in the unit a statistician writes; numbers in the column's display unit, to
 * 10 decimal places.
 */
export function reportCsv(tables: readonly ReportTable[], lang: Lang, intro: readonly string[]): string {
  const rows: unknown[][] = intro.map((l) => [l]);
  for (const t of tables) {
    rows.push([], [t.title[lang]]);
    const unit = tableUnit(t, (u) => unitLabel(u, lang));
    if (unit) rows.push([`${lang === 'en' ? 'Unit: ' : '单位：'}${unit}`]);
    rows.push([lang === 'en' ? 'No.' : '序号', ...t.columns.map((c) => header(c, lang))]);
    const numbers = rowNumbers(t, summedParts, lang);
    t.rows.forEach((r, i) => {
      const q =
        isDec(r.cells.quantity) && typeof r.cells.unit === 'string'
          ? scaledQuantity(r.cells.quantity, r.cells.unit)
          : undefined;
      rows.push([
        numbers[i]!,
        ...t.columns.map((c, j) => {
          const v =
            q && c.id === 'quantity'
              ? q.value
              : q && c.id === 'unit'
                ? displayUnit(q.unit, lang)
                : r.cells[c.id];
          if (j === 0 && v === undefined) return rowLabel(r, lang);
          // exact to 10 decimal places in the column's unit: beyond that the 34-digit tail is noise to a reader
          if (!isDec(v)) return v === undefined ? '' : cellText(c, v, lang);
          return (q && c.id === 'quantity' ? v : displayed(v, c)).toDecimalPlaces(10).toFixed();
        }),
      ]);
    });
    if (t.note) rows.push([t.note[lang]]);
  }
  return toCsv(rows);
}
