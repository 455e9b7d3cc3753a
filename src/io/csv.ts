import { stringify } from 'csv-stringify/sync';

export const BOM = '\uFEFF';

const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Neutralises spreadsheet formula injection: a cell that starts with = + - @ tab or CR is prefixed with a
 * single quote, unless it is a plain number (e.g. -12.5).
 */
export function neutralise(cell: unknown): string {
  const text = cell === undefined || cell === null ? '' : String(cell);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/** UTF-8 CSV with a BOM (so Excel reads Chinese correctly), every cell neutralised. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return (
    BOM +
    stringify(
      rows.map((r) => r.map(neutralise)),
      { record_delimiter: '\r\n' },
    )
  );
}
