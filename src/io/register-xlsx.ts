/**
 * The register as spreadsheets: the import template (one row per entry, headers in Chinese with the field key),
 * reading a filled template into raw entries (row numbers kept for messages), and the published list in its
 * official layout (title, 单位 line, 序号, subtotals and 合计 as SUM formulas).
 */
import ExcelJS from 'exceljs';
import { ENTRY_FIELDS, type EntryField, type RawEntry } from '../domain/register.js';
import type { InputIssue } from '../domain/inputs.js';
import { zipInflatedSize } from './table-input.js';
import type { RegisterList } from '../report/register-list.js';

export const REGISTER_SHEET = '生态产品目录';
const KEYS = Object.keys(ENTRY_FIELDS) as EntryField[];
const header = (k: EntryField) => `${ENTRY_FIELDS[k].zh} ${k}`;
const EXAMPLE: Partial<Record<EntryField, string>> = {
  name: '大湖乡 水源涵养',
  township: '大湖乡',
  product: '水源涵养',
  source: '取自核算结果',
  share: '100%',
  owner: '大湖乡各村集体',
  ownership: '集体所有',
  rightHolder: '大湖乡人民政府',
  rightType: '生态公益林管护权',
  supplier: '大湖乡人民政府',
  grade: '优',
  tradable: '是',
  tradableReason: '调节服务，可由政府采购',
};

/** The import template: headers, one example row (to be replaced) and a sheet that explains each column. */
export function registerTemplate(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(REGISTER_SHEET);
  ws.addRow(KEYS.map(header)).font = { bold: true };
  ws.addRow(KEYS.map((k) => EXAMPLE[k] ?? ''));
  KEYS.forEach((_, i) => (ws.getColumn(i + 1).width = 16));
  const help = wb.addWorksheet('说明 notes');
  help.addRow(['列 column', '说明 meaning']).font = { bold: true };
  for (const k of KEYS) help.addRow([header(k), ENTRY_FIELDS[k].en]);
  help.addRow([]);
  help.addRow([
    '数量来源 source',
    '"取自核算结果"：数量和价值取自该乡镇已审核的核算结果 × 比例；"填报"：填写数量、单位（及价值，元）',
  ]);
  return wb;
}

const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
  }
  return String(v);
};

/** Reads a filled template: raw entries with their sheet row, or the problems that stop reading. */
export async function readRegisterXlsx(
  data: Buffer,
  fileName: string,
): Promise<{ rows: RawEntry[]; issues: InputIssue[] }> {
  const refuse = (zh: string, en: string) => ({ rows: [], issues: [{ message: { zh, en } }] });
  const inflated = zipInflatedSize(data);
  if (inflated === undefined || inflated > 50 * 1024 * 1024)
    return refuse(
      `无法读取文件"${fileName}"：不是有效的 XLSX 文件或解压后过大`,
      `cannot read "${fileName}": not a valid XLSX file, or too large once unpacked`,
    );
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch (e) {
    return refuse(
      `无法读取文件"${fileName}"：不是有效的 XLSX 文件（${(e as Error).message}）`,
      `cannot read "${fileName}": not a valid XLSX file (${(e as Error).message})`,
    );
  }
  const ws = wb.getWorksheet(REGISTER_SHEET) ?? wb.worksheets[0];
  if (!ws) return refuse('文件中没有工作表', 'the file has no sheet');
  const columns = new Map<number, EntryField>();
  const issues: InputIssue[] = [];
  ws.getRow(1).eachCell((cell, col) => {
    const text = cellText(cell.value).trim();
    const key = KEYS.find(
      (k) => text === header(k) || text === k || text === ENTRY_FIELDS[k].zh || text.endsWith(` ${k}`),
    );
    if (key) columns.set(col, key);
    else if (text)
      issues.push({
        sheet: ws.name,
        row: 1,
        column: text,
        message: { zh: `未知的列"${text}"`, en: `unknown column "${text}"` },
      });
  });
  for (const k of ['name', 'township', 'product'] as const)
    if (![...columns.values()].includes(k))
      issues.push({
        sheet: ws.name,
        row: 1,
        message: { zh: `缺少"${header(k)}"列`, en: `the column "${header(k)}" is missing` },
      });
  if (issues.length) return { rows: [], issues };
  const rows: RawEntry[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const raw: RawEntry = { origin: { sheet: ws.name, row: n } };
    let any = false;
    for (const [col, key] of columns) {
      const text = cellText(row.getCell(col).value).trim();
      if (text) any = true;
      raw[key] = text;
    }
    if (any) rows.push(raw);
  });
  if (rows.length > 2000) return refuse('一次最多导入 2000 条', 'at most 2,000 entries per file');
  return { rows, issues };
}

/** The list in its official layout; numbers as numbers (万元), subtotals and 合计 as SUM formulas. */
export function registerListWorkbook(list: RegisterList): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录清单');
  const width = list.headers.length;
  ws.addRow([list.title]).font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, width);
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.addRow([list.unitLine]);
  ws.addRow([...list.headers]).font = { bold: true };
  const VALUE_COL = 8;
  const letter = String.fromCharCode(64 + VALUE_COL);
  const subtotalRows: number[] = [];
  for (const g of list.groups) {
    const head = ws.addRow([g.name]);
    head.font = { bold: true };
    const first = head.number + 1;
    for (const r of g.rows)
      ws.addRow([
        r.no,
        r.name,
        r.product,
        r.township,
        r.location,
        r.quantity,
        r.unit,
        r.value ? Number(r.value.div(10000).toFixed(6)) : '—',
        r.owner,
        r.rightHolder,
        r.supplier,
        r.grade,
        r.tradable,
        r.source,
      ]);
    const last = first + g.rows.length - 1;
    const sub = ws.addRow([`${g.name} 小计`]);
    sub.getCell(VALUE_COL).value = {
      formula: `SUM(${letter}${first}:${letter}${last})`,
      result: Number(g.subtotal.div(10000).toFixed(6)),
    };
    sub.font = { bold: true };
    subtotalRows.push(sub.number);
  }
  const total = ws.addRow(['合计']);
  total.getCell(VALUE_COL).value = {
    formula: subtotalRows.length ? subtotalRows.map((n) => `${letter}${n}`).join('+') : '0',
    result: Number(list.total.div(10000).toFixed(6)),
  };
  total.font = { bold: true };
  ws.getColumn(VALUE_COL).numFmt = '#,##0.00';
  [6, 22, 16, 10, 18, 14, 8, 14, 20, 20, 20, 8, 18, 12].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  for (const n of list.notes) ws.addRow([n]);
  return wb;
}
