import ExcelJS from 'exceljs';

/**
 * The first sheet of a workbook as rows of cell values (a formula gives its cached result), or undefined when the
 * workbook has no sheet. The column count is read once: ExcelJS computes it by walking every row.
 */
export async function firstSheetRows(data: Buffer): Promise<{ name: string; rows: unknown[][] } | undefined> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return undefined;
  const columns = ws.columnCount;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells: unknown[] = [];
    for (let c = 1; c <= columns; c++) {
      const v = row.getCell(c).value;
      cells.push(v && typeof v === 'object' && 'result' in v ? v.result : v);
    }
    rows.push(cells);
  });
  return { name: ws.name, rows };
}
