import {
  accountTownship,
  aggregateRegion,
  type InputRecord,
  type RegionAccount,
} from '../domain/accounting.js';
import { validateRecords, type RawRecord } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import type { TransitionMatrix } from '../domain/transitions.js';
import { compileSet } from '../methods/compile.js';
import { canonicalJson, sha256 } from '../methods/resolve.js';
import { FIXED_ENGINE } from '../domain/fixed.js';
import {
  BUNDLE_FORMAT,
  bundleResults,
  compareResults,
  engineOf,
  resolvedFromBundle,
  type Bundle,
  type BundleResults,
} from '../io/bundle.js';
import { accountYear, inBothYears, transitionsBetween, type YearAccounts } from './accounts.js';
import { figureChanges, type FigureChange } from '../report/published-changes.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, ForbiddenError, NotFoundError } from './errors.js';
import { listTownships } from './regions.js';
import { resolveStoredSet } from './sets.js';
import { listBoundaries, type Boundary } from './geo.js';

/** Reports that can be published: a year's accounts (GEP, GEEP, comparison, ESV) or the balance sheet between two years. */
export const PUBLISHABLE = ['gep', 'balance_sheet', 'geep', 'comparison', 'esv'] as const;
export type ReportKind = (typeof PUBLISHABLE)[number];

/** A run bundle of the closing year, plus what a balance sheet also needs: the opening year, the matrices. */
export interface Snapshot extends Bundle {
  opening?: { year: number; records: RawRecord[]; results: BundleResults };
  transitions?: TransitionMatrix[];
  /** The balance-sheet configuration in force (liabilities, stocks, NPV rate), as read. */
  balanceSheetConfig?: unknown;
  /**
   * The township boundaries its map was drawn on (lon/lat, simplified, as stored when it was published) and
   * their sha256: a later boundary upload does not redraw a published map. Absent: no boundaries were loaded
   * (or it was published before maps were frozen), and its map is the schematic treemap.
   */
  boundaries?: { hash: string; townships: Boundary[] };
}

/** The kinds whose report draws a township map. */
const MAPPED: readonly ReportKind[] = ['gep', 'comparison'];

export interface PublishedReport {
  id: number;
  kind: ReportKind;
  scope: string;
  year: number;
  compare_year: number | null;
  set_id: string;
  set_version: string;
  profile: string;
  snapshot: Snapshot;
  content_hash: string;
  published_by_name: string | null;
  published_at: Date;
  /** The title and 文号 it was issued under (null for reports published before they were asked). */
  title: string | null;
  doc_number: string | null;
}

const rawRecords = (a: YearAccounts): RawRecord[] =>
  a.rows.map((row) => ({
    township: row.township_id,
    year: row.year,
    values: row.values,
    overrides: row.overrides,
  }));

/**
 * Freezes the accounts behind a report as a numbered, immutable snapshot: the resolved coefficient set, the
 * approved inputs, the results, with a content hash. Later data changes never alter it.
 */
export async function publishReport(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  profile: string,
  r: {
    kind: ReportKind;
    scope: string;
    year: number;
    compareYear?: number;
    appVersion: string;
    balanceSheetConfig?: unknown;
    /** The title and document number (文号) the report is issued under. */
    title?: string;
    docNumber?: string;
  },
): Promise<number> {
  if (actor.role !== 'admin' && actor.role !== 'reviewer' && actor.role !== 'finance')
    throw new ForbiddenError({
      zh: '只有财政人员、审核员或管理员可以发布报告',
      en: 'only finance officials, reviewers and admins publish reports',
    });
  const noData = (y: number) =>
    new ConflictError({ zh: `${y} 年没有已审核的数据`, en: `no approved data for ${y}` });
  const accounts = await accountYear(db, set, profile, r.year);
  if (!accounts) throw noData(r.year);
  let opening: YearAccounts | undefined;
  if (r.kind === 'balance_sheet' && !r.compareYear)
    throw new ConflictError({ zh: '资产负债表须有期初年份', en: 'a balance sheet needs an opening year' });
  if (r.compareYear !== undefined && r.compareYear >= r.year)
    throw new ConflictError({
      zh: '比较年份须早于报告年份',
      en: 'the earlier year must come before the report year',
    });
  // the earlier year: the balance sheet's opening, or the year a GEEP or comparison report compares with
  if (r.compareYear !== undefined) {
    opening = await accountYear(db, set, profile, r.compareYear);
    if (!opening) throw noData(r.compareYear);
  }
  if (r.kind === 'balance_sheet' && opening) {
    const { missing } = inBothYears(opening, accounts);
    if (missing.includes(r.scope))
      throw new ConflictError({
        zh: `${r.scope} 在 ${r.compareYear} 或 ${r.year} 年没有已审核的数据`,
        en: `${r.scope} has no approved data for ${r.compareYear} or ${r.year}`,
      });
  }
  const resolved = await resolveStoredSet(db, set.id, set.version);
  const boundaries = MAPPED.includes(r.kind) ? await listBoundaries(db) : [];
  const townships = await listTownships(db);
  const snapshot: Snapshot = {
    format: BUNDLE_FORMAT,
    appVersion: r.appVersion,
    engine: FIXED_ENGINE,
    createdAt: new Date().toISOString(),
    set: { id: set.id, version: set.version, hash: set.hash },
    lineage: [...resolved.lineage],
    setData: resolved.data,
    profile,
    year: r.year,
    townships: townships.map((t) => ({ id: t.id, areaKm2: t.area_km2 })),
    records: rawRecords(accounts),
    results: bundleResults(accounts.region),
    ...(opening && {
      opening: { year: opening.year, records: rawRecords(opening), results: bundleResults(opening.region) },
    }),
    ...(opening &&
      r.kind === 'balance_sheet' && {
        transitions: await transitionsBetween(db, opening.year, r.year),
        balanceSheetConfig: r.balanceSheetConfig,
      }),
    ...(boundaries.length && {
      boundaries: { hash: sha256(canonicalJson(boundaries)), townships: boundaries },
    }),
  };
  const hash = sha256(canonicalJson(snapshot));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into published_reports (kind, scope, year, compare_year, set_id, set_version, profile, snapshot, content_hash, published_by, title, doc_number)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
      [
        r.kind,
        r.scope,
        r.year,
        opening?.year ?? null,
        set.id,
        set.version,
        profile,
        JSON.stringify(snapshot),
        hash,
        actor.id,
        r.title ?? null,
        r.docNumber ?? null,
      ],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: 'report',
      entityKey: String(row!.id),
      township: r.scope === 'total' ? null : r.scope,
      year: r.year,
      newValue: {
        kind: r.kind,
        scope: r.scope,
        set: `${set.id}@${set.version}`,
        opening: opening?.year,
        hash,
        title: r.title,
        docNumber: r.docNumber,
      },
    });
    return row!.id;
  });
}

export async function listPublished(db: Db): Promise<Omit<PublishedReport, 'snapshot'>[]> {
  return db.query(
    `select p.id, p.kind, p.scope, p.year, p.compare_year, p.set_id, p.set_version, p.profile, p.content_hash, p.title, p.doc_number,
            coalesce(u.display_name, u.username) as published_by_name, p.published_at
     from published_reports p left join users u on u.id = p.published_by order by p.id desc`,
  );
}

export async function getPublished(db: Db, id: number): Promise<PublishedReport> {
  const [row] = await db.query<PublishedReport>(
    `select p.*, coalesce(u.display_name, u.username) as published_by_name from published_reports p left join users u on u.id = p.published_by
     where p.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError({ zh: `报告 ${id} 不存在`, en: `no published report ${id}` });
  return row;
}

interface Rerun {
  records: InputRecord[];
  region: RegionAccount;
  differences: string[];
}

function rerun(set: CompiledSet, s: Snapshot, raw: RawRecord[], recorded: BundleResults): Rerun {
  // as for live accounts: approved data is not re-checked against township areas registered later
  const { records, issues } = validateRecords(set, raw);
  if (issues.length) throw new ConflictError({ zh: '快照数据无法复算', en: 'the snapshot does not re-run' });
  // by the rules of the engine that made the snapshot (decimal-34 for one published before engines had versions)
  const engine = engineOf(s);
  const region = aggregateRegion(records.map((r) => accountTownship(set, r, s.profile, { engine })));
  return { records, region, differences: compareResults(recorded, bundleResults(region)) };
}

/**
 * A snapshot re-run from its own content (set and inputs), and what would change if the report were made
 * from today's approved data with the same set version.
 */
export async function checkPublished(db: Db, report: PublishedReport, current?: CompiledSet) {
  const s = report.snapshot;
  const set = compileSet(resolvedFromBundle(s));
  const closing = rerun(set, s, s.records, s.results);
  const opening = s.opening && rerun(set, s, s.opening.records, s.opening.results);
  const intact =
    closing.differences.length === 0 &&
    (opening?.differences.length ?? 0) === 0 &&
    sha256(canonicalJson(s)) === report.content_hash &&
    (!s.boundaries || sha256(canonicalJson(s.boundaries.townships)) === s.boundaries.hash) &&
    set.hash === s.set.hash;
  let changes: string[] | undefined;
  let figures: FigureChange[] | undefined;
  if (current && current.hash === s.set.hash) {
    changes = [];
    figures = [];
    for (const [year, recorded] of [
      [s.year, s.results],
      ...(s.opening ? ([[s.opening.year, s.opening.results]] as const) : []),
    ] as const) {
      const now = await accountYear(db, current, s.profile, year);
      if (!now) changes.push(`${year}: no approved data now`);
      else {
        changes.push(...compareResults(recorded, bundleResults(now.region)).map((d) => `${year} ${d}`));
        figures.push(...figureChanges(year, recorded, bundleResults(now.region), current));
      }
    }
  }
  return { set, records: closing.records, region: closing.region, opening, intact, changes, figures };
}
