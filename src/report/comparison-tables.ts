/** The township comparison as report tables, for XLSX and CSV export: rankings, composition, change. */
import { CATEGORIES } from '../methods/schema.js';
import type { ComparisonReport } from './comparison.js';
import { CATEGORY_LABELS } from './gep-table.js';
import type { ReportTable } from './table.js';

const L = (zh: string, en: string) => ({ zh, en });

export function comparisonTables(report: ComparisonReport): ReportTable[] {
  const rankings: ReportTable[] = report.rankings.map((r) => ({
    id: `ranking-${r.metric}`,
    title: { zh: `${r.labels.zh}排名`, en: `${r.labels.en} ranking` },
    columns: [
      { id: 'township', labels: L('乡镇', 'Township') },
      { id: 'rank', labels: L('排名', 'Rank') },
      { id: 'value', labels: r.labels, unit: r.unit },
    ],
    rows: r.rows.map((row) => ({
      key: `${row.township}|${r.metric}`,
      labels: row.labels,
      level: 0,
      isTotal: false,
      cells: { rank: row.rank === undefined ? '—' : String(row.rank), value: row.value },
    })),
    note: r.meaning,
  }));
  const composition: ReportTable = {
    id: 'composition',
    title: L('按类别构成', 'Composition by category'),
    columns: [
      { id: 'township', labels: L('乡镇', 'Township') },
      ...CATEGORIES.map((c) => ({ id: c, labels: CATEGORY_LABELS[c], unit: 'yi_yuan' as const })),
      { id: 'gep', labels: L('GEP', 'GEP'), unit: 'yi_yuan' as const },
    ],
    rows: report.composition.map((row) => ({
      key: `${row.township}|composition`,
      labels: row.labels,
      level: 0,
      isTotal: false,
      cells: { ...row.values, gep: row.gep },
    })),
  };
  const change: ReportTable[] = report.change
    ? [
        {
          id: 'change',
          title: L(
            `GEP变化（${report.previousYear}—${report.year}）`,
            `GEP change (${report.previousYear}–${report.year})`,
          ),
          columns: [
            { id: 'township', labels: L('乡镇', 'Township') },
            {
              id: 'previous',
              labels: L(`${report.previousYear}年`, `${report.previousYear}`),
              unit: 'yi_yuan',
            },
            { id: 'current', labels: L(`${report.year}年`, `${report.year}`), unit: 'yi_yuan' },
            { id: 'change', labels: L('变化', 'Change'), unit: 'yi_yuan' },
            { id: 'changeRate', labels: L('变化率', 'Change rate'), unit: 'percent' },
          ],
          rows: report.change.map((row) => ({
            key: `${row.township}|change`,
            labels: row.labels,
            level: 0,
            isTotal: false,
            cells: {
              previous: row.previous,
              current: row.current,
              change: row.change,
              changeRate: row.changeRate,
            },
          })),
        },
      ]
    : [];
  return [...rankings, composition, ...change];
}
