/**
 * Report pages from cache: kept behind the data version (a write in any process changes it), per language and
 * role, with each reader's own CSRF token, bounded by bytes; a GET of a report writes nothing.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteLru } from '../../src/web/page-cache.js';
import { login, PASSWORD, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let reviewer: Session;
let reviewer2: Session;
const queries: string[] = [];

beforeAll(async () => {
  t = await startApp();
  [reviewer, reviewer2] = (await Promise.all(['reviewer', 'reviewer2'].map((u) => login(t.app, u)))) as [
    Session,
    Session,
  ];
  const query = t.db.query.bind(t.db);
  t.db.query = ((sql: string, params?: unknown[]) => {
    queries.push(sql);
    return query(sql, params);
  }) as typeof t.db.query;
});
afterAll(() => t.close());

const during = async (f: () => Promise<unknown>) => {
  queries.length = 0;
  await f();
  return [...queries];
};

describe('report pages from cache', () => {
  const url = '/reports/gep?year=2021';

  it('serves a second request without accounting or reading survey data, and writes nothing', async () => {
    const first = await reviewer.agent.get(url);
    expect(first.status).toBe(200);
    // the first request of a session moves its expiry (one write, at most every five minutes)
    await reviewer.agent.get(url);
    const sql = await during(async () => {
      const again = await reviewer.agent.get(url);
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
    });
    expect(sql.filter((q) => /survey_records/.test(q))).toEqual([]);
    expect(sql.filter((q) => /^\s*(insert|update|delete)/i.test(q))).toEqual([]);
    // on PostgreSQL the session, the user and the data version: three reads; on the embedded database (one
    // process, the only writer) none: each was read once and stays current until this process writes
    expect(sql).toEqual(t.db.soleWriter ? [] : [expect.any(String), expect.any(String), expect.any(String)]);
  });

  it('answers 304 to a reader whose copy is current, and sends the page again after a write', async () => {
    const first = await reviewer.agent.get(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const same = await reviewer.agent.get(url).set('If-None-Match', etag);
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    // another reader has another CSRF token in the page: not the same ETag
    const other = await reviewer2.agent.get(url).set('If-None-Match', etag);
    expect(other.status).toBe(200);
    await t.db.query("update settings set value = value where key = 'profile'");
    const after = await reviewer.agent.get(url).set('If-None-Match', etag);
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
  });

  it('gives each reader their own CSRF token in a shared page', async () => {
    const a = (await reviewer.agent.get(url)).text;
    const b = (await reviewer2.agent.get(url)).text;
    expect(a).toContain(`value="${reviewer.csrf}"`);
    expect(b).toContain(`value="${reviewer2.csrf}"`);
    expect(b).not.toContain(reviewer.csrf);
    expect(a).not.toContain('\u0000');
  });

  it('shows a change made by any process at once (the data version moves)', async () => {
    const before = (await reviewer.agent.get(url)).text;
    expect(before).not.toContain('缓存测试县');
    // a write outside this app's routes, as another process would make it
    await t.db.query("update regions set name_zh = '缓存测试县'");
    const after = (await reviewer.agent.get(url)).text;
    expect(after).toContain('缓存测试县');
  });

  it('keys pages by language', async () => {
    const en = (await reviewer.agent.get(`${url}&lang=en`)).text;
    expect(en).toContain('GEP account');
    const zh = (await reviewer.agent.get(`${url}&lang=zh`)).text;
    expect(zh).toContain('核算报告');
  });
});

describe('cached pages on the wire', () => {
  // raw HTTP: supertest and fetch would decompress the body before the test sees it
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  const raw = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.once('error', reject);
      req.end(body);
    });
  /** A browser's session: its cookie and its CSRF token. */
  async function rawLogin(username: string) {
    const page = await raw('GET', '/login', {});
    const pre = String(page.headers['set-cookie']).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body.toString())![1]!;
    const form = new URLSearchParams({ _csrf: csrf, username, password: PASSWORD }).toString();
    const res = await raw(
      'POST',
      '/login',
      { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
      form,
    );
    expect(res.status).toBe(302);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const token = JSON.parse((await raw('GET', '/api/v1/session', { cookie })).body.toString())
      .csrfToken as string;
    return { cookie, token };
  }
  const url = '/reports/gep?year=2021&township=total';
  const GZIP = { 'accept-encoding': 'gzip, deflate, br' };

  it('sends a hit gzip-compressed, decoding to exactly the uncompressed page with this reader’s token', async () => {
    const a = await rawLogin('reviewer');
    const b = await rawLogin('reviewer2');
    await raw('GET', url, { cookie: a.cookie, ...GZIP }); // stored
    const gz = await raw('GET', url, { cookie: a.cookie, ...GZIP }); // a hit
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    const plain = await raw('GET', url, { cookie: a.cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    // the token of this session in the layout's logout form and in the page's publish form
    const html = plain.body.toString();
    expect(html.split(`value="${a.token}"`).length - 1).toBeGreaterThanOrEqual(2);
    expect(html).toContain('action="/reports/publish"');
    expect(html).not.toContain('\u0000');
    // the same stored page for another reader of the same role, with that reader's token (the layout names them)
    const other = gunzipSync((await raw('GET', url, { cookie: b.cookie, ...GZIP })).body).toString();
    const main = (page: string) => page.slice(page.indexOf('<main>'), page.indexOf('</main>'));
    expect(main(html).length).toBeGreaterThan(100_000);
    expect(main(other)).toBe(main(html).split(a.token).join(b.token));
    expect(other).not.toContain(a.token);
    // what is sent: the 2021 county report is mostly text and SVG; gzip sends less than a quarter of it
    expect(gz.body.length).toBeLessThan(plain.body.length / 4);
    // the token as the browser reads it from the gzip page passes the CSRF check of a POST (logging out)
    const inPage = /name="_csrf" value="([^"]+)"/.exec(gunzipSync(gz.body).toString())![1]!;
    const form = { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' };
    expect((await raw('POST', '/logout', form, `_csrf=${encodeURIComponent(b.token)}`)).status).toBe(403);
    expect((await raw('POST', '/logout', form, `_csrf=${encodeURIComponent(inPage)}`)).status).toBe(302);
  });

  it('answers 304 to a matching ETag, gzip or not, and each role gets its own page', async () => {
    const r = await rawLogin('reviewer');
    const v = await rawLogin('viewer');
    const first = await raw('GET', url, { cookie: r.cookie, ...GZIP });
    const etag = first.headers.etag!;
    expect((await raw('GET', url, { cookie: r.cookie, ...GZIP, 'if-none-match': etag })).status).toBe(304);
    expect((await raw('GET', url, { cookie: r.cookie, 'if-none-match': etag })).status).toBe(304);
    // a viewer may not publish: the viewer's page (kept apart from the reviewer's) has no publish form
    await raw('GET', url, { cookie: v.cookie, ...GZIP });
    const viewerPage = gunzipSync((await raw('GET', url, { cookie: v.cookie, ...GZIP })).body).toString();
    expect(viewerPage).toContain(`value="${v.token}"`);
    expect(viewerPage).not.toContain('action="/reports/publish"');
    expect(gunzipSync(first.body).toString()).toContain('action="/reports/publish"');
  });
});

describe('ByteLru', () => {
  it('keeps at most its bytes, dropping the least recently used first', () => {
    // each entry: value 100 chars × 2 bytes + key 1 char × 2 bytes = 202 bytes; 500 bytes hold two
    const lru = new ByteLru<string>(500, (v) => v.length * 2);
    lru.set('a', 'x'.repeat(100));
    lru.set('b', 'y'.repeat(100));
    expect(lru.get('a')).toBeDefined(); // a is now the most recently used
    lru.set('c', 'z'.repeat(100));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.get('c')).toBeDefined();
    expect(lru.bytes).toBe(404);
    lru.set('big', 'w'.repeat(300)); // 606 bytes: larger than the whole cache, not kept
    expect(lru.get('big')).toBeUndefined();
    expect(lru.size).toBe(2);
  });
});
