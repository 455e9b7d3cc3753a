/**
 * The township comparison of a large region (a province of 1,000 townships) as a page can show it: each chart
 * summarises (the N first and N last of a ranking, the townships of largest and smallest GEP, the largest rises and
 * falls) and states what it leaves out, each ranking's distribution is given by its quantiles, and its table is
 * paged. The exports (XLSX, CSV, GeoJSON) keep every township. Pure: a report in, a report out.
 */
import type { Dec } from '../domain/decimal.js';
import type { ComparisonReport, Ranking, RankingRow } from './comparison.js';
import type { ReportRow, ReportTable } from './table.js';

/** Above this many townships the charts summarise. */
export const SUMMARY_ABOVE = 40;
/** How many first and last townships a summarised chart shows. */
export const SUMMARY_N = 10;
/** Rows of a paged table. */
export const TABLE_PAGE_SIZE = 50;

export interface Page<T> {
  readonly rows: readonly T[];
  /** 1-based, clamped to the pages there are. */
  readonly page: number;
  readonly pages: number;
  /** Rows on every page together. */
  readonly total: number;
  /** 0-based index of the page's first row. */
  readonly first: number;
}

/** One page of rows (a page number out of range gives the nearest page). */
export function pageOf<T>(rows: readonly T[], page: number, size = TABLE_PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(pages, Math.max(1, Number.isFinite(page) ? Math.trunc(page) : 1));
  const first = (p - 1) * size;
  return { rows: rows.slice(first, first + size), page: p, pages, total: rows.length, first };
}

/**
 * What a page shows of tables whose rows are the townships and their total (the ESV and GEEP reports): above
 * SUMMARY_ABOVE townships, one page of township rows in every table (the same townships in each, as the tables list
 * them in one order) and the total row; at most that many, the tables whole (`page` undefined). The exports and
 * printouts keep every row.
 */
export function townshipRowsPage(
  tables: readonly ReportTable[],
  page: number,
): { tables: readonly ReportTable[]; page?: Page<ReportRow> } {
  const townships = (t: ReportTable) => t.rows.filter((r) => !r.isTotal);
  const count = tables.length ? townships(tables[0]!).length : 0;
  if (count <= SUMMARY_ABOVE) return { tables };
  const paged = tables.map((t) => {
    const p = pageOf(townships(t), page);
    return { p, table: { ...t, rows: [...p.rows, ...t.rows.filter((r) => r.isTotal)], rowsBefore: p.first } };
  });
  return { tables: paged.map((x) => x.table), page: paged[0]!.p };
}

/** The n first and n last ranked rows (in rank order), or every ranked row when there are at most 2n. */
export function firstAndLast(ranking: Ranking, n = SUMMARY_N): Ranking {
  const ranked = ranking.rows.filter((r) => r.rank !== undefined);
  const rows: RankingRow[] = ranked.length <= 2 * n ? ranked : [...ranked.slice(0, n), ...ranked.slice(-n)];
  return { ...ranking, rows };
}

export interface Distribution {
  readonly count: number;
  readonly min: Dec;
  readonly p10: Dec;
  readonly p25: Dec;
  readonly median: Dec;
  readonly p75: Dec;
  readonly p90: Dec;
  readonly max: Dec;
}

/** Quantiles of a ranking's figures by nearest rank (each is a township's figure, nothing interpolated). */
export function distribution(ranking: Ranking): Distribution | undefined {
  const values = ranking.rows
    .filter((r) => r.value !== undefined)
    .map((r) => r.value!)
    .sort((a, b) => a.comparedTo(b));
  if (!values.length) return undefined;
  const q = (p: number) => values[Math.max(0, Math.ceil(p * values.length) - 1)]!;
  return {
    count: values.length,
    min: values[0]!,
    p10: q(0.1),
    p25: q(0.25),
    median: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    max: values.at(-1)!,
  };
}

/**
 * The report as its charts show it: unchanged up to SUMMARY_ABOVE townships; above, each ranking's n first and n
 * last, the composition and the township × product matrix of the n townships of largest and the n of smallest GEP
 * (largest first), the n largest rises and n largest falls of GEP.
 */
export function chartedComparison(report: ComparisonReport, n = SUMMARY_N): ComparisonReport {
  if (report.composition.length <= SUMMARY_ABOVE) return report;
  const byGep = [...report.composition].sort((a, b) => b.gep.comparedTo(a.gep));
  const shown = byGep.length <= 2 * n ? byGep : [...byGep.slice(0, n), ...byGep.slice(-n)];
  const index = new Map(report.productMatrix.townships.map((t, i) => [t.id, i]));
  const matrixRows = shown.map((r) => index.get(r.township)).filter((i): i is number => i !== undefined);
  const change = report.change && [...report.change].sort((a, b) => b.change.comparedTo(a.change));
  return {
    ...report,
    rankings: report.rankings.map((r) => firstAndLast(r, n)),
    composition: shown,
    productMatrix: {
      ...report.productMatrix,
      townships: matrixRows.map((i) => report.productMatrix.townships[i]!),
      values: matrixRows.map((i) => report.productMatrix.values[i]!),
    },
    change: change && (change.length <= 2 * n ? change : [...change.slice(0, n), ...change.slice(-n)]),
  };
}
