/**
 * Tenure-audit configurations (coefficients/audit/<id>/<version>.yaml, format gep-ledger/tenure-audit@1): binding
 * indicators with targets, and the 100-point scheme compiled into the shared assessment engine's
 * AssessmentScheme. Loaded through the one method-document mechanism (documents.ts): validated with every
 * problem at once, content-hashed, stored in the database at boot, a published version never changes.
 */
import { z } from 'zod';
import { Dec } from '../domain/decimal.js';
import type { BindingIndicator, DepartmentItem, TenureAuditConfig } from '../domain/audit.js';
import type { IndicatorNode, IndicatorValue, RuleSpec } from '../domain/assessment/index.js';
import { labels } from './schema.js';
import { parseRate } from './compile.js';
import { compileDocument, type DocumentKind } from './documents.js';

export const AUDIT_FOLDER = 'audit';

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
    /** The largest figure the audit team may enter for a department item (e.g. 50 events); 0 is the least. */
    max: text.optional(),
    /** The figure is a count (项, 起): whole numbers only. */
    whole: z.boolean().optional(),
  })
  .strict();

const file = z
  .object({
    format: z.literal('gep-ledger/tenure-audit@1'),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    status: z.enum(['draft', 'published']).default('draft'),
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

export type AuditConfigFile = z.output<typeof file>;

/** Parses and compiles a configuration given as data; throws SetLoadError listing every problem. */
export const parseAuditConfig = (raw: unknown, where = '(audit configuration)'): TenureAuditConfig =>
  compileDocument(AUDIT_KIND, raw, where).compiled;

function compileAuditConfig(
  data: AuditConfigFile,
  hash: string,
  issue: (path: string, message: string) => void,
): TenureAuditConfig | undefined {
  let failed = false;
  const fail = (path: string, message: string) => {
    failed = true;
    issue(path, message);
  };
  const num = (t: string, path: string, percent = false): Dec => {
    const v = parseRate(t, percent);
    if (!v) {
      fail(path, `"${t}" is not a number`);
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
  const departmentItems: DepartmentItem[] = [];
  const seen = new Set<string>();
  const sections: IndicatorNode[] = data.scheme.sections.map((s) => ({
    type: 'section',
    id: s.id,
    labels: s.labels,
    ...(s.cap !== undefined ? { cap: num(s.cap, `scheme.${s.id}.cap`) } : {}),
    ...(s.floor !== undefined ? { floor: num(s.floor, `scheme.${s.id}.floor`) } : {}),
    children: s.indicators.map((l) => {
      const path = `scheme.${s.id}.${l.id}`;
      if (seen.has(l.id)) fail(path, `indicator "${l.id}" appears twice`);
      seen.add(l.id);
      const binding = byId.get(l.id);
      const unit = l.unit ?? (binding ? (binding.unit === 'hm2' ? 'hm²' : '%') : '');
      const percent = unit === '%';
      const r = l.rule as Record<string, unknown>;
      let rule: RuleSpec;
      switch (r.kind) {
        case 'target_completion':
          if (!binding) fail(path, 'target_completion needs a binding indicator of that id');
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
          fail(path, `rule kind "${String(r.kind)}" is not one of target_completion, deduction, tiers`);
          rule = { kind: 'deduction', perEvent: new Dec(0), cap: new Dec(0) };
      }
      const labelsOf = l.labels ?? binding?.labels;
      if (!labelsOf) fail(path, 'labels are missing');
      // an item a department reports (not a binding indicator, not GEP growth): the audit team enters its figure
      if (!binding && l.id !== 'gep_growth') {
        if (l.max === undefined)
          fail(`${path}.max`, 'a department item needs "max", the largest figure allowed');
        const max = l.max === undefined ? new Dec(0) : num(l.max, `${path}.max`, percent);
        if (max.isNeg()) fail(`${path}.max`, '"max" must be 0 or more');
        const pre = l.prefilled === undefined ? undefined : num(l.prefilled, `${path}.prefilled`, percent);
        if (pre && (pre.isNeg() || pre.gt(max) || (l.whole && !pre.isInteger())))
          fail(
            `${path}.prefilled`,
            `the pre-filled figure must lie in 0…${max.toString()}${l.whole ? ', whole' : ''}`,
          );
        departmentItems.push({
          id: l.id,
          labels: labelsOf ?? { zh: l.id, en: l.id },
          unit,
          percent,
          max,
          whole: l.whole ?? false,
          department: l.department ?? { zh: '审计组', en: 'audit team' },
          ...(pre ? { prefilled: pre } : {}),
        });
      }
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
  if (failed) return undefined;
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
      hash,
    },
    departmentItems,
  };
}

export const AUDIT_KIND: DocumentKind<AuditConfigFile, TenureAuditConfig> = {
  folder: AUDIT_FOLDER,
  schema: file as unknown as z.ZodType<AuditConfigFile>,
  compile: compileAuditConfig,
};
