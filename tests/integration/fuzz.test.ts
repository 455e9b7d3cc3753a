/**
 * Property-based fuzzing (issue 11): generated bad inputs are sent through the JSON API (values,
 * overrides, units), the import (CSV upload) and the set edit form. Each must be refused (400 or 422)
 * with a message, and the database must be unchanged: a dump of every table (sessions and rate limits
 * aside) is compared before and after each property. The counts are printed at the end.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dump, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let admin: Session;
let draftVersion: string;
const counts = { tried: 0, refused: 0, byWay: {} as Record<string, number> };

beforeAll(async () => {
  t = await startApp();
  [editor, admin] = (await Promise.all(['editor', 'admin'].map((u) => login(t.app, u)))) as [
    Session,
    Session,
  ];
  const derive = await admin.agent
    .post('/sets/minhou-2021/1.0.0/derive')
    .type('form')
    .send({ _csrf: admin.csrf });
  draftVersion = /\/sets\/minhou-2021\/([\d.]+)\/edit/.exec(derive.headers.location as string)![1]!;
}, 60_000);
afterAll(() => {
  console.log(
    `fuzz: ${counts.tried} bad inputs tried, ${counts.refused} refused with a message, database unchanged after each property; by way in: ${JSON.stringify(counts.byWay)}`,
  );
  return t.close();
});

/** Text that is not a number under the one rule, of many kinds. */
const badNumber: fc.Arbitrary<string> = fc.oneof(
  // beyond the bounds: huge or tiny exponents, too many digits
  fc.bigInt({ min: 31n, max: 10n ** 18n }).map((e) => `1e${e}`),
  fc.bigInt({ min: 31n, max: 10n ** 18n }).map((e) => `-7.5e-${e}`),
  fc.integer({ min: 41, max: 120 }).map((n) => '9'.repeat(n)),
  // thousands separators out of place, inner spaces, other separators
  fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a},${b}`),
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 6 }).map((d) => d.join(' ')),
  fc
    .tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1000, max: 99999 }))
    .map(([a, b]) => `${a},${b}`),
  fc.integer({ min: 1, max: 99999 }).map((n) => `${n}_000`),
  // words, special values, code
  fc.constantFrom(
    'Infinity',
    '-Infinity',
    'NaN',
    'abc',
    '0x1F',
    '1.2.3',
    '--1',
    '1e',
    'e5',
    '.',
    '1/0',
    'null',
    'true',
    '__proto__',
    'constructor',
    '${1+1}',
    '<script>1</script>',
    '1;drop table users',
  ),
  // a valid number with something appended or NUL inside
  fc
    .tuple(fc.integer(), fc.constantFrom('abc', '\u0000', '%%', ' kg', '，5', '..'))
    .map(([n, s]) => `${n}${s}`),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /[^0-9.,+\-eE\s]/.test(s) && !/^\s*$/.test(s)),
);

/** Asserts a refusal: 400 or 422, with a message; counts it. */
function refused(way: string, res: { status: number; text: string; body?: unknown }) {
  counts.tried++;
  counts.byWay[way] = (counts.byWay[way] ?? 0) + 1;
  expect([400, 422], `${way}: ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
  const message =
    typeof (res.body as { error?: unknown } | undefined)?.error === 'string'
      ? (res.body as { error: string }).error
      : res.text;
  expect(message.length).toBeGreaterThan(0);
  counts.refused++;
}

/** Runs a property and checks the database dump is the same before and after. */
async function unchanged(run: () => Promise<void>) {
  const before = await dump(t.db);
  await run();
  expect(await dump(t.db)).toBe(before);
}

const YEAR = 2031; // no record yet: a write would create one

describe('fuzz: the JSON API', () => {
  it('a bad value for gdp is refused (450 runs)', async () => {
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(badNumber, async (v) => {
          const res = await editor.agent
            .put(`/api/v1/records/baisha/${YEAR}`)
            .set('x-csrf-token', editor.csrf)
            .send({ values: { gdp: v }, version: null, mode: 'replace' });
          refused('api value', res);
        }),
        { numRuns: 450, seed: 11 },
      ),
    );
  }, 60_000);

  it('a bad override (quantity, negative, unit) is refused (300 runs)', async () => {
    const override = fc.oneof(
      badNumber.map((q) => ({ quantity: q, source: 'model' })),
      fc
        .double({ min: -1e30, max: -1e-6, noNaN: true })
        .map((q) => ({ quantity: String(q), source: 'model' })),
      fc
        .oneof(
          fc.constantFrom('constructor', '__proto__', 'toString', 'm^99', '((m)', 'kg/', '万万万'),
          fc.string(),
        )
        .filter((u) => u.trim() !== '' && !['m3', 't'].includes(u))
        .map((unit) => ({ quantity: '5', unit, source: 'model' })),
    );
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(override, async (o) => {
          const res = await editor.agent
            .put(`/api/v1/records/baisha/${YEAR}`)
            .set('x-csrf-token', editor.csrf)
            .send({
              values: { gdp: '1' },
              overrides: { water_conservation: o },
              version: null,
              mode: 'replace',
            });
          refused('api override', res);
        }),
        { numRuns: 300, seed: 12 },
      ),
    );
  }, 60_000);
});

describe('fuzz: the import', () => {
  it('a CSV with a bad gdp cell is refused (200 runs)', async () => {
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(badNumber, async (v) => {
          const cell = `"${v.replace(/"/g, '""')}"`;
          const csv = `township,year,gdp\nbaisha,${YEAR},${cell}\n`;
          const res = await editor.agent
            .post('/import')
            .field('_csrf', editor.csrf)
            .attach('file', Buffer.from(csv), 'fuzz.csv');
          refused('import', res);
        }),
        { numRuns: 200, seed: 13 },
      ),
    );
  }, 60_000);
});

describe('fuzz: the set edit form', () => {
  it('a bad grain price is refused (100 runs)', async () => {
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(badNumber, async (v) => {
          const res = await admin.agent.post(`/sets/minhou-2021/${draftVersion}/edit`).type('form').send({
            _csrf: admin.csrf,
            'p[grain_price][value]': v,
            'p[grain_price][source]': 'fuzz',
            'p[grain_price][priceYear]': '2021',
          });
          refused('set edit', res);
        }),
        { numRuns: 100, seed: 14 },
      ),
    );
  }, 60_000);
});
