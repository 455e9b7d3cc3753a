/**
 * A large region's comparison as the page shows it: charts of the first and last N townships with the right
 * townships, quantiles by nearest rank, tables paged so that the pages together are the whole table.
 */
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import type { ComparisonReport, Ranking } from '../../src/report/comparison.js';
import {
  chartedComparison,
  distribution,
  firstAndLast,
  pageOf,
  SUMMARY_ABOVE,
  townshipRowsPage,
} from '../../src/report/comparison-summary.js';
import { rowNumbers, type ReportTable } from '../../src/report/table.js';

const id = (i: number) => `t${String(i).padStart(2, '0')}`;
const labels = (i: number) => ({ zh: `乡镇${i}`, en: `Township ${i}` });

/** n townships t01…tn: GEP i 元, value of the one product i 元, change i − 23 元; ranked by GEP, descending. */
function report(n: number): ComparisonReport {
  const is = Array.from({ length: n }, (_, k) => k + 1);
  const ranking: Ranking = {
    metric: 'gep',
    labels: { zh: 'GEP', en: 'GEP' },
    meaning: { zh: '', en: '' },
    unit: 'yuan',
    rows: [
      ...[...is]
        .reverse()
        .map((i, k) => ({ township: id(i), labels: labels(i), value: new Dec(i), rank: k + 1 })),
      { township: 'nodata', labels: labels(0), value: undefined, rank: undefined },
    ],
  } as unknown as Ranking;
  return {
    year: 2021,
    rankings: [ranking],
    composition: is.map((i) => ({ township: id(i), labels: labels(i), gep: new Dec(i) })),
    productMatrix: {
      products: [{ id: 'p', labels: labels(0), category: 'material' }],
      townships: is.map((i) => ({ id: id(i), labels: labels(i) })),
      values: is.map((i) => [new Dec(i)]),
    },
    change: is.map((i) => ({ township: id(i), labels: labels(i), change: new Dec(i - 23) })),
  } as unknown as ComparisonReport;
}

describe('charts of a large region', () => {
  it('show the 10 first and 10 last of a ranking, without townships that have no figure', () => {
    const r = firstAndLast(report(45).rankings[0]!, 10);
    // ranked 45, 44, … 36 first; 10, 9, … 1 last
    expect(r.rows.map((x) => x.township)).toEqual([
      ...[45, 44, 43, 42, 41, 40, 39, 38, 37, 36].map(id),
      ...[10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(id),
    ]);
    expect(r.rows.map((x) => x.rank)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45,
    ]);
  });

  it('show the townships of largest and smallest GEP in composition and products, and the largest rises and falls', () => {
    const c = chartedComparison(report(SUMMARY_ABOVE + 5), 10);
    const expected = [45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(c.composition.map((x) => x.township)).toEqual(expected.map(id));
    expect(c.productMatrix.townships.map((x) => x.id)).toEqual(expected.map(id));
    // each row keeps its own township's figure: t45's product value is 45 元
    expect(c.productMatrix.values.map((row) => row[0]!.toNumber())).toEqual(expected);
    // change i − 23: rises 22 … 13 (t45 … t36), falls −13 … −22 (t10 … t01)
    expect(c.change!.map((x) => x.change.toNumber())).toEqual(expected.map((i) => i - 23));
  });

  it('are the whole report up to 40 townships', () => {
    const r = report(SUMMARY_ABOVE);
    expect(chartedComparison(r)).toBe(r);
  });

  it('give the distribution by nearest-rank quantiles', () => {
    // 45 figures 1…45: P10 is the ⌈4.5⌉ = 5th, P25 the ⌈11.25⌉ = 12th, the median the ⌈22.5⌉ = 23rd,
    // P75 the ⌈33.75⌉ = 34th, P90 the ⌈40.5⌉ = 41st
    const d = distribution(report(45).rankings[0]!)!;
    expect(
      [d.count, d.min, d.p10, d.p25, d.median, d.p75, d.p90, d.max].map((x) => Number(x.toString())),
    ).toEqual([45, 1, 5, 12, 23, 34, 41, 45]);
  });
});

describe('paged tables', () => {
  const rows = Array.from({ length: 123 }, (_, k) => ({ n: new Dec(k + 1) }));

  it('are cut in pages of 50 that together are the whole table, and add up to its total', () => {
    const pages = [1, 2, 3].map((p) => pageOf(rows, p, 50));
    expect(pages.map((p) => [p.page, p.pages, p.first, p.rows.length, p.total])).toEqual([
      [1, 3, 0, 50, 123],
      [2, 3, 50, 50, 123],
      [3, 3, 100, 23, 123],
    ]);
    expect(pages.flatMap((p) => p.rows)).toEqual(rows);
    // 1 + 2 + … + 123 = 123 × 124 / 2 = 7,626
    const sum = (rs: readonly { n: Dec }[]) => rs.reduce((s, r) => s.plus(r.n), new Dec(0));
    expect(
      pages
        .map((p) => sum(p.rows))
        .reduce((a, b) => a.plus(b))
        .toString(),
    ).toBe('7626');
    expect(sum(rows).toString()).toBe('7626');
  });

  it('give the nearest page for a page out of range', () => {
    expect(pageOf(rows, 9, 50).page).toBe(3);
    expect(pageOf(rows, 0, 50).page).toBe(1);
    expect(pageOf(rows, Number.NaN, 50).page).toBe(1);
    expect(pageOf([], 1, 50)).toEqual({ rows: [], page: 1, pages: 1, total: 0, first: 0 });
  });
});

describe('tables of townships and their total (ESV, GEEP) on a page', () => {
  /** n township rows t01…tn (figure i 万元) and their total n(n + 1)/2 万元, as the ESV and GEEP tables list them. */
  const table = (name: string, n: number): ReportTable => ({
    id: name,
    title: labels(0),
    columns: [
      { id: 'township', labels: labels(0) },
      { id: 'v', labels: labels(0), unit: 'wan_yuan' },
    ],
    rows: [
      ...Array.from({ length: n }, (_, k) => ({
        key: `${name}|${id(k + 1)}`,
        labels: labels(k + 1),
        level: 1,
        isTotal: false,
        cells: { v: new Dec(k + 1) },
      })),
      { key: 'total', labels: labels(0), level: 0, isTotal: true, cells: { v: new Dec((n * (n + 1)) / 2) } },
    ],
  });
  const keys = (t: ReportTable) => t.rows.map((r) => r.key);
  const sumLike = (rows: readonly { cells: Record<string, unknown> }[], i: number) =>
    (rows[i]!.cells.v as Dec).eq(rows.slice(0, i).reduce((s, r) => s.plus(r.cells.v as Dec), new Dec(0)));

  it('show 50 townships of each table, the same in each, and the total; the row numbers go on', () => {
    // 120 townships: pages of 50, 50 and 20; the total row 1 + … + 120 = 120 × 121 / 2 = 7,260 万元 on every page
    const tables = [table('a', 120), table('b', 120)];
    const third = townshipRowsPage(tables, 3);
    expect(third.page).toMatchObject({ page: 3, pages: 3, first: 100, total: 120 });
    expect(third.tables.map((t) => t.rows.length)).toEqual([21, 21]);
    expect(keys(third.tables[0]!).slice(0, 20)).toEqual(keys(tables[0]!).slice(100, 120));
    expect(keys(third.tables[1]!).slice(0, 20)).toEqual(keys(tables[1]!).slice(100, 120));
    expect(third.tables[0]!.rows.at(-1)!.cells.v).toEqual(new Dec(7260));
    // numbered 101–120 on page 3; the total is not the sum of the rows shown (2,210 万元), so not called 合计
    const numbers = rowNumbers(third.tables[0]!, sumLike, 'zh');
    expect(numbers.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, k) => String(101 + k)));
    expect(numbers.at(-1)).toBe('');
    expect(rowNumbers(tables[0]!, sumLike, 'zh').at(-1)).toBe('合计');
    // out of range: the nearest page
    expect(townshipRowsPage(tables, 9).page!.page).toBe(3);
  });

  it('are whole up to 40 townships', () => {
    const tables = [table('a', SUMMARY_ABOVE)];
    const shown = townshipRowsPage(tables, 2);
    expect(shown.page).toBeUndefined();
    expect(shown.tables).toBe(tables);
  });
});
