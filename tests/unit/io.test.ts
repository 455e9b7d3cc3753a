import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import type { InputRecord } from '../../src/domain/accounting.js';
import { validateRecords } from '../../src/domain/inputs.js';
import { loadSet } from '../../src/methods/resolve.js';
import { readDatasetJson } from '../../src/io/dataset.js';
import { neutralise, toCsv } from '../../src/io/csv.js';
import { templateColumns, templateCsv, writeTemplate } from '../../src/io/template.js';
import { readCsvTable, readTableFile, validateTable } from '../../src/io/table-input.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const set = loadSet(root('coefficients'), 'minhou-2021');
const dataset = readDatasetJson(root('seeds/minhou/dataset.json'));
const seed = dataset.records.find((r) => r.township === 'baisha' && r.year === 2021)!;
const tmp = mkdtempSync(join(tmpdir(), 'gep-io-'));

/** The seed value for a template column key ("input" or "input.class"). */
function seedValue(key: string): unknown {
  const [input, cls] = key.split('.');
  const v = seed.values[input!];
  return cls === undefined ? v : (v as Record<string, unknown> | undefined)?.[cls];
}

const flat = (r: InputRecord) =>
  Object.fromEntries(
    [...r.values].flatMap(([k, v]) =>
      v instanceof Map
        ? [...v].map(([c, x]) => [`${k}.${c}`, (x as Dec).toString()])
        : [[k, (v as Dec).toString()]],
    ),
  );

const expected = () => {
  const { records, issues } = validateRecords(set, [seed], dataset.townships);
  expect(issues).toEqual([]);
  return flat(records[0]!);
};

describe('template round trip', () => {
  it('XLSX: write, fill one township from the seeds, read back the same validated values', async () => {
    const path = join(tmp, 'template.xlsx');
    await writeTemplate(set, path, { townships: ['baisha'], years: [2021] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0]!;
    const header = ws.getRow(1).values as unknown[];
    expect(header).toContain('land_area.forest_broadleaf (hm2)');
    expect(String(ws.getRow(2).getCell(3).value)).toMatch(/（.+）/); // zh label with department
    const row = ws.getRow(3);
    expect(row.getCell(1).value).toBe('baisha');
    header.forEach((h, col) => {
      if (typeof h !== 'string' || col < 3) return;
      const v = seedValue(h.replace(/\s*\(.*\)$/, ''));
      if (v !== undefined) row.getCell(col).value = Number(v);
    });
    await wb.xlsx.writeFile(path);
    const table = await readTableFile(set, path);
    expect(table.issues).toEqual([]);
    const { records, issues } = validateTable(set, table, dataset.townships);
    expect(issues).toEqual([]);
    expect(records).toHaveLength(1);
    expect(flat(records[0]!)).toEqual(expected());
  });

  it('CSV: key header row only, values read back, accepted unit converted (亩)', () => {
    const rows = parseCsv(templateCsv(set, { townships: ['baisha'], years: [2021] }), {
      bom: true,
    }) as string[][];
    expect(rows).toHaveLength(2);
    const header = rows[0]!.map((h) => (h === 'land_area.paddy (hm2)' ? 'land_area.paddy (亩)' : h));
    const filled = header.map((h, i) => {
      if (i < 2) return rows[1]![i]!;
      const key = h.replace(/\s*\(.*\)$/, '');
      const v = seedValue(key);
      if (v === undefined) return '';
      return key === 'land_area.paddy' ? new Dec(String(v)).times(15).toString() : String(v);
    });
    const path = join(tmp, 'template.csv');
    writeFileSync(path, toCsv([header, filled]));
    const table = readCsvTable(set, readFileSync(path, 'utf8'));
    const { records, issues } = validateTable(set, table, dataset.townships);
    expect(issues).toEqual([]);
    expect(flat(records[0]!)).toEqual(expected());
  });

  it('CSV: all land_area columns in 亩 are passed as RawRecord.units and converted by validation', () => {
    const rows = parseCsv(templateCsv(set, { townships: ['baisha'], years: [2021] }), {
      bom: true,
    }) as string[][];
    const header = rows[0]!.map((h) => h.replace(/^(land_area\.\w+) \(hm2\)$/, '$1 (亩)'));
    const filled = header.map((h, i) => {
      if (i < 2) return rows[1]![i]!;
      const key = h.replace(/\s*\(.*\)$/, '');
      const v = seedValue(key);
      if (v === undefined) return '';
      return key.startsWith('land_area.') ? new Dec(String(v)).times(15).toString() : String(v);
    });
    const table = readCsvTable(set, toCsv([header, filled]));
    expect(table.records[0]!.units).toEqual({ land_area: '亩' });
    const { records, issues } = validateTable(set, table, dataset.townships);
    expect(issues).toEqual([]);
    expect(flat(records[0]!)).toEqual(expected());
  });

  it('has one column per scalar input and per (per-class input, land class)', () => {
    const cols = templateColumns(set);
    const perClass = set.inputs.filter((i) => i.perLandClass).length;
    const scalar = set.inputs.length - perClass;
    expect(cols).toHaveLength(scalar + perClass * set.landClasses.length);
  });
});

describe('table input errors', () => {
  it('lists every error with its row and column and yields no records', () => {
    const cols = templateColumns(set);
    const header = ['township', 'year', ...cols.map((c) => `${c.key} (${c.unit})`), 'bogus_column (t)'];
    const paddy = header.indexOf('land_area.paddy (hm2)');
    header[paddy] = 'land_area.paddy (kg)';
    const row = header.map((h, i) => {
      if (i === 0) return 'baisha';
      if (i === 1) return '2021';
      const v = seedValue(h.replace(/\s*\(.*\)$/, ''));
      return v === undefined ? '1' : String(v);
    });
    const grain = header.indexOf('grain_output (t)');
    expect(grain).toBeGreaterThan(1);
    row[grain] = 'abc';
    const text = toCsv([header, row]);
    const table = readCsvTable(set, text);
    const { records, issues } = validateTable(set, table, dataset.townships);
    expect(records).toEqual([]);
    const col = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : undefined);
    const unknown = issues.find((i) => i.message.en.includes('unknown column'));
    expect(unknown).toMatchObject({ row: 1 });
    expect(unknown?.column).toBeTruthy();
    const unit = issues.find((i) => i.message.en.includes('"kg"'));
    expect(unit).toMatchObject({ row: 1 });
    expect(unit?.column).toBeTruthy();
    const bad = issues.find((i) => i.message.en.includes('"abc" is not a number'));
    expect(bad).toMatchObject({ row: 2, field: 'grain_output' });
    if (col(grain)) expect(bad?.column).toBe(col(grain));
    else expect(bad?.column).toBeTruthy();
    expect(issues.length).toBeGreaterThanOrEqual(3);
  });
});

describe('CSV output', () => {
  it('neutralises formula injection but keeps plain numbers', () => {
    expect(neutralise('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(neutralise('+1+2')).toBe(`'+1+2`);
    expect(neutralise('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutralise('\tcmd')).toBe(`'\tcmd`);
    expect(neutralise('\rcmd')).toBe(`'\rcmd`);
    expect(neutralise('-cmd|x')).toBe(`'-cmd|x`);
    expect(neutralise('-12.5')).toBe('-12.5');
    expect(neutralise('+3')).toBe('+3');
    expect(neutralise('白沙镇')).toBe('白沙镇');
    const csv = toCsv([
      ['a', '=1+1'],
      ['-5', '@x'],
    ]);
    expect(csv).toContain(`'=1+1`);
    expect(csv).toContain(`'@x`);
    expect(csv).toContain('-5');
  });

  it('starts with a UTF-8 BOM', () => {
    const csv = toCsv([['乡镇'], ['白沙镇']]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
