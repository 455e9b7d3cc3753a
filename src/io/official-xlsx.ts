/**
 * Tables in the official layout as XLSX: the title (merged across the table), the lines under it, the 单位 line
 * at the right, the header with 序号, the rows (sections bold), 合计, the notes. Numbers are numbers, shown in
 * the column's display unit; one sheet per table.
 */
import ExcelJS from 'exceljs';
import type { Dec } from '../domain/decimal.js';
import { DISPLAY_UNITS, type Lang } from '../report/format.js';
import type { OfficialTable } from '../report/appraisal.js';

export function addOfficialSheet(wb: ExcelJS.Workbook, table: OfficialTable, lang: Lang): ExcelJS.Worksheet {
  const name = table.title[lang].replace(/[\\/?*[\]:]/g, ' ').slice(0, 31);
  let sheetName = name;
  for (let n = 2; wb.getWorksheet(sheetName); n++) sheetName = `${name.slice(0, 28)} ${n}`;
  const ws = wb.addWorksheet(sheetName);
  const width = table.columns.length;
  const title = ws.addRow([table.title[lang]]);
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  ws.mergeCells(title.number, 1, title.number, width);
  for (const line of table.subtitle) ws.addRow([line[lang]]);
  const unitRow = ws.addRow([]);
  unitRow.getCell(width).value = table.unitLine[lang];
  unitRow.getCell(width).alignment = { horizontal: 'right' };
  const header = ws.addRow(table.columns.map((c) => c.labels[lang]));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = {
      top: { style: 'thin' },
      bottom: { style: 'thin' },
      left: { style: 'thin' },
      right: { style: 'thin' },
    };
  });
  for (const r of table.rows) {
    const row = ws.addRow(
      table.columns.map((c) => {
        if (c.id === 'seq') return r.seq;
        if (c.id === 'item') return r.labels[lang];
        const v = r.cells[c.id];
        if (v === undefined) return null;
        if (typeof v === 'string') return v;
        const unit = c.unit ? DISPLAY_UNITS[c.unit] : undefined;
        return Number((unit ? (v as Dec).div(unit.divisor) : (v as Dec)).toString());
      }),
    );
    table.columns.forEach((c, j) => {
      const cell = row.getCell(j + 1);
      cell.border = {
        top: { style: 'thin' },
        bottom: { style: 'thin' },
        left: { style: 'thin' },
        right: { style: 'thin' },
      };
      if (c.unit) cell.numFmt = `#,##0.${'0'.repeat(DISPLAY_UNITS[c.unit].decimals || 2)}`;
    });
    if (r.level === 0 || r.isTotal) row.font = { bold: true };
  }
  for (const note of table.notes) ws.addRow([note[lang]]).font = { italic: true };
  ws.columns.forEach((c, i) => (c.width = i === 0 ? 8 : i === 1 ? 32 : 18));
  return ws;
}

export async function officialXlsx(tables: readonly OfficialTable[], lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GEP Ledger';
  for (const t of tables) addOfficialSheet(wb, t, lang);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
