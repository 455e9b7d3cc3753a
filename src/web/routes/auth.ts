import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { timingSafeEqual } from 'node:crypto';
import { page, type AppOptions } from '../app.js';
import { DbRateLimitStore } from '../rate-limit-store.js';
import { authenticate, changeOwnPassword, countUsers, createUser } from '../../store/users.js';
import { ForbiddenError, ValidationError } from '../../store/errors.js';
import { SYSTEM_ACTOR } from '../../store/audit.js';
import { sha256Hex } from '../../store/boot.js';
import { translator } from '../i18n.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { listRecordStatuses, recordYears } from '../../store/survey.js';
import { listTownships } from '../../store/regions.js';

// a path on this site only: browsers read "/\\host" and "//host" as another site
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/(?![/\\])[^\\\s]*$/.test(next) ? next : '/';

export function authRoutes(o: AppOptions) {
  const r = Router();
  const db = o.db;
  const windowMs = o.loginRateLimit?.windowMs ?? 15 * 60 * 1000;
  const limit = o.loginRateLimit?.limit ?? 10;
  const refuse = (req: Request, res: Response) =>
    page(
      res,
      'login',
      { title: translator(req.lang)('login'), error: translator(req.lang)('too_many_attempts'), next: '/' },
      429,
    );
  // failed attempts are counted per client address and, separately, per account: guessing one
  // account's password from many addresses meets the second limit
  const limiter = rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    store: new DbRateLimitStore(db),
    handler: refuse,
    // without TRUST_PROXY, X-Forwarded-For is ignored on purpose: no warning for it
    validate: { xForwardedForHeader: false },
  });
  const accountLimiter = rateLimit({
    windowMs,
    limit: o.loginRateLimit?.accountLimit ?? limit,
    standardHeaders: false,
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    store: new DbRateLimitStore(db, 'login-account:'),
    validate: { xForwardedForHeader: false },
    keyGenerator: (req) =>
      String((req.body as { username?: unknown } | undefined)?.username ?? '')
        .trim()
        .toLowerCase()
        .slice(0, 64),
    handler: refuse,
  });

  r.get('/login', (req, res) =>
    page(res, 'login', { title: translator(req.lang)('login'), next: safeNext(req.query.next) }),
  );

  r.post('/login', limiter, accountLimiter, async (req, res, next) => {
    const { username, password } = req.body as { username?: string; password?: string };
    const user = await authenticate(db, String(username ?? ''), String(password ?? ''));
    if (!user)
      return page(
        res,
        'login',
        {
          title: translator(req.lang)('login'),
          error: translator(req.lang)('login_failed'),
          next: safeNext(req.body.next),
          username,
        },
        401,
      );
    // a new session id at login: a session fixed before it is worthless
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.userId = user.id;
      req.session.epoch = user.session_epoch;
      req.session.save((e) => (e ? next(e) : res.redirect(safeNext(req.body.next))));
    });
  });

  r.post('/logout', (req, res, next) =>
    req.session.destroy((err) => (err ? next(err) : res.clearCookie('gep.sid').redirect('/login'))),
  );

  const tokenMatches = async (token: unknown) => {
    const [row] = await db.query<{ value: string }>(
      "select value from settings where key = 'setup_token_hash'",
    );
    if (!row || typeof token !== 'string' || !token) return false;
    const a = Buffer.from(sha256Hex(token));
    const b = Buffer.from(row.value);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  r.get('/setup', async (req, res) => {
    if ((await countUsers(db)) > 0 || !(await tokenMatches(req.query.token))) return res.redirect('/login');
    page(res, 'setup', {
      title: translator(req.lang)('setup'),
      token: req.query.token,
      issues: [],
      form: {},
    });
  });

  r.post('/setup', limiter, async (req, res) => {
    if ((await countUsers(db)) > 0 || !(await tokenMatches(req.body.token))) return res.redirect('/login');
    try {
      // the token is spent and the admin created in one transaction: of two requests racing with the
      // same token, only one finds the token to delete
      await db.transaction(async (tx) => {
        const spent = await tx.query(
          "delete from settings where key = 'setup_token_hash' and value = $1 returning key",
          [JSON.stringify(sha256Hex(String(req.body.token)))],
        );
        if (!spent.length)
          throw new ForbiddenError({ zh: '初始设置令牌已失效', en: 'the setup token is no longer valid' });
        await createUser(tx, SYSTEM_ACTOR, { ...req.body, role: 'admin' });
      });
      res.redirect('/login');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      page(
        res,
        'setup',
        { title: translator(req.lang)('setup'), token: req.body.token, issues: e.issues, form: req.body },
        422,
      );
    }
  });

  // every user changes their own password (the current one first); their sessions end, this one too
  r.get('/account/password', requireRole(...ANY_ROLE), (req, res) =>
    page(res, 'account/password', { title: translator(req.lang)('change_password'), issues: [] }),
  );
  r.post('/account/password', requireRole(...ANY_ROLE), async (req, res, next) => {
    try {
      await changeOwnPassword(db, req.user!, req.body.current, req.body.password, req.body.confirm);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return page(
        res,
        'account/password',
        { title: translator(req.lang)('change_password'), issues: e.issues },
        422,
      );
    }
    req.session.destroy((err) =>
      err ? next(err) : res.clearCookie('gep.sid').redirect(303, '/login?changed=1'),
    );
  });

  // a finance official's home: the reports, the balance sheet, exports and publishing
  const reportHome = (kind: 'finance' | 'assessor') => async (req: Request, res: Response) =>
    page(res, 'home-role', {
      title: translator(req.lang)(kind === 'finance' ? 'finance_home' : 'assessor_home'),
      kind,
      years: await recordYears(db),
      noTownships: (await listTownships(db)).length === 0,
    });

  r.get('/', requireRole(...ANY_ROLE), async (req, res, next) => {
    if (req.user!.role === 'finance' || req.user!.role === 'assessor')
      return reportHome(req.user!.role)(req, res).catch(next);
    next();
  });

  r.get('/', requireRole(...ANY_ROLE), async (_req, res) => {
    const [townships, records, years] = await Promise.all([
      listTownships(db),
      listRecordStatuses(db),
      recordYears(db),
    ]);
    const status = new Map(records.map((x) => [`${x.township_id}|${x.year}`, x]));
    const waiting = records.filter((x) => x.status === 'submitted');
    page(res, 'home', { title: '', townships, years, status, waiting });
  });
  return r;
}
