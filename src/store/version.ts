/**
 * The data version (migration 010): one number that every write to the data pages are made from changes, in
 * any process. What is read often and changes rarely (settings, region, townships, approved years, accounts)
 * is cached per database behind it: a request reads the number (one query) and finds the rest in memory.
 */
import type { Db } from './db.js';

export async function dataVersion(db: Db): Promise<string> {
  const [row] = await db.query<{ n: string }>('select n::text as n from data_version where id = 1');
  return row?.n ?? '0';
}

const memos = new WeakMap<Db, { version: string; values: Map<string, Promise<unknown>> }>();

/**
 * `load()` once per data version and key: concurrent requests share one query. A failed load is not kept.
 * Entries of an older version are dropped when a newer one is seen.
 */
export function memoByVersion<T>(db: Db, version: string, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(db);
  if (!memo || memo.version !== version) memos.set(db, (memo = { version, values: new Map() }));
  let p = memo.values.get(key) as Promise<T> | undefined;
  if (!p) {
    const values = memo.values;
    p = load();
    values.set(key, p);
    p.catch(() => values.delete(key));
  }
  return p;
}
