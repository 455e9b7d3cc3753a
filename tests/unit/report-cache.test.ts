/**
 * The report-model cache (src/web/report-cache.ts): a model is made once per key and shared by concurrent
 * requests; the models kept stay within their byte bound, least recently used first out; a failed load is not
 * kept; a newer data version starts empty.
 */
import { describe, expect, it } from 'vitest';
import { ReportCache, reportCache } from '../../src/web/report-cache.js';
import type { Db } from '../../src/store/db.js';

describe('report-model cache', () => {
  it('makes a model once per key, and concurrent requests share the load', async () => {
    const c = new ReportCache(1000, '1');
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const [a, b] = await Promise.all([
      c.memo('gep|2021', () => 100, load),
      c.memo('gep|2021', () => 100, load),
    ]);
    expect(a).toBe(b);
    expect(await c.memo('gep|2021', () => 100, load)).toBe(a);
    expect(loads).toBe(1);
    expect(c.bytes).toBe(100);
  });

  it('keeps within its bytes, dropping the least recently used first', async () => {
    // bound 1,000 bytes; models of 400 bytes: A, B, then A read again, then C (400 + 400 + 400 > 1,000) drops B
    const c = new ReportCache(1000, '1');
    const make = (id: string) =>
      c.memo(
        id,
        () => 400,
        () => id,
      );
    await make('A');
    await make('B');
    await make('A');
    await make('C');
    await Promise.resolve();
    expect(c.bytes).toBe(800);
    let loads = 0;
    await c.memo(
      'B',
      () => 400,
      () => `B${++loads}`,
    );
    expect(loads).toBe(1); // B was dropped and made again
    await c.memo(
      'C',
      () => 400,
      () => `C${++loads}`,
    );
    expect(loads).toBe(1); // C was kept
    // a model larger than the bound is not kept
    await c.memo(
      'huge',
      () => 5000,
      () => 'x',
    );
    await Promise.resolve();
    expect(c.bytes).toBeLessThanOrEqual(1000);
  });

  it('does not keep a failed load, and starts empty at a newer data version', async () => {
    const c = new ReportCache(1000, '1');
    await expect(
      c.memo(
        'k',
        () => 1,
        () => Promise.reject(new Error('no data')),
      ),
    ).rejects.toThrow('no data');
    await Promise.resolve();
    expect(
      await c.memo(
        'k',
        () => 1,
        () => 'made',
      ),
    ).toBe('made');
    const db = {} as Db;
    const v1 = reportCache(db, '7');
    await v1.memo(
      'gep',
      () => 10,
      () => 'at 7',
    );
    expect(reportCache(db, '7')).toBe(v1);
    const v2 = reportCache(db, '8');
    expect(v2).not.toBe(v1);
    expect(
      await v2.memo(
        'gep',
        () => 10,
        () => 'at 8',
      ),
    ).toBe('at 8');
  });
});
