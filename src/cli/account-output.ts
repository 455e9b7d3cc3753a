/**
 * What `gep account` prints besides the GEP tables: every figure of the account (accountFigures) as
 * CSV rows, JSON, text tables and XLSX sheets. Thin formatting over src/report; no figure is computed here.
 */
import type ExcelJS from 'exceljs';
import type { Dec } from '../domain/decimal.js';
import type { AccountFigures, FigureLine } from '../report/account-figures.js';
import { formatNumber, unitLabel, type Lang } from '../report/format.js';
import type { ReportTable } from '../report/table.js';
import { renderTable } from '../report/text-table.js';

/** An exact decimal string, never in exponent notation. */
export const exact = (d: Dec) => d.toFixed();

export const FIGURE_CSV_HEADER = [
  'region',
  'year',
  'set',
  'set_hash',
  'profile',
  'township',
  'township_zh',
  'measure',
  'item',
  'item_zh',
  'unit',
  'value',
] as const;

/** One CSV row per scope × figure line; `prefix` is region, year, set, set hash and profile. */
export function figureCsvRows(
  figures: AccountFigures,
  prefix: readonly unknown[],
  nameOf: (township: string) => string,
  totalName: string,
): unknown[][] {
  const rows: unknown[][] = [];
  for (const s of figures.scopes)
    for (const l of s.lines)
      rows.push([
        ...prefix,
        s.id,
        s.isTotal ? totalName : nameOf(s.id),
        l.measure,
        l.item,
        l.labels.zh,
        l.unit,
        exact(l.value),
      ]);
  return rows;
}

/** A report table as terminal text, figures rounded for display by the column's unit. */
export function reportTableText(table: ReportTable, lang: Lang): string {
  const head = table.columns.map((c, i) =>
    i === 0 || !c.unit ? c.labels[lang] : `${c.labels[lang]}(${unitLabel(c.unit, lang)})`,
  );
  const body = table.rows.map((r) =>
    table.columns.map((c, i) => {
      const v = r.cells[c.id];
      if (i === 0 && v === undefined) return r.labels[lang];
      if (v === undefined) return '—';
      if (typeof v === 'string') return v;
      return c.unit ? formatNumber(v, c.unit) : v.toString();
    }),
  );
  const totals = new Set(table.rows.flatMap((r, i) => (r.isTotal && i > 0 ? [i] : [])));
  return [table.title[lang], renderTable(head, body, undefined, totals)].join('\n');
}

/** The ESV tables of an account as text (none when the set has no equivalent-factor table). */
export function esvText(figures: AccountFigures, lang: Lang): string[] {
  const esv = figures.esv;
  if (!esv) return [];
  const d = formatNumber(esv.equivalentValue, 'yuan');
  return [
    lang === 'zh'
      ? `当量因子法 ESV = Σ 面积(hm²) × 当量 × 标准当量价值 ${d} 元/hm²`
      : `Equivalent-factor ESV = Σ area (hm²) × equivalents × ${d} yuan/hm² per equivalent`,
    reportTableText(esv.byGroup, lang),
    '',
    reportTableText(esv.byService, lang),
    '',
    reportTableText(esv.byType, lang),
    '',
  ];
}

/** A sheet of every figure, one row per scope × line, numbers as numbers and exact text beside them. */
export function addFigureSheet(
  wb: ExcelJS.Workbook,
  figures: AccountFigures,
  nameOf: (township: string) => string,
  totalName: string,
): void {
  const ws = wb.addWorksheet('明细 figures');
  const head = ws.addRow([
    '乡镇 township',
    '指标 measure',
    '项目 item',
    '名称 name',
    '单位 unit',
    '数值 value',
    '精确值 exact',
  ]);
  head.font = { bold: true };
  const line = (scope: string, l: FigureLine) =>
    ws.addRow([scope, l.measure, l.item, l.labels.zh, l.unit, Number(l.value), exact(l.value)]);
  for (const s of figures.scopes) for (const l of s.lines) line(s.isTotal ? totalName : nameOf(s.id), l);
  ws.getColumn(6).numFmt = '#,##0.00';
  for (const [c, w] of [16, 22, 26, 24, 10, 22, 36].entries()) ws.getColumn(c + 1).width = w;
}

/** The ESV tables as sheets (元), one per table. */
export function addEsvSheets(wb: ExcelJS.Workbook, figures: AccountFigures): void {
  if (!figures.esv) return;
  const sheets: [string, ReportTable][] = [
    ['ESV 服务类别', figures.esv.byGroup],
    ['ESV 服务', figures.esv.byService],
    ['ESV 生态系统类型', figures.esv.byType],
  ];
  for (const [name, table] of sheets) {
    const ws = wb.addWorksheet(name);
    ws.addRow([table.title.zh]);
    const head = ws.addRow(table.columns.map((c, i) => (i === 0 ? c.labels.zh : `${c.labels.zh} (元)`)));
    head.font = { bold: true };
    for (const r of table.rows) {
      const row = ws.addRow(
        table.columns.map((c, i) => {
          const v = r.cells[c.id];
          if (i === 0 && v === undefined) return r.labels.zh;
          return v === undefined || typeof v === 'string' ? (v ?? '') : Number(v);
        }),
      );
      if (r.isTotal) row.font = { bold: true };
    }
    ws.getColumn(1).width = 16;
    for (let c = 2; c <= table.columns.length; c++) {
      ws.getColumn(c).numFmt = '#,##0.00';
      ws.getColumn(c).width = 16;
    }
  }
}
