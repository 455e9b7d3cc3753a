import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { firstSheetRows } from '../../src/io/sheet-rows.js';
import { readChangeTable } from '../../src/io/geo/change-table.js';

const workbook = async (rows: unknown[][]): Promise<Buffer> => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('变更');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
};

describe('the first sheet of an XLSX as rows (transition and change-table imports)', () => {
  it('gives every row to the last column, a formula as its cached result, a gap as null', async () => {
    const data = await workbook([
      ['乡镇代码', '面积'],
      ['350121100', { formula: '2*3', result: 6 }],
      ['350121101'],
    ]);
    const sheet = await firstSheetRows(data);
    expect(sheet?.name).toBe('变更');
    expect(sheet?.rows).toEqual([
      ['乡镇代码', '面积'],
      ['350121100', 6],
      ['350121101', null],
    ]);
  });

  it('a workbook without a sheet is refused with a message, nothing read', async () => {
    const empty = Buffer.from(await new ExcelJS.Workbook().xlsx.writeBuffer());
    expect(await firstSheetRows(empty)).toBeUndefined();
    const r = await readChangeTable({ originalname: 'changes.xlsx', buffer: empty }, []);
    expect(r.changes).toEqual([]);
    expect(r.issues[0]?.message.zh).toBe('工作簿没有工作表');
  });
});
