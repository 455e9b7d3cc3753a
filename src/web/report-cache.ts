/**
 * Report models (the GEP report with its summary and plausibility warnings, the township comparison, the
 * balance sheets) kept by what they are made from: the database, its data version (any write to the data a
 * report reads changes it, in any process), the set's content hash, the profile and the report's own
 * parameters, all in the key. A second page over the same figures (the parts of a subtotal, another language,
 * another page of a ranking, an export) is made from the kept model instead of being recomputed. Bounded by an
 * estimate of the models' bytes, least recently used first out; a newer data version empties the database's
 * models at once.
 */
import type { Db } from '../store/db.js';
import { wholeNumberFromEnv } from '../env.js';

/** Default bound of a database's kept report models (REPORT_CACHE_BYTES overrides). */
export const REPORT_CACHE_BYTES = wholeNumberFromEnv(process.env, 'REPORT_CACHE_BYTES', {
  min: 0,
  max: 2 ** 40,
  fallback: 128 * 2 ** 20,
  unit: 'bytes',
});

interface Entry {
  readonly value: Promise<unknown>;
  bytes: number;
}

/** Least recently used first out, by bytes: a Map keeps insertion order, and a hit is moved to the end. */
export class ReportCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;
  constructor(
    readonly maxBytes: number,
    readonly version: string,
  ) {}

  get bytes() {
    return this.total;
  }

  get size() {
    return this.entries.size;
  }

  /**
   * The model under `key`, or `load()`'s (kept when its estimated `bytes` fit; a failed load is not kept).
   * Concurrent requests for one key share one load.
   */
  memo<T>(key: string, bytes: (value: T) => number, load: () => T | Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = Promise.resolve().then(load);
    const entry: Entry = { value, bytes: 0 };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = bytes(v);
        this.total += entry.bytes;
        if (entry.bytes > this.maxBytes) this.drop(key);
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  private drop(key: string) {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.total -= e.bytes;
  }

  private evict() {
    for (const key of this.entries.keys()) {
      if (this.total <= this.maxBytes) break;
      this.drop(key);
    }
  }
}

const caches = new WeakMap<Db, ReportCache>();

/** The report-model cache of a database at a data version (a newer version starts an empty one). */
export function reportCache(db: Db, version: string, maxBytes = REPORT_CACHE_BYTES): ReportCache {
  let c = caches.get(db);
  if (!c || c.version !== version) caches.set(db, (c = new ReportCache(maxBytes, version)));
  return c;
}

/** A rough size of a report model: per table row (labels, keys, a few decimals) and per township figure. */
export const ROW_BYTES = 600;
export const TOWNSHIP_BYTES = 4_000;
