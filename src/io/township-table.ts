import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { InputIssue } from '../domain/inputs.js';
import { KIND_LABELS, type TownshipRow } from '../domain/townships.js';
import { TABLE_LIMITS, columnLetter, zipInflatedSize } from './table-input.js';

/**
 * A file of townships (XLSX or CSV, first sheet): a header row, then one township a row. Headers in Chinese or
 * English; a unit in brackets is allowed (面积（km²）). 序号 is ignored.
 */
const COLUMNS: ReadonlyArray<{ key: keyof TownshipRow; names: string[]; zh: string; en: string }> = [
  {
    key: 'adminCode',
    names: ['行政区划代码', '区划代码', 'admin_code', 'admincode', 'code'],
    zh: '行政区划代码',
    en: 'admin_code',
  },
  { key: 'nameZh', names: ['中文名称', '名称', '乡镇', 'name_zh'], zh: '中文名称', en: 'name_zh' },
  { key: 'nameEn', names: ['英文名称', 'name_en', 'english name'], zh: '英文名称', en: 'name_en' },
  { key: 'kind', names: ['类型', 'kind'], zh: '类型', en: 'kind' },
  { key: 'areaKm2', names: ['面积', 'area_km2', 'area'], zh: '面积（km²）', en: 'area_km2' },
];
const IGNORED = new Set(['序号', 'no', 'no.', '#']);

const cellText = (c: unknown): string => {
  if (c === null || c === undefined) return '';
  if (typeof c === 'object') {
    const o = c as { richText?: { text: string }[]; text?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (typeof o.text === 'string') return o.text;
  }
  return String(c as string);
};

const issue = (zh: string, en: string, row?: number, column?: string): InputIssue => ({
  row,
  column,
  field: 'file',
  message: { zh, en },
});

/** Header cells → the field each column holds; unknown and missing columns named. */
export function townshipRowsFromTable(
  rows: readonly (readonly unknown[])[],
  rowNumbers?: readonly number[],
): { rows: TownshipRow[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const header = rows[0] ?? [];
  const at = new Map<keyof TownshipRow, number>();
  header.forEach((h, i) => {
    const name = cellText(h)
      .trim()
      .replace(/[（(].*[)）]$/, '')
      .trim()
      .toLowerCase();
    if (!name || IGNORED.has(name)) return;
    const col = COLUMNS.find((c) => c.names.includes(name));
    if (!col)
      issues.push(
        issue(
          `第 1 行 ${columnLetter(i)} 列"${cellText(h)}"不是可识别的列；应为：${COLUMNS.map((c) => c.zh).join('、')}`,
          `row 1, column ${columnLetter(i)} "${cellText(h)}" is not a known column; expected: ${COLUMNS.map((c) => c.en).join(', ')}`,
          1,
          columnLetter(i),
        ),
      );
    else if (at.has(col.key))
      issues.push(issue(`"${col.zh}"列出现两次`, `column "${col.en}" appears twice`, 1, columnLetter(i)));
    else at.set(col.key, i);
  });
  for (const c of COLUMNS)
    if (!at.has(c.key)) issues.push(issue(`缺少"${c.zh}"列`, `the column "${c.en}" is missing`, 1));
  if (issues.length) return { rows: [], issues };
  const out: TownshipRow[] = [];
  rows.slice(1).forEach((cells, i) => {
    if (cells.every((c) => cellText(c).trim() === '')) return;
    const row: TownshipRow = { row: rowNumbers?.[i + 1] ?? i + 2 };
    for (const [key, index] of at) (row as Record<string, unknown>)[key] = cellText(cells[index]).trim();
    out.push(row);
  });
  if (!out.length) issues.push(issue('文件中没有乡镇数据行', 'the file has no township rows'));
  return { rows: out, issues };
}

export function readTownshipCsv(text: string) {
  let rows: string[][];
  try {
    rows = parseCsv(text, {
      bom: true,
      relax_column_count: true,
      to_line: TABLE_LIMITS.maxRows + 1,
    }) as string[][];
  } catch (e) {
    return {
      rows: [],
      issues: [
        issue(
          `CSV 文件无法读取：${(e as Error).message}`,
          `the CSV file cannot be read: ${(e as Error).message}`,
        ),
      ],
    };
  }
  return townshipRowsFromTable(rows);
}

export async function readTownshipXlsx(buf: Buffer): Promise<{ rows: TownshipRow[]; issues: InputIssue[] }> {
  const inflated = zipInflatedSize(buf);
  if (inflated === undefined || inflated > TABLE_LIMITS.maxInflatedBytes)
    return {
      rows: [],
      issues: [
        issue(
          '文件不是可读取的 XLSX 工作簿或过大',
          'the file is not a readable XLSX workbook, or it is too large',
        ),
      ],
    };
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    return {
      rows: [],
      issues: [issue('文件不是可读取的 XLSX 工作簿', 'the file is not a readable XLSX workbook')],
    };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { rows: [], issues: [issue('工作簿没有工作表', 'the workbook has no sheet')] };
  if (ws.rowCount > TABLE_LIMITS.maxRows + 1)
    return {
      rows: [],
      issues: [issue(`超过 ${TABLE_LIMITS.maxRows} 行`, `more than ${TABLE_LIMITS.maxRows} rows`)],
    };
  const rows: unknown[][] = [];
  const numbers: number[] = [];
  const issues: InputIssue[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: unknown[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const v = cell.value as unknown;
      if (typeof v === 'object' && v !== null && ('formula' in v || 'sharedFormula' in v))
        issues.push(
          issue(
            `单元格 ${columnLetter(col - 1)}${n} 是公式，请改为填写数值`,
            `cell ${columnLetter(col - 1)}${n} holds a formula; enter the value instead`,
            n,
            columnLetter(col - 1),
          ),
        );
      cells[col - 1] = v;
    });
    rows.push(cells);
    numbers.push(n);
  });
  if (issues.length) return { rows: [], issues };
  return townshipRowsFromTable(rows, numbers);
}

/** The registered townships as a CSV file to fill and import again (UTF-8 with a BOM, for Excel). */
export function townshipCsv(
  townships: ReadonlyArray<{
    admin_code: string | null;
    name_zh: string;
    name_en: string;
    kind: string;
    area_km2: string;
  }>,
): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    '行政区划代码,中文名称,英文名称,类型,面积（km²）',
    ...townships.map((t) =>
      [
        t.admin_code ?? '',
        t.name_zh,
        t.name_en,
        KIND_LABELS[t.kind as keyof typeof KIND_LABELS]?.zh ?? t.kind,
        t.area_km2,
      ]
        .map(q)
        .join(','),
    ),
  ];
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
