/**
 * The eco-product register, its evidence documents, the realisation ledger and published lists: one write
 * path per aggregate, each write with its audit event in one transaction, or nothing. Entries and realisations
 * go draft → submitted → approved (locked) like survey data; only approved ones enter lists and rates.
 */
import { createHash } from 'node:crypto';
import type { CompiledSet } from '../domain/model.js';
import {
  entryFigure,
  realisationRates,
  validateEntries,
  validateRealisations,
  type GepOfYear,
  type RawEntry,
  type RawRealisation,
  type Realisation,
  type RegisterEntry,
  type StoredEntry,
  type YearRealisation,
} from '../domain/register.js';
import { canonicalJson, sha256 } from '../methods/resolve.js';
import { REGISTER_FORMAT, type RegisterSnapshot } from '../report/register-list.js';
import { accountYear, approvedYears } from './accounts.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { getRegion, listTownships, townshipInfo } from './regions.js';
import type { RecordStatus, WorkflowAction } from './survey.js';

export interface EntryRow {
  id: number;
  township_id: string;
  product: string;
  data: StoredEntry;
  status: RecordStatus;
  version: number;
  updated_at: Date;
  updated_by: number | null;
  submitted_by: number | null;
  approved_by: number | null;
  returned_reason: string | null;
  updated_by_display?: string | null;
  evidence_count?: number;
}

export interface RealisationRow {
  id: number;
  kind: Realisation['kind'];
  year: number;
  product: string;
  amount: string;
  data: StoredRealisation;
  status: RecordStatus;
  version: number;
  updated_at: Date;
  updated_by: number | null;
  submitted_by: number | null;
  approved_by: number | null;
  returned_reason: string | null;
  entry_ids: number[];
}

/** A realisation as stored: the raw fields as validated (decimals as exact text) and its amount. */
export type StoredRealisation = Record<string, unknown> & {
  rights?: Array<{ holder: string; rightType: string; areaHm2: string; entry?: string }>;
};

const EDITORS: Actor['role'][] = ['editor', 'admin', 'system'];
const forbidEdit = () =>
  new ForbiddenError({
    zh: '只有填报员或管理员可以录入目录',
    en: 'only editors and admins enter the register',
  });

// ───────────────────────────── register entries ─────────────────────────────

export async function listEntries(db: Db, filter: { status?: RecordStatus } = {}): Promise<EntryRow[]> {
  return db.query<EntryRow>(
    `select e.*, coalesce(u.display_name, u.username) as updated_by_display,
       (select count(*)::int from register_evidence v where v.entry_id = e.id) as evidence_count
     from register_entries e left join users u on u.id = e.updated_by
     ${filter.status ? 'where e.status = $1' : ''} order by e.id`,
    filter.status ? [filter.status] : [],
  );
}

export async function getEntry(db: Db, id: number, lock = false): Promise<EntryRow> {
  const [row] = await db.query<EntryRow>(
    `select * from register_entries where id = $1${lock ? ' for update' : ''}`,
    [id],
  );
  if (!row) throw new NotFoundError({ zh: `目录条目 ${id} 不存在`, en: `no register entry ${id}` });
  return row;
}

export interface EntryChange {
  /** Absent: a new entry. */
  id?: number;
  raw: RawEntry;
  /** The version the user started from; undefined skips the check. */
  expectedVersion?: number;
}

/**
 * The one write path of register entries (form, import, API): every row validated first (all problems at once),
 * then all written with their audit events in one transaction. Only drafts change. Returns the ids written.
 */
export async function saveEntries(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  changes: readonly EntryChange[],
): Promise<number[]> {
  if (!EDITORS.includes(actor.role)) throw forbidEdit();
  const townships = (await listTownships(db)).map(townshipInfo);
  const { stored, issues } = validateEntries(
    { set, townships },
    changes.map((c) => c.raw),
  );
  if (issues.length) throw new ValidationError(issues);
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (const [i, change] of changes.entries()) {
      const data = stored[i]!;
      if (change.id !== undefined) {
        const old = await getEntry(tx, change.id, true);
        if (old.status !== 'draft')
          throw new ConflictError({
            zh: `目录条目"${old.data.name}"${old.status === 'approved' ? '已审核锁定' : '已提交待审'}，不能修改；须先退回或重新打开`,
            en: `register entry "${old.data.name}" is ${old.status}: it cannot change until it is returned or reopened`,
          });
        if (change.expectedVersion !== undefined && old.version !== change.expectedVersion)
          throw new ConflictError({
            zh: `目录条目"${old.data.name}"已被他人修改（版本 ${old.version}，您编辑的是 ${change.expectedVersion}）；请重新载入，您的修改未保存`,
            en: `register entry "${old.data.name}" was changed by someone else (version ${old.version}, you edited ${change.expectedVersion}); reload: your changes were not saved`,
          });
        const changed = Object.fromEntries(
          Object.entries(data).filter(([k, v]) => old.data[k as keyof StoredEntry] !== v),
        );
        if (!Object.keys(changed).length) {
          ids.push(old.id);
          continue;
        }
        await tx.query(
          `update register_entries set township_id = $2, product = $3, data = $4, version = version + 1,
             updated_by = $5, updated_at = now() where id = $1`,
          [old.id, data.township, data.product, JSON.stringify(data), actor.id],
        );
        await recordEvent(tx, actor, {
          action: 'update',
          entity: 'register_entry',
          entityKey: String(old.id),
          township: data.township,
          oldValue: Object.fromEntries(
            Object.keys(changed).map((k) => [k, old.data[k as keyof StoredEntry]]),
          ),
          newValue: changed,
        });
        ids.push(old.id);
      } else {
        const [row] = await tx.query<{ id: number }>(
          `insert into register_entries (township_id, product, data, updated_by) values ($1, $2, $3, $4) returning id`,
          [data.township, data.product, JSON.stringify(data), actor.id],
        );
        await recordEvent(tx, actor, {
          action: 'create',
          entity: 'register_entry',
          entityKey: String(row!.id),
          township: data.township,
          newValue: data,
        });
        ids.push(row!.id);
      }
    }
    return ids;
  });
}

/** A stored entry read back as a domain entry (it was validated when written). */
export function entryFromStored(set: CompiledSet, data: StoredEntry, townshipIds: string[]): RegisterEntry {
  const { entries, issues } = validateEntries({ set, townships: townshipIds.map((id) => ({ id })) }, [data]);
  if (issues.length) throw new ValidationError(issues);
  return entries[0]!;
}

// ───────────────────────────── workflow (both aggregates) ─────────────────────────────

const TRANSITIONS: Record<WorkflowAction, { from: RecordStatus; to: RecordStatus; roles: Actor['role'][] }> =
  {
    submit: { from: 'draft', to: 'submitted', roles: ['editor', 'admin', 'system'] },
    approve: { from: 'submitted', to: 'approved', roles: ['reviewer', 'admin', 'system'] },
    return: { from: 'submitted', to: 'draft', roles: ['reviewer', 'admin'] },
    reopen: { from: 'approved', to: 'draft', roles: ['reviewer', 'admin'] },
  };
const ACTION_ZH: Record<WorkflowAction, string> = {
  submit: '提交审核',
  approve: '审核通过',
  return: '退回',
  reopen: '重新打开',
};
const STATUS_ZH: Record<RecordStatus, string> = { draft: '草稿', submitted: '已提交', approved: '已审核' };

type Aggregate = 'register_entry' | 'realisation';
const TABLE: Record<Aggregate, string> = { register_entry: 'register_entries', realisation: 'realisations' };
const NOUN: Record<Aggregate, { zh: string; en: string }> = {
  register_entry: { zh: '目录条目', en: 'register entry' },
  realisation: { zh: '价值实现记录', en: 'realisation record' },
};

/**
 * draft → submitted → approved (locked); returned or reopened only with a reason. As for survey data, whoever
 * submitted a record or changed it since its last approval does not approve it.
 */
export async function changeStatus(
  db: Db,
  actor: Actor,
  aggregate: Aggregate,
  target: { id: number; expectedVersion?: number; reason?: string },
  action: WorkflowAction,
): Promise<void> {
  const rule = TRANSITIONS[action];
  const noun = NOUN[aggregate];
  if (!rule.roles.includes(actor.role))
    throw new ForbiddenError({
      zh: `您的角色不能${ACTION_ZH[action]}${noun.zh}`,
      en: `your role cannot ${action} a ${noun.en}`,
    });
  const reason = target.reason?.trim();
  if ((action === 'reopen' || action === 'return') && !reason)
    throw new ValidationError([
      {
        field: 'reason',
        message: { zh: '退回或重新打开须填写理由', en: 'returning or reopening needs a reason' },
      },
    ]);
  await db.transaction(async (tx) => {
    const table = TABLE[aggregate];
    const [row] = await tx.query<{ status: RecordStatus; version: number; submitted_by: number | null }>(
      `select status, version, submitted_by from ${table} where id = $1 for update`,
      [target.id],
    );
    if (!row)
      throw new NotFoundError({ zh: `${noun.zh} ${target.id} 不存在`, en: `no ${noun.en} ${target.id}` });
    if (target.expectedVersion !== undefined && row.version !== target.expectedVersion)
      throw new ConflictError({
        zh: `${noun.zh}已被他人修改（版本 ${row.version}，您看到的是 ${target.expectedVersion}）；请重新载入`,
        en: `the ${noun.en} changed (version ${row.version}, you saw ${target.expectedVersion}); reload`,
      });
    if (row.status !== rule.from)
      throw new ConflictError({
        zh: `当前状态为"${STATUS_ZH[row.status]}"，不能${ACTION_ZH[action]}`,
        en: `the ${noun.en} is ${row.status}; it cannot be ${action === 'submit' ? 'submitted' : action === 'approve' ? 'approved' : action === 'return' ? 'returned' : 'reopened'}`,
      });
    if (action === 'approve' && actor.id !== null) {
      const touched = await tx.query(
        `select 1 from audit_events where entity = $1 and entity_key = $2 and user_id = $3
           and action in ('create', 'update', 'evidence')
           and id > coalesce((select max(id) from audit_events where entity = $1 and entity_key = $2 and action = 'approve'), 0)
         limit 1`,
        [aggregate, String(target.id), actor.id],
      );
      if (row.submitted_by === actor.id || touched.length)
        throw new ForbiddenError({
          zh: '不能审核自己提交或修改的记录，须由另一位审核员审核',
          en: 'you submitted or changed this record: another reviewer must approve it',
        });
    }
    const [updated] = await tx.query<{ version: number }>(
      `update ${table} set status = $2, version = version + 1,
         submitted_by = case when $3 = 'submit' then $4::int when $2 = 'draft' then null else submitted_by end,
         approved_by = case when $3 = 'approve' then $4::int else null end,
         returned_reason = case when $3 in ('return', 'reopen') then $5 when $3 = 'submit' then null else returned_reason end
       where id = $1 returning version`,
      [target.id, rule.to, action, actor.id, reason ?? null],
    );
    await recordEvent(tx, actor, {
      action,
      entity: aggregate,
      entityKey: String(target.id),
      oldValue: { status: row.status, version: row.version },
      newValue: { status: rule.to, version: updated!.version },
      note: reason ?? null,
    });
  });
}

// ───────────────────────────── evidence documents ─────────────────────────────

export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

/** Accepted evidence: extension → media type and the bytes a file of that type starts with. */
const EVIDENCE_TYPES: Record<string, { mediaType: string; magic: number[] }> = {
  pdf: { mediaType: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  jpg: { mediaType: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  jpeg: { mediaType: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  png: { mediaType: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
};

/** Why a file cannot be evidence, or its media type: type by extension and by its first bytes, size ≤ 10 MB. */
export function checkEvidence(
  fileName: string,
  bytes: Uint8Array,
): { ok: true; mediaType: string } | { ok: false; message: { zh: string; en: string } } {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const type = EVIDENCE_TYPES[ext];
  if (!type)
    return {
      ok: false,
      message: {
        zh: `证明材料只接受 PDF、JPG、PNG、XLSX 文件（收到"${fileName}"）`,
        en: `evidence must be a PDF, JPG, PNG or XLSX file (got "${fileName}")`,
      },
    };
  if (!bytes.length)
    return { ok: false, message: { zh: `文件"${fileName}"是空的`, en: `the file "${fileName}" is empty` } };
  if (bytes.length > EVIDENCE_MAX_BYTES)
    return {
      ok: false,
      message: {
        zh: `文件"${fileName}"为 ${(bytes.length / 1048576).toFixed(1)} MB，超过 10 MB 上限`,
        en: `the file "${fileName}" is ${(bytes.length / 1048576).toFixed(1)} MB, above the 10 MB limit`,
      },
    };
  if (!type.magic.every((b, i) => bytes[i] === b))
    return {
      ok: false,
      message: {
        zh: `文件"${fileName}"的内容不是 ${ext.toUpperCase()} 格式`,
        en: `the content of "${fileName}" is not ${ext.toUpperCase()}`,
      },
    };
  return { ok: true, mediaType: type.mediaType };
}

export interface EvidenceRow {
  id: number;
  entry_id: number;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_at: Date;
  uploaded_by_display: string | null;
}

/** Attaches an evidence document to a draft entry; a wrong type or size is refused and nothing is written. */
export async function addEvidence(
  db: Db,
  actor: Actor,
  entryId: number,
  file: { name: string; bytes: Uint8Array },
): Promise<number> {
  if (!EDITORS.includes(actor.role)) throw forbidEdit();
  const name = file.name.normalize('NFC').trim().slice(0, 200);
  const checked = checkEvidence(name, file.bytes);
  if (!checked.ok) throw new ValidationError([{ field: 'file', message: checked.message }]);
  return db.transaction(async (tx) => {
    const entry = await getEntry(tx, entryId, true);
    if (entry.status !== 'draft')
      throw new ConflictError({
        zh: `目录条目"${entry.data.name}"已提交或已审核，不能再添加材料；须先退回或重新打开`,
        en: `register entry "${entry.data.name}" is ${entry.status}: evidence can be added to a draft only`,
      });
    const hash = createHash('sha256').update(file.bytes).digest('hex');
    const [row] = await tx.query<{ id: number }>(
      `insert into register_evidence (entry_id, file_name, media_type, size_bytes, sha256, content, uploaded_by)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [entryId, name, checked.mediaType, file.bytes.length, hash, file.bytes, actor.id],
    );
    await recordEvent(tx, actor, {
      action: 'evidence',
      entity: 'register_entry',
      entityKey: String(entryId),
      township: entry.township_id,
      newValue: {
        evidence: row!.id,
        file: name,
        type: checked.mediaType,
        bytes: file.bytes.length,
        sha256: hash,
      },
    });
    return row!.id;
  });
}

export async function listEvidence(db: Db, entryId: number): Promise<EvidenceRow[]> {
  return db.query<EvidenceRow>(
    `select v.id, v.entry_id, v.file_name, v.media_type, v.size_bytes, v.sha256, v.uploaded_at,
       coalesce(u.display_name, u.username) as uploaded_by_display
     from register_evidence v left join users u on u.id = v.uploaded_by where v.entry_id = $1 order by v.id`,
    [entryId],
  );
}

export async function getEvidence(
  db: Db,
  entryId: number,
  id: number,
): Promise<{ file_name: string; media_type: string; content: Uint8Array }> {
  const [row] = await db.query<{ file_name: string; media_type: string; content: Uint8Array }>(
    'select file_name, media_type, content from register_evidence where id = $1 and entry_id = $2',
    [id, entryId],
  );
  if (!row) throw new NotFoundError({ zh: `材料 ${id} 不存在`, en: `no evidence ${id}` });
  return row;
}

// ───────────────────────────── realisation ledger ─────────────────────────────

export async function listRealisations(
  db: Db,
  filter: { status?: RecordStatus } = {},
): Promise<RealisationRow[]> {
  return db.query<RealisationRow>(
    `select r.*, r.amount::text as amount,
       coalesce((select array_agg(l.entry_id order by l.entry_id) from realisation_entries l where l.realisation_id = r.id), '{}') as entry_ids
     from realisations r ${filter.status ? 'where r.status = $1' : ''} order by r.year, r.id`,
    filter.status ? [filter.status] : [],
  );
}

async function ledgerContext(db: Db, set: CompiledSet) {
  const rows = await listEntries(db);
  return {
    set,
    entries: new Map(
      rows.map((r) => [String(r.id), { product: r.product, township: r.township_id, name: r.data.name }]),
    ),
  };
}

function storedRealisation(raw: RawRealisation, r: Realisation): StoredRealisation {
  const { origin: _origin, ...rest } = raw;
  void _origin;
  return {
    ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, Array.isArray(v) ? v : String(v ?? '')])),
    kind: r.kind,
    product: r.product,
    entries: r.entries,
    amount: r.amount.toString(),
    ...(r.package && {
      rights: r.package.rights.map((x) => ({
        holder: x.holder,
        rightType: x.rightType,
        areaHm2: x.areaHm2.toString(),
        ...(x.entry && { entry: x.entry }),
      })),
    }),
  };
}

/**
 * The one write path of the ledger: validated (amount = quantity × unit price; an asset package's rights add up
 * to its area; every linked entry exists and is of the product), written with links and audit event, or nothing.
 */
export async function saveRealisations(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  changes: ReadonlyArray<{ id?: number; raw: RawRealisation; expectedVersion?: number }>,
): Promise<number[]> {
  if (!EDITORS.includes(actor.role)) throw forbidEdit();
  const ctx = await ledgerContext(db, set);
  const { realisations, issues } = validateRealisations(
    ctx,
    changes.map((c) => c.raw),
  );
  if (issues.length) throw new ValidationError(issues);
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (const [i, change] of changes.entries()) {
      const r = realisations[i]!;
      const data = storedRealisation(change.raw, r);
      let id = change.id;
      if (id !== undefined) {
        const [old] = await tx.query<RealisationRow>('select * from realisations where id = $1 for update', [
          id,
        ]);
        if (!old)
          throw new NotFoundError({ zh: `价值实现记录 ${id} 不存在`, en: `no realisation record ${id}` });
        if (old.status !== 'draft')
          throw new ConflictError({
            zh: `价值实现记录 ${id} 已提交或已审核，不能修改；须先退回或重新打开`,
            en: `realisation record ${id} is ${old.status}: it cannot change until it is returned or reopened`,
          });
        if (change.expectedVersion !== undefined && old.version !== change.expectedVersion)
          throw new ConflictError({
            zh: `价值实现记录 ${id} 已被他人修改；请重新载入，您的修改未保存`,
            en: `realisation record ${id} was changed by someone else; reload: your changes were not saved`,
          });
        await tx.query(
          `update realisations set kind = $2, year = $3, product = $4, amount = $5, data = $6, version = version + 1,
             updated_by = $7, updated_at = now() where id = $1`,
          [id, r.kind, r.year, r.product, r.amount.toString(), JSON.stringify(data), actor.id],
        );
        await tx.query('delete from realisation_entries where realisation_id = $1', [id]);
        await recordEvent(tx, actor, {
          action: 'update',
          entity: 'realisation',
          entityKey: String(id),
          year: r.year,
          oldValue: old.data,
          newValue: data,
        });
      } else {
        const [row] = await tx.query<{ id: number }>(
          `insert into realisations (kind, year, product, amount, data, updated_by) values ($1, $2, $3, $4, $5, $6) returning id`,
          [r.kind, r.year, r.product, r.amount.toString(), JSON.stringify(data), actor.id],
        );
        id = row!.id;
        await recordEvent(tx, actor, {
          action: 'create',
          entity: 'realisation',
          entityKey: String(id),
          year: r.year,
          newValue: data,
        });
      }
      for (const e of r.entries)
        await tx.query('insert into realisation_entries (realisation_id, entry_id) values ($1, $2)', [
          id,
          Number(e),
        ]);
      ids.push(id);
    }
    return ids;
  });
}

/** Approved realisations read back as domain records (validated when written). */
export async function approvedRealisations(db: Db, set: CompiledSet): Promise<Realisation[]> {
  const rows = await listRealisations(db, { status: 'approved' });
  const ctx = await ledgerContext(db, set);
  const { realisations, issues } = validateRealisations(
    ctx,
    rows.map((r) => r.data as RawRealisation),
  );
  if (issues.length) throw new ValidationError(issues);
  return realisations;
}

/** Realisation rate per year with approved accounts or realisations: realised ÷ GEP (at that year's prices). */
export async function realisationSummary(
  db: Db,
  set: CompiledSet,
  profile: string,
): Promise<YearRealisation[]> {
  const realisations = await approvedRealisations(db, set);
  const geps: GepOfYear[] = [];
  for (const year of await approvedYears(db)) {
    const a = await accountYear(db, set, profile, year);
    if (a) geps.push({ year, gep: a.region.gep, productValues: a.region.productValues });
  }
  const entries = await listEntries(db);
  const townOf = new Map(entries.map((e) => [String(e.id), e.township_id]));
  const withRealised = new Set(realisations.map((r) => r.year));
  // the trend covers the years something was realised in
  return realisationRates(set, realisations, geps, townOf).filter((y) => withRealised.has(y.year));
}

// ───────────────────────────── the list and its snapshots ─────────────────────────────

/**
 * The approved register with its figures for a year, as a list snapshot: quantities and values from the year's
 * approved accounts (at that year's prices) or as entered.
 */
export async function registerSnapshot(
  db: Db,
  set: CompiledSet,
  profile: string,
  year: number,
): Promise<RegisterSnapshot> {
  const rows = await listEntries(db, { status: 'approved' });
  const townships = await listTownships(db);
  const region = await getRegion(db);
  const year_ = await accountYear(db, set, profile, year);
  const accountOf = new Map(year_?.region.townships.map((t) => [t.township, t]) ?? []);
  const ids = townships.map((t) => t.id);
  const entries = rows.map((row) => {
    const entry = entryFromStored(set, row.data, ids);
    const f = entryFigure(set, entry, accountOf.get(entry.township));
    return {
      id: row.id,
      stored: row.data,
      figure: {
        ...(f.quantity && { quantity: f.quantity.toString() }),
        ...(f.unit && { unit: f.unit }),
        ...(f.value && { value: f.value.toString() }),
        ...(f.missing && { missing: f.missing }),
      },
    };
  });
  const priceYear = year_?.region.prices?.year ?? year;
  return {
    format: REGISTER_FORMAT,
    year,
    set: { id: set.id, version: set.version, hash: set.hash },
    profile,
    priceYear,
    region: { zh: region?.name_zh ?? '', en: region?.name_en ?? '' },
    townships: townships.map((t) => ({ id: t.id, zh: t.name_zh, en: t.name_en })),
    products: set.products.map((p) => ({ id: p.id, zh: p.labels.zh, en: p.labels.en, category: p.category })),
    components: set.components.map((c) => ({ id: c.id, zh: c.labels.zh, en: c.labels.en })),
    entries,
  };
}

export interface PublishedRegister {
  id: number;
  year: number;
  snapshot: RegisterSnapshot;
  content_hash: string;
  published_at: Date;
  published_by_name: string | null;
}

/** Freezes the list of a year as a numbered snapshot with its content hash; later changes never alter it. */
export async function publishRegister(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  profile: string,
  year: number,
): Promise<number> {
  if (actor.role !== 'admin' && actor.role !== 'reviewer' && actor.role !== 'system')
    throw new ForbiddenError({
      zh: '只有审核员或管理员可以发布目录清单',
      en: 'only reviewers and admins publish the list',
    });
  const snapshot = await registerSnapshot(db, set, profile, year);
  if (!snapshot.entries.length)
    throw new ConflictError({ zh: '目录中没有已审核的条目', en: 'the register has no approved entries' });
  const hash = sha256(canonicalJson(snapshot));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      'insert into published_registers (year, snapshot, content_hash, published_by) values ($1, $2, $3, $4) returning id',
      [year, JSON.stringify(snapshot), hash, actor.id],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: 'register_list',
      entityKey: String(row!.id),
      year,
      newValue: { entries: snapshot.entries.length, set: `${set.id}@${set.version}`, hash },
    });
    return row!.id;
  });
}

export async function listPublishedRegisters(db: Db): Promise<Omit<PublishedRegister, 'snapshot'>[]> {
  return db.query(
    `select p.id, p.year, p.content_hash, p.published_at, coalesce(u.display_name, u.username) as published_by_name
     from published_registers p left join users u on u.id = p.published_by order by p.id desc`,
  );
}

export async function getPublishedRegister(db: Db, id: number): Promise<PublishedRegister> {
  const [row] = await db.query<PublishedRegister>(
    `select p.*, coalesce(u.display_name, u.username) as published_by_name
     from published_registers p left join users u on u.id = p.published_by where p.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError({ zh: `目录清单 ${id} 不存在`, en: `no published list ${id}` });
  return row;
}

/** True when the stored snapshot still hashes to the hash recorded at publication. */
export const snapshotIntact = (p: PublishedRegister) => sha256(canonicalJson(p.snapshot)) === p.content_hash;
