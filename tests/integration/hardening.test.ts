/**
 * Hardening (issue 11), through HTTP: each bad input that used to take the server down (H1, H3) or give
 * a 500 (L1, L4) is refused with a message, the database is unchanged, and /healthz still answers
 * within 1 s afterwards.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dump, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;

beforeAll(async () => {
  t = await startApp();
  [admin, editor] = (await Promise.all(['admin', 'editor'].map((u) => login(t.app, u)))) as [
    Session,
    Session,
  ];
}, 60_000);
afterAll(() => t.close());

/** /healthz answers 200 within 1 s. */
async function healthy() {
  const start = Date.now();
  const res = await request(t.app).get('/healthz');
  expect(res.status).toBe(200);
  expect(Date.now() - start).toBeLessThan(1000);
}

const putRecord = (body: object) =>
  editor.agent.put('/api/v1/records/baisha/2031').set('x-csrf-token', editor.csrf).send(body);

describe('H1: an override quantity is finite, bounded and not negative', () => {
  it.each([
    ['1e9000000000000000', 'outside the accepted range'],
    ['-5', 'an external figure cannot be negative'],
    ['Infinity', 'is not a number'],
  ])('"%s" is refused with 422 naming the override; nothing changes; /healthz answers', async (q, why) => {
    const before = await dump(t.db);
    const res = await putRecord({
      values: { gdp: '1' },
      overrides: { water_conservation: { quantity: q, source: 'model' } },
      version: null,
      mode: 'replace',
    });
    expect(res.status).toBe(422);
    const issue = (res.body.issues as { field: string; message: { en: string } }[]).find(
      (i) => i.field === 'overrides.water_conservation',
    );
    expect(issue?.message.en).toContain(why);
    expect(await dump(t.db)).toBe(before);
    await healthy();
  });

  it('an override unit "constructor" is refused with 422, not a 500 (L1)', async () => {
    const before = await dump(t.db);
    const res = await putRecord({
      values: { gdp: '1' },
      overrides: { water_conservation: { quantity: '5', unit: 'constructor', source: 'model' } },
      version: null,
      mode: 'replace',
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.issues)).toContain('unit \\"constructor\\" is not recognised');
    expect(await dump(t.db)).toBe(before);
  });
});

describe('H3: a price of 1e9000000000000000 in the set edit form', () => {
  it('is refused with 422 naming the reason; the set pages still answer, and /healthz', async () => {
    const derive = await admin.agent
      .post('/sets/minhou-2021/1.0.0/derive')
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(derive.status).toBe(303);
    const version = /\/sets\/minhou-2021\/([\d.]+)\/edit/.exec(derive.headers.location as string)![1]!;
    const before = await dump(t.db);
    const res = await admin.agent.post(`/sets/minhou-2021/${version}/edit`).type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': '1e9000000000000000',
      'p[grain_price][source]': 'x',
      'p[grain_price][priceYear]': '2021',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('outside the accepted range');
    expect(await dump(t.db)).toBe(before);
    const start = Date.now();
    expect((await admin.agent.get(`/sets/minhou-2021/${version}`)).status).toBe(200);
    expect((await admin.agent.get(`/sets/minhou-2021/${version}/edit`)).status).toBe(200);
    expect(Date.now() - start).toBeLessThan(5000);
    await healthy();
  });
});

describe('L4: NUL bytes and absurd areas', () => {
  it('a NUL byte in a username, a query or a path gives 400, not 500', async () => {
    const page = await request.agent(t.app).get('/login');
    expect(page.status).toBe(200);
    const agent = request.agent(t.app);
    const form = await agent.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: token, username: 'ad\u0000min', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('空字符');
    expect((await admin.agent.get('/reports/gep?year=2021%00')).status).toBe(400);
    expect((await admin.agent.get('/admin/regions/bai%00sha')).status).toBe(400);
    const api = await admin.agent.get('/api/v1/records/bai%00sha/2021');
    expect(api.status).toBe(400);
    expect(api.body.error).toContain('NUL');
    await healthy();
  });

  it.each([['1e9000000000000000'], ['200001'], ['0']])(
    'a township area of %s km² is refused with 422, nothing changes',
    async (area) => {
      const before = await dump(t.db);
      const res = await admin.agent.post('/admin/regions/baisha').type('form').send({
        _csrf: admin.csrf,
        nameZh: '白沙镇',
        nameEn: 'Baisha Town',
        areaKm2: area,
      });
      expect(res.status).toBe(422);
      // named by its label, in the page's language, with no English detail after it
      expect(res.text).toContain('面积（km²）：须为 0.01 至 200000 之间的数');
      expect(res.text).not.toMatch(/areaKm2:|a number from/);
      expect(await dump(t.db)).toBe(before);
      await healthy();
    },
  );
});
