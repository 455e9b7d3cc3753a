import { Router, type Request, type Response } from 'express';
import { actorOf, page } from '../app.js';
import { requireRole } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { listEvents } from '../../store/audit.js';
import { describeEvent } from '../audit-text.js';
import { pick } from '../i18n.js';
import { ConflictError, ValidationError } from '../../store/errors.js';
import type { InputIssue } from '../../domain/inputs.js';
import {
  getTownship,
  listTownships,
  parseTownshipEdit,
  populations,
  saveTownships,
} from '../../store/regions.js';
import { listSetRows, loadCompiledSet } from '../../store/sets.js';
import { getSettings, updateSettings } from '../../store/settings.js';
import {
  createUser,
  listUsers,
  setPassword,
  setUserScope,
  updateUser,
  ROLES,
  type Role,
} from '../../store/users.js';
import { departmentsOf } from '../../domain/scope.js';
import { recordYears, saveRecords, validateSurvey } from '../../store/survey.js';

const statusesOf = async (db: ReturnType<typeof dbOf>, township: string) =>
  new Map(
    (
      await db.query<{ year: number; status: string }>(
        'select year, status from survey_records where township_id = $1',
        [township],
      )
    ).map((r) => [r.year, r.status]),
  );

/** The users page, with the issues of a refused form (and what was typed) when there are any. */
async function usersPage(req: Request, res: Response, issues: readonly InputIssue[], form: object) {
  return page(
    res,
    'admin/users',
    {
      title: res.locals.t('nav_users'),
      users: await listUsers(dbOf(req)),
      roles: ROLES,
      issues,
      form,
      townships: await listTownships(dbOf(req)),
      departments: departmentsOf(await activeSet(req)),
    },
    issues.length ? 422 : 200,
  );
}

export function adminRoutes() {
  const r = Router();

  r.get('/admin', requireRole('admin'), (_req, res) => res.redirect('/admin/users'));

  r.get('/admin/users', requireRole('admin'), (req, res) => usersPage(req, res, [], {}));

  r.post('/admin/users', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    try {
      await createUser(db, actorOf(req.user!), req.body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return usersPage(req, res, e.issues, req.body);
    }
    res.redirect(303, '/admin/users');
  });

  // an admin sets a user's password (policy checked); the user's sessions end for good
  r.post('/admin/users/:id/password', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    try {
      await setPassword(db, actorOf(req.user!), positiveInt(req.params.id) ?? 0, req.body.password);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return usersPage(req, res, e.issues, {});
    }
    res.redirect(303, '/admin/users');
  });

  // binds a user to townships and responsible departments (责任单位): a clerk edits only those
  r.post('/admin/users/:id/scope', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    try {
      await setUserScope(
        db,
        actorOf(req.user!),
        positiveInt(req.params.id) ?? 0,
        req.body,
        departmentsOf(await activeSet(req)).map((d) => d.zh),
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return usersPage(req, res, e.issues, {});
    }
    res.redirect(303, '/admin/users');
  });

  r.post('/admin/users/:id', requireRole('admin'), async (req, res) => {
    const role = req.body.role as Role | undefined;
    await updateUser(dbOf(req), actorOf(req.user!), positiveInt(req.params.id) ?? 0, {
      role,
      active: req.body.active === undefined ? undefined : req.body.active === 'true',
    });
    res.redirect(303, '/admin/users');
  });

  r.get('/admin/regions/:township', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    const township = await getTownship(db, String(req.params.township));
    page(res, 'admin/township', {
      title: township.name_zh,
      township,
      population: (await populations(db)).get(township.id) ?? new Map(),
      years: await recordYears(db),
      statuses: await statusesOf(db, township.id),
      issues: [],
    });
  });

  r.post('/admin/regions/:township', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    const id = String(req.params.township);
    try {
      const edit = parseTownshipEdit(req.body);
      const set = await activeSet(req);
      const current = (await populations(db)).get(id) ?? new Map();
      // population per year is the survey input resident_population: it goes through the survey write
      // path (a locked year is refused), in the same transaction as the names and area
      const cleared = Object.entries(edit.population ?? {}).filter(
        ([year, v]) => v === '' && current.has(Number(year)),
      );
      if (cleared.length)
        throw new ValidationError(
          cleared.map(([year]) => ({
            year,
            field: 'population',
            message: {
              zh: '常住人口不能清空；如需更正，请填写新的数值',
              en: 'resident population cannot be cleared; enter the corrected figure',
            },
          })),
        );
      const raw = Object.entries(edit.population ?? {})
        .filter(([year, v]) => v !== '' && !current.get(Number(year))?.eq(v))
        .map(([year, v]) => ({ township: id, year: Number(year), values: { resident_population: v } }));
      const { records, issues } = await validateSurvey(db, set, raw, { allowMissing: true });
      if (issues.length) throw new ValidationError(issues);
      await db.transaction(async (tx) => {
        await saveTownships(tx, actorOf(req.user!), [
          {
            id,
            nameZh: edit.nameZh,
            nameEn: edit.nameEn,
            areaKm2: edit.areaKm2,
            adminCode: req.body.adminCode,
            kind: req.body.kind,
          },
        ]);
        if (records.length)
          await saveRecords(
            tx,
            actorOf(req.user!),
            set,
            records.map((record) => ({ record })),
            'merge',
          );
      });
    } catch (e) {
      if (!(e instanceof ValidationError) && !(e instanceof ConflictError)) throw e;
      const township = await getTownship(db, id);
      return page(
        res,
        'admin/township',
        {
          title: township.name_zh,
          township,
          population: (await populations(db)).get(township.id) ?? new Map(),
          years: await recordYears(db),
          statuses: await statusesOf(db, township.id),
          issues:
            e instanceof ValidationError
              ? e.issues
              : [{ field: 'population', message: (e as ConflictError).messageText }],
        },
        e instanceof ConflictError ? 409 : 422,
      );
    }
    res.redirect(303, '/admin/regions');
  });

  r.get('/admin/settings', requireRole('admin'), async (req, res) => {
    page(res, 'admin/settings', {
      profiles: (await activeSet(req)).profiles,
      title: res.locals.t('nav_settings'),
      sets: await listSetRows(dbOf(req)),
      issues: [],
    });
  });

  r.post('/admin/settings', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    const [id, version] = String(req.body.activeSet ?? '').split('@');
    const profile = String(req.body.profile ?? '');
    try {
      if (!id || !version)
        throw new ValidationError([
          { field: 'activeSet', message: { zh: '请选择参数集', en: 'choose a set' } },
        ]);
      const set = await loadCompiledSet(db, id, version);
      if (!set.profiles.some((p) => p.id === profile))
        throw new ValidationError([
          {
            field: 'profile',
            message: { zh: `参数集没有核算口径"${profile}"`, en: `the set has no profile "${profile}"` },
          },
        ]);
      await updateSettings(db, actorOf(req.user!), {
        activeSet: { id, version },
        profile,
        publicPriceList: req.body.publicPriceList === 'on',
        publicRegister: req.body.publicRegister === 'on',
        compiler: String(req.body.compiler ?? ''),
        timeZone: String(req.body.timeZone ?? '').trim() || 'Asia/Shanghai',
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return page(
        res,
        'admin/settings',
        {
          title: res.locals.t('nav_settings'),
          sets: await listSetRows(db),
          profiles: (await activeSet(req)).profiles,
          issues: e.issues,
        },
        422,
      );
    }
    res.redirect(303, '/admin/settings');
  });

  r.get('/audit', requireRole('admin', 'editor', 'reviewer'), async (req, res) => {
    const db = dbOf(req);
    const filter = {
      township: typeof req.query.township === 'string' && req.query.township ? req.query.township : undefined,
      year: yearParam(req.query.year),
      username: typeof req.query.user === 'string' && req.query.user ? req.query.user : undefined,
      beforeId: positiveInt(req.query.before),
      limit: 100,
    };
    const [events, townships, users, set] = await Promise.all([
      listEvents(db, filter),
      listTownships(db),
      listUsers(db),
      activeSet(req),
    ]);
    const names = new Map(townships.map((t) => [t.id, pick(req.lang, { zh: t.name_zh, en: t.name_en })]));
    const people = new Map(users.map((u) => [u.username, u.display_name]));
    page(res, 'admin/audit', {
      title: res.locals.t('nav_audit'),
      events: events.map((e) => ({
        ...e,
        who:
          e.username === 'system'
            ? req.lang === 'en'
              ? 'system'
              : '系统'
            : (people.get(e.username ?? '') ?? e.username),
        text: describeEvent(e, req.lang, set, (id) => names.get(id)),
      })),
      filter,
      townships,
      users,
      years: await recordYears(db),
      settingsNow: await getSettings(db),
    });
  });
  return r;
}
