import { accountTownship, aggregateRegion } from '../domain/accounting.js';
import { validateRecords } from '../domain/inputs.js';
import { Dec } from '../domain/decimal.js';
import { compileSet } from '../methods/compile.js';
import { canonicalJson, sha256 } from '../methods/resolve.js';
import {
  BUNDLE_FORMAT,
  bundleResults,
  compareResults,
  resolvedFromBundle,
  type Bundle,
} from '../io/bundle.js';
import type { CompiledSet } from '../domain/model.js';
import { accountYear } from './accounts.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, ForbiddenError, NotFoundError } from './errors.js';
import { listTownships } from './regions.js';
import { resolveStoredSet } from './sets.js';

export type ReportKind = 'gep' | 'balance_sheet' | 'geep' | 'comparison' | 'esv';

export interface PublishedReport {
  id: number;
  kind: ReportKind;
  scope: string;
  year: number;
  compare_year: number | null;
  set_id: string;
  set_version: string;
  profile: string;
  snapshot: Bundle;
  content_hash: string;
  published_by_name: string | null;
  published_at: Date;
}

/**
 * Freezes the accounts behind a report as a numbered, immutable snapshot: the resolved coefficient set, the
 * approved inputs, the results, with a content hash. Later data changes never alter it.
 */
export async function publishReport(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  profile: string,
  r: { kind: ReportKind; scope: string; year: number; compareYear?: number; appVersion: string },
): Promise<number> {
  if (actor.role !== 'admin' && actor.role !== 'reviewer')
    throw new ForbiddenError({
      zh: '只有审核员或管理员可以发布报告',
      en: 'only reviewers and admins publish reports',
    });
  const accounts = await accountYear(db, set, profile, r.year);
  if (!accounts)
    throw new ConflictError({ zh: `${r.year} 年没有已审核的数据`, en: `no approved data for ${r.year}` });
  const resolved = await resolveStoredSet(db, set.id, set.version);
  const townships = await listTownships(db);
  const snapshot: Bundle = {
    format: BUNDLE_FORMAT,
    appVersion: r.appVersion,
    createdAt: new Date().toISOString(),
    set: { id: set.id, version: set.version, hash: set.hash },
    lineage: [...resolved.lineage],
    setData: resolved.data,
    profile,
    year: r.year,
    townships: townships.map((t) => ({ id: t.id, areaKm2: t.area_km2 })),
    records: accounts.rows.map((row) => ({
      township: row.township_id,
      year: row.year,
      values: row.values,
      overrides: row.overrides,
    })),
    results: bundleResults(accounts.region),
  };
  const hash = sha256(canonicalJson(snapshot));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into published_reports (kind, scope, year, compare_year, set_id, set_version, profile, snapshot, content_hash, published_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        r.kind,
        r.scope,
        r.year,
        r.compareYear ?? null,
        set.id,
        set.version,
        profile,
        JSON.stringify(snapshot),
        hash,
        actor.id,
      ],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: 'report',
      entityKey: String(row!.id),
      township: r.scope === 'total' ? null : r.scope,
      year: r.year,
      newValue: { kind: r.kind, scope: r.scope, set: `${set.id}@${set.version}`, hash },
    });
    return row!.id;
  });
}

export async function listPublished(db: Db): Promise<Omit<PublishedReport, 'snapshot'>[]> {
  return db.query(
    `select p.id, p.kind, p.scope, p.year, p.compare_year, p.set_id, p.set_version, p.profile, p.content_hash,
            u.username as published_by_name, p.published_at
     from published_reports p left join users u on u.id = p.published_by order by p.id desc`,
  );
}

export async function getPublished(db: Db, id: number): Promise<PublishedReport> {
  const [row] = await db.query<PublishedReport>(
    `select p.*, u.username as published_by_name from published_reports p left join users u on u.id = p.published_by
     where p.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError({ zh: `报告 ${id} 不存在`, en: `no published report ${id}` });
  return row;
}

/**
 * A snapshot re-run from its own content (set and inputs), and what would change if the report were made
 * from today's approved data with the same set version.
 */
export async function checkPublished(db: Db, report: PublishedReport, current?: CompiledSet) {
  const b = report.snapshot;
  const set = compileSet(resolvedFromBundle(b));
  const areas = b.townships.map((t) => ({
    id: t.id,
    areaKm2: t.areaKm2 === undefined ? undefined : new Dec(t.areaKm2),
  }));
  const { records, issues } = validateRecords(set, b.records, areas);
  if (issues.length) throw new ConflictError({ zh: '快照数据无法复算', en: 'the snapshot does not re-run' });
  const region = aggregateRegion(records.map((r) => accountTownship(set, r, b.profile)));
  const rerun = compareResults(b.results, bundleResults(region));
  const intact =
    rerun.length === 0 && sha256(canonicalJson(b)) === report.content_hash && set.hash === b.set.hash;
  let changes: string[] | undefined;
  if (current && current.hash === b.set.hash) {
    const now = await accountYear(db, current, b.profile, b.year);
    changes = now ? compareResults(b.results, bundleResults(now.region)) : undefined;
  }
  return { set, records, region, intact, changes };
}
