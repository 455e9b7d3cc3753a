/**
 * The eco-product register (生态产品目录), its published list (目录清单), the realisation ledger (价值实现台账)
 * and the procurement list (政府采购目录). Thin: the domain validates and computes, the store writes with audit
 * events, report models shape the tables; this file reads requests and picks views.
 */
import { Router, type Request, type Response } from 'express';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { singleUpload } from '../upload.js';
import { Dec, formatFixed } from '../../domain/decimal.js';
import type { InputIssue } from '../../domain/inputs.js';
import {
  ENTRY_FIELDS,
  GRADE_LABELS,
  KIND_LABELS,
  MANY_TOWNSHIPS,
  OWNERSHIP_LABELS,
  QUALITY_GRADES,
  OWNERSHIPS,
  QUANTITY_SOURCES,
  REALISATION_KINDS,
  SOURCE_LABELS,
  procurementLines,
  entryFigure,
  validateEntries,
  type EntryField,
  type RawEntry,
  type RawRealisation,
} from '../../domain/register.js';
import { priceList, priceRows } from '../../report/price-list.js';
import { readRegisterXlsx, registerListWorkbook, registerTemplate } from '../../io/register-xlsx.js';
import { registerListModel, formatQuantity, type RegisterSnapshot } from '../../report/register-list.js';
import { accountYear, approvedYears } from '../../store/accounts.js';
import { recordEvent } from '../../store/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import {
  addEvidence,
  changeStatus,
  entryFromStored,
  getEntry,
  getEvidence,
  getPublishedRegister,
  listEntries,
  listEvidence,
  listPublishedRegisters,
  listRealisations,
  publishRegister,
  realisationSummary,
  registerSnapshot,
  saveEntries,
  saveRealisations,
  snapshotIntact,
} from '../../store/register.js';
import { listTownships, townshipInfo } from '../../store/regions.js';
import { getSettings } from '../../store/settings.js';
import type { WorkflowAction } from '../../store/survey.js';
import type { Role } from '../../store/users.js';
import type ExcelJS from 'exceljs';

const EDIT: Role[] = ['editor', 'admin'];
const ACTIONS: WorkflowAction[] = ['submit', 'approve', 'return', 'reopen'];

const entryId = (req: Request) => {
  const id = positiveInt(req.params.id);
  if (!id) throw new NotFoundError({ zh: '目录条目不存在', en: 'no such register entry' });
  return id;
};

const rawFromBody = (body: Record<string, unknown>): RawEntry =>
  Object.fromEntries(
    (Object.keys(ENTRY_FIELDS) as EntryField[]).map((k) => [k, typeof body[k] === 'string' ? body[k] : '']),
  );

/** Everything an entry form needs to offer names, not ids. */
async function formChoices(req: Request) {
  const set = await activeSet(req);
  return {
    set,
    townships: await listTownships(dbOf(req)),
    fields: ENTRY_FIELDS,
    grades: QUALITY_GRADES.map((g) => ({ id: g, label: GRADE_LABELS[g] })),
    ownerships: OWNERSHIPS.map((o) => ({ id: o, label: OWNERSHIP_LABELS[o] })),
    sources: QUANTITY_SOURCES.map((s) => ({ id: s, label: SOURCE_LABELS[s] })),
  };
}

async function showEntry(
  req: Request,
  res: Response,
  o: { id?: number; values?: Record<string, string>; issues?: InputIssue[]; status?: number } = {},
) {
  const db = dbOf(req);
  const row = o.id !== undefined ? await getEntry(db, o.id) : undefined;
  const choices = await formChoices(req);
  const L = (zh: string, en: string) => (req.lang === 'en' ? en : zh);
  // the entry's figure in the latest approved year, as the list shows it
  let figure: { year: number; figure: ReturnType<typeof entryFigure> } | undefined;
  const years = await approvedYears(db);
  const year = years[years.length - 1];
  if (row && year) {
    const { profile } = await getSettings(db);
    const accounts = await accountYear(db, choices.set, profile, year);
    const entry = entryFromStored(
      choices.set,
      row.data,
      choices.townships.map((t) => t.id),
    );
    const account = accounts?.region.townships.find((a) => a.township === entry.township);
    figure = { year, figure: entryFigure(choices.set, entry, account) };
  }
  page(
    res,
    'register/entry',
    {
      title: row ? row.data.name : L('新增目录条目', 'New register entry'),
      row,
      values: o.values ?? row?.data ?? { source: 'accounts', share: '1', tradable: 'yes' },
      evidence: row ? await listEvidence(db, row.id) : [],
      figure,
      formatQuantity,
      issues: o.issues ?? [],
      editable: !row || (row.status === 'draft' && EDIT.includes(req.user!.role)),
      ...choices,
    },
    o.status,
  );
}

async function listYear(req: Request): Promise<number | undefined> {
  const years = await approvedYears(dbOf(req));
  const asked = yearParam(req.query.year);
  return asked && years.includes(asked) ? asked : years[years.length - 1];
}

async function sendWorkbook(res: Response, wb: ExcelJS.Workbook, name: string) {
  res
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .attachment(name)
    .send(Buffer.from(await wb.xlsx.writeBuffer()));
}

function showList(req: Request, res: Response, snapshot: RegisterSnapshot, extra: Record<string, unknown>) {
  const list = registerListModel(snapshot, req.lang);
  if (req.query.format === 'xlsx')
    return sendWorkbook(res, registerListWorkbook(list), `eco-product-list-${snapshot.year}.xlsx`);
  page(res, 'register/list', { title: list.title, list, snapshot, ...extra });
}

async function showLedger(
  req: Request,
  res: Response,
  o: { values?: Record<string, unknown>; issues?: InputIssue[]; status?: number } = {},
) {
  const db = dbOf(req);
  const set = await activeSet(req);
  const { profile } = await getSettings(db);
  const entries = await listEntries(db);
  page(
    res,
    'register/realisation',
    {
      title: req.lang === 'en' ? 'Value realisation ledger' : '生态产品价值实现台账',
      rows: await listRealisations(db),
      years: await realisationSummary(db, set, profile),
      entries,
      entryName: new Map(entries.map((e) => [e.id, e.data.name])),
      set,
      productName: new Map(set.products.map((p) => [p.id, p.labels])),
      kinds: REALISATION_KINDS.map((k) => ({ id: k, label: KIND_LABELS[k] })),
      kindLabels: KIND_LABELS,
      MANY_TOWNSHIPS,
      yuan: (text: string) => formatFixed(new Dec(text), 2),
      qty: (text: string) => formatQuantity(new Dec(text)),
      values: o.values ?? {},
      issues: o.issues ?? [],
    },
    o.status,
  );
}

class ShowOnIndex extends Error {
  constructor(readonly issues: InputIssue[]) {
    super('import refused');
  }
}

async function showIndex(req: Request, res: Response, issues: InputIssue[] = [], status?: number) {
  const db = dbOf(req);
  const set = await activeSet(req);
  page(
    res,
    'register/index',
    {
      title: req.lang === 'en' ? 'Eco-product register' : '生态产品目录',
      entries: await listEntries(db),
      productName: new Map(set.products.map((p) => [p.id, p.labels])),
      published: await listPublishedRegisters(db),
      issues,
    },
    status,
  );
}

export function registerRoutes() {
  const r = Router();

  r.get('/register', requireRole(...ANY_ROLE), (req, res) => showIndex(req, res));

  r.get('/register/template.xlsx', requireRole(...ANY_ROLE), async (_req, res) =>
    sendWorkbook(res, registerTemplate(), 'eco-product-register-template.xlsx'),
  );

  // import: upload → every problem listed, nothing written; or a preview of the rows → confirm → one commit
  r.post('/register/import', requireRole(...EDIT), singleUpload(), async (req, res) => {
    try {
      await importFile(req, res);
    } catch (e) {
      if (!(e instanceof ShowOnIndex)) throw e;
      await showIndex(req, res, e.issues, 422);
    }
  });

  const importFile = async (req: Request, res: Response) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const file = req.file;
    // problems are listed on the register page, by sheet, row and field, and nothing is written
    const fail = (issues: InputIssue[]): never => {
      throw new ShowOnIndex(issues);
    };
    if (!file) fail([{ field: 'file', message: { zh: '请选择文件', en: 'choose a file' } }]);
    if (!file!.originalname.toLowerCase().endsWith('.xlsx'))
      fail([
        {
          field: 'file',
          message: {
            zh: '请上传 XLSX 文件（下载模板填写）',
            en: 'upload an XLSX file (fill in the template)',
          },
        },
      ]);
    const { rows, issues } = await readRegisterXlsx(file!.buffer, file!.originalname);
    if (issues.length) fail(issues);
    if (!rows.length)
      fail([{ field: 'file', message: { zh: '文件中没有条目', en: 'the file has no entries' } }]);
    const townships = (await listTownships(db)).map(townshipInfo);
    const checked = validateEntries({ set, townships }, rows);
    if (checked.issues.length) fail(checked.issues);
    const [batch] = await db.query<{ id: number }>(
      `insert into import_batches (user_id, file_name, set_id, set_version, payload) values ($1, $2, $3, $4, $5) returning id`,
      [req.user!.id, file!.originalname, set.id, set.version, JSON.stringify({ register: rows })],
    );
    page(res, 'register/import-preview', {
      title: req.lang === 'en' ? 'Import preview' : '导入预览',
      batch: batch!.id,
      fileName: file!.originalname,
      rows: checked.stored,
      set,
    });
  };

  r.post('/register/import/:batch', requireRole(...EDIT), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const id = positiveInt(req.params.batch);
    const [batch] = await db.query<{ payload: { register?: RawEntry[] }; status: string; user_id: number }>(
      'select payload, status, user_id from import_batches where id = $1',
      [id ?? 0],
    );
    if (!batch || !batch.payload.register || batch.user_id !== req.user!.id)
      throw new NotFoundError({ zh: '导入批次不存在', en: 'no such import' });
    if (batch.status !== 'pending')
      throw new ConflictError({
        zh: '该批次已导入或已放弃',
        en: 'this import was already committed or discarded',
      });
    const ids = await saveEntries(
      db,
      actorOf(req.user!),
      set,
      batch.payload.register.map((raw) => ({ raw })),
    );
    await db.query("update import_batches set status = 'committed' where id = $1", [id]);
    await recordEvent(db, actorOf(req.user!), {
      action: 'import',
      entity: 'register_entry',
      entityKey: `batch/${id}`,
      newValue: { entries: ids },
    });
    res.redirect(303, `/register?imported=${ids.length}`);
  });

  r.get('/register/new', requireRole(...EDIT), (req, res) => showEntry(req, res));
  r.post('/register/new', requireRole(...EDIT), async (req, res) => {
    const raw = rawFromBody(req.body);
    try {
      const [id] = await saveEntries(dbOf(req), actorOf(req.user!), await activeSet(req), [{ raw }]);
      res.redirect(303, `/register/${id}?saved=1`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await showEntry(req, res, {
        values: raw as Record<string, string>,
        issues: [...e.issues],
        status: 422,
      });
    }
  });

  // the list (目录清单) of the approved register for a year, live; XLSX in the official layout
  r.get('/register/list', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const year = await listYear(req);
    if (!year) throw new ConflictError({ zh: '没有已审核的核算数据', en: 'no approved accounts' });
    const { profile } = await getSettings(db);
    const snapshot = await registerSnapshot(db, await activeSet(req), profile, year);
    await showList(req, res, snapshot, { years: await approvedYears(db), live: true });
  });

  r.post('/register/list/publish', requireRole('reviewer', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const year = yearParam(req.body.year);
    if (!year)
      throw new ValidationError([{ field: 'year', message: { zh: '请选择年份', en: 'choose a year' } }]);
    const { profile } = await getSettings(db);
    const id = await publishRegister(db, actorOf(req.user!), await activeSet(req), profile, year);
    res.redirect(303, `/register/published/${id}`);
  });

  r.get('/register/published/:id', requireRole(...ANY_ROLE), async (req, res) => {
    const p = await getPublishedRegister(dbOf(req), positiveInt(req.params.id) ?? 0);
    await showList(req, res, p.snapshot, { published: p, intact: snapshotIntact(p) });
  });

  // the public page (like the public price list): the latest published list, when the administrator enables it
  r.get('/catalogue', async (req, res, next) => {
    const db = dbOf(req);
    const settings = await getSettings(db);
    if (!settings.publicRegister && !req.user) return requireRole(...ANY_ROLE)(req, res, next);
    const [latest] = await listPublishedRegisters(db);
    if (!latest)
      throw new NotFoundError({
        zh: '尚未发布生态产品目录清单',
        en: 'no list of eco-products has been published yet',
      });
    const p = await getPublishedRegister(db, latest.id);
    await showList(req, res, p.snapshot, { published: p, intact: snapshotIntact(p), isPublic: true });
  });

  // the procurement list (政府采购目录): regulating-service entries, reference price and implied budget
  r.get('/register/procurement', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const year = await listYear(req);
    if (!year) throw new ConflictError({ zh: '没有已审核的核算数据', en: 'no approved accounts' });
    const { profile } = await getSettings(db);
    const snapshot = await registerSnapshot(db, set, profile, year);
    const ids = snapshot.townships.map((t) => t.id);
    const lines = procurementLines(
      set,
      snapshot.entries
        .filter((e) => e.stored.tradable === 'yes')
        .map((e) => ({
          id: String(e.id),
          entry: entryFromStored(set, e.stored, ids),
          figure: {
            quantity: e.figure.quantity ? new Dec(e.figure.quantity) : undefined,
            unit: e.figure.unit,
            value: e.figure.value ? new Dec(e.figure.value) : undefined,
          },
        })),
    );
    const byId = new Map(snapshot.entries.map((e) => [String(e.id), e]));
    // the published prices each line's value rests on: the scalar money parameters of its value formulas,
    // restated to the year's prices where the set does so (the 公示价格 page lists the same rows)
    const prices = priceRows(set, req.lang, year).filter((p) => !p.landClass);
    const basis = new Map(
      lines.map((l) => {
        const e = byId.get(l.entry)!.stored;
        const product = set.products.find((p) => p.id === l.product)!;
        const used = new Set(
          set.components
            .filter((c) => (e.component ? c.id === e.component : product.componentIds.includes(c.id)))
            .flatMap((c) => c.parametersUsed),
        );
        return [
          l.entry,
          prices
            .filter((p) => used.has(p.parameter) && p.unit.includes('元'))
            .map((p) => ({ name: p.parameterName, value: p.restated || p.value, unit: p.unit })),
        ];
      }),
    );
    const budget = lines.reduce((a, l) => a.plus(l.budget ?? 0), new Dec(0));
    page(res, 'register/procurement', {
      title: req.lang === 'en' ? 'Government procurement list of eco-products' : '生态产品政府采购目录',
      year,
      years: await approvedYears(db),
      lines,
      byId,
      budget,
      basis,
      priceRef: priceList(set, req.lang),
      set,
      snapshot,
      formatQuantity,
    });
  });

  r.get('/register/:id', requireRole(...ANY_ROLE), (req, res) => showEntry(req, res, { id: entryId(req) }));

  r.post('/register/:id', requireRole(...EDIT), async (req, res) => {
    const id = entryId(req);
    const raw = rawFromBody(req.body);
    try {
      await saveEntries(dbOf(req), actorOf(req.user!), await activeSet(req), [
        { id, raw, expectedVersion: positiveInt(req.body.version) },
      ]);
      res.redirect(303, `/register/${id}?saved=1`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await showEntry(req, res, {
        id,
        values: raw as Record<string, string>,
        issues: [...e.issues],
        status: 422,
      });
    }
  });

  r.post('/register/:id/status', requireRole(...ANY_ROLE), async (req, res) => {
    const id = entryId(req);
    const action = ACTIONS.find((a) => a === req.body.action);
    if (!action)
      throw new ValidationError([{ field: 'action', message: { zh: '未知操作', en: 'unknown action' } }]);
    await changeStatus(
      dbOf(req),
      actorOf(req.user!),
      'register_entry',
      { id, expectedVersion: positiveInt(req.body.version), reason: req.body.reason },
      action,
    );
    res.redirect(303, `/register/${id}`);
  });

  r.post('/register/:id/evidence', requireRole(...EDIT), singleUpload(), async (req, res) => {
    const id = entryId(req);
    if (!req.file)
      throw new ValidationError([{ field: 'file', message: { zh: '请选择文件', en: 'choose a file' } }]);
    await addEvidence(dbOf(req), actorOf(req.user!), id, {
      name: Buffer.from(req.file.originalname, 'latin1').toString('utf8'),
      bytes: req.file.buffer,
    });
    res.redirect(303, `/register/${id}`);
  });

  r.get('/register/:id/evidence/:doc', requireRole(...ANY_ROLE), async (req, res) => {
    const doc = await getEvidence(dbOf(req), entryId(req), positiveInt(req.params.doc) ?? 0);
    res.type(doc.media_type).attachment(doc.file_name).send(Buffer.from(doc.content));
  });

  // the realisation ledger: records, totals by township, product and kind, the rate and its trend
  r.get('/realisation', requireRole(...ANY_ROLE), (req, res) => showLedger(req, res));

  r.post('/realisation', requireRole(...EDIT), async (req, res) => {
    const db = dbOf(req);
    const b = req.body as Record<string, unknown>;
    const rights = String(b.rights ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [holder, rightType, areaHm2, entry] = l.split(/\s*[|｜]\s*/);
        return { holder, rightType, areaHm2, entry };
      });
    const raw: RawRealisation = {
      ...Object.fromEntries(
        [
          'kind',
          'date',
          'contractNo',
          'buyer',
          'seller',
          'product',
          'quantity',
          'unit',
          'unitPrice',
          'amount',
          'packageArea',
          'operator',
          'terms',
        ].map((k) => [k, typeof b[k] === 'string' ? b[k] : '']),
      ),
      entries: ([] as unknown[]).concat(b.entries ?? []).map(String),
      ...(rights.length && { rights }),
    };
    try {
      await saveRealisations(db, actorOf(req.user!), await activeSet(req), [{ raw }]);
      res.redirect(303, '/realisation?saved=1');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await showLedger(req, res, {
        values: { ...b, entries: raw.entries },
        issues: [...e.issues],
        status: 422,
      });
    }
  });

  r.post('/realisation/:id/status', requireRole(...ANY_ROLE), async (req, res) => {
    const id = positiveInt(req.params.id);
    const action = ACTIONS.find((a) => a === req.body.action);
    if (!id || !action)
      throw new ValidationError([{ field: 'action', message: { zh: '未知操作', en: 'unknown action' } }]);
    await changeStatus(
      dbOf(req),
      actorOf(req.user!),
      'realisation',
      { id, expectedVersion: positiveInt(req.body.version), reason: req.body.reason },
      action,
    );
    res.redirect(303, '/realisation');
  });

  return r;
}
