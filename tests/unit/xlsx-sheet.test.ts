/**
 * The XLSX sheet reader of the import (src/io/xlsx-sheet.ts) against exceljs's streaming reader, which read
 * uploads before it: the same workbook gives the same rows, row numbers and cell values (numbers, dates typed in
 * numeric cells, strings with thousands separators, empty cells, rich text, a merged title, the template itself,
 * inline strings and XML entities written by other programs); what exceljs refused or mis-read stays refused.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openFirstSheet } from '../../src/io/xlsx-sheet.js';
import { readXlsxTable } from '../../src/io/table-input.js';
import { templateWorkbook } from '../../src/io/template.js';
import { loadSet } from '../../src/methods/resolve.js';
import { tinySet } from './tiny-set.js';

const set = loadSet(tinySet(), 'tiny', '1.0.0');

/** The rows as exceljs's streaming reader gave them to the import (the code this reader replaced). */
async function exceljsRows(buf: Buffer) {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), {
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const rows: { number: number; values: unknown[] }[] = [];
  let name = '';
  for await (const sheet of reader) {
    name = (sheet as unknown as { name: string }).name;
    for await (const row of sheet) {
      const values: unknown[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const v = cell.value as unknown;
        // rich text: the import read its text (cellText); the new reader gives the text
        values[col - 1] =
          v && typeof v === 'object' && 'richText' in v
            ? (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('')
            : v;
      });
      rows.push({ number: row.number, values });
    }
    break;
  }
  return { name, rows };
}

function newRows(buf: Buffer) {
  const sheet = openFirstSheet(buf, 50 * 2 ** 20)!;
  const rows: { number: number; values: unknown[] }[] = [];
  for (const r of sheet.rows()) {
    const values: unknown[] = [];
    for (const c of r.cells) values[c.col - 1] = c.value;
    rows.push({ number: r.number, values });
  }
  return { name: sheet.name, rows };
}

const bufferOf = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

describe('the import reads an XLSX sheet as exceljs did', () => {
  it('numbers, dates in numeric cells, strings with thousands separators, gaps, rich text, a merged title', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据 & <表>');
    ws.addRow(['甲县 2023 年 GEP 填报表']);
    ws.mergeCells(1, 1, 1, 6);
    ws.addRow(['township', 'year', 'gdp (万元)', 'x', 'note', 'flag']);
    ws.addRow(['T1', 2021, 1234.5678, '1,234.5', 'a < b & "c"', true]);
    ws.addRow(['T2', 2021, -0.000001, null, '  spaced  ', false]);
    ws.addRow([]);
    const dated = ws.addRow(['T3', 2022, new Date(Date.UTC(2021, 5, 30)), 1e21, 0]);
    dated.getCell(3).numFmt = 'yyyy-mm-dd';
    ws.addRow(['T4', 2022, { richText: [{ text: '12' }, { font: { bold: true }, text: '.5' }] }]);
    ws.getCell('H9').value = 7; // a gap in the row, and a row after an empty one
    ws.getCell('B10').value = '２０２１'; // full-width digits stay text
    const buf = await bufferOf(wb);
    const old = await exceljsRows(buf);
    const now = newRows(buf);
    expect(now).toEqual(old);
    // the figures, worked out: 1234.5678 a number, "1,234.5" text, the date cell exceljs gave (with styles
    // ignored) is its Excel serial number 44377 = 2021-06-30 (days since 1899-12-30)
    expect(now.name).toBe('数据 & <表>');
    expect(now.rows[2]!.values).toEqual(['T1', 2021, 1234.5678, '1,234.5', 'a < b & "c"', true]);
    expect(now.rows.find((r) => r.number === 6)!.values.slice(0, 5)).toEqual(['T3', 2022, 44377, 1e21, 0]);
    expect(now.rows.find((r) => r.number === 7)!.values).toEqual(['T4', 2022, '12.5']);
    expect(now.rows.map((r) => r.number)).toEqual(old.rows.map((r) => r.number));
  });

  it('the import template, filled in, reads the same (header, label row, values, blank cells)', async () => {
    const wb = templateWorkbook(set, { townships: ['T1', 'T2', 'T3'], years: [2021, 2022] }, [
      { township: 'T1', year: 2021, values: { x: '12.5', area: { forest: '1000', water: '0.25' } } },
      { township: 'T2', year: 2022, values: { x: '0' } },
    ]);
    const buf = await bufferOf(wb);
    expect(newRows(buf)).toEqual(await exceljsRows(buf));
    const t = await readXlsxTable(set, buf);
    expect(t.issues).toEqual([]);
    expect(t.records.find((r) => r.township === 'T1' && r.year === 2021)?.values).toMatchObject({ x: 12.5 });
  });

  it('inline strings, entities, rows and cells without references, phonetic runs (as other programs write them)', async () => {
    const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row><c t="inlineStr"><is><t>township</t></is></c><c t="inlineStr"><is><t xml:space="preserve">year</t></is></c><c t="s"><v>0</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>T&amp;1 &#x4E61;&#20065;</t></is></c><c r="B3"><v>2021</v></c><c r="C3" t="s"><v>1</v></c><c r="D3" s="2"/></row>
<row r="4" spans="1:3"/>
</sheetData></worksheet>`;
    const strings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>x</t></si><si><r><t>1</t></r><r><t>2.5</t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh></si></sst>`;
    const files = {
      '[Content_Types].xml': strToU8(
        `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
      ),
      '_rels/.rels': strToU8(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
      'xl/workbook.xml': strToU8(
        `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S&amp;1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      'xl/_rels/workbook.xml.rels': strToU8(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ),
      'xl/worksheets/sheet1.xml': strToU8(sheet),
      'xl/sharedStrings.xml': strToU8(strings),
    };
    const buf = Buffer.from(zipSync(files));
    const now = newRows(buf);
    expect(now).toEqual({
      name: 'S&1',
      rows: [
        { number: 1, values: ['township', 'year', 'x'] },
        { number: 3, values: ['T&1 乡乡', 2021, '12.5'] },
        { number: 4, values: [] },
      ],
    });
    const t = await readXlsxTable(set, buf);
    expect(t.records).toMatchObject([{ township: 'T&1 乡乡', year: 2021, values: { x: '12.5' } }]);
  });

  it('an entry that inflates beyond the size it declares is refused (a ZIP bomb that lies)', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('数据').addRow(['township', 'year', 'x']);
    const buf = await bufferOf(wb);
    // the sheet's declared size in the central directory, made 10 bytes
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const at = buf.lastIndexOf(
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x01, 0x02])]),
      buf.indexOf(name, buf.length - 2000),
    );
    const cd = buf.indexOf(name, buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) - 2000);
    expect(at).toBeGreaterThan(0);
    expect(cd - at).toBe(46);
    buf.writeUInt32LE(10, at + 24);
    expect(() => newRows(buf)).toThrow();
    await expect(readXlsxTable(set, buf)).rejects.toThrow();
  });
});
