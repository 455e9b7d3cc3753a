import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { listEvents } from '../../store/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import { accountYear } from '../../store/accounts.js';
import { getSettings } from '../../store/settings.js';
import { accountFigures, scopeJson } from '../../report/account-figures.js';
import { EsvError } from '../../domain/esv.js';
import { getTownship, listTownships } from '../../store/regions.js';
import { getSetRow, listSetRows, loadCompiledSet } from '../../store/sets.js';
import {
  changeStatus,
  getRecord,
  listRecords,
  saveRecords,
  fieldChanges,
  validateSurvey,
  type WorkflowAction,
} from '../../store/survey.js';
import { priceList } from '../../report/price-list.js';
import { openApiDocument } from '../openapi.js';

const recordBody = z
  .object({
    values: z.record(z.string(), z.unknown()),
    units: z.record(z.string(), z.string()).optional(),
    overrides: z
      .record(
        z.string(),
        z.object({
          quantity: z.union([z.string(), z.number()]),
          unit: z.string().optional(),
          source: z.string().optional(),
        }),
      )
      .optional(),
    /** The version the client read; null when it creates the record. */
    version: z.number().int().nullable(),
    mode: z.enum(['replace', 'merge']).default('replace'),
  })
  .strict();

const statusBody = z.object({ version: z.number().int(), reason: z.string().optional() }).strict();

/** A whole number ≥ 1 from a query string, or undefined: paging input never reaches SQL as 1.5 or -5. */
const recordJson = (r: NonNullable<Awaited<ReturnType<typeof getRecord>>>) => ({
  township: r.township_id,
  year: r.year,
  set: `${r.set_id}@${r.set_version}`,
  status: r.status,
  version: r.version,
  values: r.values,
  overrides: r.overrides,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by_name ?? null,
  submittedBy: r.submitted_by_name ?? null,
  approvedBy: r.approved_by_name ?? null,
  // the values at the last approval, kept through a return or a reopening (migration 013)
  approvedValues: r.approved_values,
  approvedAt: r.approved_at,
  approvedSnapshotBy: r.approved_snapshot_by_name ?? null,
  returnedReason: r.returned_reason,
  returnedAction: r.returned_action,
});

export function apiRoutes() {
  const r = Router();
  r.get('/openapi.json', (_req, res) => res.json(openApiDocument()));

  r.get('/session', requireRole(...ANY_ROLE), (req, res) =>
    res.json({ user: req.user, csrfToken: res.locals.csrfToken() }),
  );

  r.get('/townships', requireRole(...ANY_ROLE), async (req, res) => res.json(await listTownships(dbOf(req))));

  r.get('/records', requireRole(...ANY_ROLE), async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : undefined;
    if (status && !['draft', 'submitted', 'approved'].includes(status))
      throw new ValidationError([{ field: 'status', message: { zh: '状态无效', en: 'invalid status' } }]);
    const rows = await listRecords(dbOf(req), { year: yearParam(req.query.year), status: status as never });
    res.json(rows.map(recordJson));
  });

  r.get('/records/:township/:year', requireRole(...ANY_ROLE), async (req, res) => {
    const year = yearParam(req.params.year);
    const row = year && (await getRecord(dbOf(req), String(req.params.township), year));
    if (!row)
      throw new NotFoundError({ zh: '没有该乡镇该年的数据', en: 'no record for this township and year' });
    res.json(recordJson(row));
  });

  r.put('/records/:township/:year', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const year = yearParam(req.params.year);
    if (!year)
      throw new ValidationError([{ field: 'year', message: { zh: '年份无效', en: 'invalid year' } }]);
    const township = await getTownship(db, String(req.params.township));
    const body = recordBody.safeParse(req.body);
    if (!body.success) throw ValidationError.fromZod(body.error);
    const { records, issues } = await validateSurvey(
      db,
      set,
      [
        {
          township: township.id,
          year,
          values: body.data.values,
          units: body.data.units,
          overrides: body.data.overrides,
        },
      ],
      { allowMissing: true },
    );
    if (issues.length) throw new ValidationError(issues);
    const saved = await saveRecords(
      db,
      actorOf(req.user!),
      set,
      [
        {
          record: records[0]!,
          expectedVersion: body.data.version,
          // a replace that sends overrides sets them exactly (`{}` removes them all); without, they stay
          replaceOverrides: body.data.mode === 'replace' && body.data.overrides !== undefined,
        },
      ],
      body.data.mode,
    );
    const row = await getRecord(db, township.id, year);
    res.json({ record: recordJson(row!), changes: saved.flatMap(fieldChanges) });
  });

  r.post('/records/:township/:year/:action', requireRole('editor', 'reviewer', 'admin'), async (req, res) => {
    const action = String(req.params.action) as WorkflowAction;
    const year = yearParam(req.params.year);
    if (!year || !['submit', 'approve', 'return', 'reopen'].includes(action))
      throw new NotFoundError({ zh: '操作不存在', en: 'no such action' });
    const body = statusBody.safeParse(req.body);
    if (!body.success) throw ValidationError.fromZod(body.error);
    const row = await changeStatus(
      dbOf(req),
      actorOf(req.user!),
      await activeSet(req),
      {
        township: String(req.params.township),
        year,
        expectedVersion: body.data.version,
        reason: body.data.reason,
      },
      action,
    );
    res.json({ township: row.township_id, year: row.year, status: row.status, version: row.version });
  });

  r.get('/sets', requireRole(...ANY_ROLE), async (req, res) => res.json(await listSetRows(dbOf(req))));

  // every figure the engine computes for a year's approved data, as exact decimal strings (元 unless said)
  r.get('/accounts/:year', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const year = yearParam(req.params.year);
    if (year === undefined)
      throw new ValidationError([{ field: 'year', message: { zh: '年份无效', en: 'not a valid year' } }]);
    const settings = await getSettings(db);
    const set = await loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version);
    const accounted = await accountYear(db, set, settings.profile, year);
    if (!accounted)
      throw new NotFoundError({ zh: `${year} 年没有已审核的数据`, en: `no approved data for ${year}` });
    const townships = (await listTownships(db)).map((t) => ({
      id: t.id,
      labels: { zh: t.name_zh, en: t.name_en },
    }));
    let figures;
    try {
      figures = accountFigures({ set, region: accounted.region, records: accounted.records, townships });
    } catch (e) {
      if (e instanceof EsvError) throw new ConflictError({ zh: e.message, en: e.message });
      throw e;
    }
    const lines = (id: string) => scopeJson(figures.scopes.find((s) => s.id === id)!.lines);
    res.json({
      year,
      set: { id: set.id, version: set.version, hash: set.hash },
      profile: settings.profile,
      unit: '元',
      missing: accounted.missing.map((t) => t.id),
      county: lines('total'),
      townships: accounted.region.townships.map((t) => ({ township: t.township, ...lines(t.township) })),
    });
  });

  r.get('/sets/:id/:version', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const row = await getSetRow(db, String(req.params.id), String(req.params.version));
    const set = await loadCompiledSet(db, row.id, row.version);
    res.json({ ...priceList(set, req.lang), content: row.content, resolvedHash: set.hash });
  });

  r.get('/audit', requireRole('admin', 'editor', 'reviewer'), async (req, res) => {
    res.json(
      await listEvents(dbOf(req), {
        township: typeof req.query.township === 'string' ? req.query.township : undefined,
        year: yearParam(req.query.year),
        username: typeof req.query.user === 'string' ? req.query.user : undefined,
        beforeId: positiveInt(req.query.before),
        limit: positiveInt(req.query.limit) ?? 100,
      }),
    );
  });
  return r;
}
