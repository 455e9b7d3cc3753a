import type { InputRecord } from '../domain/accounting.js';
import type { Dec } from '../domain/decimal.js';
import { validateRecords, type InputIssue, type RawRecord } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { listTownships, townshipInfo, townshipLabel } from './regions.js';
import { fieldsOutOfScope, isRestricted, mayEditTownship } from '../domain/scope.js';
import { dataVersion, memoByVersion } from './version.js';

export type RecordStatus = 'draft' | 'submitted' | 'approved';

/** Stored values: input id → decimal text in the set's unit, or land class → decimal text. */
export type StoredValues = Record<string, string | Record<string, string>>;
export type StoredOverrides = Record<string, { quantity: string; source: string }>;

export interface SurveyRow {
  township_id: string;
  year: number;
  set_id: string;
  set_version: string;
  values: StoredValues;
  overrides: StoredOverrides;
  status: RecordStatus;
  version: number;
  updated_at: Date;
  updated_by: number | null;
  submitted_by: number | null;
  approved_by: number | null;
  updated_by_name?: string | null;
  submitted_by_name?: string | null;
  approved_by_name?: string | null;
  /** Display names, for people to read (the *_name fields are usernames, for the API). */
  updated_by_display?: string | null;
  submitted_by_display?: string | null;
  approved_by_display?: string | null;
  returned_by_display?: string | null;
  /** Why a reviewer returned (or reopened) the record; cleared when it is submitted again. */
  returned_reason: string | null;
  returned_action: 'return' | 'reopen' | null;
  returned_by: number | null;
  returned_at: Date | null;
  /** The values when the record was last approved (kept through a return or a reopening); null if never. */
  approved_values: StoredValues | null;
  approved_at: Date | null;
  approved_snapshot_by: number | null;
  approved_snapshot_by_display?: string | null;
  approved_snapshot_by_name?: string | null;
}

/** The status a person reads: a draft that a reviewer sent back is 已退回 (returned) until resubmitted. */
export type DisplayStatus = RecordStatus | 'returned';
export const displayStatus = (r: Pick<SurveyRow, 'status' | 'returned_reason'>): DisplayStatus =>
  r.status === 'draft' && r.returned_reason ? 'returned' : r.status;

export function storedValues(r: InputRecord): StoredValues {
  const out: StoredValues = {};
  for (const [id, v] of r.values) {
    if (!(v instanceof Map)) {
      out[id] = (v as Dec).toString();
      continue;
    }
    const perClass: Record<string, string> = {};
    for (const [c, x] of v) perClass[c] = x.toString();
    out[id] = perClass;
  }
  return out;
}

export function storedOverrides(r: InputRecord): StoredOverrides {
  return Object.fromEntries(
    [...(r.overrides ?? new Map())].map(([c, o]) => [
      c,
      { quantity: o.quantity.toString(), source: o.source },
    ]),
  );
}

export const rawFromRow = (
  row: Pick<SurveyRow, 'township_id' | 'year' | 'values' | 'overrides'>,
): RawRecord => ({
  township: row.township_id,
  year: row.year,
  values: row.values,
  overrides: row.overrides,
});

const SELECT = `select r.*, u.username as updated_by_name, s.username as submitted_by_name, a.username as approved_by_name,
    u.display_name as updated_by_display, s.display_name as submitted_by_display,
    a.display_name as approved_by_display, b.display_name as returned_by_display,
    p.display_name as approved_snapshot_by_display, p.username as approved_snapshot_by_name
  from survey_records r left join users u on u.id = r.updated_by left join users s on s.id = r.submitted_by
  left join users a on a.id = r.approved_by left join users b on b.id = r.returned_by
  left join users p on p.id = r.approved_snapshot_by`;

export async function getRecord(
  db: Db,
  township: string,
  year: number,
  lock = false,
): Promise<SurveyRow | undefined> {
  const [row] = await db.query<SurveyRow>(
    lock
      ? 'select * from survey_records where township_id = $1 and year = $2 for update'
      : `${SELECT} where r.township_id = $1 and r.year = $2`,
    [township, year],
  );
  return row;
}

export async function listRecords(
  db: Db,
  filter: { year?: number; status?: RecordStatus } = {},
): Promise<SurveyRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.year) where.push(`r.year = $${params.push(filter.year)}`);
  if (filter.status) where.push(`r.status = $${params.push(filter.status)}`);
  return db.query<SurveyRow>(
    `${SELECT} ${where.length ? 'where ' + where.join(' and ') : ''} order by r.year, r.township_id`,
    params,
  );
}

/** A record as the data grid shows it: its status and who moved it there, not its values. */
export type RecordStatusRow = Pick<
  SurveyRow,
  'township_id' | 'year' | 'status' | 'returned_reason' | 'submitted_by_display' | 'returned_by_display'
>;

/**
 * Every record's status (RecordStatusRow), by year and township: what the data grid needs, without the values (at
 * 1,000 townships × 2 years, listRecords read 2,000 records' values for it: ≈ 430 ms a page).
 */
export async function listRecordStatuses(db: Db): Promise<RecordStatusRow[]> {
  return db.query<RecordStatusRow>(
    `select r.township_id, r.year, r.status, r.returned_reason,
       s.display_name as submitted_by_display, b.display_name as returned_by_display
     from survey_records r left join users s on s.id = r.submitted_by left join users b on b.id = r.returned_by
     order by r.year, r.township_id`,
  );
}

/** The years with any record, oldest first; kept behind the data version. */
export async function recordYears(db: Db): Promise<number[]> {
  return memoByVersion(db, await dataVersion(db), 'recordYears', async () =>
    (await db.query<{ year: number }>('select distinct year from survey_records order by year')).map(
      (r) => r.year,
    ),
  );
}

/** Validates raw survey data against a set and the registered townships: every problem at once. */
export async function validateSurvey(
  db: Db,
  set: CompiledSet,
  raw: readonly RawRecord[],
  options: { allowMissing?: boolean } = {},
): Promise<{ records: InputRecord[]; issues: InputIssue[] }> {
  const townships = (await listTownships(db)).map(townshipInfo);
  return validateRecords(set, raw, townships, options);
}

/**
 * A record's values already as stored text in the set's units: an import's staged rows, made by storedValues from
 * records validated at upload against the same set version. Written as they are, not read into decimals again.
 */
export interface StoredChange {
  township: string;
  year: number;
  stored: { values: StoredValues; overrides: StoredOverrides };
}

export interface RecordChange {
  record: InputRecord | StoredChange;
  /** The version the user started from; null when they started from no record; undefined skips the check. */
  expectedVersion?: number | null;
  /** The record's overrides are exactly the given ones (an API replace that sends them), not merged in. */
  replaceOverrides?: boolean;
}

export interface FieldChange {
  township: string;
  year: number;
  field: string;
  old: string | null;
  new: string | null;
}

/**
 * A record's changes, compact: field ("input", "input.class") → [old, new], null where there is none. One object
 * per record, whatever the number of fields (an import of 10,000 records makes 10,000 of them, not 800,000).
 */
export type FieldDiff = Record<string, [string | null, string | null]>;

/** What a save did to one record. */
export interface SavedRecord {
  township: string;
  year: number;
  /** The record did not exist before. */
  created: boolean;
  diff: FieldDiff;
  /** The record's external quantities changed (they are not in `diff`). */
  overridesChanged: boolean;
}

/** Field-level differences between stored values and new ones, one pass over both. */
export function diffStored(before: StoredValues | undefined, after: StoredValues): FieldDiff {
  const diff: FieldDiff = {};
  const b = before ?? {};
  for (const id in after) {
    const x = after[id]!;
    const o = b[id];
    if (typeof x === 'string') {
      if (o !== x) diff[id] = [typeof o === 'string' ? o : null, x];
      continue;
    }
    const oc = typeof o === 'object' ? o : undefined;
    for (const c in x) if (oc?.[c] !== x[c]) diff[`${id}.${c}`] = [oc?.[c] ?? null, x[c]!];
    if (oc) for (const c in oc) if (!(c in x)) diff[`${id}.${c}`] = [oc[c]!, null];
  }
  for (const id in b) {
    if (id in after) continue;
    const o = b[id]!;
    if (typeof o === 'string') diff[id] = [o, null];
    else for (const c in o) diff[`${id}.${c}`] = [o[c]!, null];
  }
  return diff;
}

/** A key that JS lists out of insertion order (an array index) or that an object has by inheritance. */
const oddKey = (k: string) => {
  const c = k.charCodeAt(0);
  return (c >= 48 && c <= 57) || k in Object.prototype;
};

/** "input.class" field names, made once (an import names the same few hundred fields on every row). */
const fieldNames = new Map<string, Map<string, string>>();
const fieldName = (id: string, c: string) => {
  let byClass = fieldNames.get(id);
  if (!byClass) {
    if (fieldNames.size > 10_000) fieldNames.clear();
    fieldNames.set(id, (byClass = new Map()));
  }
  let f = byClass.get(c);
  if (f === undefined && byClass.size < 10_000) byClass.set(c, (f = `${id}.${c}`));
  return f ?? `${id}.${c}`;
};

/**
 * The changes of an import in merge mode, as diffStored(before, mergeValues(before, given)) lists them and in its
 * order (field, old, new), without making the merged values: each given field whose text differs from the stored
 * one. Values of a shape the merge treats otherwise (a stored text where a land-class object is given, or the
 * reverse, or null) and keys that JS orders by value (array indexes) go through diffStored and mergeValues.
 */
export function eachMergedChange(
  before: StoredValues | undefined,
  given: StoredValues,
  change: (field: string, old: string | null, now: string) => void,
): void {
  let plain = true;
  for (const id in given) {
    const x = given[id]!;
    const o = before?.[id];
    if (oddKey(id) || x === null || (o !== undefined && (o === null || typeof o !== typeof x))) plain = false;
    else if (typeof x === 'object') for (const c in x) if (oddKey(c)) plain = false;
    if (!plain) break;
  }
  if (!plain) {
    const diff = diffStored(before, mergeValues(before, given));
    for (const f in diff) change(f, diff[f]![0], diff[f]![1]!);
    return;
  }
  const visit = (id: string, o: StoredValues[string] | undefined, x: StoredValues[string]) => {
    if (typeof x === 'string') {
      if (o !== x) change(id, (o as string | undefined) ?? null, x);
      return;
    }
    const oc = o as Record<string, string> | undefined;
    // (an odd key is never given here: its stored value stays, unchanged)
    if (oc)
      for (const c in oc) {
        if (oddKey(c)) continue;
        const v = x[c];
        if (v !== undefined && v !== oc[c]) change(fieldName(id, c), oc[c]!, v);
      }
    for (const c in x) if (oc?.[c] === undefined) change(fieldName(id, c), null, x[c]!);
  };
  // the merged values list the stored fields first, in their order, then the given ones not stored
  if (before)
    for (const id in before) if (!oddKey(id) && given[id] !== undefined) visit(id, before[id], given[id]);
  for (const id in given) if (before?.[id] === undefined) visit(id, undefined, given[id]!);
}

/** diffStored(before, mergeValues(before, given)), made by eachMergedChange. */
export function diffMerged(before: StoredValues | undefined, given: StoredValues): FieldDiff {
  const diff: FieldDiff = {};
  eachMergedChange(before, given, (f, o, n) => (diff[f] = [o, n]));
  return diff;
}

/** One record's changes as a list (a form or the API says them field by field). */
export const fieldChanges = (r: Pick<SavedRecord, 'township' | 'year' | 'diff'>): FieldChange[] =>
  Object.entries(r.diff).map(([field, [o, n]]) => ({
    township: r.township,
    year: r.year,
    field,
    old: o,
    new: n,
  }));

/** Field-level differences between stored values and new ones ("input" or "input.class"). */
export function diffValues(
  township: string,
  year: number,
  before: StoredValues | undefined,
  after: StoredValues,
): FieldChange[] {
  return fieldChanges({ township, year, diff: diffStored(before, after) });
}

export function mergeValues(before: StoredValues | undefined, given: StoredValues): StoredValues {
  const out: StoredValues = { ...(before ?? {}) };
  for (const [id, v] of Object.entries(given))
    out[id] =
      typeof v === 'string' ? v : { ...((before?.[id] as Record<string, string> | undefined) ?? {}), ...v };
  return out;
}

/** Whether two records' external quantities are the same (quantity and source of each component). */
export const sameOverrides = (a: StoredOverrides, b: StoredOverrides) => {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k]?.quantity === a[k]!.quantity && b[k]?.source === a[k]!.source);
};

/**
 * Records per statement of a bulk write. The rows go as one JSON text per statement; the embedded database
 * copies a statement's text whole into its own memory and parses it there, and the text passes through several
 * buffers on its way in, so a few MB per statement cost less time and far less memory than one statement of
 * 10,000 records. 500 records of 80 values (≈ 2.5–3.3 MB) rather than 1,000 lowered the peak of a 10,000-row
 * import and re-import on the embedded database from 523–526 MB to 477–498 MB, in no more time (measured with a
 * heap growing factor of 1.25, since dropped; `npm run bench:import`). The statements run in one transaction: all
 * of them land, or none.
 */
export const BULK_ROWS = 500;

/** A list in parts of at most BULK_ROWS. */
export function* bulkParts<T>(list: readonly T[], size = BULK_ROWS): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/** Only editors and admins (and the system) enter survey data. */
export function refuseEntry(actor: Actor): void {
  if (actor.role !== 'editor' && actor.role !== 'admin' && actor.role !== 'system')
    throw new ForbiddenError({
      zh: '只有填报员或管理员可以录入数据',
      en: 'only editors and admins enter data',
    });
}

/** A stored record as a write checks it (read and locked in the write's transaction). */
export interface LockedRecord {
  status?: RecordStatus;
  version: number | null;
}

/**
 * The checks every write of a record passes before its values are looked at, in this order: the clerk's
 * townships, the record's status (submitted or approved records are locked), the version the user started from.
 */
export async function refuseWrite(
  tx: Db,
  actor: Actor,
  township: string,
  year: number,
  state: LockedRecord | undefined,
  expectedVersion: number | null | undefined,
): Promise<void> {
  const name = () => townshipLabel(tx, township);
  if (!mayEditTownship(actor.scope, township))
    throw new ForbiddenError({
      zh: `您负责的乡镇不包括${(await name()).zh}，不能修改其数据`,
      en: `${(await name()).en} is not one of your townships: you cannot change its data`,
    });
  if (state?.status && state.status !== 'draft')
    throw new ConflictError({
      zh: `${(await name()).zh} ${year} 年数据${state.status === 'approved' ? '已审核锁定' : '已提交待审'}，不能修改；须先退回或重新打开`,
      en: `${(await name()).en} ${year} is ${state.status === 'approved' ? 'approved' : 'submitted'}: it cannot change until it is returned or reopened`,
    });
  const current = state?.version ?? null;
  if (expectedVersion !== undefined && current !== expectedVersion)
    throw new ConflictError({
      zh: `${(await name()).zh} ${year} 年数据已被他人修改（版本 ${current ?? '无'}，您编辑的是 ${expectedVersion ?? '无'}）；请重新载入后再保存，您的修改未保存`,
      en: `${(await name()).en} ${year} was changed by someone else (version ${current ?? 'none'}, you edited ${expectedVersion ?? 'none'}); reload and save again: your changes were not saved`,
    });
}

/** A clerk bound to departments changes only the fields those departments are responsible for. */
export async function refuseFields(
  tx: Db,
  actor: Actor,
  set: CompiledSet,
  township: string,
  year: number,
  fields: readonly string[],
  overridesChanged: boolean,
): Promise<void> {
  if (!isRestricted(actor.scope)) return;
  const outside = fieldsOutOfScope(actor.scope, set, township, [
    ...fields,
    ...(overridesChanged ? ['overrides'] : []),
  ]);
  if (!outside.length) return;
  const label = (lang: 'zh' | 'en') =>
    outside
      .map((f) => {
        const [id, cls] = f.split('.');
        const input = set.inputs.find((i) => i.id === id);
        const lc = cls ? set.landClasses.find((c) => c.id === cls) : undefined;
        if (!input) return f === 'overrides' ? (lang === 'zh' ? '外部模型数据' : 'modelled quantities') : f;
        return input.labels[lang] + (lc ? '·' + lc.labels[lang] : '') + `（${input.department[lang]}）`;
      })
      .join(lang === 'zh' ? '、' : ', ');
  const name = await townshipLabel(tx, township);
  throw new ForbiddenError({
    zh: `${name.zh} ${year} 年：以下字段不属于您负责的责任单位，不能修改：${label('zh')}`,
    en: `${name.en} ${year}: these fields belong to departments you are not responsible for: ${label('en')}`,
  });
}

/**
 * One record's write as writeRecords sends it: a JSON object (text), made by recordWrite, with the record's
 * whole values, or (an import) the values it changes: `flat` (input → text) and `nested` (input → class → text),
 * merged in the database into the stored ones.
 */
export const recordWrite = (w: {
  township: string;
  year: number;
  existed: boolean;
  version: number;
  /** JSON text of the whole values, or of the changed ones (flat and nested). */
  values: { whole: string } | { flat: string; nested: string };
  /** JSON text. */
  overrides: string;
}) =>
  `{"township_id":${JSON.stringify(w.township)},"year":${w.year},"existed":${w.existed},"version":${w.version},` +
  ('whole' in w.values
    ? `"values":${w.values.whole}`
    : `"flat":${w.values.flat},"nested":${w.values.nested}`) +
  `,"overrides":${w.overrides}}`;

/** A record to write: recordWrite's JSON, and what writeRecords reads of it. */
export interface RecordWriteRow {
  existed: boolean;
  township: string;
  year: number;
  json: string;
}

/**
 * A survey record's audit event as writeRecords sends it (JSON text): field → old and field → new, by id (the audit
 * page names them); a new record had no values before, its event keeps the new ones only (the audit page reads a
 * field missing from old_value as blank). `fields` are JSON texts `"field":value,…` without braces.
 */
export const recordEventJson = (e: {
  township: string;
  year: number;
  existed: boolean;
  oldFields: string;
  newFields: string;
}) =>
  `{"action":"${e.existed ? 'update' : 'create'}","entity_key":${JSON.stringify(`${e.township}/${e.year}`)},"township_id":${JSON.stringify(e.township)},"year":${e.year},` +
  `"old_value":${e.existed ? `{${e.oldFields}}` : 'null'},"new_value":{${e.newFields}}}`;

/**
 * Writes checked records (recordWrite) and their audit events (recordEventJson), in order, one statement per
 * BULK_ROWS of each: the updates of existing records, the inserts of new ones and the events in that one
 * statement (the JSON parsed once), so a part costs one round trip. An import's changed values are merged into
 * the stored ones there (per-class inputs class by class), not read into this process. A new record that another
 * save created meanwhile refuses the whole write.
 */
export async function writeRecords(
  tx: Db,
  actor: Actor,
  set: Pick<CompiledSet, 'id' | 'version'>,
  records: readonly RecordWriteRow[],
  events: readonly string[],
): Promise<void> {
  const parts = Math.ceil(Math.max(records.length, events.length) / BULK_ROWS);
  for (let k = 0; k < parts; k++) {
    const rows = records.slice(k * BULK_ROWS, (k + 1) * BULK_ROWS);
    const evs = events.slice(k * BULK_ROWS, (k + 1) * BULK_ROWS);
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const ctes: string[] = [];
    // statements only for what the part has: the data_version trigger fires once per statement that writes records
    const updates = rows.some((r) => r.existed);
    const inserts = rows.some((r) => !r.existed);
    if (rows.length) {
      const setId = p(set.id);
      const setVersion = p(set.version);
      const by = p(actor.id);
      ctes.push(
        `r as materialized (select * from jsonb_to_recordset(${p('[' + rows.map((r) => r.json).join(',') + ']')}::jsonb)
           as r(township_id text, year int, existed boolean, version int, values jsonb, flat jsonb, nested jsonb, overrides jsonb))`,
      );
      if (updates)
        ctes.push(
          `u as (update survey_records s set set_id = ${setId}, set_version = ${setVersion},
             values = coalesce(r.values, s.values || (r.flat || coalesce((
               select jsonb_object_agg(c.key, case when jsonb_typeof(s.values -> c.key) = 'object' then s.values -> c.key else '{}' end || c.value)
               from jsonb_each(r.nested) c), '{}'))),
             overrides = r.overrides, version = r.version, updated_by = ${by}, updated_at = now()
           from r where r.existed and s.township_id = r.township_id and s.year = r.year)`,
        );
      // a new record: of two saves racing to create it, the second finds it there and is refused; an existing
      // one was locked before (select … for update)
      if (inserts)
        ctes.push(
          `i as (insert into survey_records (township_id, year, set_id, set_version, values, overrides, status, version, updated_by)
             select r.township_id, r.year, ${setId}, ${setVersion}, coalesce(r.values, r.flat || r.nested), r.overrides, 'draft', r.version, ${by}
             from r where not r.existed
             on conflict (township_id, year) do nothing returning township_id, year)`,
        );
    }
    if (evs.length)
      ctes.push(
        `e as (insert into audit_events (user_id, username, action, entity, entity_key, township_id, year, old_value, new_value)
           select ${p(actor.id)}, ${p(actor.username)}, e.action, 'survey_record', e.entity_key, e.township_id, e.year, e.old_value, e.new_value
           from jsonb_to_recordset(${p('[' + evs.join(',') + ']')}::jsonb)
             as e(action text, entity_key text, township_id text, year int, old_value jsonb, new_value jsonb))`,
      );
    const created = await tx.query<{ township_id: string; year: number }>(
      `with ${ctes.join(',\n')} ${inserts ? 'select township_id, year from i' : 'select 1 where false'}`,
      params,
    );
    const fresh = rows.filter((r) => !r.existed);
    if (created.length < fresh.length) {
      const done = new Set(created.map((c) => `${c.township_id}/${c.year}`));
      const lost = fresh.find((r) => !done.has(`${r.township}/${r.year}`))!;
      const name = await townshipLabel(tx, lost.township);
      throw new ConflictError({
        zh: `${name.zh} ${lost.year} 年数据刚被他人创建；请重新载入后再保存，您的修改未保存`,
        en: `${name.en} ${lost.year} was just created by someone else; reload and save again: your changes were not saved`,
      });
    }
  }
}

/**
 * The one write path for survey values (form, import, API): validated records in, all written with their
 * audit events in one transaction, or none. `replace` sets the record to exactly the given values (a form);
 * `merge` changes only the given values (an import or API patch). It sends one select (locking) and, per
 * BULK_ROWS records, one statement (writeRecords): never one per record.
 */
export async function saveRecords(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  changes: readonly RecordChange[],
  mode: 'replace' | 'merge',
): Promise<SavedRecord[]> {
  refuseEntry(actor);
  return db.transaction(async (tx) => {
    // the records read (and locked) at once, then every change worked out in memory in the order given (a
    // record changed twice sees its first change), then the writes and audit events in parts
    const key = (t: string, y: number) => `${t}/${y}`;
    const pairs = [
      ...new Map(changes.map((c) => [key(c.record.township, c.record.year), c.record])).values(),
    ];
    const locked = pairs.length
      ? await tx.query<
          Pick<SurveyRow, 'township_id' | 'year' | 'values' | 'overrides' | 'status' | 'version'>
        >(
          `select r.township_id, r.year, r.values, r.overrides, r.status, r.version from survey_records r
             join json_to_recordset($1::json) as k(township_id text, year int)
               on r.township_id = k.township_id and r.year = k.year
           for update of r`,
          [JSON.stringify(pairs.map((p) => ({ township_id: p.township, year: p.year })))],
        )
      : [];
    interface State {
      township: string;
      year: number;
      status?: RecordStatus;
      existed: boolean;
      values: SurveyRow['values'];
      overrides: SurveyRow['overrides'];
      version: number | null;
      writes: number;
    }
    const states = new Map<string, State>();
    for (const row of locked)
      states.set(key(row.township_id, row.year), {
        township: row.township_id,
        year: row.year,
        status: row.status,
        existed: true,
        values: row.values,
        overrides: row.overrides,
        version: row.version,
        writes: 0,
      });
    const saved: SavedRecord[] = [];
    // the audit events, as JSON text built once per record, sent with the records
    const events: string[] = [];
    for (const { record, expectedVersion, replaceOverrides } of changes) {
      const { township, year } = record;
      const k = key(township, year);
      const state = states.get(k);
      await refuseWrite(tx, actor, township, year, state, expectedVersion);
      const stored = 'stored' in record ? record.stored : undefined;
      const given = stored ? stored.values : storedValues(record as InputRecord);
      const givenOverrides = stored ? stored.overrides : storedOverrides(record as InputRecord);
      const values = mode === 'merge' ? mergeValues(state?.values, given) : given;
      // externally modelled quantities change only where given (the entry form does not carry them),
      // unless the caller replaces them as a whole
      const overrides = replaceOverrides
        ? givenOverrides
        : Object.keys(givenOverrides).length
          ? { ...(state?.overrides ?? {}), ...givenOverrides }
          : (state?.overrides ?? {});
      const diff = diffStored(state?.values, values);
      const fields = Object.keys(diff);
      const overridesChanged = !sameOverrides(state?.overrides ?? {}, overrides);
      if (state && !fields.length && !overridesChanged) continue;
      await refuseFields(tx, actor, set, township, year, fields, overridesChanged);
      const existed = state?.existed ?? false;
      states.set(k, {
        township,
        year,
        status: state?.status,
        existed,
        values,
        overrides,
        version: (state?.version ?? 0) + 1,
        writes: (state?.writes ?? 0) + 1,
      });
      let oldFields = '';
      let newFields = '';
      for (const f of fields) {
        const [o, n] = diff[f]!;
        const q = JSON.stringify(f);
        if (existed) oldFields += `,${q}:${o === null ? 'null' : JSON.stringify(o)}`;
        newFields += `,${q}:${n === null ? 'null' : JSON.stringify(n)}`;
      }
      if (overridesChanged) newFields += `,"overrides":${JSON.stringify(overrides)}`;
      events.push(
        recordEventJson({
          township,
          year,
          existed,
          oldFields: oldFields.slice(1),
          newFields: newFields.slice(1),
        }),
      );
      saved.push({ township, year, created: !existed, diff, overridesChanged });
    }
    const written = [...states.values()].filter((st) => st.writes > 0);
    await writeRecords(
      tx,
      actor,
      set,
      written.map((r) => ({
        existed: r.existed,
        township: r.township,
        year: r.year,
        json: recordWrite({
          township: r.township,
          year: r.year,
          existed: r.existed,
          version: r.version!,
          values: { whole: JSON.stringify(r.values) },
          overrides: JSON.stringify(r.overrides),
        }),
      })),
      events,
    );
    return saved;
  });
}

const at = (t: string, y: number) => ({ township: t, year: y });

export type WorkflowAction = 'submit' | 'approve' | 'return' | 'reopen';

const TRANSITIONS: Record<WorkflowAction, { from: RecordStatus; to: RecordStatus; roles: Actor['role'][] }> =
  {
    submit: { from: 'draft', to: 'submitted', roles: ['editor', 'admin'] },
    approve: { from: 'submitted', to: 'approved', roles: ['reviewer', 'admin'] },
    return: { from: 'submitted', to: 'draft', roles: ['reviewer', 'admin'] },
    reopen: { from: 'approved', to: 'draft', roles: ['reviewer', 'admin'] },
  };

const STATUS_ZH: Record<RecordStatus, string> = { draft: '草稿', submitted: '已提交', approved: '已审核' };

/**
 * Moves a record through draft → submitted → approved (locked); returned or reopened only with a reason.
 * A reviewer never approves what they submitted. Submitting checks the record is complete.
 */
export async function changeStatus(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  target: { township: string; year: number; expectedVersion?: number; reason?: string },
  action: WorkflowAction,
): Promise<SurveyRow> {
  const rule = TRANSITIONS[action];
  if (!rule.roles.includes(actor.role))
    throw new ForbiddenError({
      zh: `您的角色不能${{ submit: '提交审核', approve: '审核通过', return: '退回', reopen: '重新打开' }[action]}`,
      en: `your role cannot ${action} survey data`,
    });
  const reason = target.reason?.trim();
  if ((action === 'reopen' || action === 'return') && !reason)
    throw new ValidationError([
      {
        field: 'reason',
        message: { zh: '退回或重新打开须填写理由', en: 'returning or reopening needs a reason' },
      },
    ]);
  return db.transaction(async (tx) => {
    const { township, year } = target;
    if (!mayEditTownship(actor.scope, township))
      throw new ForbiddenError({
        zh: `您负责的乡镇不包括${(await townshipLabel(tx, township)).zh}`,
        en: `${(await townshipLabel(tx, township)).en} is not one of your townships`,
      });
    const row = await getRecord(tx, township, year, true);
    if (!row)
      throw new NotFoundError({
        zh: `${(await townshipLabel(tx, township)).zh} ${year} 年没有数据`,
        en: `no data for ${(await townshipLabel(tx, township)).en} ${year}`,
      });
    if (target.expectedVersion !== undefined && row.version !== target.expectedVersion)
      throw new ConflictError({
        zh: `数据已被他人修改（版本 ${row.version}，您看到的是 ${target.expectedVersion}）；请重新载入`,
        en: `the data changed (version ${row.version}, you saw ${target.expectedVersion}); reload`,
      });
    if (row.status !== rule.from)
      throw new ConflictError({
        zh: `当前状态为"${STATUS_ZH[row.status]}"，不能${action === 'submit' ? '提交' : action === 'approve' ? '审核通过' : action === 'return' ? '退回' : '重新打开'}`,
        en: `the record is ${row.status}; it cannot be ${action === 'submit' ? 'submitted' : action === 'approve' ? 'approved' : action === 'return' ? 'returned' : 'reopened'}`,
      });
    // four eyes: whoever submitted the record, or changed its values since it was last approved, does not
    // approve it (the audit trail says who changed what)
    if (action === 'approve' && actor.id !== null) {
      const key = `${township}/${year}`;
      const touched = await tx.query(
        `select 1 from audit_events where entity = 'survey_record' and entity_key = $1 and user_id = $2
           and action in ('create', 'update')
           and id > coalesce((select max(id) from audit_events where entity = 'survey_record' and entity_key = $1 and action = 'approve'), 0)
         limit 1`,
        [key, actor.id],
      );
      if (row.submitted_by === actor.id || touched.length)
        throw new ForbiddenError({
          zh: '不能审核自己提交或修改的数据，须由另一位审核员审核',
          en: 'you submitted or changed this record: another reviewer must approve it',
        });
    }
    if (action === 'submit') {
      const { issues } = await validateSurvey(tx, set, [rawFromRow(row)]);
      if (issues.length) throw new ValidationError(issues);
    }
    const [updated] = await tx.query<SurveyRow>(
      `update survey_records set status = $3, version = version + 1,
         submitted_by = case when $4 = 'submit' then $5::int when $3 = 'draft' then null else submitted_by end,
         approved_by = case when $4 = 'approve' then $5::int else null end,
         returned_reason = case when $4 in ('return', 'reopen') then $6 when $4 = 'submit' then null else returned_reason end,
         returned_action = case when $4 in ('return', 'reopen') then $4 when $4 = 'submit' then null else returned_action end,
         returned_by = case when $4 in ('return', 'reopen') then $5::int when $4 = 'submit' then null else returned_by end,
         returned_at = case when $4 in ('return', 'reopen') then now() when $4 = 'submit' then null else returned_at end,
         approved_values = case when $4 = 'approve' then values else approved_values end,
         approved_at = case when $4 = 'approve' then now() else approved_at end,
         approved_snapshot_by = case when $4 = 'approve' then $5::int else approved_snapshot_by end
       where township_id = $1 and year = $2 returning *`,
      [township, year, rule.to, action, actor.id, reason ?? null],
    );
    await recordEvent(tx, actor, {
      action,
      entity: 'survey_record',
      entityKey: `${township}/${year}`,
      ...at(township, year),
      oldValue: { status: row.status, version: row.version },
      newValue: { status: rule.to, version: updated!.version },
      note: reason ?? null,
    });
    return updated!;
  });
}
