import { Router, type Request } from 'express';
import { singleUpload } from '../upload.js';
import { readCsvTable, readXlsxTable, validateTable } from '../../io/table-input.js';
import { templateCsv, templateWorkbook } from '../../io/template.js';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { recordEvent } from '../../store/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import { listTownships, townshipInfo } from '../../store/regions.js';
import {
  diffValues,
  getRecord,
  listRecords,
  rawFromRow,
  saveRecords,
  storedOverrides,
  storedValues,
  validateSurvey,
  type FieldChange,
  type StoredOverrides,
} from '../../store/survey.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';

/** A row of the file that is not imported, and why (said in the preview). */
interface SkippedRow {
  township: string;
  year: number;
  reason: 'locked_blank' | 'locked_changes' | 'blank' | 'unchanged';
  status?: string;
  values?: number;
}

interface BatchRecord {
  township: string;
  year: number;
  values: Record<string, unknown>;
  /** External quantities the file gives (in the component's unit), merged into the stored ones on commit. */
  overrides?: StoredOverrides;
  expectedVersion: number | null;
}

/** Reads and checks an uploaded template: every problem by sheet, row, column; records only when there is none. */
export async function readUpload(
  set: CompiledSet,
  file: { originalname: string; buffer: Buffer },
  townships: Parameters<typeof validateTable>[2],
) {
  const isCsv = file.originalname.toLowerCase().endsWith('.csv');
  let table;
  try {
    table = isCsv ? readCsvTable(set, file.buffer.toString('utf8')) : await readXlsxTable(set, file.buffer);
  } catch (e) {
    const issue: InputIssue = {
      message: {
        zh: `无法读取文件"${file.originalname}"：不是有效的 ${isCsv ? 'CSV' : 'XLSX'} 文件（${(e as Error).message}）`,
        en: `cannot read "${file.originalname}": not a valid ${isCsv ? 'CSV' : 'XLSX'} file (${(e as Error).message})`,
      },
    };
    return { records: [], issues: [issue] };
  }
  // an import fills in what the file gives; blank cells keep what is stored
  return validateTable(set, table, townships, { allowMissing: true });
}

/** Changed external quantities: field "overrides.<component>", shown as "quantity (source)". */
function diffOverrides(
  township: string,
  year: number,
  before: StoredOverrides | undefined,
  given: StoredOverrides,
): FieldChange[] {
  const text = (o: StoredOverrides[string] | undefined) => (o ? `${o.quantity} (${o.source})` : null);
  return Object.entries(given)
    .filter(([cid, o]) => text(before?.[cid]) !== text(o))
    .map(([cid, o]) => ({
      township,
      year,
      field: `overrides.${cid}`,
      old: text(before?.[cid]),
      new: text(o),
    }));
}

/** Per township and field: stored → given; locked and unchanged records skipped (one preview for every import). */
export async function preview(
  req: Request,
  set: CompiledSet,
  records: Awaited<ReturnType<typeof readUpload>>['records'],
) {
  const db = dbOf(req);
  const changes: FieldChange[] = [];
  const issues: InputIssue[] = [];
  const batch: BatchRecord[] = [];
  const skipped: SkippedRow[] = [];
  for (const record of records) {
    const old = await getRecord(db, record.township, record.year);
    const given = storedValues(record);
    const merged = { ...(old?.values ?? {}) };
    for (const [id, v] of Object.entries(given))
      merged[id] =
        typeof v === 'string' ? v : { ...((old?.values[id] as Record<string, string>) ?? {}), ...v };
    const givenOverrides = storedOverrides(record);
    const c = [
      ...diffValues(record.township, record.year, old?.values, merged),
      ...diffOverrides(record.township, record.year, old?.overrides, givenOverrides),
    ];
    const at = { township: record.township, year: record.year };
    // a submitted or approved record is locked: its row is skipped and the preview says so, whether it
    // is blank (a fresh template for the year) or would change values (return or reopen it first)
    if (old && old.status !== 'draft') {
      skipped.push({
        ...at,
        reason: c.length ? 'locked_changes' : 'locked_blank',
        status: old.status,
        values: c.length,
      });
      continue;
    }
    if (!c.length) {
      const anyGiven = Object.keys(given).length || Object.keys(givenOverrides).length;
      skipped.push({ ...at, reason: anyGiven ? 'unchanged' : 'blank' });
      continue;
    }
    changes.push(...c);
    batch.push({
      township: record.township,
      year: record.year,
      values: given,
      overrides: Object.keys(givenOverrides).length ? givenOverrides : undefined,
      expectedVersion: old?.version ?? null,
    });
  }
  return { changes, issues, batch, skipped };
}

export function importRoutes() {
  const r = Router();

  r.get('/import', requireRole('editor', 'admin'), async (req, res) => {
    page(res, 'import/upload', {
      title: res.locals.t('nav_import'),
      issues: [],
      years: await templateYears(req),
    });
  });

  r.post('/import', requireRole('editor', 'admin'), singleUpload());
  r.post('/import', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const years = await templateYears(req);
    if (!req.file)
      return page(
        res,
        'import/upload',
        {
          title: res.locals.t('nav_import'),
          years,
          issues: [{ field: 'file', message: { zh: '请选择要上传的文件', en: 'choose a file to upload' } }],
        },
        422,
      );
    const townships = (await listTownships(db)).map(townshipInfo);
    const { records, issues } = await readUpload(set, req.file, townships);
    const p = issues.length
      ? { changes: [], issues: [], batch: [], skipped: [] }
      : await preview(req, set, records);
    const allIssues = [...issues, ...p.issues];
    if (allIssues.length)
      return page(
        res,
        'import/upload',
        { title: res.locals.t('nav_import'), years, issues: allIssues, fileName: req.file.originalname, set },
        422,
      );
    const [batch] = await db.query<{ id: number }>(
      `insert into import_batches (user_id, file_name, set_id, set_version, payload) values ($1, $2, $3, $4, $5) returning id`,
      [
        req.user!.id,
        req.file.originalname,
        set.id,
        set.version,
        JSON.stringify({ records: p.batch, changes: p.changes, skipped: p.skipped }),
      ],
    );
    res.redirect(303, `/import/${batch!.id}`);
  });

  const loadBatch = async (req: Request) => {
    const [b] = await dbOf(req).query<{
      id: number;
      user_id: number;
      file_name: string;
      set_id: string;
      set_version: string;
      status: string;
      payload: { records: BatchRecord[]; changes: FieldChange[]; skipped?: SkippedRow[] };
    }>('select * from import_batches where id = $1', [positiveInt(req.params.id) ?? 0]);
    if (!b || b.user_id !== req.user!.id)
      throw new NotFoundError({ zh: '导入批次不存在', en: 'no such import' });
    return b;
  };

  r.get('/import/:id', requireRole('editor', 'admin'), async (req, res) => {
    const batch = await loadBatch(req);
    const set = await activeSet(req);
    page(res, 'import/preview', {
      title: res.locals.t('preview'),
      batch,
      set,
      townships: await listTownships(dbOf(req)),
    });
  });

  r.post('/import/:id/commit', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const batch = await loadBatch(req);
    const set = await activeSet(req);
    if (batch.status !== 'pending')
      throw new ConflictError({ zh: '该批次已处理', en: 'this import was committed or discarded already' });
    if (batch.set_id !== set.id || batch.set_version !== set.version)
      throw new ConflictError({
        zh: '参数集已更换，请重新上传',
        en: 'the coefficient set changed; upload again',
      });
    const raw = batch.payload.records.map((b) =>
      rawFromRow({
        township_id: b.township,
        year: b.year,
        values: b.values as never,
        overrides: b.overrides ?? {},
      }),
    );
    const { records, issues } = await validateSurvey(db, set, raw, { allowMissing: true });
    if (issues.length) throw new ValidationError(issues);
    await db.transaction(async (tx) => {
      // claimed first: of two commits of one batch racing, the second finds it no longer pending
      const claimed = await tx.query(
        "update import_batches set status = 'committed' where id = $1 and status = 'pending' returning id",
        [batch.id],
      );
      if (!claimed.length)
        throw new ConflictError({ zh: '该批次已处理', en: 'this import was committed or discarded already' });
      await saveRecords(
        tx,
        actorOf(req.user!),
        set,
        records.map((record, i) => ({ record, expectedVersion: batch.payload.records[i]!.expectedVersion })),
        'merge',
      );
      await recordEvent(tx, actorOf(req.user!), {
        action: 'import',
        entity: 'import_batch',
        entityKey: String(batch.id),
        newValue: { file: batch.file_name, records: records.length, changes: batch.payload.changes.length },
      });
    });
    res.redirect(303, `/import/${batch.id}?committed=1`);
  });

  r.post('/import/:id/discard', requireRole('editor', 'admin'), async (req, res) => {
    const batch = await loadBatch(req);
    await dbOf(req).query(
      "update import_batches set status = 'discarded' where id = $1 and status = 'pending'",
      [batch.id],
    );
    res.redirect(303, '/import');
  });

  // templates and the export of entered data share one layout: what is exported imports back
  r.get(
    ['/template.xlsx', '/template.csv', '/export.xlsx', '/export.csv'],
    requireRole(...ANY_ROLE),
    async (req, res) => {
      const db = dbOf(req);
      const set = await activeSet(req);
      const townships = (await listTownships(db)).map((t) => t.id);
      const exporting = req.path.startsWith('/export');
      const year = yearParam(req.query.year);
      const records = exporting ? await listRecords(db, { year }) : [];
      const years = exporting
        ? [...new Set(records.map((x) => x.year))].sort()
        : [year ?? (await templateYears(req)).at(-1)!];
      const filled = records.map((x) => ({
        township: x.township_id,
        year: x.year,
        values: x.values,
        overrides: x.overrides,
      }));
      const name = `${exporting ? 'gep-data' : 'gep-template'}-${set.id}-${set.version}${year ? '-' + year : ''}`;
      if (req.path.endsWith('.csv')) {
        res.type('text/csv; charset=utf-8').attachment(`${name}.csv`);
        return res.send(templateCsv(set, { townships, years }, filled));
      }
      const wb = templateWorkbook(set, { townships, years }, filled);
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`${name}.xlsx`);
      res.send(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  );
  return r;
}

async function templateYears(req: Request): Promise<number[]> {
  const rows = await dbOf(req).query<{ year: number }>(
    'select distinct year from survey_records order by year',
  );
  const years = rows.map((x) => x.year);
  const next = (years.at(-1) ?? new Date().getFullYear() - 1) + 1;
  return [...years, next];
}
