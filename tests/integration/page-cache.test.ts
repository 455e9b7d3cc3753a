/**
 * Report pages from cache: kept behind the data version (a write in any process changes it), per language and
 * role, with each reader's own CSRF token, bounded by bytes; a GET of a report writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteLru } from '../../src/web/page-cache.js';
import { login, startApp, type Session, type TestApp } from './harness.js';

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
