import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { coefficientSetFile, type CoefficientSetFile } from './schema.js';
import { compileSet, SetLoadError, type SetIssue } from './compile.js';
import type { CompiledSet } from '../domain/model.js';

/** A set with its parents merged in: what gets compiled and hashed. */
export interface ResolvedSet {
  readonly data: Omit<
    CoefficientSetFile,
    | 'extends'
    | 'parameterOverrides'
    | 'removeProducts'
    | 'removeInputs'
    | 'removeLandClasses'
    | 'equivalentFactorOverrides'
    | 'priceIndices'
  > & { priceIndices?: CoefficientSetFile['priceIndices'] };
  /** The file of the set itself. */
  readonly file: string;
  /** "kind:id" → the file that defined the item last. */
  readonly origins: ReadonlyMap<string, string>;
  /** parameter id → "set@version" that set its value last. */
  readonly definedIn: ReadonlyMap<string, string>;
  readonly lineage: ReadonlyArray<{ id: string; version: string }>;
  readonly hash: string;
}

export const LOCK_FILE = 'published.lock.json';
/** The folder of the plausibility document (not a coefficient set). */
export const PLAUSIBILITY_FOLDER = 'plausibility';

/** JSON with sorted keys: the same content always gives the same text, and so the same hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Turns a zod/yaml path into the ids a person can find in the file: products.water_conservation.components… */
export function readablePath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  const parts: string[] = [];
  let node: unknown = raw;
  for (const key of path) {
    node = (node as Record<PropertyKey, unknown> | undefined)?.[key as string];
    const id = (node as { id?: unknown } | undefined)?.id;
    parts.push(typeof key === 'number' && typeof id === 'string' ? id : String(key));
  }
  return parts.join('.') || '(top)';
}

export function readSetFile(file: string, displayName = file): CoefficientSetFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const where = e instanceof YAMLParseError ? `line ${e.linePos?.[0]?.line ?? '?'}` : '(file)';
    throw new SetLoadError([
      { file: displayName, path: where, message: (e as Error).message.split('\n')[0]! },
    ]);
  }
  const parsed = coefficientSetFile.safeParse(raw);
  if (!parsed.success)
    throw new SetLoadError(
      parsed.error.issues.map((i) => ({
        file: displayName,
        path: readablePath(raw, i.path),
        message: i.message,
      })),
    );
  return parsed.data;
}

const byVersion = (a: string, b: string) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

/** The sets in a coefficients folder: id → versions, oldest first. */
export function listSets(dir: string): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // versioned documents of another kind live beside the sets (src/methods/plausibility.ts)
    if (!entry.isDirectory() || entry.name === PLAUSIBILITY_FOLDER) continue;
    const versions = readdirSync(join(dir, entry.name))
      .filter((f) => /^\d+\.\d+\.\d+\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ''))
      .sort(byVersion);
    if (versions.length) sets.set(entry.name, versions);
  }
  return sets;
}

export function setFilePath(dir: string, id: string, version: string): string {
  const yml = join(dir, id, `${version}.yml`);
  return existsSync(yml) ? yml : join(dir, id, `${version}.yaml`);
}

function readLock(dir: string): Record<string, string> {
  const path = join(dir, LOCK_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

/** The hash a published set file is locked to: its own content, parents excluded. */
export const fileHash = (data: CoefficientSetFile) => sha256(canonicalJson({ ...data, status: undefined }));

/** Where sets are read from: the coefficients folder, or the app's database. */
export interface SetSource {
  /** The set id at version (the latest when omitted); undefined when there is none. Throws SetLoadError. */
  read(id: string, version?: string): { data: CoefficientSetFile; display: string } | undefined;
}

/** The coefficients folder; a published file must match its hash in published.lock.json. */
export function folderSource(dir: string): SetSource {
  const lock = readLock(dir);
  return {
    read(id, version) {
      const v = version ?? listSets(dir).get(id)?.at(-1);
      const file = v ? setFilePath(dir, id, v) : '';
      if (!v || !existsSync(file)) return undefined;
      const display = relative(process.cwd(), file) || file;
      const data = readSetFile(file, display);
      const key = `${id}@${v}`;
      const problems: SetIssue[] = [];
      if (data.id !== id || data.version !== v)
        problems.push({
          file: display,
          path: 'id',
          message: `the file declares ${data.id}@${data.version} but lives at ${key}`,
        });
      if (data.status === 'published') {
        const locked = lock[key];
        if (!locked)
          problems.push({
            file: display,
            path: 'status',
            message: `published set ${key} is not in ${LOCK_FILE}; run "gep lock"`,
          });
        else if (locked !== fileHash(data))
          problems.push({
            file: display,
            path: 'status',
            message: `published set ${key} was changed after publication (hash differs from ${LOCK_FILE}); published versions are immutable: make a new version`,
          });
      }
      if (problems.length) throw new SetLoadError(problems);
      return { data, display };
    },
  };
}

export function resolveSet(dir: string, id: string, version?: string): ResolvedSet {
  return resolveFrom(folderSource(dir), id, version, dir);
}

/** Follows a set's `extends` chain and merges it. */
export function resolveFrom(source: SetSource, id: string, version?: string, where = '(sets)'): ResolvedSet {
  const chain: { data: CoefficientSetFile; file: string }[] = [];
  const seen = new Set<string>();
  let next: { id: string; version?: string } | undefined = { id, version };
  let referrer: string | undefined;
  while (next) {
    const found = source.read(next.id, next.version);
    if (!found) {
      const message = `coefficient set ${next.id}${next.version ? '@' + next.version : ''} not found`;
      throw new SetLoadError([
        referrer
          ? { file: referrer, path: 'extends', message }
          : { file: join(where, next.id), path: '(set)', message },
      ]);
    }
    const { data, display } = found;
    const key = `${data.id}@${data.version}`;
    if (seen.has(key))
      throw new SetLoadError([
        {
          file: display,
          path: 'extends',
          message: `sets extend each other in a cycle: ${[...seen, key].join(' → ')}`,
        },
      ]);
    seen.add(key);
    chain.unshift({ data, file: display });
    next = data.extends;
    referrer = display;
  }
  return mergeChain(chain);
}

function mergeChain(chain: { data: CoefficientSetFile; file: string }[]): ResolvedSet {
  const origins = new Map<string, string>();
  const definedIn = new Map<string, string>();
  const merged = new Map<string, Map<string, { id: string }>>();
  const sections = [
    'profiles',
    'inputGroups',
    'landClasses',
    'inputs',
    'parameters',
    'products',
    'priceIndices',
  ] as const;
  const kindOf: Record<(typeof sections)[number], string> = {
    profiles: 'profile',
    inputGroups: 'group',
    landClasses: 'landClass',
    inputs: 'input',
    parameters: 'parameter',
    products: 'product',
    priceIndices: 'priceIndex',
  };
  for (const s of sections) merged.set(s, new Map());
  let equivalentFactor: CoefficientSetFile['equivalentFactor'];
  let constantPriceYear: number | undefined;
  let balanceSheet: string | undefined;
  const removedClasses = new Set<string>();
  const issues: SetIssue[] = [];
  for (const { data, file } of chain) {
    const setKey = `${data.id}@${data.version}`;
    for (const s of sections) {
      for (const item of data[s] as { id: string }[]) {
        const existing = merged.get(s)!.get(item.id);
        if (existing && s === 'parameters')
          issues.push({
            file,
            path: `parameters.${item.id}`,
            message: 'inherited parameter: change it under parameterOverrides',
          });
        merged.get(s)!.set(item.id, item);
        origins.set(`${kindOf[s]}:${item.id}`, file);
        if (s === 'parameters') definedIn.set(item.id, setKey);
      }
    }
    for (const o of data.parameterOverrides) {
      const params = merged.get('parameters')!;
      const base = params.get(o.id) as Record<string, unknown> | undefined;
      if (!base) {
        issues.push({
          file,
          path: `parameterOverrides.${o.id}`,
          message: `no inherited parameter "${o.id}" to override`,
        });
        continue;
      }
      const next = { ...base, ...o };
      if (o.values !== undefined) delete next.value;
      if (o.value !== undefined) delete next.values;
      if (o.priceYear === undefined) next.priceYear = undefined;
      if (o.note === undefined) next.note = undefined;
      params.set(o.id, next as unknown as { id: string });
      origins.set(`parameter:${o.id}`, file);
      definedIn.set(o.id, setKey);
    }
    const removals = [
      ['removeProducts', 'products', 'product'],
      ['removeInputs', 'inputs', 'input'],
      ['removeLandClasses', 'landClasses', 'land class'],
    ] as const;
    for (const [key, section, what] of removals)
      for (const rid of data[key] ?? []) {
        if (!merged.get(section)!.delete(rid))
          issues.push({ file, path: `${key}.${rid}`, message: `no inherited ${what} "${rid}" to remove` });
        else if (section === 'landClasses') removedClasses.add(rid);
      }
    // a class removed here may be given again by a later set of the chain (re-added below by its own list)
    for (const c of data.landClasses) removedClasses.delete(c.id);
    if (data.balanceSheet) balanceSheet = data.balanceSheet;
    if (data.constantPriceYear !== undefined) constantPriceYear = data.constantPriceYear;
    if (data.equivalentFactor) {
      equivalentFactor = data.equivalentFactor;
      origins.set('equivalentFactor', file);
    }
    const efo = data.equivalentFactorOverrides;
    if (efo) {
      if (!equivalentFactor)
        issues.push({
          file,
          path: 'equivalentFactorOverrides',
          message: 'no inherited equivalentFactor section to override',
        });
      else {
        equivalentFactor = {
          ...equivalentFactor,
          standardValue: efo.standardValue ?? equivalentFactor.standardValue,
          mapping: { ...equivalentFactor.mapping, ...efo.mapping },
        };
        origins.set('equivalentFactor', file);
      }
    }
  }
  if (issues.length) throw new SetLoadError(issues);
  // removed land classes take their per-class parameter values and their equivalent-factor mapping along
  if (removedClasses.size) {
    const params = merged.get('parameters')!;
    for (const [pid, p] of params) {
      const values = (p as { values?: Record<string, string> }).values;
      if (values && Object.keys(values).some((c) => removedClasses.has(c)))
        params.set(pid, {
          ...p,
          values: Object.fromEntries(Object.entries(values).filter(([c]) => !removedClasses.has(c))),
        } as { id: string });
    }
    if (equivalentFactor)
      equivalentFactor = {
        ...equivalentFactor,
        mapping: Object.fromEntries(
          Object.entries(equivalentFactor.mapping).filter(([c]) => !removedClasses.has(c)),
        ),
      };
  }
  const leaf = chain.at(-1)!;
  const values = (s: (typeof sections)[number]) => [...merged.get(s)!.values()] as never;
  const data: ResolvedSet['data'] = {
    id: leaf.data.id,
    version: leaf.data.version,
    status: leaf.data.status,
    title: leaf.data.title,
    description: leaf.data.description,
    profiles: values('profiles'),
    inputGroups: values('inputGroups'),
    landClasses: values('landClasses'),
    inputs: values('inputs'),
    parameters: values('parameters'),
    products: values('products'),
    equivalentFactor,
    // absent rather than empty, so that sets without price indices keep the hash they always had
    priceIndices: merged.get('priceIndices')!.size ? values('priceIndices') : undefined,
    constantPriceYear,
    balanceSheet,
  };
  const lineage = chain.map((c) => ({ id: c.data.id, version: c.data.version }));
  const hash = sha256(canonicalJson({ ...data, status: undefined, lineage }));
  return { data, file: leaf.file, origins, definedIn, lineage, hash };
}

/** Reads, resolves, validates and compiles a set; throws SetLoadError listing every problem. */
export function loadSet(dir: string, id: string, version?: string): CompiledSet {
  return compileSet(resolveSet(dir, id, version));
}
