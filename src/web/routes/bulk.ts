import { Router, type Request, type Response } from 'express';
import { actorOf, page } from '../app.js';
import { requireRole } from '../auth.js';
import { activeSet, dbOf, yearParam } from '../context.js';
import { pick } from '../i18n.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../store/errors.js';
import { listTownships } from '../../store/regions.js';
import { changeStatus, listRecords, type RecordStatus } from '../../store/survey.js';

/** Bulk submit (editors) and bulk approve (reviewers): choose, confirm, then each record moves or says why not. */
type BulkAction = 'submit' | 'approve';
const FROM: Record<BulkAction, RecordStatus> = { submit: 'draft', approve: 'submitted' };
const ROLES: Record<BulkAction, string[]> = { submit: ['editor', 'admin'], approve: ['reviewer', 'admin'] };

const actionOf = (raw: unknown): BulkAction => {
  if (raw === 'submit' || raw === 'approve') return raw;
  throw new ValidationError([{ field: 'action', message: { zh: '操作无效', en: 'invalid action' } }]);
};

interface Target {
  township: string;
  year: number;
  version: number;
}

/** "township/year/version" keys from the form; anything else is refused as a whole. */
function targetsOf(raw: unknown): Target[] {
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  const out = list.map((k) => {
    const m = /^([^/]{1,64})\/(\d{4})\/(\d{1,9})$/.exec(k);
    if (!m || !yearParam(m[2]))
      throw new ValidationError([
        { field: 'records', message: { zh: `记录"${k}"无效`, en: `invalid record "${k}"` } },
      ]);
    return { township: m[1]!, year: Number(m[2]), version: Number(m[3]) };
  });
  if (!out.length)
    throw new ValidationError([
      { field: 'records', message: { zh: '请至少选择一条数据', en: 'choose at least one record' } },
    ]);
  return out;
}

async function names(req: Request) {
  const townships = await listTownships(dbOf(req));
  const byId = new Map(townships.map((t) => [t.id, pick(req.lang, { zh: t.name_zh, en: t.name_en })]));
  return (id: string) => byId.get(id) ?? id;
}

function allowed(req: Request, action: BulkAction) {
  if (!ROLES[action].includes(req.user!.role))
    throw new ForbiddenError({
      zh: action === 'submit' ? '只有填报员可以批量提交' : '只有审核员可以批量审核',
      en: action === 'submit' ? 'only editors submit data' : 'only reviewers approve data',
    });
}

export function bulkRoutes() {
  const r = Router();
  const roles = ['editor', 'reviewer', 'admin'] as const;

  // step 1: the records that can take the action, all ticked
  r.get('/data/bulk', requireRole(...roles), async (req: Request, res: Response) => {
    const action = actionOf(req.query.action);
    allowed(req, action);
    const year = yearParam(req.query.year);
    const rows = await listRecords(dbOf(req), { year, status: FROM[action] });
    const name = await names(req);
    page(res, 'data/bulk', {
      title: res.locals.t(action === 'submit' ? 'bulk_submit' : 'bulk_approve'),
      step: 'choose',
      action,
      year,
      rows: rows.map((x) => ({
        key: `${x.township_id}/${x.year}/${x.version}`,
        name: name(x.township_id),
        year: x.year,
        by: action === 'submit' ? x.updated_by_display : x.submitted_by_display,
        reason: x.returned_reason,
      })),
    });
  });

  // step 2 (no confirm): what will happen, to confirm; step 3 (confirm=1): do it, record by record
  r.post('/data/bulk', requireRole(...roles), async (req: Request, res: Response) => {
    const action = actionOf(req.body.action);
    allowed(req, action);
    const targets = targetsOf(req.body.records);
    const name = await names(req);
    const label = (x: Target) => `${name(x.township)} ${x.year}`;
    if (req.body.confirm !== '1')
      return page(res, 'data/bulk', {
        title: res.locals.t(action === 'submit' ? 'bulk_submit' : 'bulk_approve'),
        step: 'confirm',
        action,
        targets: targets.map((x) => ({ key: `${x.township}/${x.year}/${x.version}`, label: label(x) })),
      });
    const db = dbOf(req);
    const set = await activeSet(req);
    const done: string[] = [];
    const refused: { label: string; reason: string }[] = [];
    for (const x of targets) {
      try {
        await changeStatus(
          db,
          actorOf(req.user!),
          set,
          { township: x.township, year: x.year, expectedVersion: x.version },
          action,
        );
        done.push(label(x));
      } catch (e) {
        const reason =
          e instanceof ValidationError
            ? e.issues
                .slice(0, 3)
                .map((i) => pick(req.lang, i.message))
                .join('；') + (e.issues.length > 3 ? ` …（${e.issues.length}）` : '')
            : e instanceof ConflictError || e instanceof ForbiddenError || e instanceof NotFoundError
              ? pick(req.lang, e.messageText)
              : undefined;
        if (reason === undefined) throw e;
        refused.push({ label: label(x), reason });
      }
    }
    page(res, 'data/bulk', {
      title: res.locals.t(action === 'submit' ? 'bulk_submit' : 'bulk_approve'),
      step: 'done',
      action,
      done,
      refused,
    });
  });
  return r;
}
