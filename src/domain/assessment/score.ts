import { Dec, ZERO, sum } from '../decimal.js';
import { evaluateRule, showFigure, showPoints } from './rules.js';
import type {
  AssessmentResult,
  AssessmentScheme,
  IndicatorNode,
  IndicatorScore,
  Leaf,
  SectionScore,
  Text,
  TownshipScore,
  ValuesByTownship,
} from './types.js';

export interface LeafAt {
  readonly leaf: Leaf;
  readonly path: readonly string[];
}

/** Every indicator (leaf) of a scheme in document order, with the ids of its enclosing sections. */
export function leavesOf(nodes: readonly IndicatorNode[], path: readonly string[] = []): LeafAt[] {
  return nodes.flatMap((n) =>
    n.type === 'indicator' ? [{ leaf: n, path }] : leavesOf(n.children, [...path, n.id]),
  );
}

export interface ScoreOptions {
  /** Township names for messages (a user reads names, never ids). */
  readonly names?: ReadonlyMap<string, Text>;
  /** How many strengths and weaknesses to list per township. */
  readonly highlights?: number;
}

/**
 * Scores every township of `values` on the scheme: points per indicator with its explanation, section
 * sums under their caps, total (0 when vetoed), grade and rank among the complete townships. A township
 * missing a figure gets no total and no rank, and each missing figure is named in `issues`.
 */
export function scoreScheme(
  scheme: AssessmentScheme,
  values: ValuesByTownship,
  options: ScoreOptions = {},
): AssessmentResult {
  const leaves = leavesOf(scheme.indicators);
  const issues: Text[] = [];
  const nameOf = (t: string): Text => options.names?.get(t) ?? { zh: t, en: t };
  const peers = new Map<string, Dec[]>(
    leaves.map(({ leaf }) => [
      leaf.id,
      [...values.values()].flatMap((v) => (v.get(leaf.id) ? [v.get(leaf.id)!.value] : [])),
    ]),
  );

  const scored: TownshipScore[] = [...values.entries()].map(([township, figures]) => {
    const missing: string[] = [];
    const indicators: IndicatorScore[] = [];
    for (const { leaf, path } of leaves) {
      const value = figures.get(leaf.id);
      const name = nameOf(township);
      if (!value) {
        missing.push(leaf.id);
        issues.push({
          zh: `${name.zh}：缺少指标“${leaf.labels.zh}”的数值（缺失不按 0 计）`,
          en: `${name.en}: no figure for "${leaf.labels.en}" (a missing figure is never taken as 0)`,
        });
        continue;
      }
      const outcome = evaluateRule(leaf.rule, {
        weight: leaf.weight,
        value,
        unit: leaf.unit,
        peers: peers.get(leaf.id)!,
      });
      if (!outcome.ok) {
        missing.push(leaf.id);
        issues.push({
          zh: `${name.zh}：指标“${leaf.labels.zh}”${outcome.message.zh}`,
          en: `${name.en}: "${leaf.labels.en}" ${outcome.message.en}`,
        });
        continue;
      }
      const fig = showFigure(value.value, leaf.unit);
      const from = value.provenance ? `（${value.provenance.zh}）` : '';
      const fromEn = value.provenance ? ` (${value.provenance.en})` : '';
      indicators.push({
        id: leaf.id,
        labels: leaf.labels,
        path,
        weight: leaf.weight,
        points: outcome.points,
        share: leaf.weight.isZero() ? undefined : outcome.points.div(leaf.weight),
        vetoed: outcome.vetoed,
        explanation: {
          figure: value.value,
          unit: leaf.unit,
          rule: leaf.rule.kind,
          ruleText: outcome.ruleText,
          weight: leaf.weight,
          points: outcome.points,
          text: {
            zh: `${leaf.labels.zh}：数值 ${fig}${from}；${outcome.ruleText.zh}；分值 ${showPoints(leaf.weight)} 分，得 ${showPoints(outcome.points)} 分`,
            en: `${leaf.labels.en}: figure ${fig}${fromEn}; ${outcome.ruleText.en}; weight ${showPoints(leaf.weight)} points, earned ${showPoints(outcome.points)}`,
          },
        },
      });
    }
    const complete = missing.length === 0;
    const byId = new Map(indicators.map((s) => [s.id, s]));
    const sections: SectionScore[] = [];
    const pointsOf = (node: IndicatorNode, path: readonly string[]): Dec => {
      if (node.type === 'indicator') return byId.get(node.id)?.points ?? ZERO;
      const raw = sum(node.children.map((c) => pointsOf(c, [...path, node.id])));
      let points = raw;
      if (node.cap && points.gt(node.cap)) points = node.cap;
      if (node.floor && points.lt(node.floor)) points = node.floor;
      sections.push({ id: node.id, labels: node.labels, path, raw, points, capped: !points.eq(raw) });
      return points;
    };
    const beforeVeto = sum(scheme.indicators.map((n) => pointsOf(n, [])));
    const vetoedBy = indicators.filter((s) => s.vetoed).map((s) => s.id);
    const total = complete ? (vetoedBy.length > 0 ? ZERO : beforeVeto) : undefined;
    return {
      township,
      complete,
      missing,
      indicators,
      sections,
      beforeVeto: complete ? beforeVeto : undefined,
      total,
      vetoedBy,
      grade: total ? gradeOf(scheme, total) : undefined,
      strengths: [],
      weaknesses: [],
    };
  });

  const ranked = rankTotals(scored);
  return {
    scheme: { id: scheme.id, version: scheme.version, hash: scheme.hash },
    townships: withHighlights(ranked, options.highlights ?? 3),
    issues,
  };
}

export function gradeOf(scheme: AssessmentScheme, total: Dec): Text | undefined {
  return scheme.grades.find((g) => total.gte(g.min))?.labels;
}

/** Competition ranking (1, 1, 3) of the complete townships by total, highest first. */
function rankTotals(scored: TownshipScore[]): TownshipScore[] {
  const totals = scored.flatMap((s) => (s.total ? [s.total] : []));
  return scored.map((s) => (s.total ? { ...s, rank: 1 + totals.filter((t) => t.gt(s.total!)).length } : s));
}

/**
 * Strengths and weaknesses: the indicators where a township's share of the weight is furthest above
 * (below) the mean share of the complete townships.
 */
function withHighlights(scored: TownshipScore[], n: number): TownshipScore[] {
  const complete = scored.filter((s) => s.complete);
  if (complete.length < 2) return scored;
  const mean = new Map<string, Dec>();
  for (const s of complete[0]!.indicators) {
    if (!s.share) continue;
    const shares = complete.map((c) => c.indicators.find((i) => i.id === s.id)!.share!);
    mean.set(s.id, sum(shares).div(shares.length));
  }
  return scored.map((s) => {
    if (!s.complete) return s;
    const gaps = s.indicators
      .filter((i) => i.share && mean.has(i.id))
      .map((i) => ({ id: i.id, gap: i.share!.minus(mean.get(i.id)!) }));
    const strengths = gaps
      .filter((g) => g.gap.gt(0))
      .sort((a, b) => b.gap.comparedTo(a.gap))
      .slice(0, n)
      .map((g) => g.id);
    const weaknesses = gaps
      .filter((g) => g.gap.lt(0))
      .sort((a, b) => a.gap.comparedTo(b.gap))
      .slice(0, n)
      .map((g) => g.id);
    return { ...s, strengths, weaknesses };
  });
}

export interface YearChange {
  readonly township: string;
  readonly total?: Dec;
  readonly previousTotal?: Dec;
  /** total − previousTotal, points. */
  readonly change?: Dec;
  readonly rank?: number;
  readonly previousRank?: number;
}

/** This year's totals next to last year's (same scheme or not: the change is in points). */
export function compareYears(current: AssessmentResult, previous?: AssessmentResult): YearChange[] {
  const before = new Map(previous?.townships.map((t) => [t.township, t]));
  return current.townships.map((t) => {
    const p = before.get(t.township);
    return {
      township: t.township,
      total: t.total,
      previousTotal: p?.total,
      change: t.total && p?.total ? t.total.minus(p.total) : undefined,
      rank: t.rank,
      previousRank: p?.rank,
    };
  });
}
