/**
 * GEP assessment of townships (生态产品价值考核): a pure scoring engine.
 *
 *   scoreScheme(scheme, valuesByTownship, { names }) → AssessmentResult
 *
 * - `scheme` (AssessmentScheme): an indicator tree of any depth. A section (版块) sums its children under
 *   an optional cap and floor; a leaf (指标) has a weight (分值, its points at full marks), a unit ('%' =
 *   fraction shown ×100), a source (account figure, survey input or department score) and a rule from the
 *   registry in rules.ts: linear, tiers, target_completion, rank, deduction, veto, bonus, two_growths.
 *   Grade bands (等次) are sorted from the highest `min`.
 * - `valuesByTownship`: township id → indicator id → { value: Dec, parts?, provenance? }. The engine never
 *   reads the accounts itself: the report layer resolves each source to a figure.
 * - Result per township: every indicator's points with an explanation ({zh,en}: figure, rule, bounds,
 *   weight, points), section sums, total (0 when a veto triggers), grade, rank among complete townships
 *   (1, 1, 3), strengths and weaknesses (indicators furthest above / below the mean share). A missing
 *   figure is never 0: the township gets no total and the gap is listed in `issues`.
 * - `compareYears(current, previous)`: change of total and rank against last year.
 * All numbers are decimals (decimal.js); nothing is rounded except in explanation text.
 */
export * from './types.js';
export { RULES, RULE_KINDS, evaluateRule, ruleLabels, showFigure, showPoints } from './rules.js';
export {
  scoreScheme,
  compareYears,
  gradeOf,
  leavesOf,
  type LeafAt,
  type YearChange,
  type ScoreOptions,
} from './score.js';
