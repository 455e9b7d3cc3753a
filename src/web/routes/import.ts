import { Router, type Request } from 'express';
import { singleUpload } from '../upload.js';
import { readCsvTable, readXlsxTable, tablePartValidator } from '../../io/table-input.js';
import { templateCsv, templateWorkbook } from '../../io/template.js';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { listTownships, townshipInfo, type Township } from '../../store/regions.js';
import { listRecords, recordYears } from '../../store/survey.js';
import {
  batchRows,
  commitBatch,
  discardBatch,
  getBatch,
  importPlan,
  ROW_OUTCOMES,
  type ImportPlan,
} from '../../store/import-batches.js';
import type { Db } from '../../store/db.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';

/**
 * Reads and checks an uploaded template: every problem by sheet, row, column. Validated in parts (of an XLSX, as
 * it is read), each part turned at once into the text it is stored as and planned against the stored records
 * (an import fills in what the file gives; blank cells keep what is stored) and staged in a batch no one sees yet:
 * the plan, for its batch to be made pending, only when the file has no problem; otherwise the batch is deleted.
 */
export async function readUpload(
  db: Db,
  set: CompiledSet,
  file: { originalname: string; buffer: Buffer },
  townships: Parameters<typeof tablePartValidator>[1],
  /** The uploader: the batch (theirs) is staged while the file is read (importPlan). */
  userId: number,
): Promise<{ issues: InputIssue[]; plan?: ImportPlan }> {
  const isCsv = file.originalname.toLowerCase().endsWith('.csv');
  const plan = importPlan(db, userId, file.originalname, set);
  const validator = tablePartValidator(set, townships, { allowMissing: true }, (records, origins) =>
    plan.add(records, origins),
  );
  // a failure of the plan (the database) while the file is read is the server's, not the file's
  let planFailed: { error: unknown } | undefined;
  const validate = (t: Parameters<typeof validator.validate>[0]) =>
    validator.validate(t).catch((error: unknown) => {
      planFailed = { error };
      throw error;
    });
  let table;
  try {
    table = isCsv
      ? readCsvTable(set, file.buffer.toString('utf8'))
      : await readXlsxTable(set, file.buffer, validate);
  } catch (e) {
    if (planFailed) {
      await plan.abort();
      throw planFailed.error;
    }
    const issue: InputIssue = {
      message: {
        zh: `无法读取文件"${file.originalname}"：不是有效的 ${isCsv ? 'CSV' : 'XLSX'} 文件（${(e as Error).message}）`,
        en: `cannot read "${file.originalname}": not a valid ${isCsv ? 'CSV' : 'XLSX'} file (${(e as Error).message})`,
      },
    };
    await plan.abort();
    return { issues: [issue] };
  }
  try {
    const { issues } = await validator.finish(table);
    if (!issues.length) return { issues, plan };
    await plan.abort();
    return { issues };
  } catch (e) {
    await plan.abort();
    throw e;
  }
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
    const list = await listTownships(db);
    const { issues, plan } = await readUpload(db, set, req.file, list.map(townshipInfo), req.user!.id);
    if (issues.length)
      return page(
        res,
        'import/upload',
        {
          title: res.locals.t('nav_import'),
          years,
          fileName: req.file.originalname,
          set,
          ...refusal(issues, list),
        },
        422,
      );
    const id = await plan!.stage();
    res.redirect(303, `/import/${id}`);
  });

  r.get('/import/:id', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const batch = await getBatch(db, positiveInt(req.params.id) ?? 0, req.user!.id);
    const set = await activeSet(req);
    const township = typeof req.query.township === 'string' ? req.query.township : undefined;
    const outcome = ROW_OUTCOMES.find((o) => o === req.query.outcome);
    const rows = await batchRows(db, batch, positiveInt(req.query.page) ?? 1, { township, outcome });
    page(res, 'import/preview', {
      title: res.locals.t('preview'),
      batch,
      set,
      rows,
      filter: { township, outcome },
      townships: await listTownships(db),
    });
  });

  r.post('/import/:id/commit', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const batch = await getBatch(db, positiveInt(req.params.id) ?? 0, req.user!.id);
    await commitBatch(db, actorOf(req.user!), await activeSet(req), batch);
    res.redirect(303, `/import/${batch.id}?committed=1`);
  });

  r.post('/import/:id/discard', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    await discardBatch(db, await getBatch(db, positiveInt(req.params.id) ?? 0, req.user!.id));
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
  const years = await recordYears(dbOf(req));
  const next = (years.at(-1) ?? new Date().getFullYear() - 1) + 1;
  return [...years, next];
}

/** The most errors one page lists; the rest are counted per township and per field. */
export const LISTED_ISSUES = 200;

/**
 * A refused file as the upload page shows it: the errors per township (rows with an error, errors) and per
 * field, and the first LISTED_ISSUES errors in file order, each with its row, field and reason. Nothing is kept.
 */
export function refusal(issues: readonly InputIssue[], townships: readonly Township[]) {
  const byTownship = new Map<string, { township: string; rows: Set<number | string>; errors: number }>();
  const byField = new Map<string, { field: string; errors: number; rows: (number | undefined)[] }>();
  for (const i of issues) {
    const t = i.township !== undefined ? String(i.township) : '';
    let s = byTownship.get(t);
    if (!s) byTownship.set(t, (s = { township: t, rows: new Set(), errors: 0 }));
    s.errors++;
    s.rows.add(i.row ?? `${t}/${String(i.year)}`);
    const f = i.field ?? '';
    let g = byField.get(f);
    if (!g) byField.set(f, (g = { field: f, errors: 0, rows: [] }));
    g.errors++;
    if (g.rows.length < 5) g.rows.push(i.row);
  }
  const sorted = [...issues].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return {
    issues: sorted.slice(0, LISTED_ISSUES),
    issueCount: issues.length,
    errorTownships: [...byTownship.values()]
      .filter((s) => s.township)
      .map((s) => ({ township: s.township, rows: s.rows.size, errors: s.errors })),
    errorFields: [...byField.values()].filter((g) => g.field).sort((a, b) => b.errors - a.errors),
    townshipNames: new Map(townships.map((t) => [t.id, { zh: t.name_zh, en: t.name_en }])),
  };
}
