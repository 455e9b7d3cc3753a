import { displayStatus, type FieldChange } from '../store/survey.js';
import { displayUnit } from '../domain/units.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { join } from 'node:path';
import type { Db } from '../store/db.js';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../store/errors.js';
import { refuseBadText } from './text-guard.js';
import { SetLoadError } from '../methods/compile.js';
import { sessionUser, type User } from '../store/users.js';
import { AccountingError } from '../domain/accounting.js';
import { LANGS, translator, type Lang, type MessageKey } from './i18n.js';
import { authRoutes } from './routes/auth.js';
import { bulkRoutes } from './routes/bulk.js';
import { dataRoutes } from './routes/data.js';
import { importRoutes } from './routes/import.js';
import { setRoutes } from './routes/sets.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { transitionRoutes } from './routes/transitions.js';
import { reportRoutes } from './routes/reports.js';
import { registerRoutes } from './routes/register.js';
import { decisionRoutes } from './routes/decisions.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { geoRoutes } from './routes/geo.js';
import { townshipRoutes } from './routes/townships.js';
import { summedParts } from '../io/report-export.js';
import { cellText, rowNumbers, tableUnit } from '../report/table.js';
import { describeFigureChange } from '../report/published-changes.js';
import {
  formatChange,
  formatNumber,
  formatValue,
  scaledQuantity,
  traceNumber,
  unitLabel,
} from '../report/format.js';
import { envelopeText, warningFigure } from '../report/plausibility.js';
import { formatFixed, type Dec } from '../domain/decimal.js';
import { formatIssue, type InputIssue } from '../domain/inputs.js';
import { getRegion, listTownships } from '../store/regions.js';
import { getSettings, localDateIn, localTimeIn } from '../store/settings.js';
import { loadCompiledSet } from '../store/sets.js';
import type { Actor } from '../store/audit.js';
import { dataVersion, memoByVersion, memoUntilWrite } from '../store/version.js';
import {
  BODY_PLACEHOLDER,
  CSRF_PLACEHOLDER,
  etagOf,
  gzipParts,
  joinParts,
  layoutCache,
  PAGE_CACHE_BYTES,
  pageCache,
  sendHtml,
  toParts,
  type CachedPage,
  type Parts,
  type StoredPage,
} from './page-cache.js';
import { ROOT } from '../paths.js';

export interface AppOptions {
  db: Db;
  sessionSecret: string;
  /** Bytes of rendered report pages kept (default PAGE_CACHE_MB, 64 MB); 0 keeps none. */
  pageCacheBytes?: number;
  /** Where log lines go; one JSON object per request and per error. */
  log?: (line: Record<string, unknown>) => void;
  secureCookies?: boolean;
  /** Failed logins allowed per window: `limit` per client address, `accountLimit` (default: limit) per username. */
  loginRateLimit?: { windowMs: number; limit: number; accountLimit?: number };
  /** Express's `trust proxy`: off unless set (see trustProxySetting and TRUST_PROXY). */
  trustProxy?: boolean | number | string;
  /** Delete expired sessions every 15 minutes (the server); tests leave it off. */
  pruneSessions?: boolean;
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** The field changes of the user's last save of a survey record, shown once on the next page. */
    lastSave?: { key: string; changes: FieldChange[] };
    /** The user's session epoch at login (see users.session_epoch). */
    epoch?: number;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: User;
      lang: Lang;
    }
  }
}

export const actorOf = (u: User): Actor => ({
  id: u.id,
  username: u.username,
  role: u.role,
  scope: { townships: u.townships ?? [], departments: u.departments ?? [] },
});

export function jsonLogger(stream: NodeJS.WritableStream = process.stdout) {
  return (line: Record<string, unknown>) =>
    stream.write(JSON.stringify({ time: new Date().toISOString(), level: 'info', ...line }) + '\n');
}

/**
 * TRUST_PROXY as express reads it: unset, "", "0" or "false" → off; a number → that many proxy hops;
 * "true" → every proxy (only when nothing but the proxy can reach the app); otherwise addresses or
 * names such as "loopback" or "10.0.0.1, 10.0.0.2".
 */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  const v = (value ?? '').trim();
  if (v === '' || v === '0' || v.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v.toLowerCase() === 'true') return true;
  return v;
}

export function createApp(o: AppOptions) {
  const { db } = o;
  const log = o.log ?? jsonLogger();
  const app = express();
  app.set('views', join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  // compiled templates are kept (express does so only when NODE_ENV=production); restart to see view edits
  app.set('view cache', process.env.NODE_ENV !== 'development');
  // off by default: X-Forwarded-For is believed only from the proxies TRUST_PROXY names, so a client
  // cannot choose the address the login limit counts
  app.set('trust proxy', o.trustProxy ?? false);
  app.disable('x-powered-by');
  app.locals.db = db;
  app.locals.layoutCache = layoutCache();
  // the one display rounding of report figures (views never compute)
  app.locals.fmt = {
    formatNumber,
    formatValue,
    formatChange,
    unitLabel,
    plain: (d: Dec) => formatFixed(d, 2),
    warningFigure,
    envelopeText,
    // a total row that is exactly the sum of its parts reads 合计 (the XLSX writes it as a SUM)
    summedParts,
    rowNumbers,
    tableUnit,
    // physical quantities in the unit a statistician writes (万m³, 亿kWh …)
    scaledQuantity,
    // a coded cell (a status) in words
    cellText,
    // a trace figure with separators and sensible digits (the exact value beside it)
    traceNumber,
  };
  app.locals.displayStatus = displayStatus;
  // a published report's changes against today's data, in words and 万元
  app.locals.describeFigureChange = describeFigureChange;
  // times as people read them: local time of the county (Asia/Shanghai), to the minute
  app.locals.localTime = (d: Date | string | null | undefined) =>
    d
      ? new Intl.DateTimeFormat('sv-SE', {
          timeZone: 'Asia/Shanghai',
          dateStyle: 'short',
          timeStyle: 'short',
        }).format(new Date(d))
      : '';
  // unit text as people write it: hm2 → hm², m3 → m³, tCO2 → tCO₂ (the stored unit text does not change)
  app.locals.unitText = displayUnit;

  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () =>
      log({
        msg: 'request',
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - start) / 1000n) / 1000,
        user: req.user?.username,
      }),
    );
    next();
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: o.secureCookies ? [] : null,
        },
      },
    }),
  );
  app.use('/static', express.static(join(ROOT, 'src/web/static'), { maxAge: '1h' }));
  app.get('/static/decimal.mjs', (_req, res) =>
    res.type('text/javascript').sendFile(join(ROOT, 'node_modules/decimal.js/decimal.mjs')),
  );
  app.get('/static/d3.min.js', (_req, res) => res.sendFile(join(ROOT, 'node_modules/d3/dist/d3.min.js')));

  app.get('/healthz', async (_req, res) => {
    const [row] = await db.query<{ n: number }>('select count(*)::int as n from schema_migrations');
    res.json({ status: 'ok', database: db.kind, migrations: row!.n });
  });

  app.use(express.urlencoded({ extended: true, limit: '4mb', parameterLimit: 20000 }));
  app.use(express.json({ limit: '4mb' }));
  app.use(refuseBadText);

  // on PostgreSQL the data version is a query: a GET asks for it now, beside the session and user reads, rather
  // than after them (the embedded database answers it from memory)
  app.use((req, res, next) => {
    if (req.method === 'GET' && !db.soleWriter) {
      const version = dataVersion(db);
      version.catch(() => undefined); // awaited (and its failure handled) by pageLocals
      res.locals.versionRead = version;
    }
    next();
  });

  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: {
      query: async (sql: string, params?: unknown[]) => ({ rows: await db.query(sql, params) }),
    } as never,
    tableName: 'session',
    pruneSessionInterval: o.pruneSessions ? 15 * 60 : false,
  });
  throttleTouch(store);
  cacheSessionReads(store, db);
  app.use(
    session({
      store,
      name: 'gep.sid',
      secret: o.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: o.secureCookies ?? false, maxAge: 8 * 3600 * 1000 },
    }),
  );

  // on the embedded database a user read stays current until this process writes (store/version.ts)
  const readUser = memoUntilWrite<User | undefined>(db, new Map());
  app.use(async (req, res, next) => {
    const fromQuery = req.query.lang;
    if (typeof fromQuery === 'string' && LANGS.includes(fromQuery as Lang)) {
      res.cookie('lang', fromQuery, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86400 * 1000 });
      req.lang = fromQuery as Lang;
    } else req.lang = /(?:^|;\s*)lang=en(?:;|$)/.test(req.headers.cookie ?? '') ? 'en' : 'zh';
    if (req.session.userId) {
      const { userId, epoch } = req.session;
      req.user = await readUser(`${userId}|${epoch ?? 0}`, () => sessionUser(db, userId, epoch));
      // a session of a deactivated user, or of an older password, is ended: it never comes back
      if (!req.user) {
        delete req.session.userId;
        delete req.session.epoch;
      }
    }
    res.locals.lang = req.lang;
    res.locals.t = translator(req.lang);
    // units in the page's language: 万m³ → 10⁴ m³, 人次 → visits under ?lang=en
    res.locals.unitText = (u: string) => displayUnit(u, req.lang);
    res.locals.user = req.user;
    res.locals.path = req.path;
    res.locals.query = req.query;
    res.locals.csrfToken = () => generateToken(req);
    next();
  });

  const { generateToken, csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: (req) =>
      (req.headers['x-csrf-token'] as string | undefined) ??
      (req.body as { _csrf?: string } | undefined)?._csrf,
  });
  app.locals.csrfProtection = csrfSynchronisedProtection;
  // the two upload routes check the token themselves, after the multipart body is parsed; every other
  // request is checked here, whatever its content type
  const UPLOAD_ROUTES = new Set([
    '/import',
    '/transitions/import',
    '/scenarios/land-use',
    '/admin/townships/import',
  ]);
  // spatial intake: the layer and change-table uploads (src/web/routes/geo.ts)
  for (const path of ['/geo/dltb', '/geo/changes', '/geo/boundaries', '/geo/vintages'])
    UPLOAD_ROUTES.add(path);
  app.use((req, res, next) =>
    req.method === 'POST' &&
    (UPLOAD_ROUTES.has(req.path) || /^\/register\/(import|\d+\/evidence)$/.test(req.path)) &&
    (req.headers['content-type'] ?? '').startsWith('multipart/form-data')
      ? next()
      : csrfSynchronisedProtection(req, res, next),
  );

  // what every page's layout reads, made once per data version (a map of 1,000 township names is not rebuilt per
  // request); an error page refused before this ran (a bad CSRF token) loads it itself
  const versionLocals = (version: string) =>
    memoByVersion(db, version, 'pageLocals', async () => {
      const [region, townships, settings] = await Promise.all([
        memoByVersion(db, version, 'region', () => getRegion(db)),
        memoByVersion(db, version, 'townships', () => listTownships(db)),
        memoByVersion(db, version, 'settings', () => getSettings(db)),
      ]);
      // the footer names the profile in use, not its id
      const set = await memoByVersion(db, version, 'activeSet', () =>
        loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version).catch(() => undefined),
      );
      return {
        dataVersion: version,
        profileLabels: set?.profiles.find((p) => p.id === settings.profile)?.labels,
        region,
        townshipNames: new Map(townships.map((t) => [t.id, { zh: t.name_zh, en: t.name_en }])),
        ledgerSettings: settings,
        // times in the county's time zone (a setting, Asia/Shanghai by default)
        localTime: localTimeIn(settings.timeZone),
        localDate: localDateIn(settings.timeZone),
      };
    });
  const pageLocals = async (res: Response) => {
    const early = res.locals.versionRead as Promise<string> | undefined;
    Object.assign(res.locals, await versionLocals(await (early ?? dataVersion(db))));
  };
  app.use(async (_req, res, next) => {
    await pageLocals(res);
    next();
  });

  // report pages from cache first: a hit passes no other router (none of them has a path under /reports)
  app.use('/reports', pageCache(serveCachedPage, o.pageCacheBytes ?? PAGE_CACHE_BYTES));
  app.use(authRoutes(o));
  app.use('/api/v1', apiRoutes());
  app.use(bulkRoutes());
  app.use(dataRoutes());
  app.use(importRoutes());
  app.use(transitionRoutes());
  app.use(reportRoutes());
  app.use(setRoutes());
  app.use(townshipRoutes());
  app.use(adminRoutes());
  app.use(registerRoutes());
  app.use(decisionRoutes());
  app.use(scenarioRoutes());
  app.use(geoRoutes());

  app.use((req, _res, next) =>
    next(new NotFoundError({ zh: `页面 ${req.path} 不存在`, en: `no page ${req.path}` })),
  );
  app.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, messages, issues } = describeError(err, req.lang ?? 'zh');
    if (status >= 500)
      log({ level: 'error', msg: 'error', path: req.path, error: (err as Error).stack ?? String(err) });
    else log({ level: 'warn', msg: 'refused', path: req.path, status, reason: messages.join('; ') });
    if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json')
      return res.status(status).json({ error: messages.join('; '), issues });
    if (res.locals.ledgerSettings === undefined) await pageLocals(res).catch(() => undefined);
    // the database is gone (the app is stopping): the message alone, without the layout that needs it
    if (res.locals.ledgerSettings === undefined)
      return res.status(status).type('text').send(messages.join('\n'));
    res
      .status(status)
      .render('error', { ...res.locals, status, messages }, (e, html) =>
        e ? res.type('text').send(messages.join('\n')) : renderLayout(res, html, messages[0] ?? ''),
      );
  });
  return app;
}

function describeError(
  err: unknown,
  lang: Lang,
): { status: number; messages: string[]; issues?: InputIssue[] } {
  const t = translator(lang);
  const pickMsg = (m: { zh: string; en: string }) => m[lang];
  if (err instanceof ValidationError)
    return { status: 422, messages: err.issues.map((i) => formatIssue(i, lang)), issues: [...err.issues] };
  // the engine refused a figure (not finite, absurd size) or an identity failed: the data or the method
  // must be corrected; the message names the township, year and component
  if (err instanceof AccountingError)
    return { status: 422, messages: [`${t('accounting_failed')}: ${err.message}`] };
  if (err instanceof SetLoadError)
    return { status: 422, messages: err.issues.map((i) => `${i.path}: ${i.message}`) };
  if (err instanceof ConflictError) return { status: 409, messages: [pickMsg(err.messageText)] };
  if (err instanceof ForbiddenError) return { status: 403, messages: [pickMsg(err.messageText)] };
  if (err instanceof NotFoundError) return { status: 404, messages: [pickMsg(err.messageText)] };
  if (err instanceof BadRequestError) return { status: 400, messages: [pickMsg(err.messageText)] };
  const code = (err as { code?: string }).code;
  if (code === 'EBADCSRFTOKEN' || (err as { status?: number }).status === 403)
    return { status: 403, messages: [t('csrf_failed')] };
  if ((err as { status?: number }).status === 413)
    return { status: 413, messages: ['文件太大 (file too large)'] };
  if ((err as { type?: string }).type === 'entity.parse.failed')
    return { status: 400, messages: ['请求内容不是有效的 JSON (invalid JSON body)'] };
  return { status: 500, messages: [t('error')] };
}

/** Renders a view inside the one layout (a report page is kept in the page cache, see page-cache.ts). */
export function page(res: Response, view: string, data: Record<string, unknown> = {}, status = 200) {
  res.status(status);
  const store = res.locals.storePage as ((p: CachedPage) => StoredPage) | undefined;
  const title = (data.title as string | undefined) ?? '';
  if (store && status === 200) {
    res.render(view, { ...res.locals, ...data, csrfToken: () => CSRF_PLACEHOLDER }, (err, body) => {
      if (err) return res.req.next!(err);
      serveCachedPage(res, store({ title, body }));
    });
    return;
  }
  res.render(view, { ...res.locals, ...data }, (err, html) => {
    if (err) return res.req.next!(err);
    renderLayout(res, html, title);
  });
}

/**
 * A kept page in its layout, as bytes: the layout is kept too (per reader, path, title and data version), so
 * that a hit renders nothing; the reader's CSRF token goes where the placeholders are.
 */
function serveCachedPage(res: Response, p: StoredPage) {
  const layouts = res.app.locals.layoutCache as ReturnType<typeof layoutCache>;
  const u = res.req.user;
  const key = [
    res.locals.dataVersion,
    res.locals.lang,
    u?.id,
    u?.role,
    u?.display_name,
    res.locals.path,
    p.title,
  ].join('|');
  const tokenText = (res.locals.csrfToken as () => string)();
  const token = Buffer.from(tokenText);
  const send = (l: { before: Parts; after: Parts }) =>
    sendHtml(res.req, res, etagOf(p.key, key, tokenText), {
      plain: () => joinParts(token, l.before, p.parts, l.after),
      gzip: () => gzipParts(token, l.before, p.parts, l.after),
    });
  const hit = layouts.get(key);
  if (hit) return send(hit);
  res.render(
    'layout',
    { ...res.locals, body: BODY_PLACEHOLDER, title: p.title, csrfToken: () => CSRF_PLACEHOLDER },
    (err, html) => {
      if (err) return res.req.next!(err);
      const [before = '', after = ''] = html.split(BODY_PLACEHOLDER);
      const l = { before: toParts(before), after: toParts(after) };
      layouts.set(key, l);
      send(l);
    },
  );
}

function renderLayout(res: Response, body: string, title: string) {
  res.render('layout', { ...res.locals, body, title });
}

export const tr = (res: Response, key: MessageKey) => (res.locals.t as (k: MessageKey) => string)(key);

/**
 * A rolling session is touched (its expiry rewritten in the database) by every request; a read changes nothing
 * else. Touch a session at most once every five minutes per process, so that a GET does not write (the 8-hour
 * expiry moves by at most those five minutes).
 */
function throttleTouch(store: session.Store) {
  const touch = store.touch?.bind(store);
  if (!touch) return;
  const lastTouch = new Map<string, number>();
  store.touch = (sid, sess, cb) => {
    const now = Date.now();
    if (now - (lastTouch.get(sid) ?? 0) < 5 * 60 * 1000) return cb?.();
    if (lastTouch.size > 10_000) lastTouch.clear();
    lastTouch.set(sid, now);
    touch(sid, sess, cb);
  };
}

/**
 * On the embedded database this process writes every session row (the folder is locked to it): a session read
 * stays current until the process writes, or for a minute (expiry is checked by the database read).
 */
function cacheSessionReads(store: session.Store, db: Db) {
  if (!db.soleWriter || !db.writes) return;
  const get = store.get.bind(store);
  const cache = new Map<string, { writes: number; at: number; json: string | undefined }>();
  store.get = (sid, cb) => {
    const writes = db.writes!();
    const now = Date.now();
    const hit = cache.get(sid);
    // a fresh object each time: express-session changes the one it is given
    if (hit && hit.writes === writes && now - hit.at < 60_000)
      return cb(null, hit.json === undefined ? null : JSON.parse(hit.json));
    get(sid, (err, sess) => {
      if (!err) {
        if (cache.size > 10_000) cache.clear();
        cache.set(sid, { writes, at: now, json: sess ? JSON.stringify(sess) : undefined });
      }
      cb(err, sess);
    });
  };
}
