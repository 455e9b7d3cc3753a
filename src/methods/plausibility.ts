/**
 * Reading the plausibility document (coefficients/plausibility/<version>.yaml): the published accounts,
 * the GEP-per-km² envelope derived from them and the bands of the checks. Validated with zod, every
 * problem listed at once (file, path, reason), then compiled to the domain's PlausibilityRules and hashed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { Dec, parseDecimal } from '../domain/decimal.js';
import type {
  Envelope,
  MarkedFigure,
  PlausibilityCheck,
  PlausibilityRules,
  PublishedAccount,
} from '../domain/plausibility.js';
import { parseUnit, sameDimension } from '../domain/units.js';
import { parseRate, SetLoadError, type SetIssue } from './compile.js';
import { canonicalJson, PLAUSIBILITY_FOLDER, readablePath, sha256 } from './resolve.js';

export { PLAUSIBILITY_FOLDER };
import { CATEGORIES, labels } from './schema.js';

const FORMAT = 'gep-ledger/plausibility@1';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and "_"');
const decimalText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const mark = z.enum(['V', 'I', 'M']);
const scale = z.enum(['county', 'city', 'nation']);
const markedFigure = z.object({ value: decimalText, mark, note: labels.optional() }).strict();

const checkBase = {
  id,
  labels,
  scopes: z.array(z.enum(['region', 'township'])).min(1),
  mark,
  reason: labels,
  source: z.string().min(1),
  min: decimalText.optional(),
  max: decimalText.optional(),
};

const checkSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gep_per_km2'), ...checkBase }).strict(),
  z.object({ kind: z.literal('category_share'), category: z.enum(CATEGORIES), ...checkBase }).strict(),
  z
    .object({
      kind: z.literal('product_share'),
      products: z.array(id).min(1).optional(),
      except: z.array(id).default([]),
      ...checkBase,
    })
    .strict(),
  z
    .object({
      kind: z.literal('quantity_per_area'),
      components: z.array(id).min(1),
      quantityUnit: z.string().min(1),
      areaInput: id,
      areaUnit: z.string().min(1),
      ...checkBase,
    })
    .strict(),
  z
    .object({
      kind: z.literal('quantity_per_input'),
      components: z.array(id).min(1),
      quantityUnit: z.string().min(1),
      input: id,
      ...checkBase,
    })
    .strict(),
]);

export const plausibilityFile = z
  .object({
    format: z.literal(FORMAT),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a version is MAJOR.MINOR.PATCH'),
    status: z.enum(['draft', 'published']),
    title: labels,
    publishedAccounts: z
      .array(
        z
          .object({
            id,
            labels,
            scale,
            year: z.number().int().min(1949).max(2100),
            /** 亿元 */
            gep: markedFigure,
            /** km² */
            area: markedFigure,
            /** 万元/km² as printed in the source */
            publishedPerKm2: markedFigure.optional(),
            composition: labels.optional(),
            source: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
    envelope: z
      .object({
        scale,
        tolerance: z.object({ factor: decimalText, mark, reason: labels }).strict(),
      })
      .strict(),
    checks: z.array(checkSpec).min(1),
  })
  .strict();

export type PlausibilityFile = z.infer<typeof plausibilityFile>;

/** A derived per-km² figure may differ from the printed one by this much (rounding, approximate areas). */
const PUBLISHED_PER_KM2_TOLERANCE = new Dec('0.05');
const YI = new Dec('1e8');
const SHARE_KINDS = new Set(['category_share', 'product_share']);

/** Validates and compiles a parsed document; throws SetLoadError listing every problem. */
export function compilePlausibility(raw: unknown, display: string): PlausibilityRules {
  const parsed = plausibilityFile.safeParse(raw);
  if (!parsed.success)
    throw new SetLoadError(
      parsed.error.issues.map((i) => ({
        file: display,
        path: readablePath(raw, i.path),
        message: i.message,
      })),
    );
  const file = parsed.data;
  const issues: SetIssue[] = [];
  const add = (path: string, message: string) => issues.push({ file: display, path, message });
  const positive = (text: string, path: string): Dec => {
    const v = parseDecimal(text);
    if (!v || !v.gt(0)) add(path, `"${text}" is not a positive number`);
    return v && v.gt(0) ? v : new Dec(1);
  };
  const figure = (f: PlausibilityFile['publishedAccounts'][number]['gep'], path: string): MarkedFigure => ({
    value: positive(f.value, `${path}.value`),
    mark: f.mark,
    note: f.note,
  });

  const seenAccounts = new Set<string>();
  const accounts = file.publishedAccounts.map((a): PublishedAccount => {
    const at = `publishedAccounts.${a.id}`;
    if (seenAccounts.has(a.id)) add(at, 'duplicate id');
    seenAccounts.add(a.id);
    const gep = figure(a.gep, `${at}.gep`);
    const area = figure(a.area, `${at}.area`);
    const perKm2 = gep.value.times(YI).div(area.value);
    const publishedPerKm2 = a.publishedPerKm2 && figure(a.publishedPerKm2, `${at}.publishedPerKm2`);
    if (publishedPerKm2) {
      const printed = publishedPerKm2.value.times(1e4);
      if (perKm2.minus(printed).abs().gt(printed.times(PUBLISHED_PER_KM2_TOLERANCE)))
        add(
          `${at}.publishedPerKm2`,
          `gep ÷ area = ${perKm2.div(1e4).toFixed(0)} 万元/km², more than 5 % from the printed ${publishedPerKm2.value.toString()} 万元/km²`,
        );
    }
    return { ...a, gep, area, perKm2, publishedPerKm2 };
  });

  const tolerance = file.envelope.tolerance;
  const factor = parseDecimal(tolerance.factor);
  if (!factor || factor.lt(1))
    add('envelope.tolerance.factor', `"${tolerance.factor}" is not a factor of at least 1`);
  const rows = accounts.filter((a) => a.scale === file.envelope.scale);
  if (!rows.length)
    add('envelope.scale', `no published account of scale "${file.envelope.scale}" to derive it from`);

  const seenChecks = new Set<string>();
  const checks = file.checks.map((c): PlausibilityCheck => {
    const at = `checks.${c.id}`;
    if (seenChecks.has(c.id)) add(at, 'duplicate id');
    seenChecks.add(c.id);
    const share = SHARE_KINDS.has(c.kind);
    const bound = (text: string | undefined, key: string) => {
      if (text === undefined) return undefined;
      const v = parseRate(text, share);
      if (!v || v.isNeg())
        add(`${at}.${key}`, `"${text}" is not a ${share ? 'share (e.g. "50%")' : 'non-negative number'}`);
      else if (share && v.gt(1)) add(`${at}.${key}`, `"${text}" is a share above 100 %`);
      return v ?? undefined;
    };
    const min = bound(c.min, 'min');
    const max = bound(c.max, 'max');
    if (c.kind === 'gep_per_km2') {
      if (c.min !== undefined || c.max !== undefined)
        add(at, 'the bounds of gep_per_km2 come from the envelope; remove min and max');
    } else if (min === undefined && max === undefined) add(at, 'a check needs a min, a max or both');
    if (min && max && min.gt(max)) add(at, `min ${c.min} is above max ${c.max}`);
    const unitOk = (text: string, key: string, area = false) => {
      try {
        const u = parseUnit(text);
        if (area && !sameDimension(u, parseUnit('hm2'))) add(`${at}.${key}`, `"${text}" is not an area`);
      } catch (e) {
        add(`${at}.${key}`, (e as Error).message);
      }
    };
    if (c.kind === 'quantity_per_area') {
      unitOk(c.quantityUnit, 'quantityUnit');
      unitOk(c.areaUnit, 'areaUnit', true);
    }
    if (c.kind === 'quantity_per_input') unitOk(c.quantityUnit, 'quantityUnit');
    return { ...c, min, max } as PlausibilityCheck;
  });

  if (issues.length || !factor || !rows.length) throw new SetLoadError(issues);
  const byPerKm2 = [...rows].sort((a, b) => a.perKm2.comparedTo(b.perKm2));
  const lowest = byPerKm2[0]!;
  const highest = byPerKm2.at(-1)!;
  const envelope: Envelope = {
    scale: file.envelope.scale,
    min: { perKm2: lowest.perKm2, account: lowest },
    max: { perKm2: highest.perKm2, account: highest },
    tolerance: { factor, mark: tolerance.mark, reason: tolerance.reason },
    lower: lowest.perKm2.div(factor),
    upper: highest.perKm2.times(factor),
  };
  return {
    id: file.id,
    version: file.version,
    hash: sha256(canonicalJson({ ...file, status: undefined })),
    title: file.title,
    accounts,
    envelope,
    checks,
  };
}

/** Reads a YAML document and compiles it; a YAML syntax error is reported like any other problem. */
export function readPlausibilityFile(path: string): PlausibilityRules {
  const display = relative(process.cwd(), path) || path;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const where = e instanceof YAMLParseError ? `line ${e.linePos?.[0]?.line ?? '?'}` : '(file)';
    throw new SetLoadError([{ file: display, path: where, message: (e as Error).message.split('\n')[0]! }]);
  }
  const rules = compilePlausibility(raw, display);
  const expected = `${rules.version}`;
  if (!path.endsWith(`${expected}.yaml`) && !path.endsWith(`${expected}.yml`))
    throw new SetLoadError([
      {
        file: display,
        path: 'version',
        message: `the file declares version ${rules.version} but is not named ${expected}.yaml`,
      },
    ]);
  return rules;
}

/** The plausibility document of a coefficients folder: the version asked for, or the latest. */
export function loadPlausibility(dir = 'coefficients', version?: string): PlausibilityRules {
  const folder = join(dir, PLAUSIBILITY_FOLDER);
  const versions = existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => /^\d+\.\d+\.\d+\.ya?ml$/.test(f))
        .map((f) => f.replace(/\.ya?ml$/, ''))
        .sort((a, b) => {
          const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
          for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
          return 0;
        })
    : [];
  const v = version ?? versions.at(-1);
  if (!v || !versions.includes(v))
    throw new SetLoadError([
      { file: folder, path: '(document)', message: `plausibility document ${v ?? ''} not found` },
    ]);
  const yml = join(folder, `${v}.yml`);
  return readPlausibilityFile(existsSync(yml) ? yml : join(folder, `${v}.yaml`));
}

/** The document of a coefficients folder, or undefined when the folder has none (no checks are run). */
export function loadPlausibilityIfAny(dir = 'coefficients'): PlausibilityRules | undefined {
  return existsSync(join(dir, PLAUSIBILITY_FOLDER)) ? loadPlausibility(dir) : undefined;
}
