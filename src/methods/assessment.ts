/**
 * Assessment schemes (考核方案) as data: coefficients/assessment/<id>/<version>.yaml, format
 * gep-ledger/assessment@1. The zod schema checks the shape; `compile` checks the meaning (unique ids,
 * bounds in order, weights adding to the full score, grade bands descending) and turns numbers into
 * decimals ("60%" → 0.6). Loaded through the one document mechanism (documents.ts).
 */
import { z } from 'zod';
import { Dec, ZERO, sum } from '../domain/decimal.js';
import type {
  AssessmentScheme,
  GradeBand,
  IndicatorNode,
  IndicatorSource,
  Leaf,
  RuleSpec,
} from '../domain/assessment/types.js';
import { parseRate } from './compile.js';
import { loadDocuments, type DocumentKind, type LoadedDocument } from './documents.js';
import { labels } from './schema.js';

export const ASSESSMENT_FOLDER = 'assessment';

/** Figures the report layer takes from the accounts (at the set's constant prices where money). */
export const ACCOUNT_FIGURES = [
  'gep_net_constant',
  'gep_growth',
  'product_value',
  'product_growth',
  'gep_gdp_ratio',
  'gep_gdp_ratio_change',
  'two_growths',
  'forest_cover',
  'forest_cover_change',
] as const;
export type AccountFigure = (typeof ACCOUNT_FIGURES)[number];

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and "_"');
const num = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const direction = z.enum(['higher_better', 'lower_better']).default('higher_better');

const ruleSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('linear'), lower: num, upper: num, direction }).strict(),
  z
    .object({
      kind: z.literal('tiers'),
      tiers: z
        .array(z.object({ atLeast: num.optional(), atMost: num.optional(), share: num }).strict())
        .min(1),
    })
    .strict(),
  z
    .object({ kind: z.literal('target_completion'), target: num, direction, maxRate: num.default('100%') })
    .strict(),
  z.object({ kind: z.literal('rank'), direction, lastShare: num.default('0') }).strict(),
  z.object({ kind: z.literal('deduction'), perEvent: num, cap: num }).strict(),
  z.object({ kind: z.literal('veto'), threshold: num.default('1') }).strict(),
  z.object({ kind: z.literal('bonus'), perUnit: num, cap: num }).strict(),
  z.object({ kind: z.literal('two_growths'), oneShare: num.default('50%') }).strict(),
]);

const sourceSpec = z.discriminatedUnion('from', [
  z.object({ from: z.literal('account'), figure: z.enum(ACCOUNT_FIGURES), product: id.optional() }).strict(),
  z.object({ from: z.literal('input'), input: id, change: z.boolean().optional() }).strict(),
  z.object({ from: z.literal('department'), figure: id, department: labels, evidence: labels }).strict(),
]);

interface NodeIn {
  id: string;
  labels: { zh: string; en: string };
  cap?: string;
  floor?: string;
  children?: NodeIn[];
  weight?: string;
  unit?: string;
  source?: z.infer<typeof sourceSpec>;
  rule?: z.infer<typeof ruleSpec>;
  mark?: 'V' | 'M';
  note?: { zh: string; en: string };
}

const nodeSpec: z.ZodType<NodeIn> = z.lazy(() =>
  z
    .object({
      id,
      labels,
      cap: num.optional(),
      floor: num.optional(),
      children: z.array(nodeSpec).min(1).optional(),
      weight: num.optional(),
      unit: z.string().optional(),
      source: sourceSpec.optional(),
      rule: ruleSpec.optional(),
      mark: z.enum(['V', 'M']).optional(),
      note: labels.optional(),
    })
    .strict(),
) as z.ZodType<NodeIn>;

export const assessmentFile = z
  .object({
    format: z.literal('gep-ledger/assessment@1'),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a version is MAJOR.MINOR.PATCH'),
    status: z.enum(['draft', 'published']),
    title: labels,
    description: labels.optional(),
    source: z.string().min(1),
    fullScore: num,
    grades: z.array(z.object({ min: num, labels }).strict()).min(1),
    indicators: z.array(nodeSpec).min(1),
  })
  .strict();

export type AssessmentFile = z.infer<typeof assessmentFile>;

const WEIGHTLESS = new Set(['veto', 'bonus']);

function compileScheme(
  file: AssessmentFile,
  hash: string,
  issue: (path: string, message: string) => void,
): AssessmentScheme | undefined {
  const seen = new Set<string>();
  const number = (
    text: string | undefined,
    path: string,
    opts: { positive?: boolean; nonNegative?: boolean } = {},
  ) => {
    if (text === undefined) return undefined;
    const v = parseRate(text, true);
    if (!v) issue(path, `"${text}" is not a number`);
    else if (opts.positive && !v.gt(0)) issue(path, `"${text}" must be above 0`);
    else if (opts.nonNegative && v.isNeg()) issue(path, `"${text}" must not be negative`);
    return v ?? ZERO;
  };

  const rule = (r: NonNullable<NodeIn['rule']>, at: string): RuleSpec => {
    switch (r.kind) {
      case 'linear': {
        const lower = number(r.lower, `${at}.lower`)!;
        const upper = number(r.upper, `${at}.upper`)!;
        if (!upper.gt(lower)) issue(at, `upper ${r.upper} must be above lower ${r.lower}`);
        return { kind: 'linear', lower, upper, direction: r.direction };
      }
      case 'tiers':
        return {
          kind: 'tiers',
          tiers: r.tiers.map((t, i) => {
            if (t.atLeast === undefined && t.atMost === undefined && i < r.tiers.length - 1)
              issue(`${at}.tiers.${i}`, 'only the last tier may have neither atLeast nor atMost');
            return {
              atLeast: number(t.atLeast, `${at}.tiers.${i}.atLeast`),
              atMost: number(t.atMost, `${at}.tiers.${i}.atMost`),
              share: number(t.share, `${at}.tiers.${i}.share`, { nonNegative: true })!,
            };
          }),
        };
      case 'target_completion':
        return {
          kind: 'target_completion',
          target: number(r.target, `${at}.target`, { positive: true })!,
          direction: r.direction,
          maxRate: number(r.maxRate, `${at}.maxRate`, { positive: true })!,
        };
      case 'rank': {
        const lastShare = number(r.lastShare, `${at}.lastShare`, { nonNegative: true })!;
        if (lastShare.gt(1)) issue(`${at}.lastShare`, `"${r.lastShare}" is above 100 %`);
        return { kind: 'rank', direction: r.direction, lastShare };
      }
      case 'deduction':
        return {
          kind: 'deduction',
          perEvent: number(r.perEvent, `${at}.perEvent`, { positive: true })!,
          cap: number(r.cap, `${at}.cap`, { positive: true })!,
        };
      case 'veto':
        return { kind: 'veto', threshold: number(r.threshold, `${at}.threshold`, { positive: true })! };
      case 'bonus':
        return {
          kind: 'bonus',
          perUnit: number(r.perUnit, `${at}.perUnit`, { positive: true })!,
          cap: number(r.cap, `${at}.cap`, { positive: true })!,
        };
      case 'two_growths': {
        const oneShare = number(r.oneShare, `${at}.oneShare`, { nonNegative: true })!;
        if (oneShare.gt(1)) issue(`${at}.oneShare`, `"${r.oneShare}" is above 100 %`);
        return { kind: 'two_growths', oneShare };
      }
    }
  };

  const source = (s: NonNullable<NodeIn['source']>, at: string): IndicatorSource => {
    if (s.from === 'account') {
      const needsProduct = s.figure === 'product_value' || s.figure === 'product_growth';
      if (needsProduct && !s.product) issue(at, `figure ${s.figure} needs a product`);
      if (!needsProduct && s.product) issue(at, `figure ${s.figure} takes no product`);
    }
    return s;
  };

  const node = (n: NodeIn, at: string): IndicatorNode => {
    const here = `${at}.${n.id}`;
    if (seen.has(n.id)) issue(here, `duplicate id "${n.id}"`);
    seen.add(n.id);
    if (n.children) {
      for (const k of ['weight', 'unit', 'source', 'rule'] as const)
        if (n[k] !== undefined) issue(here, `a section (with children) takes no ${k}`);
      const cap = number(n.cap, `${here}.cap`, { positive: true });
      const floor = number(n.floor, `${here}.floor`);
      if (cap && floor && floor.gt(cap)) issue(here, `floor ${n.floor} is above cap ${n.cap}`);
      return {
        type: 'section',
        id: n.id,
        labels: n.labels,
        cap,
        floor,
        children: n.children.map((c) => node(c, here)),
      };
    }
    for (const k of ['weight', 'unit', 'source', 'rule'] as const)
      if (n[k] === undefined) issue(here, `an indicator needs ${k}`);
    for (const k of ['cap', 'floor'] as const)
      if (n[k] !== undefined) issue(here, `${k} belongs to a section (with children), not an indicator`);
    const weight = number(n.weight ?? '0', `${here}.weight`, { nonNegative: true })!;
    const kind = n.rule?.kind;
    if (kind && WEIGHTLESS.has(kind) && !weight.isZero())
      issue(`${here}.weight`, `a ${kind} indicator has weight 0 (it adds or vetoes outside the weights)`);
    if (kind && !WEIGHTLESS.has(kind) && weight.isZero()) issue(`${here}.weight`, 'weight must be above 0');
    const leaf: Leaf = {
      type: 'indicator',
      id: n.id,
      labels: n.labels,
      weight,
      unit: n.unit ?? '',
      source: n.source ? source(n.source, `${here}.source`) : { from: 'account', figure: 'gep_growth' },
      rule: n.rule ? rule(n.rule, `${here}.rule`) : { kind: 'veto', threshold: ZERO },
      mark: n.mark,
      note: n.note,
    };
    return leaf;
  };

  const indicators = file.indicators.map((n) => node(n, 'indicators'));
  const fullScore = number(file.fullScore, 'fullScore', { positive: true })!;
  // the points a node can give at full marks: its weight, or its children's under the section cap
  const maxPoints = (n: IndicatorNode): Dec => {
    if (n.type === 'indicator') return WEIGHTLESS.has(n.rule.kind) ? ZERO : n.weight;
    const s = sum(n.children.map(maxPoints));
    return n.cap && s.gt(n.cap) ? n.cap : s;
  };
  const total = sum(indicators.map(maxPoints));
  if (!total.eq(fullScore))
    issue(
      'fullScore',
      `the weights add to ${total.toString()} points (sections capped), not ${file.fullScore}`,
    );

  const grades: GradeBand[] = file.grades.map((g, i) => ({
    min: number(g.min, `grades.${i}.min`, { nonNegative: true })!,
    labels: g.labels,
  }));
  grades.forEach((g, i) => {
    if (i > 0 && !g.min.lt(grades[i - 1]!.min))
      issue(
        `grades.${i}.min`,
        'grade bands are listed from the highest min down, each lower than the one before',
      );
  });
  if (grades.length && !grades.at(-1)!.min.isZero())
    issue(`grades.${grades.length - 1}.min`, 'the lowest band starts at 0, so that every total has a grade');

  return {
    id: file.id,
    version: file.version,
    title: file.title,
    fullScore,
    grades,
    indicators,
    vetoEffect: 'zero_total',
    hash,
  };
}

export const ASSESSMENT_KIND: DocumentKind<AssessmentFile, AssessmentScheme> = {
  folder: ASSESSMENT_FOLDER,
  schema: assessmentFile as unknown as z.ZodType<AssessmentFile>,
  compile: compileScheme,
};

export const loadAssessmentSchemes = (
  dir = 'coefficients',
): LoadedDocument<AssessmentFile, AssessmentScheme>[] => loadDocuments(ASSESSMENT_KIND, dir);
