/**
 * Reading uploaded tables (issue 11, H2, L2, L3, L7): XLSX read in one streaming pass within limits on
 * rows, columns, cells, cell length and unpacked size; duplicate headers refused; numbers read strictly;
 * formula cells refused naming the cell. The set is a tiny one (tiny-set.ts).
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadSet } from '../../src/methods/resolve.js';
import {
  TABLE_LIMITS,
  readCsvTable,
  readXlsxTable,
  validateTable,
  zipInflatedSize,
} from '../../src/io/table-input.js';
import { tinySet } from './tiny-set.js';

const set = loadSet(tinySet(), 'tiny', '1.0.0');

async function xlsx(rows: unknown[][], extra?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow(r);
  extra?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const messages = (t: { issues: { message: { en: string } }[] }) => t.issues.map((i) => i.message.en);

describe('XLSX: streaming read within limits (H2)', () => {
  it('reads a plain sheet: township, year, x = 12.5 on row 2 of sheet 数据', async () => {
    const t = await readXlsxTable(
      set,
      await xlsx([
        ['township', 'year', 'x'],
        ['T1', 2021, 12.5],
      ]),
    );
    expect(t.issues).toEqual([]);
    expect(t.records).toEqual([
      {
        township: 'T1',
        year: 2021,
        values: { x: 12.5 },
        units: undefined,
        origin: { sheet: '数据', row: 2 },
      },
    ]);
  });

  it('one cell in column XFD is refused at once, naming the cell', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`T${i}`, 2021, i]);
    const buf = await xlsx([['township', 'year', 'x'], ...rows], (ws) => {
      ws.getCell('XFD5').value = 'far';
    });
    const start = Date.now();
    const t = await readXlsxTable(set, buf);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(t.records).toEqual([]);
    expect(messages(t)).toEqual(['cell XFD5 is beyond 1000 columns (the last is ALL)']);
    expect(t.issues[0]).toMatchObject({ sheet: '数据', row: 5, column: 'XFD' });
  });

  it(`more than ${TABLE_LIMITS.maxRows} data rows are refused`, async () => {
    const rows = Array.from({ length: TABLE_LIMITS.maxRows + 1 }, (_, i) => ['T', 2021, i]);
    const t = await readXlsxTable(set, await xlsx([['township', 'year', 'x'], ...rows]));
    expect(messages(t)).toEqual([
      `the table has more than ${TABLE_LIMITS.maxRows} data rows; import it in parts`,
    ]);
  });

  it(`exactly ${TABLE_LIMITS.maxRows} data rows under a template's label row (乡镇, 年份) are read`, async () => {
    const rows = Array.from({ length: TABLE_LIMITS.maxRows }, (_, i) => [`T${i}`, 2021, i]);
    const t = await readXlsxTable(
      set,
      await xlsx([['township', 'year', 'x'], ['乡镇', '年份', 'x'], ...rows]),
    );
    expect(t.issues).toEqual([]);
    expect(t.records).toHaveLength(TABLE_LIMITS.maxRows);
    expect(t.records.at(-1)).toMatchObject({
      township: `T${TABLE_LIMITS.maxRows - 1}`,
      origin: { row: 10_002 },
    });
  });

  it(`a cell of more than ${TABLE_LIMITS.maxCellLength} characters is refused, naming the cell`, async () => {
    const t = await readXlsxTable(
      set,
      await xlsx([
        ['township', 'year', 'x'],
        ['T1', 2021, 'x'.repeat(TABLE_LIMITS.maxCellLength + 1)],
      ]),
    );
    expect(messages(t)).toEqual([`cell C2 holds more than ${TABLE_LIMITS.maxCellLength} characters`]);
  });

  it('a workbook that unpacks to more than 50 MB is refused before it is read', async () => {
    // a ZIP whose one entry declares 100 MB unpacked: local header, central directory, end record
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(100 * 1024 * 1024, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(100 * 1024 * 1024, 24);
    central.writeUInt16LE(name.length, 28);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(30 + name.length, 16);
    const zip = Buffer.concat([local, name, central, name, end]);
    expect(zipInflatedSize(zip)).toBe(100 * 1024 * 1024);
    const t = await readXlsxTable(set, zip);
    expect(messages(t)).toEqual([
      'the workbook unpacks to more than 50 MB; remove what is not needed or import it in parts',
    ]);
  });

  it('a file that is not a ZIP throws, for the caller to name the file', async () => {
    await expect(readXlsxTable(set, Buffer.from('township,year\nT1,2021\n'))).rejects.toThrow(
      'not a ZIP archive',
    );
  });
});

describe('XLSX: formula cells are refused naming the cell (L7)', () => {
  it('without a cached value', async () => {
    const t = await readXlsxTable(
      set,
      await xlsx([
        ['township', 'year', 'x'],
        ['T1', 2021, { formula: 'A1+1' }],
      ]),
    );
    expect(messages(t)).toEqual([
      'cell C2 holds a formula; enter the value instead (copy, then paste values only)',
    ]);
    expect(t.issues[0]!.message.zh).toContain('单元格 C2 是公式');
  });
  it('with a cached value (the value is not used silently)', async () => {
    const t = await readXlsxTable(
      set,
      await xlsx([
        ['township', 'year', 'x'],
        ['T1', 2021, { formula: '2*3', result: 6 }],
      ]),
    );
    expect(messages(t)).toEqual([
      'cell C2 holds a formula; enter the value instead (copy, then paste values only)',
    ]);
  });
});

describe('duplicate headers are refused (L2)', () => {
  it('area.forest in hm² and in 亩: the second column is refused, naming the first', async () => {
    const t = await readXlsxTable(
      set,
      await xlsx([
        ['township', 'year', 'x', 'area.forest (hm2)', 'area.forest (亩)'],
        ['T1', 2021, 1, 10, 150],
      ]),
    );
    expect(messages(t)).toEqual(['column "area.forest (亩)" repeats column D: one column per field']);
    expect(t.issues[0]).toMatchObject({ row: 1, column: 'E' });
    expect(validateTable(set, t).records).toEqual([]);
  });
  it('乡镇 and township are the same column', () => {
    const t = readCsvTable(set, 'township,乡镇,year,x\nT1,T1,2021,1\n');
    expect(messages(t)).toEqual(['column "乡镇" repeats column A: one column per field']);
  });
});

describe('numbers are read strictly (L3)', () => {
  const read = (cell: string) =>
    validateTable(set, readCsvTable(set, `township,year,x\nT1,2021,"${cell}"\n`));
  it('"1,5" and "1 2 3" are refused, naming row, column and value', () => {
    for (const bad of ['1,5', '1 2 3']) {
      const { records, issues } = read(bad);
      expect(records).toEqual([]);
      expect(issues).toEqual([
        expect.objectContaining({
          row: 2,
          column: 'C',
          field: 'x',
          message: expect.objectContaining({ en: `"${bad}" is not a number` }),
        }),
      ]);
    }
  });
  it('"1,234.5" is 1234.5', () => {
    const { records, issues } = read('1,234.5');
    expect(issues).toEqual([]);
    expect(records[0]!.values.get('x')!.toString()).toBe('1234.5');
  });
});
