/**
 * Reads a tenure-audit configuration (coefficients/audit/<id>.yaml): binding indicators with targets, and the
 * 100-point scheme compiled into the shared assessment engine's AssessmentScheme. Every problem at once.
 * A thin adapter: when the assessment-scheme loader lands, the `scheme` part should be read by it.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Dec } from '../domain/decimal.js';
import type { BindingIndicator, TenureAuditConfig } from '../domain/audit.js';
import type { IndicatorNode, IndicatorValue, RuleSpec } from '../domain/assessment/index.js';
import { labels } from './schema.js';
import { parseRate } from './compile.js';
import { canonicalJson, readablePath } from './resolve.js';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/);
const text = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

const indicator = z
  .object({
    id,
    labels,
    unit: z.enum(['hm2', '%']),
    bound: z.enum(['at_least', 'at_most']),
    target: text,
    figure: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('land_area'), classes: z.array(id).min(1) }).strict(),
      z.object({ kind: z.literal('land_share'), classes: z.array(id).min(1) }).strict(),
      z.object({ kind: z.literal('reported'), value: text, reportedBy: labels }).strict(),
    ]),
    source: z.string().min(1),
    verified: z.boolean(),
  })
  .strict();

const leaf = z
  .object({
    id,
    labels: labels.optional(),
    weight: text,
    unit: z.string().optional(),
    rule: z.record(z.string(), z.unknown()),
    prefilled: text.optional(),
    department: labels.optional(),
  })
  .strict();

const file = z
  .object({
    format: z.literal('gep-ledger/tenure-audit@1'),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    title: labels,
    indicators: z.array(indicator).min(1),
    scheme: z
      .object({
        fullScore: text,
        grades: z.array(z.object({ min: text, labels }).strict()).min(1),
        sections: z
          .array(
            z
              .object({
                id,
                labels,
                cap: text.optional(),
                floor: text.optional(),
                indicators: z.array(leaf).min(1),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

export class AuditConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
  }
}

export function readAuditConfigFile(path: string): TenureAuditConfig {
  return parseAuditConfig(parseYaml(readFileSync(path, 'utf8')), path);
}

/** Parses and compiles a configuration; throws AuditConfigError listing every problem. */
export function parseAuditConfig(raw: unknown, where = '(audit configuration)'): TenureAuditConfig {
  const parsed = file.safeParse(raw);
  if (!parsed.success)
    throw new AuditConfigError(
      parsed.error.issues.map((i) => `${where}: ${readablePath(raw, i.path)}: ${i.message}`),
    );
  const data = parsed.data;
  const issues: string[] = [];
  const num = (t: string, path: string, percent = false): Dec => {
    const v = parseRate(t, percent);
    if (!v) {
      issues.push(`${where}: ${path}: "${t}" is not a number`);
      return new Dec(0);
    }
    return v;
  };
  const indicators: BindingIndicator[] = data.indicators.map((i) => ({
    id: i.id,
    labels: i.labels,
    unit: i.unit,
    bound: i.bound,
    target: num(i.target, `indicators.${i.id}.target`, i.unit === '%'),
    figure:
      i.figure.kind === 'reported'
        ? {
            kind: 'reported',
            value: num(i.figure.value, `indicators.${i.id}.figure.value`, i.unit === '%'),
            reportedBy: i.figure.reportedBy,
          }
        : i.figure,
    source: i.source,
    verified: i.verified,
  }));
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const prefilled = new Map<string, IndicatorValue>();
  const seen = new Set<string>();
  const sections: IndicatorNode[] = data.scheme.sections.map((s) => ({
    type: 'section',
    id: s.id,
    labels: s.labels,
    ...(s.cap !== undefined ? { cap: num(s.cap, `scheme.${s.id}.cap`) } : {}),
    ...(s.floor !== undefined ? { floor: num(s.floor, `scheme.${s.id}.floor`) } : {}),
    children: s.indicators.map((l) => {
      const path = `scheme.${s.id}.${l.id}`;
      if (seen.has(l.id)) issues.push(`${where}: ${path}: indicator "${l.id}" appears twice`);
      seen.add(l.id);
      const binding = byId.get(l.id);
      const unit = l.unit ?? (binding ? (binding.unit === 'hm2' ? 'hm²' : '%') : '');
      const percent = unit === '%';
      const r = l.rule as Record<string, unknown>;
      let rule: RuleSpec;
      switch (r.kind) {
        case 'target_completion':
          if (!binding)
            issues.push(`${where}: ${path}: target_completion needs a binding indicator of that id`);
          rule = {
            kind: 'target_completion',
            target: binding?.target ?? new Dec(1),
            direction: binding?.bound === 'at_most' ? 'lower_better' : 'higher_better',
            maxRate: num(String(r.maxRate ?? '100%'), `${path}.rule.maxRate`, true),
          };
          break;
        case 'deduction':
          rule = {
            kind: 'deduction',
            perEvent: num(String(r.perEvent), `${path}.rule.perEvent`),
            cap: num(String(r.cap), `${path}.rule.cap`),
          };
          break;
        case 'tiers':
          rule = {
            kind: 'tiers',
            tiers: ((r.tiers as Record<string, string>[] | undefined) ?? []).map((t, k) => ({
              ...(t.atLeast !== undefined ? { atLeast: num(t.atLeast, `${path}.tiers.${k}`, percent) } : {}),
              ...(t.atMost !== undefined ? { atMost: num(t.atMost, `${path}.tiers.${k}`, percent) } : {}),
              share: num(String(t.share), `${path}.tiers.${k}.share`, true),
            })),
          };
          break;
        default:
          issues.push(
            `${where}: ${path}: rule kind "${String(r.kind)}" is not one of target_completion, deduction, tiers`,
          );
          rule = { kind: 'deduction', perEvent: new Dec(0), cap: new Dec(0) };
      }
      const labelsOf = l.labels ?? binding?.labels;
      if (!labelsOf) issues.push(`${where}: ${path}: labels are missing`);
      if (l.prefilled !== undefined)
        prefilled.set(l.id, {
          value: num(l.prefilled, `${path}.prefilled`, percent),
          ...(l.department
            ? {
                provenance: {
                  zh: `${l.department.zh} 预填，待审计组核实`,
                  en: `pre-filled by ${l.department.en}, to be confirmed by the audit team`,
                },
              }
            : {}),
        });
      return {
        type: 'indicator' as const,
        id: l.id,
        labels: labelsOf ?? { zh: l.id, en: l.id },
        weight: num(l.weight, `${path}.weight`),
        unit,
        source: binding
          ? { from: 'input' as const, input: binding.id }
          : l.id === 'gep_growth'
            ? { from: 'account' as const, figure: 'gep_growth' }
            : {
                from: 'department' as const,
                figure: l.id,
                department: l.department ?? { zh: '审计组', en: 'audit team' },
                evidence: { zh: '佐证材料', en: 'evidence' },
              },
        rule,
        mark: 'M' as const,
      };
    }),
  }));
  if (issues.length) throw new AuditConfigError(issues);
  const grades = data.scheme.grades
    .map((g, k) => ({ min: num(g.min, `scheme.grades.${k}.min`), labels: g.labels }))
    .sort((a, b) => b.min.comparedTo(a.min));
  return {
    id: data.id,
    version: data.version,
    title: data.title,
    indicators,
    prefilled,
    scheme: {
      id: data.id,
      version: data.version,
      title: data.title,
      fullScore: num(data.scheme.fullScore, 'scheme.fullScore'),
      grades,
      indicators: sections,
      vetoEffect: 'zero_total',
      hash: createHash('sha256').update(canonicalJson(data)).digest('hex'),
    },
  };
}
