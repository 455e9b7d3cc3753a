/**
 * The lean XLSX sheet reader (src/io/xlsx-sheet.ts, issue 17): cell by cell the values exceljs's streaming
 * reader (styles ignored, shared strings cached) gives, on workbooks exceljs writes (chosen and generated) and
 * on one LibreOffice writes; where exceljs loses text the reader keeps it (each such case below says what
 * exceljs gives); damaged files are refused or throw, at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { openFirstSheet } from '../../src/io/xlsx-sheet.js';
import {
  MAX_SHEET_THREADS,
  READ_AHEAD,
  BATCH_CELLS,
  XLSX_THREAD_BYTES,
  openFirstSheetOnThread,
  readsOnThread,
  sheetThreadsRunning,
} from '../../src/io/xlsx-thread.js';
import { XLSX_STALL_MS, readTableRows, readXlsxTable } from '../../src/io/table-input.js';
import { loadSet } from '../../src/methods/resolve.js';
import { tinySet } from './tiny-set.js';

type Cells = { row: number; cells: [number, unknown][] }[];

/** A rich text's runs without their fonts (the reader keeps the text only; cellText reads only the text). */
const plain = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && 'richText' in v
    ? { richText: (v as { richText: { text: string }[] }).richText.map((r) => ({ text: r.text })) }
    : v;

/**
 * The same parts zipped again, the workbook's, its relationships and the shared strings first: exceljs's streaming
 * reader fails (TypeError: reading 'sheets') on a file whose sheet comes before xl/workbook.xml, as Workbook's
 * writer sometimes zips them.
 */
function workbookFirst(buf: Buffer): Buffer {
  const parts = unzipSync(buf);
  const rank = (p: string) =>
    ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml'].indexOf(p) + 1 || 9;
  const names = Object.keys(parts).sort((a, b) => rank(a) - rank(b));
  return Buffer.from(zipSync(Object.fromEntries(names.map((n) => [n, parts[n]!]))));
}

/** The first sheet's cells as exceljs's streaming reader gives them (as readXlsxTable read them until now). */
async function exceljsCells(buf: Buffer): Promise<Cells> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([workbookFirst(buf)]), {
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const out: Cells = [];
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cells: [number, unknown][] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => void cells.push([col, plain(cell.value)]));
      out.push({ row: row.number, cells });
    }
    break;
  }
  return out;
}

async function ourCells(buf: Buffer, open = openFirstSheet): Promise<Cells> {
  const sheet = await open(buf);
  const out: Cells = [];
  for await (const rows of sheet!.rows)
    for (const r of rows)
      out.push({ row: r.number, cells: r.cols.map((c, i) => [c, r.values[i]] as [number, unknown]) });
  return out;
}

/**
 * A workbook exceljs writes: with shared strings (Workbook), or with the strings in the sheet (the streaming
 * WorkbookWriter, as the import bench writes; exceljs's reader cannot read Workbook's own file without shared
 * strings, see below).
 */
async function written(
  fill: (ws: ExcelJS.Worksheet) => void,
  useSharedStrings = true,
  name = '数据',
): Promise<Buffer> {
  if (useSharedStrings) {
    const wb = new ExcelJS.Workbook();
    fill(wb.addWorksheet(name));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false });
  const ws = wb.addWorksheet(name);
  fill(ws);
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

/** The value kinds of one row, in columns A…, then a few far columns. */
const kinds: ExcelJS.CellValue[] = [
  'text',
  '中文乡镇 鼓山镇',
  '  spaced  ',
  'a & b < c > d "e" \'f\'',
  0,
  0.1,
  1e-7,
  1e21,
  -0,
  Number('123456789.123456789'),
  -42.5,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  { error: '#N/A' },
  { error: '#DIV/0!' },
  { formula: 'A1+1' } as ExcelJS.CellFormulaValue,
  { formula: '2*3', result: 6 } as ExcelJS.CellFormulaValue,
  { formula: 'A1&"x"', result: 'textx' } as ExcelJS.CellFormulaValue,
  { richText: [{ text: '富', font: { bold: true } }, { text: '文本' }] },
  null,
  '',
];

describe('xlsx-sheet: the cells exceljs gives', () => {
  for (const shared of [true, false])
    it(`every kind of value, sparse rows and far columns (${shared ? 'shared strings' : 'strings in the sheet'})`, async () => {
      const buf = await written((ws) => {
        ws.addRow(kinds);
        ws.getCell('Z3').value = 'Z';
        ws.getCell('AA3').value = 'AA';
        ws.getCell('AZ3').value = 27.5;
        ws.getCell('ZZ3').value = 'ZZ';
        ws.getCell('AAA3').value = 703;
        ws.getCell('ALL7').value = '列 1000';
        ws.getCell('C9').value = 9;
        // a date with a date format: a number, styles being ignored (45413 = 2024-05-01 as a serial day)
        ws.getCell('D10').value = new Date(Date.UTC(2024, 4, 1));
        ws.getCell('D10').numFmt = 'yyyy-mm-dd';
        ws.getCell('E10').value = { richText: [{ text: 'one run' }] };
      }, shared);
      const ours = await ourCells(buf);
      const ex = await exceljsCells(buf);
      if (!shared) {
        // an inline rich text: exceljs keeps only its last run (文本); the reader keeps them all
        const t20 = ex[0]!.cells.find(([col]) => col === 20)!;
        expect(t20[1]).toBe('文本');
        t20[1] = '富文本';
      }
      expect(ours).toEqual(ex);
      // and what they are, worked out by hand: row 1 A–V in order, the blank ones (null, '') left out
      const row1 = new Map(ours[0]!.cells);
      expect(ours[0]!.row).toBe(1);
      expect(row1.get(2)).toBe('中文乡镇 鼓山镇');
      expect(row1.get(6)).toBe(0.1);
      expect(row1.get(7)).toBe(1e-7);
      expect(row1.get(8)).toBe(1e21);
      expect(row1.get(9)).toBe(0);
      expect(row1.get(10)).toBe(123456789.12345679);
      expect(row1.get(13)).toBe(true);
      expect(row1.get(14)).toBe(false);
      expect(row1.get(15)).toEqual({ error: '#N/A' });
      expect(row1.get(17)).toEqual({ formula: 'A1+1' });
      expect(row1.get(18)).toEqual({ formula: '2*3', result: 6 });
      expect(row1.get(20)).toEqual(
        shared ? { richText: [{ text: '富' }, { text: '文本' }] } : '富文本', // inline: a string
      );
      expect(ours[0]!.cells.length).toBe(shared ? 20 : 21); // '' in the sheet is a cell; a shared '' is none
      expect(ours.map((r) => r.row)).toEqual([1, 3, 7, 9, 10]);
      expect(ours[1]!.cells).toEqual([
        [26, 'Z'],
        [27, 'AA'],
        [52, 27.5],
        [702, 'ZZ'],
        [703, 703],
      ]);
      expect(ours[2]!.cells).toEqual([[1000, '列 1000']]);
      expect(ours[4]!.cells).toEqual([
        [4, 45413],
        [5, shared ? { richText: [{ text: 'one run' }] } : 'one run'],
      ]);
    });

  // generated values exceljs writes and reads back itself (text that looks like an XML entity is left out
  // when not shared: exceljs decodes a string in the sheet twice, see below)
  const text = fc
    .string({ unit: 'grapheme', maxLength: 12 })
    .filter((s) => [...s].every((c) => c >= ' ' && c !== '\ufffe' && c !== '\uffff'));
  const value = (shared: boolean): fc.Arbitrary<ExcelJS.CellValue> =>
    fc.oneof(
      shared ? text : text.filter((s) => !/&[a-z]*;/.test(s)),
      fc.constantFrom('乡镇', '年份', '闽侯县 上街镇', '#'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -1e9, max: 1e9 }),
      fc.boolean(),
      fc.constantFrom({ error: '#N/A' }, { error: '#VALUE!' }, { error: '#REF!' }),
      fc.constantFrom(null, { formula: 'B1*2' }, { formula: 'SUM(A1:A3)', result: 12.5 }),
      fc
        .array(
          text.filter((s) => s !== '' && !/&[a-z]*;/.test(s)),
          { minLength: 1, maxLength: 3 },
        )
        .map((runs) => ({ richText: runs.map((t) => ({ text: t })) })),
    );
  it('generated workbooks: deep-equal to exceljs, cell by cell', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean().chain((shared) =>
          fc.record({
            shared: fc.constant(shared),
            cells: fc.array(
              fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 800 }), value(shared)),
              { maxLength: 60 },
            ),
          }),
        ),
        async ({ shared, cells }) => {
          const buf = await written((ws) => {
            for (const [row, col, v] of cells) ws.getCell(row, col).value = v;
          }, shared);
          const ex = await exceljsCells(buf);
          // exceljs keeps only the last run of an inline rich text (see below): compared where it has one
          const multiRun =
            !shared &&
            cells.some(([, , v]) => ((v as { richText?: unknown[] } | null)?.richText?.length ?? 0) > 1);
          if (!multiRun) expect(await ourCells(buf)).toEqual(ex);
          else expect((await ourCells(buf)).map((r) => r.row)).toEqual(ex.map((r) => r.row));
        },
      ),
      { numRuns: 100 },
    );
  });
});

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** A package written by hand: its parts, given as text (only those the reader and exceljs look at). */
const zipOf = (parts: Record<string, string>) =>
  Buffer.from(zipSync(Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, strToU8(v)]))));

/** A workbook of these sheets (name → its part's target from xl/), the first sheet's XML, shared strings. */
function handMade(o: {
  sheetData: string;
  sst?: string;
  sheets?: { name: string; target: string; type?: string }[];
  parts?: Record<string, string>;
}): Buffer {
  const sheets = o.sheets ?? [{ name: '数据', target: 'worksheets/sheet1.xml' }];
  const type = (t = 'worksheet') => `${RELS}/${t}`;
  return zipOf({
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${RELS}"><sheets>${sheets
      .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG}">${sheets
      .map((s, i) => `<Relationship Id="rId${i + 1}" Type="${type(s.type)}" Target="${s.target}"/>`)
      .join(
        '',
      )}${o.sst === undefined ? '' : `<Relationship Id="rIdS" Type="${RELS}/sharedStrings" Target="sharedStrings.xml"/>`}</Relationships>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData>${o.sheetData}</sheetData></worksheet>`,
    ...(o.sst === undefined
      ? {}
      : { 'xl/sharedStrings.xml': `<?xml version="1.0"?><sst xmlns="${MAIN}">${o.sst}</sst>` }),
    ...o.parts,
  });
}

describe('xlsx-sheet: the OOXML read by hand', () => {
  it('cells and rows without r follow the previous one', async () => {
    const buf = handMade({
      sheetData:
        '<row><c><v>1</v></c><c t="str"><v>x</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>' +
        '<row><c><v>7</v></c></row><row r="5"><c r="B5"><v>8</v></c></row><row><c><v>9</v></c></row>',
    });
    expect(await ourCells(buf)).toEqual([
      {
        row: 1,
        cells: [
          [1, 1],
          [2, 'x'],
          [5, 5],
          [6, 6],
        ],
      },
      { row: 2, cells: [[1, 7]] },
      { row: 5, cells: [[2, 8]] },
      { row: 6, cells: [[1, 9]] },
    ]);
  });

  it('a phonetic reading (rPh) is ignored; exceljs gives the reading instead of the text', async () => {
    const buf = handMade({
      sst:
        '<si><t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1"/></si>' +
        '<si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si>' +
        '<si><t/></si>',
      sheetData:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>' +
        '<c r="D1" t="s"><v>7</v></c><c r="E1" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r><rPh><t>x</t></rPh></is></c></row>',
    });
    // an empty shared string and one that does not exist are blank cells
    expect(await ourCells(buf)).toEqual([
      {
        row: 1,
        cells: [
          [1, '漢字'],
          [2, { richText: [{ text: '富' }, { text: '文本 ' }] }],
          [5, 'ab'],
        ],
      },
    ]);
    expect((await exceljsCells(buf))[0]!.cells).toEqual([
      [1, 'カンジ'],
      [2, { richText: [{ text: '富' }, { text: '文本 ' }] }],
      [5, 'x'],
    ]);
  });

  it('t="d" is its ISO date, booleans and errors as exceljs gives them; text is decoded once', async () => {
    const buf = handMade({
      sheetData:
        '<row r="1"><c r="A1" t="d"><v>2024-05-01T00:00:00</v></c><c r="B1" t="d"><v>2024-05-01</v></c>' +
        '<c r="C1" t="b"><v>1</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="e"><v>#N/A</v></c>' +
        '<c r="F1" t="str"><v>&amp;lt;b&amp;gt; &amp; 中</v></c><c r="G1"><v>1.5E-3</v></c><c r="H1" s="3"/>' +
        '<c r="I1"><f t="shared" si="0"/><v>4</v></c><c r="J1" t="str"><f>A1&amp;"x"</f><v>ax</v></c></row>',
    });
    expect((await ourCells(buf))[0]!.cells).toEqual([
      [1, new Date(Date.UTC(2024, 4, 1))],
      [2, new Date(Date.UTC(2024, 4, 1))],
      [3, true],
      [4, false],
      [5, { error: '#N/A' }],
      [6, '&lt;b&gt; & 中'],
      [7, 0.0015],
      [9, { formula: '', result: 4 }],
      [10, { formula: 'A1&"x"', result: 'ax' }],
    ]);
    // exceljs: parseFloat of the date text (2024), and the text decoded a second time
    const ex = new Map((await exceljsCells(buf))[0]!.cells);
    expect([ex.get(1), ex.get(6)]).toEqual([2024, '<b> & 中']);
  });

  it("the first sheet is the workbook's first worksheet (tab order), a chartsheet passed over", async () => {
    const buf = handMade({
      sheets: [
        { name: '图表', target: 'chartsheets/sheet1.xml', type: 'chartsheet' },
        { name: '说明', target: '/xl/worksheets/sheet2.xml' },
        { name: '数据', target: 'worksheets/sheet1.xml' },
      ],
      sheetData: '<row r="1"><c r="A1" t="str"><v>sheet1</v></c></row>',
      parts: {
        'xl/chartsheets/sheet1.xml': `<chartsheet xmlns="${MAIN}"/>`,
        'xl/worksheets/sheet2.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="2"><c r="B2" t="str"><v>sheet2</v></c></row></sheetData></worksheet>`,
      },
    });
    const sheet = await openFirstSheet(buf);
    expect(sheet!.name).toBe('说明');
    expect(await ourCells(buf)).toEqual([{ row: 2, cells: [[2, 'sheet2']] }]);
  });

  it('elements with a namespace prefix (x:row) are read', async () => {
    const buf = zipOf({
      'xl/workbook.xml': `<x:workbook xmlns:x="${MAIN}" xmlns:rel="${RELS}"><x:sheets><x:sheet name="S" sheetId="1" rel:id="a"/></x:sheets></x:workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="${PKG}"><Relationship Id="a" Type="${RELS}/worksheet" Target="worksheets/s.xml"/><Relationship Id="b" Type="${RELS}/sharedStrings" Target="strings.xml"/></Relationships>`,
      'xl/strings.xml': `<x:sst xmlns:x="${MAIN}"><x:si><x:t>甲</x:t></x:si></x:sst>`,
      'xl/worksheets/s.xml': `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
    });
    expect((await openFirstSheet(buf))!.name).toBe('S');
    expect(await ourCells(buf)).toEqual([
      {
        row: 1,
        cells: [
          [1, '甲'],
          [2, 2],
        ],
      },
    ]);
  });

  it('text split between inflated chunks keeps its characters (20,000 CJK cells)', async () => {
    const names = Array.from(
      { length: 20_000 },
      (_, i) => `乡镇${'鼓山上街南屿'.slice(i % 5, (i % 5) + 2)}${i}`,
    );
    const buf = handMade({
      sheetData: names
        .map((n, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="str"><v>${n}</v></c></row>`)
        .join(''),
    });
    const read = (await ourCells(buf)).map((r) => r.cells[0]![1]);
    expect(read).toEqual(names);
    // exceljs decodes each chunk alone: a character split between two comes out as U+FFFD (as in the app's own
    // minhou-2021 template, `gep template`: 沼泽调蓄·外部模型实物量 read as 沼泽调蓄·外部\ufffd\ufffd\ufffd型实物量)
    const theirs = (await exceljsCells(buf)).map((r) => r.cells[0]![1] as string);
    expect(theirs.filter((t) => t.includes('\ufffd')).length).toBeGreaterThan(0);
  });
});

const set = loadSet(tinySet(), 'tiny', '1.0.0');
const messages = (t: { issues: { message: { en: string } }[] }) => t.issues.map((i) => i.message.en);

describe('readXlsxTable: damaged files are refused or throw at once', () => {
  const good = () =>
    written((ws) => {
      ws.addRow(['township', 'year', 'x']);
      for (let i = 0; i < 2000; i++) ws.addRow([`T${i}`, 2021, i + 0.5]);
    });

  it('a truncated file is not a ZIP archive', async () => {
    const buf = await good();
    await expect(readXlsxTable(set, buf.subarray(0, buf.length >> 1))).rejects.toThrow('not a ZIP archive');
  });

  it('a sheet whose compressed bytes are damaged throws', async () => {
    const parts = unzipSync(await good());
    const zip = Buffer.from(zipSync(parts, { level: 6 }));
    // the sheet's deflated data: overwrite a stretch in its middle
    const at = zip.indexOf('xl/worksheets/sheet1.xml') + 200;
    zip.fill(0xff, at, at + 64);
    await expect(readXlsxTable(set, zip)).rejects.toThrow();
  });

  it('a ZIP without xl/workbook.xml has no sheet', async () => {
    const buf = zipOf({ 'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData/></worksheet>` });
    expect(messages(await readXlsxTable(set, buf))).toEqual(['the workbook has no sheet']);
  });

  it('a sheet of garbage XML throws', async () => {
    const buf = handMade({ sheetData: '<row r="1"><c r="A1"><v>1</v></c></row><<<garbage & </nope>' });
    await expect(readXlsxTable(set, buf)).rejects.toThrow(
      'xl/worksheets/sheet1.xml: disallowed character in tag name',
    );
    // a sheet cut short
    const cut = handMade({
      sheetData: '',
      parts: {
        'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c>`,
      },
    });
    await expect(readXlsxTable(set, cut)).rejects.toThrow('xl/worksheets/sheet1.xml: unclosed tag: row');
  });

  it('a row of 20,000 columns is refused at its 1,001st cell, ALM1', async () => {
    const cells = Array.from({ length: 20_000 }, (_, i) => `<c><v>${i}</v></c>`).join('');
    const t = await readXlsxTable(set, handMade({ sheetData: `<row r="1">${cells}</row>` }));
    expect(messages(t)).toEqual(['cell ALM1 is beyond 1000 columns (the last is ALL)']);
    expect(t.issues[0]).toMatchObject({ sheet: '数据', row: 1, column: 'ALM' });
  });

  it('a zip bomb (60 MB of XML in 60 KB) is refused before it is inflated', async () => {
    const buf = handMade({ sheetData: `<row r="1"><c r="A1"><v>1</v></c></row>${' '.repeat(60 * 2 ** 20)}` });
    expect(buf.length).toBeLessThan(200_000);
    const t = await readXlsxTable(set, buf);
    expect(messages(t)).toEqual([
      'the workbook unpacks to more than 50 MB; remove what is not needed or import it in parts',
    ]);
  });

  it('a zip bomb that declares a small size throws at the first byte beyond it', async () => {
    const zip = handMade({ sheetData: `<row r="1"><c r="A1"><v>1</v></c></row>${' '.repeat(60 * 2 ** 20)}` });
    // the sheet's declared unpacked size, 1,000 bytes, in its central directory record and local header
    const central = zip.lastIndexOf(
      Buffer.from([0x50, 0x4b, 0x01, 0x02]),
      zip.lastIndexOf('xl/worksheets/sheet1.xml'),
    );
    zip.writeUInt32LE(1000, central + 24);
    zip.writeUInt32LE(1000, zip.readUInt32LE(central + 42) + 22);
    const start = Date.now();
    await expect(readXlsxTable(set, zip)).rejects.toThrow(/too many bytes/);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});

describe('readXlsxTable: the records the exceljs-read cells give', () => {
  it('generated tables (label row, blanks, text, numbers, units): the same records', async () => {
    const cell = fc.oneof(
      fc.constant(null),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom('12.5', ' 7 ', '1,234.5', 'abc', '', '中文'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(
          fc.tuple(
            fc.constantFrom('T1', 'T2', '#note', ''),
            fc.integer({ min: 2019, max: 2022 }),
            cell,
            cell,
          ),
          {
            maxLength: 30,
          },
        ),
        async (labelRow, rows) => {
          const all = [
            ['township', 'year', 'x', 'area.forest (亩)'],
            ...(labelRow ? [['乡镇', '年份', 'x', '林地']] : []),
            ...rows,
          ];
          const buf = await written((ws) => {
            for (const r of all) ws.addRow(r);
          });
          // as readXlsxTable read until now: exceljs's cells, by column, into the table reader row by row
          const ex = await exceljsCells(buf);
          const cells = ex.map((r) => {
            const values: unknown[] = [];
            for (const [c, v] of r.cells) values[c - 1] = v;
            return values;
          });
          const expected = readTableRows(
            set,
            cells,
            '数据',
            ex.map((r) => r.row),
          );
          const t = await readXlsxTable(set, buf);
          expect(t.issues).toEqual(expected.issues);
          expect(t.records).toEqual(expected.records);
          expect(t.records.length).toBe(rows.filter(([town]) => !town.startsWith('#')).length);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('readXlsxTable: the stall time-out counts the file only', () => {
  it(`a caller taking ${XLSX_STALL_MS / 1000 + 5} s over each part of rows is not a stalled file`, async () => {
    const buf = await written((ws) => {
      ws.addRow(['township', 'year', 'x']);
      for (let i = 0; i < 250; i++) ws.addRow([`T${i}`, 2021, i]);
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let parts = 0;
      let settled = false;
      let waiting = false;
      const read = readXlsxTable(set, buf, async (table) => {
        parts++;
        waiting = true;
        await new Promise((resolve) => setTimeout(resolve, XLSX_STALL_MS + 5000));
        waiting = false;
        table.records.length = 0;
      }).finally(() => (settled = true));
      // the clock runs only while the caller waits (the file itself is read in real time)
      while (!settled)
        if (waiting) await vi.advanceTimersByTimeAsync(1000);
        else await new Promise((resolve) => setImmediate(resolve));
      const t = await read;
      expect(t.issues).toEqual([]);
      // 250 records: a part at 100 and at 200, 50 left for the caller's finish
      expect(parts).toBe(2);
      expect(t.records).toHaveLength(50);
    } finally {
      vi.useRealTimers();
    }
  });
});

// a workbook LibreOffice wrote: the exceljs-written kinds above, opened and saved again by LibreOffice Calc
const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find(existsSync);
describe.skipIf(!soffice)('xlsx-sheet: a workbook LibreOffice wrote', () => {
  it('reads the cells exceljs reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gep-xlsx-lo-'));
    try {
      writeFileSync(
        join(dir, 'in.xlsx'),
        await written((ws) => {
          ws.addRow(['township', 'year', 'x', 'note']);
          ws.addRow(kinds.filter((k) => !(typeof k === 'object' && k !== null && 'formula' in k)));
          ws.getCell('AB4').value = '远列';
          ws.getCell('C6').value = 0.1;
        }),
      );
      execFileSync(
        soffice!,
        [
          '--headless',
          `-env:UserInstallation=file://${dir}/lo`,
          '--convert-to',
          'xlsx',
          '--outdir',
          join(dir, 'out'),
          join(dir, 'in.xlsx'),
        ],
        { timeout: 120_000, stdio: 'pipe' },
      );
      const buf = readFileSync(join(dir, 'out', 'in.xlsx'));
      const ours = await ourCells(buf);
      // LibreOffice writes TRUE, FALSE and errors as formulas (<f>FALSE()</f><v>0</v>): refused either way; exceljs
      // leaves out a result that is 0 or NaN, so formulas are compared by their text
      const formulaText = (cells: Cells) =>
        cells.map((r) => ({
          ...r,
          cells: r.cells.map(([c, v]) => [
            c,
            typeof v === 'object' && v !== null && 'formula' in v ? { formula: v.formula } : v,
          ]),
        }));
      expect(formulaText(ours)).toEqual(formulaText(await exceljsCells(buf)));
      expect(new Map(ours[1]!.cells).get(14)).toEqual({ formula: 'FALSE()', result: 0 });
      expect(ours[0]!.cells).toEqual([
        [1, 'township'],
        [2, 'year'],
        [3, 'x'],
        [4, 'note'],
      ]);
      expect(ours.at(-1)).toEqual({ row: 6, cells: [[3, 0.1]] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('xlsx-thread: a large sheet read on a worker thread, as in this one', () => {
  // every kind of value, dates, rich text and a t="d" cell, over 12,000 rows: far more batches than READ_AHEAD
  const big = () =>
    written((ws) => {
      ws.addRow([
        'township',
        'year',
        ...kinds.filter((k) => typeof k !== 'object' || k === null || 'richText' in k),
      ]);
      for (let i = 0; i < 12_000; i++)
        ws.addRow([
          `乡镇${i}`,
          2021,
          i + 0.25,
          -i,
          `a & b < ${i}`,
          i % 2 === 0,
          new Date(Date.UTC(2024, 4, 1 + (i % 28))),
        ]);
    });

  it(`the same name and rows as openFirstSheet, in batches of at least BATCH_CELLS cells, ${READ_AHEAD} ahead`, async () => {
    const buf = await big();
    expect(buf.length).toBeGreaterThan(XLSX_THREAD_BYTES);
    /** The cells of each batch the thread sends, read with batches of at least `cells` cells. */
    const batchCells = async (cells?: number) => {
      const sheet = await openFirstSheetOnThread(buf, undefined, cells);
      expect(sheet!.name).toBe('数据');
      const sizes: number[] = [];
      for await (const rows of sheet!.rows) sizes.push(rows.reduce((n, r) => n + r.values.length, 0));
      return sizes;
    };
    const ours = await ourCells(buf);
    expect(ours.length).toBe(12_001);
    const cells = ours.reduce((n, r) => n + r.cells.length, 0);
    // a batch is sent when it reaches BATCH_CELLS cells (rows of 7 cells: at most 6 more); the last holds the rest
    const sizes = await batchCells();
    expect(sizes.reduce((a, b) => a + b)).toBe(cells);
    expect(sizes.length).toBe(Math.ceil(cells / BATCH_CELLS));
    for (const n of sizes.slice(0, -1)) expect(n - BATCH_CELLS).toBeOneOf([0, 1, 2, 3, 4, 5, 6]);
    // small batches: many more than READ_AHEAD of them, so the thread waits for the reader's credit again and again
    expect((await batchCells(500)).length).toBeGreaterThan(READ_AHEAD * 10);
    expect(await ourCells(buf, openFirstSheetOnThread)).toEqual(ours);
    expect(await ourCells(buf, (b) => openFirstSheetOnThread(b, undefined, 500))).toEqual(ours);
  });

  it('damaged XML throws the same error; a workbook without a sheet is undefined; a reader may stop early', async () => {
    const cut = handMade({
      sheetData: '',
      parts: {
        'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c>`,
      },
    });
    await expect(ourCells(cut, openFirstSheetOnThread)).rejects.toThrow(
      'xl/worksheets/sheet1.xml: unclosed tag: row',
    );
    await expect(openFirstSheetOnThread(Buffer.from('not a zip'))).rejects.toThrow(
      await openFirstSheet(Buffer.from('not a zip')).then(
        () => 'read',
        (e: Error) => e.message,
      ),
    );
    const noSheet = zipOf({
      'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData/></worksheet>`,
    });
    expect(await openFirstSheetOnThread(noSheet)).toBeUndefined();
    // the reader takes one batch and stops: the thread is ended, and a read after it still works
    const buf = await big();
    const sheet = await openFirstSheetOnThread(buf);
    for await (const rows of sheet!.rows) {
      expect(rows[0]!.number).toBe(1);
      break;
    }
    expect((await ourCells(buf, openFirstSheetOnThread)).length).toBe(12_001);
  });

  it('readXlsxTable: the same table from the thread as from this one', async () => {
    const buf = await written((ws) => {
      ws.addRow(['township', 'year', 'x', 'y']);
      for (let i = 0; i < 10_000; i++)
        ws.addRow([`T${i}`, 2021 + (i % 7), Math.abs(Math.sin(i)) * 1e5, `${i}.25`]);
    });
    expect(buf.length).toBeGreaterThan(XLSX_THREAD_BYTES);
    const small = await written((ws) => {
      ws.addRow(['township', 'year', 'x']);
      for (let i = 0; i < 10; i++) ws.addRow([`T${i}`, 2021, i + 0.5]);
    });
    expect(small.length).toBeLessThan(XLSX_THREAD_BYTES);
    const threaded = await readXlsxTable(set, buf);
    // the same rows read in this thread: the table's records from the sheet's cells
    const inThread = readTableRows(
      set,
      (await ourCells(buf)).map((r) => r.cells.map(([, v]) => v)),
      '数据',
    );
    expect(threaded.records.length).toBe(10_000);
    expect(threaded.records.map((r) => [r.township, r.year, r.values])).toEqual(
      inThread.records.map((r) => [r.township, r.year, r.values]),
    );
    expect(messages(threaded)).toEqual(messages(inThread));
  });

  it(`at most ${MAX_SHEET_THREADS} threads at once; one whose reader went away ends itself`, async () => {
    const buf = await big();
    // the threads of the tests before have ended
    await vi.waitFor(() => expect(sheetThreadsRunning()).toBe(0), { timeout: 5000, interval: 50 });
    expect(readsOnThread(buf.length)).toBe(true);
    expect(readsOnThread(XLSX_THREAD_BYTES - 1)).toBe(false);
    // two readers that take nothing (yet); a third upload meanwhile is read in this thread
    // (in small batches: the whole sheet is more than READ_AHEAD of them, so each thread waits for its reader)
    const a = await openFirstSheetOnThread(buf, undefined, 500);
    const b = await openFirstSheetOnThread(buf, 300, 500);
    expect(sheetThreadsRunning()).toBe(MAX_SHEET_THREADS);
    expect(readsOnThread(buf.length)).toBe(false);
    // b's reader never asks for more: after 300 ms its thread ends, and a late read says so
    await vi.waitFor(() => expect(sheetThreadsRunning()).toBe(1), { timeout: 5000, interval: 50 });
    const late = async () => {
      for await (const rows of b!.rows) void rows;
    };
    await expect(late()).rejects.toThrow('the workbook reader stopped');
    let rows = 0;
    for await (const batch of a!.rows) rows += batch.length;
    expect(rows).toBe(12_001);
    await vi.waitFor(() => expect(sheetThreadsRunning()).toBe(0), { timeout: 5000, interval: 50 });
  });
});
