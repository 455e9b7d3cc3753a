import ExcelJS from 'exceljs';
import type { GepRow, ProductRow } from '../report/gep-table.js';

/** Results workbook: numbers as numbers (元), units in headers, totals as SUM formulas. */
export function resultsWorkbook(
  title: string,
  rows: readonly GepRow[],
  products: readonly ProductRow[],
  notes: readonly string[],
): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('GEP');
  ws.addRow([title]);
  for (const n of notes) ws.addRow([n]);
  ws.addRow([]);
  const header = [
    '乡镇 township',
    '物质产品 (元)',
    '调节服务 (元)',
    '文化服务 (元)',
    'GEP (元)',
    '区域外扣除 (元)',
    'GEP(净) (元)',
  ];
  const headerRow = ws.addRow(header);
  headerRow.font = { bold: true };
  const first = headerRow.number + 1;
  const townships = rows.filter((r) => !r.isTotal);
  for (const r of townships)
    ws.addRow([
      r.name,
      ...[r.provisioning, r.regulating, r.cultural, r.gep, r.outOfRegionDeduction, r.gepNet].map(Number),
    ]);
  const last = first + townships.length - 1;
  const total = rows.find((r) => r.isTotal);
  if (total) {
    const values = [
      total.provisioning,
      total.regulating,
      total.cultural,
      total.gep,
      total.outOfRegionDeduction,
      total.gepNet,
    ];
    const tr = ws.addRow([total.name]);
    values.forEach((v, i) => {
      const col = String.fromCharCode(66 + i);
      tr.getCell(i + 2).value = { formula: `SUM(${col}${first}:${col}${last})`, result: Number(v) };
    });
    tr.font = { bold: true };
  }
  for (let c = 2; c <= 7; c++) ws.getColumn(c).numFmt = '#,##0.00';
  ws.getColumn(1).width = 16;
  for (let c = 2; c <= 7; c++) ws.getColumn(c).width = 20;

  const ps = wb.addWorksheet('产品 products');
  const ph = ps.addRow(['产品 product', '类别 category', '价值 value (元)', '占比 share (%)']);
  ph.font = { bold: true };
  for (const p of products) ps.addRow([p.name, p.categoryName, Number(p.value), Number(p.share.times(100))]);
  const pt = ps.addRow(['合计', '']);
  pt.getCell(3).value = {
    formula: `SUM(C2:C${products.length + 1})`,
    result: Number(products.reduce((a, p) => a + Number(p.value), 0)),
  };
  pt.getCell(4).value = { formula: `SUM(D2:D${products.length + 1})`, result: 100 };
  pt.font = { bold: true };
  ps.getColumn(3).numFmt = '#,##0.00';
  ps.getColumn(4).numFmt = '0.00';
  ps.getColumn(1).width = 24;
  ps.getColumn(2).width = 14;
  ps.getColumn(3).width = 22;
  return wb;
}
