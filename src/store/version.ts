/**
 * The data version (migration 010): one number that every write to the data pages are made from changes, in
 * any process. What is read often and changes rarely (settings, region, townships, approved years, accounts)
 * is cached per database behind it: a request reads the number (one query) and finds the rest in memory.
 */
import type { Db } from './db.js';

const read = async (db: Db) =>
  (await db.query<{ n: string }>('select n::text as n from data_version where id = 1'))[0]?.n ?? '0';

const known = new WeakMap<Db, { writes: number; version: Promise<string> }>();

/**
 * The data version. On PostgreSQL (several processes may write) one single-row read per call; on the embedded
 * database (this process is its only writer) it is read again only after this process has written.
 */
export function dataVersion(db: Db): Promise<string> {
  if (!db.soleWriter || !db.writes) return read(db);
  const writes = db.writes();
  const k = known.get(db);
  if (k && k.writes === writes) return k.version;
  const version = read(db);
  known.set(db, { writes, version });
  version.catch(() => known.delete(db));
  return version;
}

/**
 * `load()` once per write count of a sole-writer database (the embedded one), else on every call: for what is
 * read on every request and not part of the data version (sessions, users).
 */
export function memoUntilWrite<T>(db: Db, cache: Map<string, { writes: number; value: Promise<T> }>) {
  return (key: string, load: () => Promise<T>): Promise<T> => {
    if (!db.soleWriter || !db.writes) return load();
    const writes = db.writes();
    const hit = cache.get(key);
    if (hit && hit.writes === writes) return hit.value;
    if (cache.size > 10_000) cache.clear();
    const value = load();
    cache.set(key, { writes, value });
    value.catch(() => cache.delete(key));
    return value;
  };
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
