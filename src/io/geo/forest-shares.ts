/**
 * The forest inventory's per-township forest-type shares (森林资源二类调查: 针叶林 / 阔叶林 / 针阔混交林 as % of
 * 乔木林地) as CSV or XLSX: a column 乡镇 (the township's 行政区划代码, its Chinese or English name, or id), then
 * one column per land class (its Chinese or English name or id; "(%)" may follow), each a percentage.
 * Every problem names its row and column; shares arrive as fractions.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDecimal, type Dec } from '../../domain/decimal.js';
import type { ForestShares } from '../../domain/forest-split.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';
import { firstSheetRows } from '../sheet-rows.js';
import { columnLetter, TABLE_LIMITS } from '../table-input.js';

export interface ShareTownship {
  readonly id: string;
  readonly adminCode?: string | null;
  readonly nameZh: string;
  readonly nameEn: string;
}

const TOWNSHIP_HEADERS = ['乡镇', '乡镇代码', '乡镇名称', 'township', 'township_code'];

export function readShareRows(
  rows: readonly (readonly unknown[])[],
  sheet: string,
  set: CompiledSet,
  townships: readonly ShareTownship[],
): { shares: ForestShares; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const header = (rows[0] ?? []).map((c) => String(c ?? '').trim());
  const bare = (h: string) => h.replace(/\s*[(（].*$/, '').trim();
  const townshipCol = header.findIndex((h) => TOWNSHIP_HEADERS.includes(bare(h).toLowerCase()));
  if (townshipCol < 0)
    return {
      shares: new Map(),
      issues: [{ sheet, row: 1, message: { zh: '缺少"乡镇"列', en: 'missing column "township"' } }],
    };
  const classCols: { col: number; cls: string }[] = [];
  header.forEach((h, col) => {
    if (col === townshipCol || !h) return;
    const name = bare(h);
    const c = set.landClasses.find(
      (x) => x.id === name || x.labels.zh === name || x.labels.en.toLowerCase() === name.toLowerCase(),
    );
    if (c) classCols.push({ col, cls: c.id });
    else
      issues.push({
        sheet,
        row: 1,
        column: columnLetter(col),
        message: { zh: `"${h}"不是参数集的地类`, en: `"${h}" is no land class of the set` },
      });
  });
  if (issues.length) return { shares: new Map(), issues };
  const find = (text: string) =>
    townships.find(
      (t) => t.adminCode === text.slice(0, 9) || t.nameZh === text || t.nameEn === text || t.id === text,
    );
  const shares = new Map<string, Map<string, Dec>>();
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const text = (c: number) => String(cells[c] ?? '').trim();
    if (!cells.some((c) => String(c ?? '').trim())) return;
    const add = (c: number, zh: string, en: string) =>
      issues.push({ sheet, row, column: columnLetter(c), message: { zh, en } });
    const t = find(text(townshipCol));
    if (!t) return add(townshipCol, `乡镇"${text(townshipCol)}"不存在`, `no township "${text(townshipCol)}"`);
    if (shares.has(t.id)) return add(townshipCol, '该乡镇重复出现', 'the township is given twice');
    const byClass = new Map<string, Dec>();
    for (const { col, cls } of classCols) {
      const raw = text(col).replace(/%$/, '').trim();
      if (!raw) continue;
      const v = parseDecimal(raw);
      if (!v || v.isNeg() || v.gt(100))
        add(
          col,
          `"${text(col)}"不是 0 至 100 之间的百分数`,
          `"${text(col)}" is not a percentage from 0 to 100`,
        );
      else byClass.set(cls, v.div(100));
    }
    shares.set(t.id, byClass);
  });
  return { shares: issues.length ? new Map() : shares, issues };
}

export async function readForestShares(
  file: { originalname: string; buffer: Buffer },
  set: CompiledSet,
  townships: readonly ShareTownship[],
): Promise<{ shares: ForestShares; issues: InputIssue[] }> {
  if (file.originalname.toLowerCase().endsWith('.csv')) {
    const rows = parseCsv(file.buffer.toString('utf8'), {
      bom: true,
      relax_column_count: true,
      to_line: TABLE_LIMITS.maxRows + 2,
    }) as string[][];
    return readShareRows(rows, 'csv', set, townships);
  }
  const sheet = await firstSheetRows(file.buffer);
  if (!sheet)
    return {
      shares: new Map(),
      issues: [{ message: { zh: '工作簿没有工作表', en: 'the workbook has no sheet' } }],
    };
  return readShareRows(sheet.rows.slice(0, TABLE_LIMITS.maxRows + 1), sheet.name, set, townships);
}
