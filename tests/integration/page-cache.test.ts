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
    const sql = await during(async () => {
      const again = await reviewer.agent.get(url);
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
    });
    expect(sql.filter((q) => /survey_records/.test(q))).toEqual([]);
    expect(sql.filter((q) => /^\s*(insert|update|delete)/i.test(q))).toEqual([]);
    // the session, the user and the data version: three reads
    expect(sql.length).toBeLessThanOrEqual(3);
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
