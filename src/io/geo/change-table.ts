/**
 * The yearly change survey's change table (年度变更调查 变更记录) as CSV or XLSX: one row per change with
 * the township code (9 digits, or a 12-digit village code whose first 9 digits are the township's), 原地类编码,
 * 现地类编码 and the area, its unit in the header ("面积 (m2)", "面积（亩）", "area (hm2)"). Every problem names
 * its row and column; rows arrive in hm².
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDecimal } from '../../domain/decimal.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { ChangeRecord } from '../../domain/land-changes.js';
import { convertValue, parseUnit } from '../../domain/units.js';
import { columnLetter, TABLE_LIMITS } from '../table-input.js';
import type { TownshipCode } from './dltb.js';
import { firstSheetRows } from '../sheet-rows.js';

const HEADERS = {
  township: ['乡镇代码', '坐落单位代码', 'township_code', 'zldwdm', 'xzqdm'],
  from: ['原地类编码', 'from_code', 'bgqdlbm'],
  to: ['现地类编码', 'to_code', 'bghdlbm'],
  area: ['面积', 'area', 'bgmj'],
} as const;

export function readChangeRows(
  rows: readonly (readonly unknown[])[],
  sheet: string,
  townships: readonly TownshipCode[],
): { changes: ChangeRecord[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const header = (rows[0] ?? []).map((c) => String(c ?? '').trim());
  const find = (names: readonly string[]) =>
    header.findIndex(
      (h) =>
        names.includes(h.replace(/\s*[(（].*$/, '').toLowerCase()) ||
        names.includes(h.replace(/\s*[(（].*$/, '')),
    );
  const col = {
    township: find(HEADERS.township),
    from: find(HEADERS.from),
    to: find(HEADERS.to),
    area: find(HEADERS.area),
  };
  for (const [k, i] of Object.entries(col))
    if (i < 0)
      issues.push({
        sheet,
        row: 1,
        message: {
          zh: `缺少"${HEADERS[k as keyof typeof HEADERS][0]}"列`,
          en: `missing column "${HEADERS[k as keyof typeof HEADERS][HEADERS[k as keyof typeof HEADERS].length - 1]}"`,
        },
      });
  if (issues.length) return { changes: [], issues };
  const unitText = /[(（]\s*(.*?)\s*[)）]/.exec(header[col.area]!)?.[1];
  let unit;
  try {
    unit = unitText ? parseUnit(unitText) : undefined;
  } catch {
    unit = undefined;
  }
  if (!unit)
    return {
      changes: [],
      issues: [
        {
          sheet,
          row: 1,
          column: columnLetter(col.area),
          message: {
            zh: `面积列须注明面积单位，如"面积 (m2)"或"面积（亩）"（收到"${header[col.area]}"）`,
            en: `the area column must name its unit, e.g. "area (m2)" (got "${header[col.area]}")`,
          },
        },
      ],
    };
  const hm2 = parseUnit('hm2');
  const byCode = new Map(townships.map((t) => [t.adminCode, t.id]));
  const changes: ChangeRecord[] = [];
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const text = (c: number) => String(cells[c] ?? '').trim();
    if ([col.township, col.from, col.to, col.area].every((c) => !text(c))) return;
    const add = (c: number, zh: string, en: string) =>
      issues.push({ sheet, row, column: columnLetter(c), message: { zh, en } });
    const township = byCode.get(text(col.township).slice(0, 9));
    if (!township)
      add(
        col.township,
        `乡镇代码"${text(col.township)}"无对应乡镇`,
        `no township has the code "${text(col.township)}"`,
      );
    if (!text(col.from)) add(col.from, '缺少原地类编码', 'no original land-class code');
    if (!text(col.to)) add(col.to, '缺少现地类编码', 'no new land-class code');
    const area = parseDecimal(text(col.area));
    if (!area || area.isNeg())
      add(
        col.area,
        `面积"${text(col.area)}"不是非负数值`,
        `area "${text(col.area)}" is not a non-negative number`,
      );
    if (township && area && !area.isNeg() && text(col.from) && text(col.to))
      changes.push({
        township,
        fromCode: text(col.from),
        toCode: text(col.to),
        areaHm2: convertValue(area, unit, hm2),
        row,
      });
  });
  return { changes: issues.length ? [] : changes, issues };
}

export async function readChangeTable(
  file: { originalname: string; buffer: Buffer },
  townships: readonly TownshipCode[],
): Promise<{ changes: ChangeRecord[]; issues: InputIssue[] }> {
  if (file.originalname.toLowerCase().endsWith('.csv')) {
    const rows = parseCsv(file.buffer.toString('utf8'), {
      bom: true,
      relax_column_count: true,
      to_line: TABLE_LIMITS.maxRows + 2,
    }) as string[][];
    return readChangeRows(rows, 'csv', townships);
  }
  const sheet = await firstSheetRows(file.buffer);
  if (!sheet)
    return {
      changes: [],
      issues: [{ message: { zh: '工作簿没有工作表', en: 'the workbook has no sheet' } }],
    };
  return readChangeRows(sheet.rows.slice(0, TABLE_LIMITS.maxRows + 1), sheet.name, townships);
}
