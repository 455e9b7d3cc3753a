/**
 * Settings read from the environment as whole numbers (WORKERS, PGLITE_SHARED_BUFFERS, PAGE_CACHE_MB,
 * REPORT_CACHE_BYTES, ACCOUNTS_CACHE_BYTES): the default when unset, the bounds, and a refusal in zh and en that
 * names the variable and what it holds, never NaN.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wholeNumberFromEnv } from '../../src/env.js';

const BYTES = { min: 0, max: 2 ** 40, fallback: 128 * 2 ** 20, unit: 'bytes' };

describe('wholeNumberFromEnv', () => {
  afterEach(() => {
    delete process.env.PAGE_CACHE_MB;
    vi.resetModules();
  });

  it('gives the default when unset or blank, and the value within the bounds', () => {
    expect(wholeNumberFromEnv({}, 'REPORT_CACHE_BYTES', BYTES)).toBe(134_217_728); // 128 × 2²⁰
    expect(wholeNumberFromEnv({ REPORT_CACHE_BYTES: '  ' }, 'REPORT_CACHE_BYTES', BYTES)).toBe(134_217_728);
    expect(wholeNumberFromEnv({ REPORT_CACHE_BYTES: '0' }, 'REPORT_CACHE_BYTES', BYTES)).toBe(0);
    expect(wholeNumberFromEnv({ REPORT_CACHE_BYTES: '1099511627776' }, 'REPORT_CACHE_BYTES', BYTES)).toBe(
      2 ** 40,
    );
  });

  it('refuses anything else, naming the variable, its bounds and unit, in Chinese and English', () => {
    for (const bad of ['1099511627777', '-1', '1e9', '64MB', '12.5', 'NaN', 'Infinity', '9'.repeat(400)])
      expect(() => wholeNumberFromEnv({ REPORT_CACHE_BYTES: bad }, 'REPORT_CACHE_BYTES', BYTES)).toThrow(
        `REPORT_CACHE_BYTES 应为 0 到 1099511627776 之间的整数（单位 bytes），收到"${bad}" ` +
          `(REPORT_CACHE_BYTES must be a whole number of bytes from 0 to 1099511627776; got "${bad}")`,
      );
    expect(() => wholeNumberFromEnv({ WORKERS: '65' }, 'WORKERS', { min: 1, max: 64, fallback: 1 })).toThrow(
      'WORKERS 应为 1 到 64 之间的整数，收到"65" (WORKERS must be a whole number from 1 to 64; got "65")',
    );
  });

  it('is what the page cache is bounded by: PAGE_CACHE_MB=2 is 2 × 2²⁰ bytes, and "lots" stops it loading', async () => {
    process.env.PAGE_CACHE_MB = '2';
    expect((await import('../../src/web/page-cache.js')).PAGE_CACHE_BYTES).toBe(2_097_152);
    vi.resetModules();
    process.env.PAGE_CACHE_MB = 'lots';
    await expect(import('../../src/web/page-cache.js')).rejects.toThrow(
      /PAGE_CACHE_MB must be a whole number of MB/,
    );
  });
});
