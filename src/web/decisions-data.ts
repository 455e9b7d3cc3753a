/**
 * Gathers what the assessment and allocation engines need from the database (approved accounts, approved
 * department figures, the stored scheme) and runs them. A thin shell: the scoring, the figures and the
 * allocation are pure functions of the domain and report layers.
 */
import { allocate, type AllocationInputs, type AllocationResult } from '../domain/allocation/index.js';
import {
  scoreScheme,
  type AssessmentResult,
  type AssessmentScheme,
  type IndicatorSource,
  type Text,
} from '../domain/assessment/index.js';
import { Dec } from '../domain/decimal.js';
import { ASSESSMENT_KIND } from '../methods/assessment.js';
import type { CompiledFund } from '../methods/funds.js';
import { assessmentValues, type FigureInputs } from '../report/assessment-figures.js';
import { assessmentReport, type AssessmentReport } from '../report/assessment-report.js';
import { accountYear } from '../store/accounts.js';
import { approvedFigures } from '../store/assessment.js';
import type { Db } from '../store/db.js';
import { loadStoredDocument } from '../store/documents.js';
import { listTownships } from '../store/regions.js';
import { loadCompiledSet } from '../store/sets.js';
import { getSettings } from '../store/settings.js';

async function figureInputs(db: Db, year: number): Promise<FigureInputs | undefined> {
  const settings = await getSettings(db);
  const set = await loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version);
  const now = await accountYear(db, set, settings.profile, year);
  if (!now) return undefined;
  const before = await accountYear(db, set, settings.profile, year - 1);
  return {
    set,
    profile: settings.profile,
    year,
    records: now.records,
    previousRecords: before?.records,
    department: await approvedFigures(db, year),
  };
}

export async function names(db: Db) {
  const townships = await listTownships(db);
  return {
    order: townships.map((t) => t.id),
    names: new Map<string, Text>(townships.map((t) => [t.id, { zh: t.name_zh, en: t.name_en }])),
  };
}

export interface AssessmentRun {
  scheme: AssessmentScheme;
  schemeFile: unknown;
  result: AssessmentResult;
  previous?: AssessmentResult;
  report: AssessmentReport;
}

async function scoreYear(db: Db, scheme: AssessmentScheme, year: number, n: Map<string, Text>) {
  const inputs = await figureInputs(db, year);
  if (!inputs) return undefined;
  return scoreScheme(scheme, assessmentValues(scheme, inputs), { names: n });
}

/** The scheme scored on a year's approved data, with last year's scores for the change. */
export async function runAssessment(
  db: Db,
  schemeId: string,
  year: number,
  version?: string,
): Promise<AssessmentRun | undefined> {
  const doc = await loadStoredDocument(db, ASSESSMENT_KIND, schemeId, version);
  const { order, names: n } = await names(db);
  const result = await scoreYear(db, doc.compiled, year, n);
  if (!result) return undefined;
  const previous = await scoreYear(db, doc.compiled, year - 1, n);
  return {
    scheme: doc.compiled,
    schemeFile: doc.file,
    result,
    previous,
    report: assessmentReport({ scheme: doc.compiled, year, result, previous, names: n, order }),
  };
}

/** A scheme with one indicator per source: lets a fund read figures through the assessment resolver. */
const sourcesScheme = (
  sources: ReadonlyArray<{ id: string; source: IndicatorSource }>,
): AssessmentScheme => ({
  id: 'fund-sources',
  version: '0.0.0',
  title: { zh: '资金分配因素', en: 'Allocation factors' },
  fullScore: new Dec(1),
  grades: [],
  vetoEffect: 'zero_total',
  indicators: sources.map((s) => ({
    type: 'indicator',
    id: s.id,
    labels: { zh: s.id, en: s.id },
    weight: new Dec(1),
    unit: '',
    source: s.source,
    rule: { kind: 'linear', lower: new Dec(0), upper: new Dec(1), direction: 'higher_better' },
  })),
});

export interface AllocationRun {
  result: AllocationResult;
  inputs: AllocationInputs;
  /** The assessment a score-based fund read. */
  assessment?: AssessmentRun;
}

/**
 * Runs a fund's rule on the approved data of its year, or of another year (`onYear`): the same rule on last
 * year's data is the reference an early warning compares with (expected change of each township's amount).
 */
export async function runAllocation(db: Db, compiled: CompiledFund, onYear?: number): Promise<AllocationRun> {
  const { needs } = compiled;
  const fund = onYear === undefined ? compiled.fund : { ...compiled.fund, year: onYear };
  const { order, names: n } = await names(db);
  const figures = new Map<string, Map<string, Dec>>(order.map((t) => [t, new Map()]));
  const fromSources = async (
    sources: ReadonlyArray<{ id: string; source: IndicatorSource }>,
    year: number,
  ) => {
    const inputs = await figureInputs(db, year);
    return inputs ? assessmentValues(sourcesScheme(sources), inputs) : new Map();
  };
  let assessment: AssessmentRun | undefined;
  let compliance: Map<string, readonly boolean[]> | undefined;
  switch (needs.kind) {
    case 'factor': {
      const values = await fromSources(needs.sources, fund.year);
      for (const [t, byId] of values) for (const [id, v] of byId) figures.get(t)?.set(id, v.value);
      break;
    }
    case 'score_based':
      assessment = await runAssessment(db, needs.scheme.id, fund.year, needs.scheme.version);
      for (const t of assessment?.result.townships ?? [])
        if (t.total) figures.get(t.township)?.set('score', t.total);
      for (const [t, base] of needs.bases) figures.get(t)?.set('base', base);
      break;
    case 'per_increment': {
      const src = [{ id: 'gep', source: { from: 'account', figure: 'gep_net_constant' } as IndicatorSource }];
      const now = await fromSources(src, fund.year);
      const before = await fromSources(src, fund.year - 1);
      for (const t of order) {
        const a = now.get(t)?.get('gep')?.value;
        const b = before.get(t)?.get('gep')?.value;
        if (a && b) figures.get(t)!.set('increment', a.minus(b));
      }
      break;
    }
    case 'schedule': {
      const values = await fromSources([{ id: 'change', source: needs.source }], fund.year);
      for (const [t, byId] of values) {
        const v = byId.get('change')?.value;
        if (v) figures.get(t)?.set('change', needs.percentagePoints ? v.times(100) : v);
      }
      break;
    }
    case 'upstream_downstream':
      compliance = new Map(needs.compliance);
      break;
  }
  // horizontal compensation concerns the townships of its sections only
  const rule = fund.rule;
  const townships =
    rule.kind === 'upstream_downstream'
      ? order.filter((t) => rule.pairs.some((p) => p.upstream === t || p.downstream === t))
      : order;
  const inputs: AllocationInputs = { townships, figures, names: n, compliance };
  return { result: allocate(fund, inputs), inputs, assessment };
}
