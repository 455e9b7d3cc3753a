import { compileSet, SetLoadError } from '../methods/compile.js';
import { fileHash, folderSource, listSets, resolveFrom, type SetSource } from '../methods/resolve.js';
import {
  coefficientSetFile,
  type CoefficientSetFile,
  type ParameterOverrideSpec,
} from '../methods/schema.js';
import type { CompiledSet } from '../domain/model.js';
import { recordEvent, SYSTEM_ACTOR, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';

export interface SetRow {
  id: string;
  version: string;
  status: 'draft' | 'published';
  content: CoefficientSetFile;
  content_hash: string;
  origin: 'file' | 'app';
  created_at: Date;
  published_at: Date | null;
}

const key = (id: string, version: string) => `${id}@${version}`;

/**
 * Brings the sets of the coefficients folder into the database. A new file version is added; a draft
 * that came from a file follows its file; a published version that differs from its file is refused.
 */
export async function syncSetsFromFolder(db: Db, dir: string): Promise<string[]> {
  const source = folderSource(dir);
  const problems: string[] = [];
  await db.transaction(async (tx) => {
    for (const [id, versions] of listSets(dir)) {
      for (const version of versions) {
        const file = source.read(id, version)!;
        const hash = fileHash(file.data);
        const [row] = await tx.query<SetRow>(
          'select status, content_hash, origin from coefficient_sets where id = $1 and version = $2',
          [id, version],
        );
        if (!row) {
          await tx.query(
            `insert into coefficient_sets (id, version, status, content, content_hash, origin, published_at)
             values ($1, $2, $3, $4, $5, 'file', case when $3 = 'published' then now() end)`,
            [id, version, file.data.status, JSON.stringify(file.data), hash],
          );
          await recordEvent(tx, SYSTEM_ACTOR, {
            action: 'load',
            entity: 'coefficient_set',
            entityKey: key(id, version),
            newValue: { status: file.data.status, hash },
            note: file.display,
          });
        } else if (row.content_hash !== hash) {
          if (row.status === 'published' || row.origin === 'app' || (await usedByReport(tx, { id, version })))
            problems.push(
              `${file.display}: ${key(id, version)} in the database is ${row.status}${row.status === 'draft' ? ' and used by a published report' : ''} and differs from the file; the database copy is kept (make a new version)`,
            );
          else {
            await tx.query(
              'update coefficient_sets set content = $3, content_hash = $4, status = $5 where id = $1 and version = $2',
              [id, version, JSON.stringify(file.data), hash, file.data.status],
            );
            await recordEvent(tx, SYSTEM_ACTOR, {
              action: 'reload',
              entity: 'coefficient_set',
              entityKey: key(id, version),
              oldValue: { hash: row.content_hash },
              newValue: { hash },
              note: file.display,
            });
          }
        }
      }
    }
  });
  return problems;
}

export async function listSetRows(db: Db): Promise<Omit<SetRow, 'content'>[]> {
  return db.query(
    `select id, version, status, content_hash, origin, created_at, published_at from coefficient_sets
     order by id, string_to_array(version, '.')::int[]`,
  );
}

export async function getSetRow(db: Db, id: string, version: string): Promise<SetRow> {
  const [row] = await db.query<SetRow>('select * from coefficient_sets where id = $1 and version = $2', [
    id,
    version,
  ]);
  if (!row)
    throw new NotFoundError({
      zh: `参数集 ${key(id, version)} 不存在`,
      en: `no coefficient set ${key(id, version)}`,
    });
  return row;
}

function rowsSource(rows: readonly SetRow[]): SetSource {
  const byKey = new Map(rows.map((r) => [key(r.id, r.version), r]));
  return {
    read(id, version) {
      const row = version ? byKey.get(key(id, version)) : rows.filter((r) => r.id === id).at(-1);
      return row && { data: row.content, display: `db:${key(row.id, row.version)}` };
    },
  };
}

// Compiled sets keyed by the content hashes of their chain: derived from immutable content, so a cached
// entry can never be stale, in one process or in several on one PostgreSQL.
const compiled = new Map<string, CompiledSet>();

/** The compiled set id@version as stored in the database (with its parents). */
export async function loadCompiledSet(db: Db, id: string, version: string): Promise<CompiledSet> {
  type Head = {
    id: string;
    version: string;
    content_hash: string;
    status: string;
    ext: { id: string; version: string } | null;
  };
  const heads = await db.query<Head>(
    "select id, version, content_hash, status, content->'extends' as ext from coefficient_sets",
  );
  const byKey = new Map(heads.map((h) => [key(h.id, h.version), h]));
  const chain: string[] = [];
  for (let k: string | undefined = key(id, version); k && byKey.has(k) && !chain.includes(k);) {
    const h: Head = byKey.get(k)!;
    // the hash leaves the status out; publishing changes the compiled set's status, so it is part of the key
    chain.push(`${k}#${h.content_hash}#${h.status}`);
    k = h.ext ? key(h.ext.id, h.ext.version) : undefined;
  }
  if (!chain.length) await getSetRow(db, id, version);
  const cacheKey = chain.join('>');
  const hit = compiled.get(cacheKey);
  if (hit) return hit;
  const rows = await db.query<SetRow>('select * from coefficient_sets');
  const set = compileSet(resolveFrom(rowsSource(rows), id, version, 'db'));
  compiled.set(cacheKey, set);
  return set;
}

const nextPatch = (v: string) => {
  const [a, b, c] = v.split('.').map(Number);
  return `${a}.${b}.${(c ?? 0) + 1}`;
};

/** A new draft version of a set, copied from an existing version. */
export async function deriveSet(
  db: Db,
  actor: Actor,
  from: { id: string; version: string },
  newVersion?: string,
): Promise<SetRow> {
  return db.transaction(async (tx) => {
    const source = await getSetRow(tx, from.id, from.version);
    const existing = await tx.query<{ version: string }>(
      'select version from coefficient_sets where id = $1',
      [from.id],
    );
    let version = newVersion?.trim() || nextPatch(from.version);
    while (!newVersion && existing.some((r) => r.version === version)) version = nextPatch(version);
    if (!/^\d+\.\d+\.\d+$/.test(version))
      throw new ValidationError([
        {
          field: 'version',
          message: { zh: `版本号"${version}"应形如 1.2.3`, en: `version "${version}" must look like 1.2.3` },
        },
      ]);
    if (existing.some((r) => r.version === version))
      throw new ConflictError({
        zh: `版本 ${key(from.id, version)} 已存在`,
        en: `${key(from.id, version)} exists already`,
      });
    const content: CoefficientSetFile = { ...source.content, version, status: 'draft' };
    await tx.query(
      `insert into coefficient_sets (id, version, status, content, content_hash, origin, created_by)
       values ($1, $2, 'draft', $3, $4, 'app', $5)`,
      [from.id, version, JSON.stringify(content), fileHash(content), actor.id],
    );
    await recordEvent(tx, actor, {
      action: 'derive',
      entity: 'coefficient_set',
      entityKey: key(from.id, version),
      newValue: { from: key(from.id, from.version) },
    });
    return getSetRow(tx, from.id, version);
  });
}

export interface ParameterEdit {
  id: string;
  /** Decimal text; for rates a trailing % is allowed. Empty = unset (null). */
  value?: string | null;
  values?: Record<string, string>;
  source: string;
  verified: boolean;
  priceYear?: number | null;
  note?: string;
}

/** Changes parameters of a draft set: its own parameters in place, inherited ones as overrides. */
/**
 * A set check's message as a Chinese reader reads it: the usual reasons in words, any other one quoted. The form
 * puts the column's label in front ("数值："), so the message does not repeat it.
 */
export function setIssueZh(en: string): string {
  const rate = en.endsWith(' (a rate may be written with %)') ? '（比率可带 % 填写）' : '';
  const m =
    /^"(.*)" is not a number/.exec(en) ??
    /^value (\S+) is out of range \[(.+), (.+)\] (.*)$/.exec(en) ??
    /^value (\S+) (.*) is negative: a price or cost cannot be$/.exec(en);
  if (m && en.includes('is not a number')) return `“${m[1]}”不是数值${rate}`;
  if (m && en.includes('out of range')) return `${m[1]} 超出取值范围 [${m[2]}, ${m[3]}] ${m[4]}`.trim();
  if (m && en.includes('is negative')) return `${m[1]} ${m[2]} 为负：价格或成本不能为负`;
  return `参数集校验失败：${en}`;
}

export async function editParameters(
  db: Db,
  actor: Actor,
  target: { id: string; version: string },
  edits: readonly ParameterEdit[],
): Promise<SetRow> {
  return db.transaction(async (tx) => {
    const row = await getSetRow(tx, target.id, target.version);
    if (row.status === 'published' || row.origin !== 'app')
      throw new ConflictError({
        zh: `${key(target.id, target.version)} 已发布或来自参数文件，不能在此修改；请派生新版本`,
        en: `${key(target.id, target.version)} is published or comes from a set file and cannot change here; derive a new version`,
      });
    await refuseIfUsedByReport(tx, target);
    const content = structuredClone(row.content);
    const before: Record<string, unknown> = {};
    for (const e of edits) {
      const own = content.parameters.find((p) => p.id === e.id);
      const values = e.values ? { values: e.values } : { value: e.value === '' ? null : (e.value ?? null) };
      const meta = {
        source: e.source,
        verified: e.verified,
        ...(e.priceYear !== undefined ? { priceYear: e.priceYear } : {}),
        ...(e.note ? { note: e.note } : {}),
      };
      if (own) {
        before[e.id] = { value: own.value, values: own.values, source: own.source, verified: own.verified };
        delete own.value;
        delete own.values;
        Object.assign(own, values, meta);
      } else {
        const prior = content.parameterOverrides.find((o) => o.id === e.id);
        before[e.id] = prior
          ? { value: prior.value, values: prior.values, source: prior.source }
          : '(inherited)';
        const override: ParameterOverrideSpec = { id: e.id, ...values, ...meta };
        content.parameterOverrides = [...content.parameterOverrides.filter((o) => o.id !== e.id), override];
      }
    }
    const parsed = coefficientSetFile.safeParse(content);
    if (!parsed.success) {
      // "parameterOverrides.21.source" → "grain_price.source": the field as the form names it
      const named = (field?: string) =>
        field?.replace(
          /^(parameterOverrides|parameters)\.(\d+)/,
          (whole, list: 'parameterOverrides' | 'parameters', i: string) =>
            content[list][Number(i)]?.id ?? whole,
        );
      throw new ValidationError(
        ValidationError.fromZod(parsed.error).issues.map((i) => ({ ...i, field: named(i.field) })),
      );
    }
    // the whole set must still load: units, ranges, formulas
    const all = await tx.query<SetRow>('select * from coefficient_sets');
    const others = all.filter((r) => key(r.id, r.version) !== key(target.id, target.version));
    try {
      compileSet(
        resolveFrom(
          rowsSource([...others, { ...row, content: parsed.data }]),
          target.id,
          target.version,
          'db',
        ),
      );
    } catch (e) {
      if (e instanceof SetLoadError)
        throw new ValidationError(
          e.issues.map((i) => ({
            field: i.path,
            message: { zh: setIssueZh(i.message), en: i.message.replace(/^value /, '') },
          })),
        );
      throw e;
    }
    const hash = fileHash(parsed.data);
    await tx.query(
      'update coefficient_sets set content = $3, content_hash = $4 where id = $1 and version = $2',
      [target.id, target.version, JSON.stringify(parsed.data), hash],
    );
    await recordEvent(tx, actor, {
      action: 'edit_parameters',
      entity: 'coefficient_set',
      entityKey: key(target.id, target.version),
      oldValue: before,
      newValue: Object.fromEntries(edits.map((e) => [e.id, e])),
    });
    return getSetRow(tx, target.id, target.version);
  });
}

/** Whether a published report was made with this set version, itself or as a parent of its set. */
async function usedByReport(tx: Db, target: { id: string; version: string }): Promise<boolean> {
  const used = await tx.query(
    `select 1 from published_reports where (set_id = $1 and set_version = $2)
       or snapshot->'lineage' @> $3::jsonb limit 1`,
    [target.id, target.version, JSON.stringify([{ id: target.id, version: target.version }])],
  );
  return used.length > 0;
}

async function refuseIfUsedByReport(tx: Db, target: { id: string; version: string }) {
  if (await usedByReport(tx, target))
    throw new ConflictError({
      zh: `${key(target.id, target.version)} 已被已发布的报告使用，不能修改`,
      en: `${key(target.id, target.version)} is used by a published report and cannot change`,
    });
}

/** Publishing freezes a version: from then on its content never changes. */
export async function publishSet(
  db: Db,
  actor: Actor,
  target: { id: string; version: string },
): Promise<SetRow> {
  return db.transaction(async (tx) => {
    const row = await getSetRow(tx, target.id, target.version);
    if (row.status === 'published')
      throw new ConflictError({ zh: '该版本已发布', en: 'this version is published already' });
    if (row.content.extends) {
      const parent = await getSetRow(tx, row.content.extends.id, row.content.extends.version);
      if (parent.status !== 'published')
        throw new ConflictError({
          zh: `须先发布其上级参数集 ${key(parent.id, parent.version)}`,
          en: `publish its parent ${key(parent.id, parent.version)} first`,
        });
    }
    await loadCompiledSet(tx, target.id, target.version);
    const content = { ...row.content, status: 'published' as const };
    await tx.query(
      "update coefficient_sets set status = 'published', content = $3, published_at = now() where id = $1 and version = $2",
      [target.id, target.version, JSON.stringify(content)],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: 'coefficient_set',
      entityKey: key(target.id, target.version),
      oldValue: { status: 'draft' },
      newValue: { status: 'published', hash: row.content_hash },
    });
    return getSetRow(tx, target.id, target.version);
  });
}

/** The set id@version merged with its parents, as stored: what a published report embeds. */
export async function resolveStoredSet(
  db: Db,
  id: string,
  version: string,
): Promise<ReturnType<typeof resolveFrom>> {
  const rows = await db.query<SetRow>('select * from coefficient_sets');
  return resolveFrom(rowsSource(rows), id, version, 'db');
}
