/**
 * Land-use transition matrices as a table, one row per cell (long format):
 * township, from_year, to_year, from_class, to_class, area, unit. Every problem names its row and column.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDecimal } from '../domain/decimal.js';
import type { InputIssue } from '../domain/inputs.js';
import type { TransitionMatrix } from '../domain/transitions.js';
import { columnLetter } from './table-input.js';
import { toCsv } from './csv.js';
import { firstSheetRows } from './sheet-rows.js';

export const TRANSITION_COLUMNS = [
  'township',
  'from_year',
  'to_year',
  'from_class',
  'to_class',
  'area',
  'unit',
] as const;

/**
 * Reads the rows of a transition table. With `classIds` (the set's land classes), an unknown class and an
 * area that is not a non-negative number are reported at their row and column.
 */
export function readTransitionRows(
  rows: readonly (readonly unknown[])[],
  sheet: string,
  classIds?: readonly string[],
): { matrices: TransitionMatrix[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const header = (rows[0] ?? []).map((c) => String(c ?? '').trim());
  const index = Object.fromEntries(TRANSITION_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof TRANSITION_COLUMNS)[number],
    number
  >;
  const missing = TRANSITION_COLUMNS.filter((c) => c !== 'unit' && index[c] < 0);
  if (missing.length)
    return {
      matrices: [],
      issues: [
        {
          sheet,
          row: 1,
          message: { zh: `缺少列：${missing.join('、')}`, en: `missing columns: ${missing.join(', ')}` },
        },
      ],
    };
  const byKey = new Map<
    string,
    {
      township: string;
      fromYear: number;
      toYear: number;
      unit: string;
      matrix: Record<string, Record<string, string>>;
    }
  >();
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const cell = (c: (typeof TRANSITION_COLUMNS)[number]) =>
      index[c] < 0 ? '' : String(cells[index[c]] ?? '').trim();
    if (cells.every((c) => String(c ?? '').trim() === '')) return;
    const at = (c: (typeof TRANSITION_COLUMNS)[number]) => ({ sheet, row, column: columnLetter(index[c]) });
    const fromYear = Number(cell('from_year'));
    const toYear = Number(cell('to_year'));
    if (!Number.isInteger(fromYear))
      issues.push({
        ...at('from_year'),
        message: {
          zh: `期初年份"${cell('from_year')}"无效`,
          en: `opening year "${cell('from_year')}" is not valid`,
        },
      });
    if (!Number.isInteger(toYear))
      issues.push({
        ...at('to_year'),
        message: {
          zh: `期末年份"${cell('to_year')}"无效`,
          en: `closing year "${cell('to_year')}" is not valid`,
        },
      });
    const township = cell('township');
    if (!township) issues.push({ ...at('township'), message: { zh: '缺少乡镇', en: 'township missing' } });
    const from = cell('from_class');
    const to = cell('to_class');
    for (const [c, id] of [
      ['from_class', from],
      ['to_class', to],
    ] as const)
      if (!id) issues.push({ ...at(c), message: { zh: '缺少地类', en: 'land class missing' } });
      else if (classIds && !classIds.includes(id))
        issues.push({ ...at(c), message: { zh: `未知地类"${id}"`, en: `unknown land class "${id}"` } });
    const area = parseDecimal(cell('area'));
    if (!area || area.isNeg())
      issues.push({
        ...at('area'),
        message: {
          zh: `面积"${cell('area')}"不是非负数值`,
          en: `area "${cell('area')}" is not a non-negative number`,
        },
      });
    const unit = cell('unit') || 'hm2';
    const key = `${township}|${fromYear}|${toYear}`;
    const m = byKey.get(key) ?? { township, fromYear, toYear, unit, matrix: {} };
    if (m.unit !== unit)
      issues.push({ ...at('unit'), message: { zh: '同一矩阵的单位须一致', en: 'one matrix has one unit' } });
    if (m.matrix[from]?.[to] !== undefined)
      issues.push({
        ...at('to_class'),
        message: { zh: `重复的格子 ${from} → ${to}`, en: `duplicate cell ${from} → ${to}` },
      });
    (m.matrix[from] ??= {})[to] = cell('area');
    byKey.set(key, m);
  });
  return { matrices: issues.length ? [] : [...byKey.values()], issues };
}

export function readTransitionCsv(text: string, classIds?: readonly string[]) {
  return readTransitionRows(
    parseCsv(text, { bom: true, relax_column_count: true }) as string[][],
    'csv',
    classIds,
  );
}

export async function readTransitionXlsx(data: Buffer, classIds?: readonly string[]) {
  const sheet = await firstSheetRows(data);
  if (!sheet)
    return {
      matrices: [],
      issues: [{ message: { zh: '工作簿没有工作表', en: 'the workbook has no sheet' } }],
    };
  return readTransitionRows(sheet.rows, sheet.name, classIds);
}

export function transitionsCsv(matrices: readonly TransitionMatrix[]): string {
  const rows: unknown[][] = [[...TRANSITION_COLUMNS]];
  for (const m of matrices)
    for (const [from, row] of Object.entries(m.matrix))
      for (const [to, area] of Object.entries(row))
        rows.push([m.township, m.fromYear, m.toYear, from, to, area, m.unit]);
  return toCsv(rows);
}
