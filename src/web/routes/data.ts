import { Router, type Request, type Response } from 'express';
import type { RawRecord } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import { getTownship } from '../../store/regions.js';
import {
  changeStatus,
  getRecord,
  saveRecords,
  validateSurvey,
  type StoredValues,
  type WorkflowAction,
} from '../../store/survey.js';
import { pick } from '../i18n.js';
import type { InputIssue } from '../../domain/inputs.js';

/** Form body → raw record: empty fields dropped, units kept where the user picked another one. */
export function rawFromForm(
  set: CompiledSet,
  township: string,
  year: number,
  body: Record<string, unknown>,
): RawRecord {
  const values: Record<string, unknown> = {};
  const units: Record<string, string> = {};
  const given = (body.values ?? {}) as Record<string, unknown>;
  const unitsGiven = (body.units ?? {}) as Record<string, unknown>;
  for (const input of set.inputs) {
    const v = given[input.id];
    if (input.perLandClass && v && typeof v === 'object') {
      const cells = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(
          ([, x]) => typeof x === 'string' && x.trim() !== '',
        ),
      );
      if (Object.keys(cells).length) values[input.id] = cells;
    } else if (typeof v === 'string' && v.trim() !== '') values[input.id] = v.trim();
    const u = unitsGiven[input.id];
    if (typeof u === 'string' && u && u !== input.unit) units[input.id] = u;
  }
  for (const k of Object.keys(given))
    if (!(k in values) && !set.inputs.some((i) => i.id === k)) values[k] = given[k];
  return { township, year, values, units };
}

interface FormState {
  values: Record<string, unknown>;
  units: Record<string, string>;
}

const stateFromStored = (v: StoredValues | undefined): FormState => ({ values: v ?? {}, units: {} });

async function showForm(
  req: Request,
  res: Response,
  extra: {
    state?: FormState;
    issues?: InputIssue[];
    notice?: string;
    conflict?: string;
    status?: number;
  } = {},
) {
  const db = dbOf(req);
  const set = await activeSet(req);
  const year = yearParam(req.params.year);
  if (!year) throw new NotFoundError({ zh: '年份无效', en: 'invalid year' });
  const township = await getTownship(db, String(req.params.township));
  const record = await getRecord(db, township.id, year);
  let state = extra.state ?? stateFromStored(record?.values);
  let notice = extra.notice;
  if (!extra.state && req.query.prefill === 'previous' && (!record || record.status === 'draft')) {
    const prev = await getRecord(db, township.id, year - 1);
    if (prev) {
      state = stateFromStored(prev.values);
      notice = res.locals.t('prefilled_from');
    }
  }
  const issuesByField = new Map<string, string[]>();
  for (const i of extra.issues ?? []) {
    const key = i.field ?? '';
    issuesByField.set(key, [...(issuesByField.get(key) ?? []), pick(req.lang, i.message)]);
  }
  const editable =
    (req.user!.role === 'editor' || req.user!.role === 'admin') && (!record || record.status === 'draft');
  page(
    res,
    'data/form',
    {
      title: `${pick(req.lang, { zh: township.name_zh, en: township.name_en })} ${year}`,
      set,
      township,
      year,
      record,
      state,
      issues: extra.issues ?? [],
      issuesByField,
      notice,
      conflict: extra.conflict,
      editable,
    },
    extra.status,
  );
}

const versionOf = (raw: unknown): number => {
  const v = positiveInt(raw);
  if (v === undefined)
    throw new ValidationError([
      {
        field: 'version',
        message: {
          zh: '缺少数据版本号，请重新载入页面',
          en: 'the record version is missing; reload the page',
        },
      },
    ]);
  return v;
};

export function dataRoutes() {
  const r = Router();
  r.get('/data', requireRole(...ANY_ROLE), (_req, res) => res.redirect('/'));
  r.get('/data/:township/:year', requireRole(...ANY_ROLE), (req, res) => showForm(req, res));

  r.post('/data/:township/:year', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const year = yearParam(req.params.year);
    if (!year) throw new NotFoundError({ zh: '年份无效', en: 'invalid year' });
    const township = await getTownship(db, String(req.params.township));
    const raw = rawFromForm(set, township.id, year, req.body);
    const state = { values: raw.values, units: raw.units ?? {} };
    const version =
      req.body.version === '' || req.body.version === undefined ? null : Number(req.body.version);
    const { records, issues } = await validateSurvey(db, set, [raw], { allowMissing: true });
    if (issues.length) return showForm(req, res, { state, issues, status: 422 });
    try {
      await saveRecords(
        db,
        actorOf(req.user!),
        set,
        [{ record: records[0]!, expectedVersion: version }],
        'replace',
      );
    } catch (e) {
      if (e instanceof ConflictError)
        return showForm(req, res, { state, conflict: pick(req.lang, e.messageText), status: 409 });
      throw e;
    }
    res.redirect(303, `/data/${township.id}/${year}?saved=1`);
  });

  r.post('/data/:township/:year/status', requireRole('editor', 'reviewer', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const year = yearParam(req.params.year);
    const action = String(req.body.action) as WorkflowAction;
    if (!year || !['submit', 'approve', 'return', 'reopen'].includes(action))
      throw new ValidationError([{ field: 'action', message: { zh: '操作无效', en: 'invalid action' } }]);
    try {
      await changeStatus(
        db,
        actorOf(req.user!),
        set,
        {
          township: String(req.params.township),
          year,
          expectedVersion: versionOf(req.body.version),
          reason: req.body.reason,
        },
        action,
      );
    } catch (e) {
      if (e instanceof ValidationError) return showForm(req, res, { issues: [...e.issues], status: 422 });
      throw e;
    }
    res.redirect(303, `/data/${req.params.township}/${year}`);
  });
  return r;
}
