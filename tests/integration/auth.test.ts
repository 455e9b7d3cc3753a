import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from '../../src/store/boot.js';
import type { Db } from '../../src/store/db.js';
import { createApp } from '../../src/web/app.js';
import { COEFFICIENTS, freshDatabase, login, PASSWORD, SAMPLE, startApp, type TestApp } from './harness.js';

let t: TestApp;

beforeAll(async () => {
  // behind a trusted proxy on loopback, each client below has its own address (TRUST_PROXY=loopback)
  t = await startApp({ loginLimit: 3, trustProxy: 'loopback' });
});
afterAll(() => t.close());

/** A client with its own address (this app trusts X-Forwarded-For from loopback), so limits do not mix. */
function client(app: Express, ip: string) {
  const agent = request.agent(app);
  const token = async () => {
    const page = await agent.get('/login').set('x-forwarded-for', ip);
    return /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  };
  // the token first: the agent attaches its cookies when a request is created
  const attempt = async (username: string, password: string, next = '/') => {
    const _csrf = await token();
    return agent
      .post('/login')
      .set('x-forwarded-for', ip)
      .type('form')
      .send({ _csrf, username, password, next });
  };
  return { agent, attempt };
}

const sessionRows = async () =>
  (await t.db.query<{ n: number }>('select count(*)::int as n from session'))[0]!.n;

describe('logging in', () => {
  it('a wrong password gets 401 and the message, and keeps the user name', async () => {
    const c = client(t.app, '10.0.0.1');
    const res = await c.attempt('editor', 'not the password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('用户名或密码错误');
    expect(res.text).toContain('name="username" autocomplete="username" required value="editor"');
    const unknown = await c.attempt('nobody', 'whatever');
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('用户名或密码错误');
    expect((await c.agent.get('/api/v1/session')).status).toBe(401);
  });

  it('refuses a login post without a CSRF token', async () => {
    const res = await request(t.app)
      .post('/login')
      .set('x-forwarded-for', '10.0.0.2')
      .type('form')
      .send({ username: 'editor', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    // the refusal is the app's own page, in Chinese, with the county in its header (the layout's locals are
    // loaded even though the request was refused before they were)
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('闽侯县');
    expect(res.text).toMatch(/<footer>GEP Ledger · minhou-2021@/);
  });

  it('the 4th failed attempt within the window gets 429, even with the right password', async () => {
    const c = client(t.app, '10.0.0.3');
    for (let i = 1; i <= 3; i++) expect((await c.attempt('editor', `wrong ${i}`)).status).toBe(401);
    const fourth = await c.attempt('editor', 'wrong 4');
    expect(fourth.status).toBe(429);
    expect(fourth.text).toContain('登录尝试过多，请稍后再试');
    expect(fourth.headers['ratelimit-policy']).toBeDefined();
    const right = await c.attempt('editor', PASSWORD);
    expect(right.status).toBe(429);
    expect((await c.agent.get('/api/v1/session')).status).toBe(401);
    // the counter lives in the database, so every app process sees it
    const [row] = await t.db.query<{ hits: number }>(
      "select hits from rate_limits where key like 'login:%10.0.0.3'",
    );
    expect(row!.hits).toBeGreaterThanOrEqual(4);
    // another address is not affected
    const other = client(t.app, '10.0.0.4');
    expect((await other.attempt('editor', PASSWORD)).status).toBe(302);
  });

  it('a successful login sets a new HttpOnly, SameSite=Lax session cookie', async () => {
    const c = client(t.app, '10.0.0.5');
    const page = await c.agent.get('/login').set('x-forwarded-for', '10.0.0.5');
    const before = page.headers['set-cookie'] as unknown as string[];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await c.agent
      .post('/login')
      .set('x-forwarded-for', '10.0.0.5')
      .type('form')
      .send({ _csrf: token, username: 'viewer', password: PASSWORD, next: '/sets' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/sets');
    const cookies = res.headers['set-cookie'] as unknown as string[];
    const sid = cookies.find((c) => c.startsWith('gep.sid='))!;
    expect(sid).toBeDefined();
    expect(sid).toMatch(/;\s*HttpOnly/i);
    expect(sid).toMatch(/;\s*SameSite=Lax/i);
    expect(sid).toMatch(/;\s*Path=\//);
    // a new session id at login (no session fixation)
    const oldSid = before?.find((c) => c.startsWith('gep.sid='))?.split(';')[0];
    expect(oldSid).toBeDefined();
    expect(sid.split(';')[0]).not.toBe(oldSid);
  });

  it('never redirects to another site after login', async () => {
    for (const [i, next] of [
      '//evil.example',
      'https://evil.example/',
      '/\\evil.example',
      '\\\\evil.example',
    ].entries()) {
      const c = client(t.app, `10.0.1.${i}`);
      const res = await c.attempt('viewer', PASSWORD, next);
      expect(res.status, next).toBe(302);
      expect(res.headers.location, next).toBe('/');
    }
    const page = await request(t.app).get('/login?next=//evil.example');
    expect(page.text).toContain('name="next" value="/"');
  });

  it('a page read does not rewrite the session in the database (touched at most once per five minutes)', async () => {
    const s = await login(t.app, 'viewer');
    const expiry = async () =>
      (await t.db.query<{ e: string }>('select max(expire)::text as e from session'))[0]!.e;
    await s.agent.get('/reports');
    const before = await expiry();
    await new Promise((r) => setTimeout(r, 1100)); // a touch would move the expiry by at least a second
    for (let i = 0; i < 3; i++) expect((await s.agent.get('/reports')).status).toBe(200);
    expect(await expiry()).toBe(before);
  });

  it('logout destroys the session', async () => {
    const s = await login(t.app, 'reviewer');
    const rows = await sessionRows();
    const noToken = await s.agent.post('/logout').type('form').send({});
    expect(noToken.status).toBe(403);
    expect((await s.agent.get('/api/v1/session')).status).toBe(200);
    const res = await s.agent.post('/logout').type('form').send({ _csrf: s.csrf });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    // the browser drops the cookie too
    const cleared = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('gep.sid='))!;
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await sessionRows()).toBe(rows - 1);
    expect((await s.agent.get('/api/v1/session')).status).toBe(401);
    const home = await s.agent.get('/');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/login?next=%2F');
  });
});

describe('headers, health, language, errors', () => {
  it('sends the security headers and no x-powered-by', async () => {
    for (const path of ['/login', '/healthz', '/no-such-page']) {
      const res = await request(t.app).get(path);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp, path).toMatch(/(^|;)\s*default-src 'self'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('GET /healthz answers 200 JSON with the database kind', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.body).toMatchObject({
      status: 'ok',
      database: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
    });
    expect(res.body.migrations).toBeGreaterThan(0);
  });

  it('?lang=en switches the interface to English and remembers it', async () => {
    const agent = request.agent(t.app);
    const zh = await agent.get('/login');
    expect(zh.text).toContain('<button>登录</button>');
    const en = await agent.get('/login?lang=en');
    expect(en.text).toContain('<button>Log in</button>');
    expect(en.text).toContain('<html lang="en"');
    const cookie = (en.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lang='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect((await agent.get('/login')).text).toContain('<button>Log in</button>');
    expect((await agent.get('/login?lang=zh')).text).toContain('<button>登录</button>');
    // an unknown language is ignored
    expect((await request(t.app).get('/login?lang=xx')).text).toContain('<button>登录</button>');
  });

  it('an unknown page is a 404 page in Chinese (JSON for the API)', async () => {
    const res = await request(t.app).get('/no-such-page');
    expect(res.status).toBe(404);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('未找到 (404)');
    expect(res.text).toContain('页面 /no-such-page 不存在');
    const en = await request(t.app).get('/no-such-page?lang=en');
    expect(en.text).toContain('no page /no-such-page');
    const api = await request(t.app).get('/api/v1/nothing');
    expect(api.status).toBe(404);
    expect(api.type).toBe('application/json');
    expect(api.body.error).toContain('/api/v1/nothing');
  });
});

describe('first start: the one-time setup token', () => {
  let db: Db;
  let app: Express;
  let token: string;

  beforeAll(async () => {
    const booted = await boot({
      ...(await freshDatabase()),
      coefficientsDir: COEFFICIENTS,
      seedFile: SAMPLE,
    });
    db = booted.db;
    token = booted.setupToken!;
    app = createApp({
      db,
      sessionSecret: 'test-secret',
      log: () => {},
      loginRateLimit: { windowMs: 60_000, limit: 1000 },
    });
  });
  afterAll(() => db.close());

  const users = () => db.query<{ username: string; role: string }>('select username, role from users');
  const setupForm = async (agent: ReturnType<typeof request.agent>) => {
    const page = await agent.get(`/setup?token=${token}`);
    return { page, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] };
  };

  it('boot gives a token when there is no user yet, and stores only its hash', async () => {
    expect(token).toMatch(/^[\w-]{20,}$/);
    const [row] = await db.query<{ value: string }>(
      "select value from settings where key = 'setup_token_hash'",
    );
    expect(row!.value).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.value).not.toContain(token);
  });

  it('a wrong or missing token redirects to the login page', async () => {
    for (const path of ['/setup', '/setup?token=wrong', `/setup?token=${token}x`]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location).toBe('/login');
    }
  });

  it('the right token shows the form; bad input and a wrong token create nobody', async () => {
    const agent = request.agent(app);
    const { page, csrf } = await setupForm(agent);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`name="token" value="${token}"`);
    const short = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrf, token, username: 'chief', displayName: '局长', password: 'short' });
    expect(short.status).toBe(422);
    const wrong = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrf, token: 'wrong', username: 'chief', displayName: '局长', password: PASSWORD });
    expect(wrong.status).toBe(302);
    const noCsrf = await agent
      .post('/setup')
      .type('form')
      .send({ token, username: 'chief', displayName: '局长', password: PASSWORD });
    expect(noCsrf.status).toBe(403);
    expect(await users()).toEqual([]);
  });

  it('creates the first admin, who can log in; the token then no longer works', async () => {
    const agent = request.agent(app);
    const { csrf } = await setupForm(agent);
    const res = await agent.post('/setup').type('form').send({
      _csrf: csrf,
      token,
      username: 'chief',
      displayName: '局长',
      password: PASSWORD,
      role: 'viewer',
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    expect(await users()).toEqual([{ username: 'chief', role: 'admin' }]);
    expect(await db.query("select 1 from settings where key = 'setup_token_hash'")).toEqual([]);
    const s = await login(app, 'chief');
    expect((await s.agent.get('/admin/users')).status).toBe(200);

    const again = await request(app).get(`/setup?token=${token}`);
    expect(again.status).toBe(302);
    expect(again.headers.location).toBe('/login');
    const page = await agent.get('/login');
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const second = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrf2, token, username: 'intruder', displayName: 'x', password: PASSWORD });
    expect(second.status).toBe(302);
    expect(await users()).toEqual([{ username: 'chief', role: 'admin' }]);
  });
});
