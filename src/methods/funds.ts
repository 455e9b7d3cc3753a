/**
 * Fund documents (资金分配方案) as data: name, year, amount (元), source and the allocation rule with what
 * it reads (an assessment scheme's scores, account figures, department figures, monitoring results).
 * Validated with zod, then checked for meaning; every problem is returned at once with its field.
 */
import { z } from 'zod';
import { Dec, ONE, sum } from '../domain/decimal.js';
import type { AllocationRule, Fund } from '../domain/allocation/index.js';
import { isWholeFen } from '../domain/allocation/index.js';
import type { IndicatorSource, Text } from '../domain/assessment/index.js';
import type { InputIssue } from '../domain/inputs.js';
import { ValidationError } from '../store/errors.js';
import { ACCOUNT_FIGURES } from './assessment.js';
import { parseRate } from './compile.js';
import { labels } from './schema.js';

const id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'an id is lower-case letters, digits, "_" and "-"');
const num = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const source = z.discriminatedUnion('from', [
  z.object({ from: z.literal('account'), figure: z.enum(ACCOUNT_FIGURES), product: id.optional() }).strict(),
  z.object({ from: z.literal('input'), input: id, change: z.boolean().optional() }).strict(),
  z.object({ from: z.literal('department'), figure: id, department: labels, evidence: labels }).strict(),
]);

const rule = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('factor'),
      factors: z
        .array(
          z
            .object({
              id,
              labels,
              weight: num,
              normalise: z.enum(['proportional', 'inverse']).default('proportional'),
              unit: z.string(),
              source,
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('score_based'),
      scheme: z.object({ id: z.string(), version: z.string() }).strict(),
      fullScore: num,
      topN: z.number().int().min(0),
      topReward: num,
      /** township id → base amount (保持性补偿), 元 */
      bases: z.record(z.string(), num),
    })
    .strict(),
  z.object({ kind: z.literal('per_increment'), ratePerUnit: num }).strict(),
  z
    .object({
      kind: z.literal('schedule'),
      unit: z.string(),
      rewardPerUnit: num,
      penaltyPerUnit: num,
      extraAbove: z.object({ threshold: num, perUnit: num }).strict().optional(),
      source,
      /** The source is a fraction and the schedule counts percentage points (×100). */
      percentagePoints: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      kind: z.literal('upstream_downstream'),
      period: z.enum(['month', 'year']),
      pairs: z
        .array(
          z
            .object({
              id,
              section: labels,
              upstream: z.string(),
              downstream: z.string(),
              amountPerPeriod: num,
              /** Compliance of each month (or the year), true when the section met its standard. */
              compliance: z.array(z.boolean()),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
]);

export const fundFile = z
  .object({
    format: z.literal('gep-ledger/fund@1'),
    name: labels,
    year: z.number().int().min(1949).max(2100),
    /** 元 */
    amount: num,
    source: labels,
    description: labels.optional(),
    rule,
  })
  .strict();

export type FundFile = z.infer<typeof fundFile>;

/** What the report layer must fetch for a fund besides its own document. */
export type FundNeeds =
  | { kind: 'factor'; sources: ReadonlyArray<{ id: string; source: IndicatorSource }> }
  | { kind: 'score_based'; scheme: { id: string; version: string }; bases: ReadonlyMap<string, Dec> }
  | { kind: 'per_increment' }
  | { kind: 'schedule'; source: IndicatorSource; percentagePoints: boolean }
  | { kind: 'upstream_downstream'; compliance: ReadonlyMap<string, readonly boolean[]> };

export interface CompiledFund {
  readonly fund: Fund;
  readonly needs: FundNeeds;
  readonly file: FundFile;
}

/** Validates a fund document against the townships; throws ValidationError with every problem. */
export function compileFund(raw: unknown, townships: ReadonlyMap<string, Text>): CompiledFund {
  const parsed = fundFile.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const f = parsed.data;
  const issues: InputIssue[] = [];
  const add = (field: string, zh: string, en: string) => issues.push({ field, message: { zh, en } });
  const money = (text: string, field: string): Dec => {
    const v = parseRate(text, false);
    if (!v || v.isNeg() || !isWholeFen(v)) {
      add(
        field,
        `"${text}" 不是精确到分的非负金额（元）`,
        `"${text}" is not an amount ≥ 0 in whole fen (元)`,
      );
      return new Dec(0);
    }
    return v;
  };
  const number = (text: string, field: string): Dec => {
    const v = parseRate(text, true);
    if (!v) {
      add(field, `"${text}" 不是数值`, `"${text}" is not a number`);
      return new Dec(0);
    }
    return v;
  };
  const township = (t: string, field: string) => {
    if (!townships.has(t)) add(field, `乡镇"${t}"不存在`, `no township "${t}"`);
  };
  const amount = money(f.amount, 'amount');
  let domainRule: AllocationRule;
  let needs: FundNeeds;
  const r = f.rule;
  switch (r.kind) {
    case 'factor': {
      const factors = r.factors.map((x, i) => ({
        id: x.id,
        labels: x.labels,
        weight: number(x.weight, `rule.factors.${i}.weight`),
        normalise: x.normalise,
        unit: x.unit,
      }));
      const total = sum(factors.map((x) => x.weight));
      if (!total.eq(ONE))
        add(
          'rule.factors',
          `因素权重之和为 ${total.times(100).toString()}%，应为 100%`,
          `factor weights add to ${total.times(100).toString()} %, not 100 %`,
        );
      domainRule = { kind: 'factor', factors };
      needs = {
        kind: 'factor',
        sources: r.factors.map((x) => ({ id: x.id, source: x.source as IndicatorSource })),
      };
      break;
    }
    case 'score_based': {
      const bases = new Map<string, Dec>();
      for (const [t, v] of Object.entries(r.bases)) {
        township(t, `rule.bases.${t}`);
        bases.set(t, money(v, `rule.bases.${t}`));
      }
      for (const t of townships.keys())
        if (!bases.has(t))
          add(
            `rule.bases.${t}`,
            `缺少乡镇"${townships.get(t)!.zh}"的基数`,
            `no base amount for ${townships.get(t)!.en}`,
          );
      domainRule = {
        kind: 'score_based',
        fullScore: number(r.fullScore, 'rule.fullScore'),
        topN: r.topN,
        topReward: money(r.topReward, 'rule.topReward'),
      };
      needs = { kind: 'score_based', scheme: r.scheme, bases };
      break;
    }
    case 'per_increment':
      domainRule = {
        kind: 'per_increment',
        ratePerUnit: money(r.ratePerUnit, 'rule.ratePerUnit'),
        unit: '万元',
      };
      needs = { kind: 'per_increment' };
      break;
    case 'schedule':
      domainRule = {
        kind: 'schedule',
        unit: r.unit,
        rewardPerUnit: money(r.rewardPerUnit, 'rule.rewardPerUnit'),
        penaltyPerUnit: money(r.penaltyPerUnit, 'rule.penaltyPerUnit'),
        extraAbove: r.extraAbove && {
          threshold: number(r.extraAbove.threshold, 'rule.extraAbove.threshold'),
          perUnit: money(r.extraAbove.perUnit, 'rule.extraAbove.perUnit'),
        },
      };
      needs = { kind: 'schedule', source: r.source as IndicatorSource, percentagePoints: r.percentagePoints };
      break;
    case 'upstream_downstream': {
      const expected = r.period === 'month' ? 12 : 1;
      r.pairs.forEach((p, i) => {
        township(p.upstream, `rule.pairs.${i}.upstream`);
        township(p.downstream, `rule.pairs.${i}.downstream`);
        if (p.compliance.length !== expected)
          add(
            `rule.pairs.${i}.compliance`,
            `须有 ${expected} 个达标结果，收到 ${p.compliance.length} 个`,
            `needs ${expected} results, received ${p.compliance.length}`,
          );
      });
      domainRule = {
        kind: 'upstream_downstream',
        period: r.period,
        pairs: r.pairs.map((p, i) => ({
          id: p.id,
          section: p.section,
          upstream: p.upstream,
          downstream: p.downstream,
          amountPerPeriod: money(p.amountPerPeriod, `rule.pairs.${i}.amountPerPeriod`),
        })),
      };
      needs = { kind: 'upstream_downstream', compliance: new Map(r.pairs.map((p) => [p.id, p.compliance])) };
      break;
    }
  }
  if (issues.length) throw new ValidationError(issues);
  return { fund: { name: f.name, year: f.year, amount, source: f.source, rule: domainRule }, needs, file: f };
}
