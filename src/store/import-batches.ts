/**
 * An import between upload and commit: every row of the file with what importing it does (new record, changed,
 * unchanged, skipped because the record is locked, or blank) and its field changes, written once at upload
 * (one statement per BULK_ROWS rows), then read a page at a time for the preview and all at once for the commit.
 * The per-township summary is worked out here, once, and kept in the batch's payload.
 */
import type { InputRecord } from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import type { RawRecord } from '../domain/inputs.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import {
  BULK_ROWS,
  recordEventJson,
  recordWrite,
  refuseEntry,
  refuseFields,
  refuseWrite,
  sameOverrides,
  eachMergedChange,
  storedOverrides,
  storedValues,
  type FieldDiff,
  type StoredChange,
  type RecordStatus,
  type StoredOverrides,
  type StoredValues,
  type RecordWriteRow,
  writeRecords,
} from './survey.js';

export type RowOutcome = 'new' | 'changed' | 'unchanged' | 'locked' | 'blank';
export const ROW_OUTCOMES: readonly RowOutcome[] = ['new', 'changed', 'unchanged', 'locked', 'blank'];

/** What importing one row of the file does. */
export interface PlannedRow {
  /** Its place among the file's rows, from 0. */
  n: number;
  sheet?: string;
  fileRow?: number;
  township: string;
  year: number;
  outcome: RowOutcome;
  /** Of a locked row: the stored record's status. */
  status?: RecordStatus;
  /** field → [old, new]; of a locked row, what the file would change but does not. */
  diff: FieldDiff;
  /** Of a new or changed row with external quantities: those the file gives (merged into the stored ones). */
  overrides?: StoredOverrides;
  expectedVersion?: number | null;
}

/** One township's rows in the file, by outcome, and the number of fields the import changes. */
export interface TownshipSummary {
  township: string;
  rows: number;
  new: number;
  changed: number;
  unchanged: number;
  locked: number;
  blank: number;
  fields: number;
}

export interface ImportSummary {
  townships: TownshipSummary[];
  total: Omit<TownshipSummary, 'township'>;
}

/** The stored state of a record, as the plan needs it. */
export interface StoredRecord {
  values: StoredValues;
  overrides: StoredOverrides;
  status: RecordStatus;
  version: number;
}

const overrideText = (o: StoredOverrides[string] | undefined) => (o ? `${o.quantity} (${o.source})` : null);

/** A validated record as the plan needs it: its values as stored text (made once, by storedValues). */
const storedOf = (r: InputRecord | StoredChange) =>
  'stored' in r ? r.stored : { values: storedValues(r), overrides: storedOverrides(r) };

/** What importing one record does, its changed fields passed to `change` (see planImport). */
function planRecord(
  record: InputRecord | StoredChange,
  old: StoredRecord | undefined,
  change: (field: string, before: string | null, after: string | null) => void,
): { outcome: RowOutcome; fields: number; overrides: StoredOverrides } {
  const { values, overrides } = storedOf(record);
  let fields = 0;
  const count = (f: string, a: string | null, b: string | null) => {
    fields++;
    change(f, a, b);
  };
  // the fields diffStored(old, mergeValues(old, values)) lists, in its order, without the merged copy
  eachMergedChange(old?.values, values, count);
  for (const [cid, o] of Object.entries(overrides)) {
    const before = overrideText(old?.overrides[cid]);
    if (before !== overrideText(o)) count(`overrides.${cid}`, before, overrideText(o));
  }
  const anyGiven = Object.keys(values).length > 0 || Object.keys(overrides).length > 0;
  const outcome: RowOutcome =
    old && old.status !== 'draft'
      ? 'locked'
      : fields
        ? old
          ? 'changed'
          : 'new'
        : anyGiven
          ? 'unchanged'
          : 'blank';
  return { outcome, fields, overrides };
}

const zeroSummary = (): Omit<TownshipSummary, 'township'> => ({
  rows: 0,
  new: 0,
  changed: 0,
  unchanged: 0,
  locked: 0,
  blank: 0,
  fields: 0,
});

/** Adds one row (or a summary) to a per-township summary and the total. */
function addToSummary(
  byTownship: Map<string, TownshipSummary>,
  total: Omit<TownshipSummary, 'township'>,
  township: string,
  s: Omit<TownshipSummary, 'township'>,
) {
  let into = byTownship.get(township);
  if (!into) byTownship.set(township, (into = { township, ...zeroSummary() }));
  for (const x of [into, total]) for (const k of SUMMARY_KEYS) x[k] += s[k];
}

const SUMMARY_KEYS = ['rows', ...ROW_OUTCOMES, 'fields'] as const;

/**
 * Pure: each validated record of the file (as decimals, or already as stored text) against its stored record. A submitted or approved record is locked:
 * its row is skipped (and said so), whether blank (a fresh template for the year) or changing values (return or
 * reopen it first). Changed external quantities are fields "overrides.<component>", shown "quantity (source)".
 */
export function planImport(
  records: readonly (InputRecord | StoredChange)[],
  stored: (township: string, year: number) => StoredRecord | undefined,
  origins: readonly (RawRecord['origin'] | undefined)[] = [],
): { rows: PlannedRow[]; summary: ImportSummary } {
  const rows: PlannedRow[] = [];
  const byTownship = new Map<string, TownshipSummary>();
  const total = zeroSummary();
  records.forEach((record, n) => {
    const { township, year } = record;
    const old = stored(township, year);
    const diff: FieldDiff = {};
    const { outcome, fields, overrides } = planRecord(record, old, (f, a, b) => (diff[f] = [a, b]));
    const write = outcome === 'new' || outcome === 'changed';
    rows.push({
      n,
      sheet: origins[n]?.sheet,
      fileRow: origins[n]?.row,
      township,
      year,
      outcome,
      status: outcome === 'locked' ? old!.status : undefined,
      diff,
      overrides: write && Object.keys(overrides).length ? overrides : undefined,
      expectedVersion: write ? (old?.version ?? null) : undefined,
    });
    addToSummary(byTownship, total, township, oneRow(outcome, write ? fields : 0));
  });
  return { rows, summary: { townships: [...byTownship.values()], total } };
}

/** One row's part of a summary. */
const oneRow = (outcome: RowOutcome, fields: number) => {
  const s = zeroSummary();
  s.rows = 1;
  s[outcome] = 1;
  s.fields = fields;
  return s;
};

/** The stored records of the given township-years, in one query. */
async function storedRecords(db: Db, records: readonly (InputRecord | StoredChange)[]) {
  const found = new Map<string, StoredRecord>();
  if (!records.length) return found;
  const keys = [...new Map(records.map((r) => [`${r.township}/${r.year}`, r])).values()];
  const rows = await db.query<StoredRecord & { township_id: string; year: number }>(
    `select r.township_id, r.year, r.values, r.overrides, r.status, r.version from survey_records r
       join json_to_recordset($1::json) as k(township_id text, year int)
         on r.township_id = k.township_id and r.year = k.year`,
    [JSON.stringify(keys.map((r) => ({ township_id: r.township, year: r.year })))],
  );
  for (const r of rows) found.set(`${r.township_id}/${r.year}`, r);
  return found;
}

/**
 * A diff as the batch keeps it: field numbers into the batch's list of fields, old values (left out when all are
 * blank, as of a new record) and new values. Half the bytes of field → [old, new] for a row of 80 fields.
 */
interface StoredDiff {
  f: number[];
  o?: (string | null)[];
  n: (string | null)[];
}

function decodeDiff(d: StoredDiff, fields: readonly string[]): FieldDiff {
  const diff: FieldDiff = {};
  d.f.forEach((i, k) => (diff[fields[i]!] = [d.o?.[k] ?? null, d.n[k] ?? null]));
  return diff;
}

export interface BatchPayload {
  summary: ImportSummary;
  /** The fields the rows' diffs number. */
  fields: string[];
  /** Anything else the preview shows (a land-parcel layer's summary). */
  [extra: string]: unknown;
}

/**
 * An import planned and staged part by part as its validated records arrive: for each part (at most BULK_ROWS
 * records) its stored records are read in one query, each row planned and encoded at once into the text of the
 * statement that stages it, and that statement sent. The rows go to a batch in status `staging`, which no page
 * shows and no commit takes, each part in a statement (and a transaction) of its own: on either database the rows
 * are stored while the file is read on (on the embedded database, which runs on this thread, while the XLSX is read
 * on its own thread), and no transaction is held open meanwhile. What is held is the per-township summary and the
 * list of fields: never the records or diffs of the whole file. `stage` makes the batch pending in one transaction;
 * `abort` deletes it and its rows.
 */
export interface ImportPlan {
  add(
    records: readonly (InputRecord | StoredChange)[],
    origins?: readonly (RawRecord['origin'] | undefined)[],
  ): Promise<void>;
  /** Gives up the plan: the batch staged so far and its rows are deleted. */
  abort(): Promise<void>;
  /** Makes the staged batch pending, with its summary; returns its id. If it cannot, the batch is deleted. */
  stage(): Promise<number>;
}

export function importPlan(
  db: Db,
  userId: number,
  file: string,
  set: Pick<CompiledSet, 'id' | 'version'>,
  extra: Record<string, unknown> = {},
): ImportPlan {
  const fields: string[] = [];
  const numbers = new Map<string, number>();
  const fieldNumber = (f: string) => {
    let i = numbers.get(f);
    if (i === undefined) numbers.set(f, (i = fields.push(f) - 1));
    return i;
  };
  const byTownship = new Map<string, TownshipSummary>();
  const total = zeroSummary();
  let planned = 0;
  // the batch, made with the first part staged
  let batchId: Promise<number> | undefined;
  const batch = () =>
    (batchId ??= db
      .query<{ id: number }>(
        `insert into import_batches (user_id, file_name, set_id, set_version, payload, status)
         values ($1, $2, $3, $4, '{}', 'staging') returning id`,
        [userId, file, set.id, set.version],
      )
      .then(([b]) => b!.id));
  const abort = async () => {
    const id = await batchId?.catch(() => undefined);
    if (id === undefined) return;
    await db.query('delete from import_batches where id = $1', [id]);
    await reclaim(db, 'import_batch_rows');
  };
  return {
    async add(records, origins) {
      for (let first = 0; first < records.length; first += BULK_ROWS) {
        const part = records.slice(first, first + BULK_ROWS);
        const stored = await storedRecords(db, part);
        const rows = part.map((record, k) => {
          const { township, year } = record;
          const old = stored.get(`${township}/${year}`);
          // the diff as the batch keeps it (StoredDiff), made as the fields are compared
          const f: number[] = [];
          const o: (string | null)[] = [];
          const n: (string | null)[] = [];
          let anyOld = false;
          const { outcome, fields, overrides } = planRecord(record, old, (field, a, b) => {
            f.push(fieldNumber(field));
            o.push(a);
            n.push(b);
            if (a !== null) anyOld = true;
          });
          const write = outcome === 'new' || outcome === 'changed';
          addToSummary(byTownship, total, township, oneRow(outcome, write ? fields : 0));
          const origin = origins?.[first + k];
          return {
            n: planned + k,
            sheet: origin?.sheet ?? null,
            file_row: origin?.row ?? null,
            township,
            year,
            outcome,
            status: outcome === 'locked' ? old!.status : null,
            diff: anyOld ? { f, o, n } : { f, n },
            given: write && Object.keys(overrides).length ? { overrides } : null,
            expected_version: write ? (old?.version ?? null) : null,
          };
        });
        planned += part.length;
        await db.query(
          `insert into import_batch_rows (batch_id, n, sheet, file_row, township_id, year, outcome, status, diff, given, expected_version)
           select $1, r.n, r.sheet, r.file_row, r.township, r.year, r.outcome, r.status, r.diff, r.given, r.expected_version
           from json_to_recordset($2::json) as r(n int, sheet text, file_row int, township text, year int,
             outcome text, status text, diff json, given json, expected_version int)`,
          [await batch(), JSON.stringify(rows)],
        );
      }
    },
    abort,
    async stage() {
      const id = await batch();
      // a batch that cannot be made pending is not left behind
      const failed = async (e: unknown): Promise<never> => {
        await abort().catch(() => {});
        throw e;
      };
      return db
        .transaction(async (tx) => {
          const summary: ImportSummary = { townships: [...byTownship.values()], total };
          const staged = await tx.query(
            "update import_batches set status = 'pending', payload = $2 where id = $1 and status = 'staging' returning id",
            [id, JSON.stringify({ ...extra, summary, fields } satisfies BatchPayload)],
          );
          if (!staged.length) throw new Error(`import batch ${id} is no longer being staged`);
          // a preview left pending for a week is discarded, and its rows dropped; so is an upload that never
          // finished staging (its server stopped meanwhile) after a day
          await tx.query(
            `with old as (update import_batches set status = 'discarded'
             where (status = 'pending' and created_at < now() - interval '${STALE_DAYS} days')
                or (status = 'staging' and created_at < now() - interval '1 day') returning id)
           delete from import_batch_rows where batch_id in (select id from old)`,
          );
          return id;
        })
        .catch(failed);
    },
  };
}

/**
 * Plans an import of validated records and keeps it as a pending batch (importPlan: a part at a time, the stored
 * records read and the rows staged; the batch made pending at the end, or deleted on a failure). Returns its id.
 */
export async function stageImport(
  db: Db,
  userId: number,
  file: string,
  set: Pick<CompiledSet, 'id' | 'version'>,
  records: readonly (InputRecord | StoredChange)[],
  origins?: readonly (RawRecord['origin'] | undefined)[],
  extra: Record<string, unknown> = {},
): Promise<number> {
  const plan = importPlan(db, userId, file, set, extra);
  try {
    await plan.add(records, origins);
  } catch (e) {
    await plan.abort();
    throw e;
  }
  return plan.stage();
}

export interface ImportBatch {
  id: number;
  user_id: number;
  file_name: string;
  set_id: string;
  set_version: string;
  status: 'staging' | 'pending' | 'committed' | 'discarded';
  created_at: Date;
  payload: BatchPayload;
}

/** A batch of the user's own; anyone else's is not found. */
export async function getBatch(db: Db, id: number, userId: number): Promise<ImportBatch> {
  const [b] = await db.query<ImportBatch>('select * from import_batches where id = $1', [id]);
  // a batch still being staged is not there yet
  if (!b || b.user_id !== userId || b.status === 'staging')
    throw new NotFoundError({ zh: '导入批次不存在', en: 'no such import' });
  return b;
}

export const PAGE_ROWS = 50;

/** Days a pending preview is kept. */
export const STALE_DAYS = 7;

export interface RowFilter {
  township?: string;
  outcome?: RowOutcome;
}

/** One page of a batch's rows in file order (page from 1), with the number of rows the filter keeps. */
export async function batchRows(
  db: Db,
  batch: ImportBatch,
  page: number,
  filter: RowFilter = {},
): Promise<{ rows: PlannedRow[]; count: number; pages: number; page: number }> {
  const s = filter.township
    ? batch.payload.summary.townships.find((x) => x.township === filter.township)
    : batch.payload.summary.total;
  const count = s ? (filter.outcome ? s[filter.outcome] : s.rows) : 0;
  const pages = Math.max(1, Math.ceil(count / PAGE_ROWS));
  const at = Math.min(Math.max(1, page), pages);
  const params: unknown[] = [batch.id];
  let where = 'batch_id = $1';
  if (filter.township) where += ` and township_id = $${params.push(filter.township)}`;
  if (filter.outcome) where += ` and outcome = $${params.push(filter.outcome)}`;
  const rows = await db.query<{
    n: number;
    sheet: string | null;
    file_row: number | null;
    township_id: string;
    year: number;
    outcome: RowOutcome;
    status: RecordStatus | null;
    diff: StoredDiff;
  }>(
    `select n, sheet, file_row, township_id, year, outcome, status, diff from import_batch_rows
     where ${where} order by n limit ${PAGE_ROWS} offset ${(at - 1) * PAGE_ROWS}`,
    params,
  );
  return {
    rows: rows.map((r) => ({
      n: r.n,
      sheet: r.sheet ?? undefined,
      fileRow: r.file_row ?? undefined,
      township: r.township_id,
      year: r.year,
      outcome: r.outcome,
      status: r.status ?? undefined,
      diff: decodeDiff(r.diff, batch.payload.fields),
    })),
    count,
    pages,
    page: at,
  };
}

/** A staged row to write, as the commit reads it. */
interface StagedRow {
  n: number;
  township_id: string;
  year: number;
  diff: StoredDiff;
  given: { overrides?: StoredOverrides } | null;
  expected_version: number | null;
}

/** A stored record as the commit locks it: its status, version and external quantities (not its values). */
interface LockedRow {
  township_id: string;
  year: number;
  status: RecordStatus;
  version: number;
  overrides: StoredOverrides;
}

/** A batch's field as the commit writes it, JSON-quoted once (not once per row). */
interface BatchField {
  name: string;
  key: string;
  override: boolean;
  input: string;
  landClass?: string;
}

const batchFields = (fields: readonly string[]): BatchField[] =>
  fields.map((f) => {
    const dot = f.indexOf('.');
    return {
      name: f,
      key: JSON.stringify(f),
      override: f.startsWith('overrides.'),
      input: JSON.stringify(dot < 0 ? f : f.slice(0, dot)),
      landClass: dot < 0 ? undefined : JSON.stringify(f.slice(dot + 1)),
    };
  });

/**
 * One part's staged rows checked (refuseWrite, refuseFields: as saveRecords checks them) against their locked
 * records, as the record writes and audit events writeRecords takes. A record at the version its row was staged
 * against has the values the upload diffed (every write of a record moves its version), so the staged diff is
 * the record's diff: its new values are what the write merges into the stored ones, and its field → [old, new]
 * the audit event's, as saveRecords would work them out from the stored values (which are not read here).
 */
async function partWrites(
  tx: Db,
  actor: Actor,
  set: CompiledSet,
  fields: readonly BatchField[],
  rows: readonly StagedRow[],
  locked: readonly LockedRow[],
): Promise<{ records: RecordWriteRow[]; events: string[] }> {
  const states = new Map(locked.map((r) => [`${r.township_id}/${r.year}`, r]));
  const records: RecordWriteRow[] = [];
  const events: string[] = [];
  for (const r of rows) {
    const township = r.township_id;
    const { year } = r;
    const state = states.get(`${township}/${year}`);
    await refuseWrite(tx, actor, township, year, state, r.expected_version);
    const existed = state !== undefined;
    // the staged diff, less what the record would not change; external quantities are worked out below
    const { f, o, n } = r.diff;
    let oldFields = '';
    let newFields = '';
    let flat = '';
    let nested: Map<string, string> | undefined;
    const changed: string[] = [];
    for (let k = 0; k < f.length; k++) {
      const field = fields[f[k]!]!;
      const to = n[k] ?? null;
      const from = o?.[k] ?? null;
      if (field.override || to === null || to === from) continue;
      const value = JSON.stringify(to);
      if (existed) oldFields += `,${field.key}:${from === null ? 'null' : JSON.stringify(from)}`;
      newFields += `,${field.key}:${value}`;
      if (field.landClass === undefined) flat += `,${field.input}:${value}`;
      else {
        nested ??= new Map();
        nested.set(field.input, `${nested.get(field.input) ?? ''},${field.landClass}:${value}`);
      }
      changed.push(field.name);
    }
    const before = state?.overrides ?? {};
    const given = r.given?.overrides ?? {};
    const overrides = Object.keys(given).length ? { ...before, ...given } : before;
    const overridesChanged = !sameOverrides(before, overrides);
    if (existed && !changed.length && !overridesChanged) continue;
    await refuseFields(tx, actor, set, township, year, changed, overridesChanged);
    const overridesJson = JSON.stringify(overrides);
    if (overridesChanged) newFields += `,"overrides":${overridesJson}`;
    const perClass = nested
      ? [...nested].map(([input, classes]) => `,${input}:{${classes.slice(1)}}`).join('')
      : '';
    records.push({
      existed,
      township,
      year,
      json: recordWrite({
        township,
        year,
        existed,
        version: (state?.version ?? 0) + 1,
        // a new record's values are the staged ones, whole (flat and per-class inputs are distinct keys): the
        // database stores them as sent instead of merging the two
        values: existed
          ? { flat: `{${flat.slice(1)}}`, nested: `{${perClass.slice(1)}}` }
          : { whole: `{${(flat + perClass).slice(1)}}` },
        overrides: overridesJson,
      }),
    });
    events.push(
      recordEventJson({
        township,
        year,
        existed,
        oldFields: oldFields.slice(1),
        newFields: newFields.slice(1),
      }),
    );
  }
  return { records, events };
}

/**
 * Commits a pending batch: its new and changed rows, as staged (validated at upload against the same set version,
 * which is checked; their townships checked again), with the batch marked committed and an audit event, in one
 * transaction. A record changed since the preview (its version differs) refuses the whole batch: nothing is
 * written. Checked and written as saveRecords checks and writes (partWrites, writeRecords), without reading the
 * stored values into this process.
 */
export async function commitBatch(db: Db, actor: Actor, set: CompiledSet, batch: ImportBatch): Promise<void> {
  if (batch.status !== 'pending')
    throw new ConflictError({ zh: '该批次已处理', en: 'this import was committed or discarded already' });
  if (batch.set_id !== set.id || batch.set_version !== set.version)
    throw new ConflictError({
      zh: '参数集已更换，请重新上传',
      en: 'the coefficient set changed; upload again',
    });
  // the staged values were validated at upload against this set version (checked above) and staged as the text
  // storedValues made of them, in the set's units: they are written as they are, not read into decimals again
  // (converted once). What may have changed since the upload is checked here: a township removed meanwhile.
  const gone = await db.query<{ township_id: string; year: number }>(
    `select b.township_id, b.year from import_batch_rows b
     where b.batch_id = $1 and b.outcome in ('new', 'changed')
       and not exists (select 1 from townships t where t.id = b.township_id)
     order by b.n`,
    [batch.id],
  );
  if (gone.length)
    throw new ValidationError(
      gone.map((r) => ({
        township: r.township_id,
        year: r.year,
        field: 'township',
        message: {
          zh: `未知乡镇"${r.township_id}"（上传后已被删除），请重新上传`,
          en: `unknown township "${r.township_id}" (removed since the upload); upload again`,
        },
      })),
    );
  const { total } = batch.payload.summary;
  const toWrite = total.new + total.changed;
  const fields = batchFields(batch.payload.fields);
  await db.transaction(async (tx) => {
    // claimed first: of two commits of one batch racing, the second finds it no longer pending
    const claimed = await tx.query(
      "update import_batches set status = 'committed' where id = $1 and status = 'pending' returning id",
      [batch.id],
    );
    if (!claimed.length)
      throw new ConflictError({ zh: '该批次已处理', en: 'this import was committed or discarded already' });
    // BULK_ROWS staged rows at a time, in file order: read with their records (locked), checked, written, dropped
    // (memory flat in the number of rows); all parts in this one transaction: all land, or none. A file names
    // each township-year once (validated at upload), so no record is in two parts. The next part is asked for
    // before this one is written, so the database reads it while this process works out this part's writes and
    // writes this part while this process works out the next's; what fails first in file order is what is said.
    const part = (after: number) => {
      const range = `batch_id = $1 and outcome in ('new', 'changed') and n > $2`;
      const read = Promise.all([
        tx.query<StagedRow>(
          `select n, township_id, year, diff, given, expected_version from import_batch_rows
           where ${range} order by n limit ${BULK_ROWS}`,
          [batch.id, after],
        ),
        tx.query<LockedRow>(
          `select r.township_id, r.year, r.status, r.version, r.overrides from survey_records r
             join (select township_id, year from import_batch_rows where ${range} order by n limit ${BULK_ROWS}) b
               on b.township_id = r.township_id and b.year = r.year
           for update of r`,
          [batch.id, after],
        ),
      ]);
      read.catch(() => {}); // awaited below, after the write before it
      return read;
    };
    let writing: Promise<void> = Promise.resolve();
    // an error of the write before wins over a later one (it is earlier in the file, and it aborted the transaction)
    const inOrder = async <T>(run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (e) {
        await writing;
        throw e;
      }
    };
    if (toWrite > 0) refuseEntry(actor);
    let next = toWrite > 0 ? part(-1) : undefined;
    let read = 0;
    while (next) {
      const [rows, locked] = await inOrder(() => next!);
      if (!rows.length) break;
      read += rows.length;
      next = read < toWrite ? part(rows.at(-1)!.n) : undefined;
      const { records, events } = await inOrder(() => partWrites(tx, actor, set, fields, rows, locked));
      const write = writeRecords(tx, actor, set, records, events);
      write.catch(() => {}); // awaited after the next part is worked out
      await writing;
      writing = write;
    }
    await writing;
    await tx.query('delete from import_batch_rows where batch_id = $1', [batch.id]);
    await recordEvent(tx, actor, {
      action: 'import',
      entity: 'import_batch',
      entityKey: String(batch.id),
      newValue: {
        file: batch.file_name,
        records: toWrite,
        changes: total.fields,
      },
    });
  });
  await reclaim(db, 'import_batch_rows, survey_records', { analyze: true });
}

/** Discards a pending batch and its rows. */
export async function discardBatch(db: Db, batch: ImportBatch): Promise<void> {
  await db.transaction(async (tx) => {
    const done = await tx.query(
      "update import_batches set status = 'discarded' where id = $1 and status = 'pending' returning id",
      [batch.id],
    );
    if (done.length) await tx.query('delete from import_batch_rows where batch_id = $1', [batch.id]);
  });
  await reclaim(db, 'import_batch_rows');
}

/**
 * The embedded database has no autovacuum (it is PostgreSQL in single-user mode): the rows an import deletes (its
 * staged rows) and replaces (the records it changes) would stay as dead space, and a table grow with every import
 * (≈ 17 MB of staged rows per 10,000-row import, measured by `npm run bench:import`). They are vacuumed after the
 * batch is done with (≈ 0.1–0.2 s after a 10,000-row import); PostgreSQL's autovacuum does this on its own. After a
 * commit the records are also analyzed (≈ 0.1 s more after a 10,000-row import): without statistics the planner
 * guesses, and it guessed a nested loop for a query the reports sent (see townshipsWithout in accounts.ts).
 */
async function reclaim(db: Db, tables: string, o: { analyze?: boolean } = {}): Promise<void> {
  if (db.kind !== 'postgres') await db.exec(`vacuum ${o.analyze ? '(analyze) ' : ''}${tables}`);
}
