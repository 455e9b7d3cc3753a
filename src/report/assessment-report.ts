/**
 * The assessment results as a report: one row per township (points per top-level indicator or section,
 * total, rank, grade, last year's total and the change), the indicator detail with explanations, and the
 * tables the XLSX/CSV exports write. Pure: reads the engine's results, never recomputes a score.
 */
import type {
  AssessmentResult,
  AssessmentScheme,
  IndicatorNode,
  IndicatorScore,
  Text,
  TownshipScore,
} from '../domain/assessment/index.js';
import { leavesOf } from '../domain/assessment/index.js';
import type { Dec } from '../domain/decimal.js';
import type { ReportRow, ReportTable } from './table.js';

export interface AssessmentRow {
  readonly township: string;
  readonly name: Text;
  readonly score: TownshipScore;
  /** Points of each top-level node (section or indicator), by node id. */
  readonly nodePoints: ReadonlyMap<string, Dec>;
  readonly previousTotal?: Dec;
  readonly change?: Dec;
  readonly previousRank?: number;
}

export interface AssessmentReport {
  readonly scheme: { id: string; version: string; hash?: string; title: Text; fullScore: Dec };
  readonly year: number;
  readonly previousYear: number;
  readonly columns: ReadonlyArray<{ id: string; labels: Text; max?: Dec }>;
  readonly rows: readonly AssessmentRow[];
  readonly issues: readonly Text[];
  /** Issues of last year's run (e.g. growths need the year before). */
  readonly previousIssues: readonly Text[];
  readonly labelsOf: (indicatorId: string) => Text;
}

const nodeMax = (n: IndicatorNode): Dec | undefined =>
  n.type === 'indicator' ? (n.weight.isZero() ? undefined : n.weight) : n.cap;

export function assessmentReport(args: {
  scheme: AssessmentScheme;
  year: number;
  result: AssessmentResult;
  previous?: AssessmentResult;
  names: ReadonlyMap<string, Text>;
  /** Township ids in display order. */
  order: readonly string[];
}): AssessmentReport {
  const { scheme, result, previous } = args;
  const before = new Map(previous?.townships.map((t) => [t.township, t]));
  const labels = new Map<string, Text>();
  const walk = (nodes: readonly IndicatorNode[]) =>
    nodes.forEach((n) => {
      labels.set(n.id, n.labels);
      if (n.type === 'section') walk(n.children);
    });
  walk(scheme.indicators);
  const rank = new Map(args.order.map((t, i) => [t, i]));
  const rows = [...result.townships]
    .sort((a, b) => (rank.get(a.township) ?? 0) - (rank.get(b.township) ?? 0))
    .map((score): AssessmentRow => {
      const p = before.get(score.township);
      const nodePoints = new Map<string, Dec>();
      for (const n of scheme.indicators) {
        const v =
          n.type === 'section'
            ? score.sections.find((s) => s.id === n.id)?.points
            : score.indicators.find((i) => i.id === n.id)?.points;
        if (v) nodePoints.set(n.id, v);
      }
      return {
        township: score.township,
        name: args.names.get(score.township) ?? { zh: score.township, en: score.township },
        score,
        nodePoints,
        previousTotal: p?.total,
        change: score.total && p?.total ? score.total.minus(p.total) : undefined,
        previousRank: p?.rank,
      };
    });
  return {
    scheme: {
      id: scheme.id,
      version: scheme.version,
      hash: scheme.hash,
      title: scheme.title,
      fullScore: scheme.fullScore,
    },
    year: args.year,
    previousYear: args.year - 1,
    columns: scheme.indicators.map((n) => ({ id: n.id, labels: n.labels, max: nodeMax(n) })),
    rows,
    issues: result.issues,
    previousIssues: previous?.issues ?? [],
    labelsOf: (id) => labels.get(id) ?? { zh: id, en: id },
  };
}

/** The indicator scores of one township in scheme order, with the labels of their sections. */
export function townshipDetail(report: AssessmentReport, township: string) {
  const row = report.rows.find((r) => r.township === township);
  if (!row) return undefined;
  return {
    row,
    indicators: row.score.indicators.map((i: IndicatorScore) => ({
      ...i,
      sectionLabels: i.path.map((p) => report.labelsOf(p)),
    })),
    strengths: row.score.strengths.map(report.labelsOf),
    weaknesses: row.score.weaknesses.map(report.labelsOf),
  };
}

/** The two tables of the official layout: the summary (总分、排名、等次) and the points per indicator. */
export function assessmentTables(report: AssessmentReport, scheme: AssessmentScheme): ReportTable[] {
  const zhYear = `${report.year}年`;
  const summaryRows: ReportRow[] = report.rows.map((r) => ({
    key: r.township,
    labels: r.name,
    level: 1,
    isTotal: false,
    cells: {
      township: undefined,
      ...Object.fromEntries(report.columns.map((c) => [c.id, r.nodePoints.get(c.id)])),
      total: r.score.total,
      rank: r.score.rank === undefined ? '—' : String(r.score.rank),
      grade: r.score.grade ? `${r.score.grade.zh} / ${r.score.grade.en}` : '—',
      previous: r.previousTotal,
      change: r.change,
      veto: r.score.vetoedBy.length ? r.score.vetoedBy.map((v) => report.labelsOf(v).zh).join('、') : '',
    },
  }));
  const leaves = leavesOf(scheme.indicators);
  const detailRows: ReportRow[] = report.rows.map((r) => ({
    key: r.township,
    labels: r.name,
    level: 1,
    isTotal: false,
    cells: {
      township: undefined,
      ...Object.fromEntries(
        leaves.map(({ leaf }) => [leaf.id, r.score.indicators.find((i) => i.id === leaf.id)?.points]),
      ),
    },
  }));
  return [
    {
      id: 'assessment_summary',
      title: {
        zh: `${zhYear}${report.scheme.title.zh}结果`,
        en: `${report.scheme.title.en}, ${report.year}`,
      },
      columns: [
        { id: 'township', labels: { zh: '乡镇（街道）', en: 'Township' } },
        ...report.columns.map((c) => ({ id: c.id, labels: c.labels, unit: 'points' as const })),
        { id: 'total', labels: { zh: '总分', en: 'Total' }, unit: 'points' as const },
        { id: 'rank', labels: { zh: '排名', en: 'Rank' } },
        { id: 'grade', labels: { zh: '等次', en: 'Grade' } },
        {
          id: 'previous',
          labels: { zh: `${report.previousYear}年总分`, en: `Total ${report.previousYear}` },
          unit: 'points' as const,
        },
        { id: 'change', labels: { zh: '变化', en: 'Change' }, unit: 'points' as const },
        { id: 'veto', labels: { zh: '一票否决', en: 'Veto' } },
      ],
      rows: summaryRows,
      note: {
        zh: `满分 ${report.scheme.fullScore.toString()} 分；方案 ${report.scheme.id}@${report.scheme.version}；得分由未经舍入的数值计算。`,
        en: `Full score ${report.scheme.fullScore.toString()}; scheme ${report.scheme.id}@${report.scheme.version}; points computed from unrounded figures.`,
      },
    },
    {
      id: 'assessment_detail',
      title: { zh: `${zhYear}各指标得分`, en: `Points per indicator, ${report.year}` },
      columns: [
        { id: 'township', labels: { zh: '乡镇（街道）', en: 'Township' } },
        ...leaves.map(({ leaf }) => ({
          id: leaf.id,
          labels: {
            zh: `${leaf.labels.zh}（${leaf.weight.toString()}）`,
            en: `${leaf.labels.en} (${leaf.weight.toString()})`,
          },
          unit: 'points' as const,
        })),
      ],
      rows: detailRows,
    },
  ];
}
