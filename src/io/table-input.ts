/**
 * Reads a filled-in template (CSV or XLSX) back into raw records: one row per township × year,
 * headers `key (unit)` where the unit may be any accepted unit of that input (e.g. `land_area.paddy (亩)`).
 * Every problem is reported with its sheet, row and column; validateTable yields no records when there is one.
 */
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { InputRecord } from '../domain/accounting.js';
import { parseDecimal, type Dec } from '../domain/decimal.js';
import { convertValue } from '../domain/units.js';
import type { CompiledSet } from '../domain/model.js';
import {
  validateRecords,
  validateRecordsAsText,
  type InputIssue,
  type RawRecord,
  type TextRecord,
  type TownshipInfo,
} from '../domain/inputs.js';
import { LABEL_ROW_MARK, type OverrideField } from './template.js';
import { openFirstSheet } from './xlsx-sheet.js';
import { openFirstSheetOnThread, readsOnThread } from './xlsx-thread.js';

export interface TableInput {
  readonly records: RawRecord[];
  /** Problems found in the table itself (headers, units, layout). */
  readonly issues: InputIssue[];
  /** field ("input" or "input.class") → column name (A, B, … for both CSV and XLSX). */
  readonly columnOf: ReadonlyMap<string, string>;
}

export function columnLetter(index0: number): string {
  let n = index0 + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const HEADER = /^\s*([^\s(（]+)\s*(?:[(（]\s*(.*?)\s*[)）])?\s*$/;

interface Column {
  index: number;
  kind: 'township' | 'year' | 'value' | 'override';
  /** Of an override column: the component and which of its three cells. */
  component?: string;
  field?: OverrideField;
  input?: string;
  key?: string;
  landClass?: string;
  /** From the column's unit to the input's own unit, when they differ. */
  convert?: (v: Dec) => Dec;
  unit?: string;
}

/** Reads rows of cells (first row = headers) into raw records. */
export function readTableRows(
  set: CompiledSet,
  rows: readonly (readonly unknown[])[],
  sheet: string,
  rowNumbers?: readonly number[],
): TableInput {
  const reader = tableReader(set, rows[0] ?? [], sheet, rowNumbers?.[0] ?? 1);
  rows.slice(1).forEach((cells, i) => reader.row(cells, rowNumbers?.[i + 1] ?? i + 2));
  return reader.table;
}

/**
 * Reads a table a row at a time: the header row first (its columns, units and problems), then each row, by
 * `row`, into a raw record at once, so a reader of a large file need not keep its rows of cells.
 */
export function tableReader(
  set: CompiledSet,
  header: readonly unknown[],
  sheet: string,
  headerRow = 1,
): { table: TableInput; row: (cells: readonly unknown[], row: number) => void } {
  const issues: InputIssue[] = [];
  const columnOf = new Map<string, string>();
  const issue = (
    row: number | undefined,
    column: string | undefined,
    zh: string,
    en: string,
    field?: string,
  ) => issues.push({ sheet, row, column, field, message: { zh, en } });
  const inputById = new Map(set.inputs.map((i) => [i.id, i]));
  const componentById = new Map(set.components.map((c) => [c.id, c]));
  const classIds = new Set(set.landClasses.map((c) => c.id));
  const codes = new Set(set.landClasses.flatMap((c) => c.sourceCodes));
  const columns: Column[] = [];
  const firstColumn = new Map<string, string>();
  header.forEach((h, index) => {
    const text = cellText(h).trim();
    const col = columnLetter(index);
    if (!text) return;
    const m = HEADER.exec(text);
    const key = m?.[1] ?? text;
    const unit = m?.[2] || undefined;
    // the same field twice (e.g. in hm² and in 亩) would lose one of them: refused, naming both columns
    const same = key === '乡镇' ? 'township' : key === '年份' ? 'year' : key;
    const first = firstColumn.get(same);
    if (first) {
      issue(
        headerRow,
        col,
        `列"${text}"与 ${first} 列重复：同一指标只能有一列`,
        `column "${text}" repeats column ${first}: one column per field`,
        key,
      );
      return;
    }
    firstColumn.set(same, col);
    if (key === 'township' || key === '乡镇') return void columns.push({ index, kind: 'township' });
    if (key === 'year' || key === '年份') return void columns.push({ index, kind: 'year' });
    const o = /^overrides\.([^.]+)\.(quantity|unit|source)$/.exec(key);
    if (o) {
      const component = componentById.get(o[1]!);
      if (!component) {
        issue(
          headerRow,
          col,
          `未知核算项"${o[1]}"（列"${text}"）`,
          `unknown component "${o[1]}" (column "${text}")`,
          key,
        );
        return;
      }
      if (o[2] === 'quantity') columnOf.set(`overrides.${component.id}`, col);
      columnOf.set(key, col);
      return void columns.push({
        index,
        kind: 'override',
        component: component.id,
        field: o[2] as OverrideField,
        unit: o[2] === 'quantity' ? unit : undefined,
      });
    }
    const [inputId = '', cls] = key.split(/\.(.*)/s);
    const input = inputById.get(inputId);
    const known =
      input &&
      (input.perLandClass ? cls !== undefined && (classIds.has(cls) || codes.has(cls)) : cls === undefined);
    if (!input || !known) {
      issue(headerRow, col, `未知列"${text}"`, `unknown column "${text}"`, key);
      return;
    }
    if (unit !== undefined && unit !== input.unit && !input.acceptUnits.some((u) => u.text === unit)) {
      const list = [input.unit, ...input.acceptUnits.map((u) => u.text)].join('、');
      issue(
        headerRow,
        col,
        `单位"${unit}"不可用于${input.labels.zh}，可用单位：${list}`,
        `unit "${unit}" cannot be used for ${input.labels.en}; use one of: ${list}`,
        key,
      );
      return;
    }
    const accepted =
      unit !== undefined && unit !== input.unit ? input.acceptUnits.find((u) => u.text === unit) : undefined;
    columnOf.set(key, col);
    columns.push({
      index,
      kind: 'value',
      input: input.id,
      key,
      landClass: cls,
      unit: unit ?? input.unit,
      convert: accepted ? (v: Dec) => convertValue(v, accepted.unit, input.unitValue) : undefined,
    });
  });
  // one accepted unit for all columns of an input: passed on as RawRecord.units; mixed units: converted here
  const units: Record<string, string> = {};
  const unitsOf = new Map<string, Set<string>>();
  for (const c of columns)
    if (c.kind === 'value') {
      const u = unitsOf.get(c.input!) ?? new Set<string>();
      u.add(c.unit!);
      unitsOf.set(c.input!, u);
    }
  for (const [input, u] of unitsOf)
    if (u.size === 1 && !u.has(inputById.get(input)!.unit)) {
      units[input] = [...u][0]!;
      for (const c of columns) if (c.input === input) c.convert = undefined;
    }
  const townshipCol = columns.find((c) => c.kind === 'township');
  const yearCol = columns.find((c) => c.kind === 'year');
  if (!townshipCol) issue(headerRow, undefined, '缺少"township"列', 'missing "township" column');
  if (!yearCol) issue(headerRow, undefined, '缺少"year"列', 'missing "year" column');
  if (townshipCol) columnOf.set('township', columnLetter(townshipCol.index));
  if (yearCol) columnOf.set('year', columnLetter(yearCol.index));

  const records: RawRecord[] = [];
  // made once, not per row: the value and override columns, and whether any unit is passed on
  const valueColumns = columns.filter((c) => c.kind === 'value');
  const overrideColumns = columns.filter((c) => c.kind === 'override');
  const anyUnits = Object.keys(units).length > 0;
  const readRow = (cells: readonly unknown[], row: number) => {
    if (!townshipCol || !yearCol) return;
    if (cells.every((c) => cellText(c).trim() === '')) return;
    const township = cellText(cells[townshipCol.index]).trim();
    if (township === LABEL_ROW_MARK || township.startsWith('#')) return;
    const yearText = cellText(cells[yearCol.index]).trim();
    const values: Record<string, unknown> = {};
    for (const c of valueColumns) {
      const raw = cellValue(cells[c.index]);
      if (raw === undefined) continue;
      // a column in another accepted unit (e.g. 亩) is converted here, so columns of one input may differ;
      // text that is not a number is passed on as is, for validation to report
      const parsed = c.convert ? parseDecimal(raw) : undefined;
      const v = parsed && c.convert ? c.convert(parsed).toString() : raw;
      if (c.landClass !== undefined) ((values[c.input!] ??= {}) as Record<string, unknown>)[c.landClass] = v;
      else values[c.input!] = v;
    }
    // an external quantity: its three cells; the unit cell may be blank (the header's unit)
    const overrides: NonNullable<RawRecord['overrides']> = {};
    for (const c of overrideColumns) {
      const v = cellValue(cells[c.index]);
      if (v === undefined) continue;
      const o = (overrides[c.component!] ??= { quantity: undefined });
      if (c.field === 'quantity') {
        o.quantity = v;
        o.unit ??= c.unit;
      } else if (c.field === 'unit') o.unit = cellText(v).trim();
      else o.source = cellText(v).trim();
    }
    for (const [cid, o] of Object.entries(overrides))
      if (o.quantity === undefined) {
        issue(
          row,
          columnOf.get(`overrides.${cid}`),
          `外部模型结果"${cid}"缺少实物量（只填了单位或来源）`,
          `external figure "${cid}" has no quantity (only its unit or source)`,
          `overrides.${cid}`,
        );
        delete overrides[cid];
      }
    records.push({
      township,
      year: /^\d+$/.test(yearText) ? Number(yearText) : yearText,
      values,
      overrides: Object.keys(overrides).length ? overrides : undefined,
      units: anyUnits ? { ...units } : undefined,
      origin: { sheet, row },
    });
  };
  // records are returned even when the headers have problems, so validation can list every problem at once
  return { table: { records, issues, columnOf }, row: readRow };
}

function cellValue(cell: unknown): unknown {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'number') return cell;
  const text = cellText(cell).trim();
  return text === '' ? undefined : text;
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'object') {
    const o = cell as { result?: unknown; richText?: { text: string }[]; text?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
  }
  return String(cell as string);
}

/**
 * What one uploaded table may hold. Reading costs time linear in the cells and memory bounded by these;
 * a table beyond them is refused with a message saying which limit and where.
 */
export const TABLE_LIMITS = {
  /** Data rows (after the header). */
  maxRows: 10_000,
  maxColumns: 1_000,
  /** Non-empty cells. */
  maxCells: 1_000_000,
  /** Characters in one cell. */
  maxCellLength: 1_000,
  /** The unpacked size of an XLSX file (all its parts), in bytes. */
  maxInflatedBytes: 50 * 1024 * 1024,
} as const;

const cellAddress = (col: number, row: number) => `${columnLetter(col - 1)}${row}`;

/** How long reading an XLSX may go without progress before it is given up (a damaged file). */
export const XLSX_STALL_MS = 15_000;

const refused = (issue: InputIssue): TableInput => ({ records: [], issues: [issue], columnOf: new Map() });

const limitIssue = (sheet: string | undefined, zh: string, en: string, row?: number, column?: string) =>
  refused({ sheet, row, column, field: 'file', message: { zh, en } });

/** Checks rows of cells against TABLE_LIMITS; the first limit passed, as an issue. */
function tableLimitIssue(
  sheet: string,
  rows: readonly (readonly unknown[])[],
  rowNumbers?: readonly number[],
): TableInput | undefined {
  if (rows.length - 1 > TABLE_LIMITS.maxRows)
    return limitIssue(
      sheet,
      `表格超过 ${TABLE_LIMITS.maxRows} 行数据，请分批导入`,
      `the table has more than ${TABLE_LIMITS.maxRows} data rows; import it in parts`,
    );
  let cells = 0;
  for (const [i, r] of rows.entries()) {
    const row = rowNumbers?.[i] ?? i + 1;
    if (r.length > TABLE_LIMITS.maxColumns)
      return limitIssue(
        sheet,
        `第 ${row} 行超过 ${TABLE_LIMITS.maxColumns} 列`,
        `row ${row} has more than ${TABLE_LIMITS.maxColumns} columns`,
        row,
      );
    for (const [c, cell] of r.entries()) {
      const text = typeof cell === 'string' ? cell : '';
      if (cell !== undefined && cell !== null && cell !== '') cells++;
      if (text.length > TABLE_LIMITS.maxCellLength)
        return limitIssue(
          sheet,
          `单元格 ${columnLetter(c)}${row} 超过 ${TABLE_LIMITS.maxCellLength} 个字符`,
          `cell ${columnLetter(c)}${row} holds more than ${TABLE_LIMITS.maxCellLength} characters`,
          row,
          columnLetter(c),
        );
    }
  }
  if (cells > TABLE_LIMITS.maxCells)
    return limitIssue(
      sheet,
      `表格超过 ${TABLE_LIMITS.maxCells} 个非空单元格`,
      `the table has more than ${TABLE_LIMITS.maxCells} non-empty cells`,
    );
  return undefined;
}

export function readCsvTable(set: CompiledSet, text: string, sheet = 'csv'): TableInput {
  let rows: string[][];
  try {
    rows = parseCsv(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      to_line: TABLE_LIMITS.maxRows + 2,
      max_record_size: TABLE_LIMITS.maxCellLength * TABLE_LIMITS.maxColumns,
    }) as string[][];
  } catch (e) {
    return limitIssue(
      sheet,
      `CSV 文件无法读取：${(e as Error).message}`,
      `the CSV file cannot be read: ${(e as Error).message}`,
    );
  }
  return tableLimitIssue(sheet, rows) ?? readTableRows(set, rows, sheet);
}

/**
 * The unpacked size of a ZIP file, from the sizes its central directory declares (the reader below also
 * stops at the row, column, cell and length limits, whatever the declared sizes say). Undefined when the
 * file is not a ZIP this reader understands (ZIP64 included: an upload is at most a few MB).
 */
export function zipInflatedSize(buf: Buffer): number | undefined {
  const EOCD = 0x06054b50;
  const CDH = 0x02014b50;
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--) {
    if (buf.readUInt32LE(at) !== EOCD) continue;
    const entries = buf.readUInt16LE(at + 10);
    let p = buf.readUInt32LE(at + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH) return undefined;
      const size = buf.readUInt32LE(p + 24);
      if (size === 0xffffffff) return undefined;
      total += size;
      p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    }
    return total;
  }
  return undefined;
}

/**
 * Reads the first sheet of an XLSX file with a streaming reader (xlsx-sheet.ts; the cells exceljs's streaming
 * reader gives, at a fraction of its cost): one pass over the rows, linear in the cells, stopping at the first
 * limit passed; a file that cannot be read throws. A formula cell is refused, naming the cell: the value
 * a spreadsheet last computed is not survey data we can check.
 */
export async function readXlsxTable(
  set: CompiledSet,
  data: Buffer | ArrayBuffer,
  /** Called with the table being read each time VALIDATE_PART_ROWS records are read (to validate them meanwhile). */
  onRows?: (table: TableInput) => void | Promise<void>,
): Promise<TableInput> {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const inflated = zipInflatedSize(buf);
  // not a workbook at all: thrown, as exceljs does, for the caller to name the file
  if (inflated === undefined) throw new Error('not a ZIP archive');
  if (inflated > TABLE_LIMITS.maxInflatedBytes)
    return limitIssue(
      undefined,
      `工作簿解压后超过 ${TABLE_LIMITS.maxInflatedBytes / 1024 / 1024} MB，请删去多余内容或分批导入`,
      `the workbook unpacks to more than ${TABLE_LIMITS.maxInflatedBytes / 1024 / 1024} MB; remove what is not needed or import it in parts`,
    );
  // a file that cannot be read (not a ZIP, XML not well formed) throws, for the caller to name the file
  const sheet = await (readsOnThread(buf.length) ? openFirstSheetOnThread(buf) : openFirstSheet(buf));
  if (!sheet) return refused({ message: { zh: '工作簿没有工作表', en: 'the workbook has no sheet' } });
  const name = sheet.name;
  // the header row starts a table reader; every later row is read into its raw record at once and let go
  let rowReader: ReturnType<typeof tableReader> | undefined;
  let read = 0;
  let cells = 0;
  let labelRows = 0;
  let problem: TableInput | undefined;
  // defensive: a read that makes no progress for XLSX_STALL_MS is given up, with an error (the file is in
  // memory and inflated by zlib, so a damaged one fails at once; this bounds what was not foreseen)
  let timer: NodeJS.Timeout | undefined;
  let fail: (e: Error) => void = () => {};
  const stalled = new Promise<never>((_, reject) => (fail = reject));
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new Error('the workbook stopped reading; is it damaged?')), XLSX_STALL_MS);
  };
  const cellIssue = (col: number, row: number, zh: string, en: string) =>
    limitIssue(
      name,
      `单元格 ${cellAddress(col, row)} ${zh}`,
      `cell ${cellAddress(col, row)} ${en}`,
      row,
      columnLetter(col - 1),
    );
  const consume = async () => {
    progress();
    for await (const rows of sheet.rows) {
      progress();
      for (const row of rows) {
        // the header and a template's label row (乡镇, 年份, labels) are not data rows
        if (read - labelRows > TABLE_LIMITS.maxRows) {
          problem = limitIssue(
            name,
            `表格超过 ${TABLE_LIMITS.maxRows} 行数据，请分批导入`,
            `the table has more than ${TABLE_LIMITS.maxRows} data rows; import it in parts`,
          );
          break;
        }
        const values: unknown[] = [];
        for (let k = 0; k < row.cols.length && !problem; k++) {
          const col = row.cols[k]!;
          const v = row.values[k];
          if (col > TABLE_LIMITS.maxColumns)
            problem = cellIssue(
              col,
              row.number,
              `超出 ${TABLE_LIMITS.maxColumns} 列的范围（最后一列是 ${columnLetter(TABLE_LIMITS.maxColumns - 1)}）`,
              `is beyond ${TABLE_LIMITS.maxColumns} columns (the last is ${columnLetter(TABLE_LIMITS.maxColumns - 1)})`,
            );
          else if (typeof v === 'object' && v !== null && 'formula' in v)
            problem = cellIssue(
              col,
              row.number,
              `是公式，请改为填写数值（可复制后"选择性粘贴 → 数值"）`,
              `holds a formula; enter the value instead (copy, then paste values only)`,
            );
          else if (typeof v !== 'number' && cellText(v).length > TABLE_LIMITS.maxCellLength)
            problem = cellIssue(
              col,
              row.number,
              `超过 ${TABLE_LIMITS.maxCellLength} 个字符`,
              `holds more than ${TABLE_LIMITS.maxCellLength} characters`,
            );
          else if (++cells > TABLE_LIMITS.maxCells)
            problem = limitIssue(
              name,
              `表格超过 ${TABLE_LIMITS.maxCells} 个非空单元格`,
              `the table has more than ${TABLE_LIMITS.maxCells} non-empty cells`,
            );
          else values[col - 1] = v;
        }
        if (problem) break;
        if (read === 1 && values[0] === LABEL_ROW_MARK) labelRows++;
        if (rowReader) rowReader.row(values, row.number);
        else rowReader = tableReader(set, values, name, row.number);
        if (onRows && rowReader.table.records.length >= VALIDATE_PART_ROWS) {
          // the time the caller takes with the rows (e.g. a slow database) is not the file stalling
          clearTimeout(timer);
          await onRows(rowReader.table);
          progress();
        }
        read++;
      }
      if (problem) break;
    }
  };
  try {
    await Promise.race([consume(), stalled]);
  } finally {
    clearTimeout(timer);
  }
  if (problem) return problem;
  // a row read sparsely has holes: a hole is a blank cell, as is a cell beyond the row's last (cells line up with
  // the header by their column numbers)
  return (rowReader ?? tableReader(set, [], name)).table;
}

export async function readTableFile(set: CompiledSet, path: string): Promise<TableInput> {
  const buf = readFileSync(path);
  if (path.toLowerCase().endsWith('.csv')) return readCsvTable(set, buf.toString('utf8'));
  return readXlsxTable(set, buf);
}

/** Validates a read table against the set; issues carry the column of their field. */
export function validateTable(
  set: CompiledSet,
  table: TableInput,
  townships?: readonly TownshipInfo[],
  options: { allowMissing?: boolean } = {},
): { records: InputRecord[]; issues: InputIssue[] } {
  const { records, issues } = validateRecords(set, table.records, townships, options);
  const withColumns = issues.map((i) => ({
    ...i,
    column: i.column ?? (i.field ? table.columnOf.get(i.field) : undefined),
  }));
  const all = [...table.issues, ...withColumns];
  return { records: all.length ? [] : records, issues: all };
}

/**
 * Records validated at a time by tablePartValidator. Few, so that the raw records of a large file die young: read,
 * validated and let go before the garbage collector's young generation is collected, never copied into the old one
 * (at 1,000 a 10,000-row upload promoted ≈ 195 MB into the old generation, at 100 ≈ 112 MB).
 */
export const VALIDATE_PART_ROWS = 100;

/** Validated records handed on at a time by tablePartValidator (a part the plan reads stored records for at once). */
export const HAND_ON_ROWS = 1_000;

/**
 * Validates an upload VALIDATE_PART_ROWS records at a time, as the text they are stored as (validateRecordsAsText),
 * each HAND_ON_ROWS validated records handed at once to `part` (e.g. to plan them against the stored records) while
 * the file is still being read, so the records of the whole file are never held at once; only the check for a repeated township-year sees
 * across parts. The table's raw records are let go as they are validated (table.records is emptied). Once the file
 * has a problem its parts are no longer handed on, but the rest is still checked: every problem is listed.
 * `validate` may be called while the table is being read (by readXlsxTable's onRows), `finish` with the table read;
 * every part was handed on, and its handling awaited, when `finish` gives no issue. A part's handling runs while the
 * next part is read (one at a time, in order).
 */
export function tablePartValidator(
  set: CompiledSet,
  townships: readonly TownshipInfo[] | undefined,
  options: { allowMissing?: boolean },
  part: (records: TextRecord[], origins: RawRecord['origin'][]) => Promise<void> | void,
) {
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  let from: TableInput | undefined;
  // a part handed on is awaited only when the next one is ready (its query runs while the file is read on)
  let handed: Promise<void> = Promise.resolve();
  // validated records not yet handed on (HAND_ON_ROWS at a time), with their origins
  let records: TextRecord[] = [];
  let origins: RawRecord['origin'][] = [];
  const handOn = async () => {
    const these = records;
    const theirOrigins = origins;
    records = [];
    origins = [];
    await handed;
    handed = Promise.resolve(part(these, theirOrigins));
    // a failure is thrown where it is awaited (the next part, or finish), never left unhandled
    handed.catch(() => {});
  };
  const validate = async (table: TableInput) => {
    from = table;
    while (table.records.length) {
      const raw = table.records.splice(0, VALIDATE_PART_ROWS);
      const checked = validateRecordsAsText(set, raw, townships, { ...options, seen });
      for (const i of checked.issues)
        issues.push({ ...i, column: i.column ?? (i.field ? table.columnOf.get(i.field) : undefined) });
      if (!issues.length && !table.issues.length) {
        for (let k = 0; k < raw.length; k++) {
          records.push(checked.records[k]!);
          origins.push(raw[k]!.origin);
        }
        if (records.length >= HAND_ON_ROWS) await handOn();
      }
    }
  };
  const finish = async (table: TableInput): Promise<{ issues: InputIssue[] }> => {
    // a table refused while it was read (a limit passed) is its refusal alone
    if (from && from !== table) return { issues: table.issues };
    await validate(table);
    if (records.length && !issues.length && !table.issues.length) await handOn();
    await handed;
    return { issues: [...table.issues, ...issues] };
  };
  return { validate, finish };
}
