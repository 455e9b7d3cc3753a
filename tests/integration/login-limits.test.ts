/**
 * Login limits that hold (issue 11, M2, L5): `trust proxy` off unless configured, failed logins limited
 * per address and per account, a password policy, and sessions of a deactivated or re-passworded user
 * ended for good.
 */
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { createUser, setPassword, updateUser } from '../../src/store/users.js';
import { ValidationError } from '../../src/store/errors.js';
import { createApp, trustProxySetting } from '../../src/web/app.js';
import { PASSWORD, login, startApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startApp({ loginLimit: 3 });
}, 60_000);
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.query('delete from rate_limits');
});

/** One failed (or successful) login through the form, from the address `forwardedFor` claims. */
async function attempt(app: typeof t.app, username: string, password: string, forwardedFor?: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const req = agent.post('/login').type('form');
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  return (await req.send({ _csrf: token, username, password })).status;
}

const userId = async (username: string) =>
  (await t.db.query<{ id: number }>('select id from users where username = $1', [username]))[0]!.id;

describe('TRUST_PROXY', () => {
  it('is off unless set; numbers are hops; other text is passed to express', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting('0')).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('loopback')).toBe('loopback');
    expect(trustProxySetting('10.0.0.1, 10.0.0.2')).toBe('10.0.0.1, 10.0.0.2');
  });

  it('by default a client cannot escape the address limit by sending X-Forwarded-For (limit 3)', async () => {
    // three different usernames, so only the address limit can apply
    for (const [i, name] of ['nobody1', 'nobody2', 'nobody3'].entries())
      expect(await attempt(t.app, name, 'wrong password', `203.0.113.${i + 1}`)).toBe(401);
    expect(await attempt(t.app, 'nobody4', 'wrong password', '203.0.113.99')).toBe(429);
  });
});

describe('per-account limit', () => {
  it('3 failed logins for one account from 3 addresses (behind a trusted proxy) lock that account only', async () => {
    const app = createApp({
      db: t.db,
      sessionSecret: 'test-secret',
      log: () => {},
      loginRateLimit: { windowMs: 60_000, limit: 100, accountLimit: 3 },
      trustProxy: 'loopback',
    });
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      expect(await attempt(app, 'editor', 'wrong password', ip)).toBe(401);
    // the right password from a fourth address: the account's limit holds
    expect(await attempt(app, 'editor', PASSWORD, '198.51.100.4')).toBe(429);
    // the same is true whatever the case or spaces of the name
    expect(await attempt(app, ' EDITOR ', PASSWORD, '198.51.100.5')).toBe(429);
    // another account is not affected
    expect(await attempt(app, 'viewer', PASSWORD, '198.51.100.6')).toBe(302);
  });
});

describe('password policy', () => {
  const refusal = async (password: string) => {
    try {
      await createUser(t.db, SYSTEM_ACTOR, {
        username: 'newbie',
        displayName: 'N',
        role: 'viewer',
        password,
      });
    } catch (e) {
      if (e instanceof ValidationError) return e.issues.map((i) => i.message);
      throw e;
    }
    await t.db.query("delete from users where username = 'newbie'");
    return [];
  };
  it('ten spaces are refused', async () => {
    expect(await refusal(' '.repeat(10))).toEqual([
      { zh: '密码：不能只由空白字符组成', en: 'Password: cannot be only whitespace' },
    ]);
  });
  it.each([
    '1234567890',
    'password123',
    'Password123',
    'qwertyuiop',
    'woaini1314',
    'aaaaaaaaaaaa',
    'abababababab',
  ])('the common or trivial "%s" is refused', async (p) => {
    expect(await refusal(p)).toEqual([
      {
        zh: '密码：太常见或太简单，请换一个',
        en: 'Password: too common or too simple; choose another',
      },
    ]);
  });
  it('nine characters are refused; "correct horse battery" is accepted', async () => {
    expect(await refusal('abcdefgh9')).toEqual([
      { zh: '密码：至少 10 个字符', en: 'Password: at least 10 characters' },
    ]);
    expect(await refusal('correct horse battery')).toEqual([]);
  });
  it('the admin form refuses a common password with 422 and the reason', async () => {
    const admin = await login(t.app, 'admin');
    const res = await admin.agent
      .post(`/admin/users/${await userId('viewer')}/password`)
      .type('form')
      .send({ _csrf: admin.csrf, password: 'password123' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('密码：太常见或太简单');
  });
});

describe('sessions end for good', () => {
  const loggedIn = async (s: Awaited<ReturnType<typeof login>>) =>
    (await s.agent.get('/api/v1/session')).status === 200;

  it('a deactivated user’s session does not come back when they are reactivated', async () => {
    const reviewer = await login(t.app, 'reviewer');
    expect(await loggedIn(reviewer)).toBe(true);
    const [saved] = await t.db.query<{ sid: string; sess: unknown; expire: Date }>(
      "select sid, sess, expire from session where (sess->>'userId') = $1",
      [String(await userId('reviewer'))],
    );
    const id = await userId('reviewer');
    await updateUser(t.db, SYSTEM_ACTOR, id, { active: false });
    expect(await loggedIn(reviewer)).toBe(false);
    // a request in flight could save the session again after it was deleted: put it back by hand
    await t.db.query(
      'insert into session (sid, sess, expire) values ($1, $2, $3) on conflict (sid) do nothing',
      [saved!.sid, JSON.stringify(saved!.sess), saved!.expire],
    );
    await updateUser(t.db, SYSTEM_ACTOR, id, { active: true });
    expect(await loggedIn(reviewer)).toBe(false);
    // a new login works
    expect(await loggedIn(await login(t.app, 'reviewer'))).toBe(true);
  });

  it('a new password ends every session of the user; the new password logs in, the old does not', async () => {
    const viewer = await login(t.app, 'viewer');
    expect(await loggedIn(viewer)).toBe(true);
    await setPassword(t.db, SYSTEM_ACTOR, await userId('viewer'), 'a fresh long passphrase');
    expect(await loggedIn(viewer)).toBe(false);
    expect(await attempt(t.app, 'viewer', PASSWORD)).toBe(401);
    expect(await loggedIn(await login(t.app, 'viewer', 'a fresh long passphrase'))).toBe(true);
    const [event] = await t.db.query<{ action: string }>(
      "select action from audit_events where entity = 'user' and entity_key = 'viewer' order by id desc limit 1",
    );
    expect(event!.action).toBe('set_password');
  });
});
