import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [admin, editor, viewer] = (await Promise.all(
    ['admin', 'editor', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session];
});
afterAll(() => t.close());

interface SetJson {
  content: {
    status: string;
    parameterOverrides: { id: string; value?: string; source: string; verified: boolean }[];
  };
  resolvedHash: string;
  statusText: string;
}

const setJson = async (id: string, version: string) =>
  (await admin.agent.get(`/api/v1/sets/${id}/${version}`)).body as SetJson;
const storedRow = async (id: string, version: string) =>
  (
    await t.db.query<{ status: string; content: unknown; content_hash: string }>(
      'select status, content, content_hash from coefficient_sets where id = $1 and version = $2',
      [id, version],
    )
  )[0];
const override = (s: SetJson, id: string) => s.content.parameterOverrides.find((o) => o.id === id);
const tableRows = (html: string) => {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
  );
};
const auditActions = async (entityKey: string) =>
  (
    await t.db.query<{ action: string; username: string }>(
      "select action, username from audit_events where entity = 'coefficient_set' and entity_key = $1 order by id",
      [entityKey],
    )
  ).map((e) => `${e.action}:${e.username}`);

const GRAIN_SOURCE = (s: SetJson) => override(s, 'grain_price')!.source;

describe('coefficient sets: list, show, diff', () => {
  it('lists the shipped sets for any role; anonymous users are sent to log in', async () => {
    const res = await viewer.agent.get('/sets');
    expect(res.status).toBe(200);
    for (const id of ['gep-functional', 'esv-xie-2015', 'minhou-2021'])
      expect(res.text).toContain(`href="/sets/${id}/1.0.0"`);
    // a viewer gets no derive button
    expect(res.text).not.toContain('/derive');
    const anon = await request(t.app).get('/sets');
    expect(anon.status).toBe(302);
    expect(anon.headers.location).toBe('/login?next=%2Fsets');
  });

  it('shows each parameter with value, unit, price year, source and [V]/[M]', async () => {
    const res = await viewer.agent.get('/sets/minhou-2021/1.0.0');
    expect(res.status).toBe(200);
    const row = /<tr id="p-grain_price">([\s\S]*?)<\/tr>/.exec(res.text)![1]!;
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ''));
    expect(cells[0]).toContain('粮食价格');
    expect(cells[2]).toBe('2700');
    expect(cells[3]).toBe('元/t');
    expect(cells[4]).toBe('2021');
    expect(cells[5]).toBe('[M] 未核实');
    expect(cells[6]).toBe('minhou-2021@1.0.0');
    expect(cells[7]).toContain('示例值 sample');
    // a verified parameter inherited from the parent set
    const verified = /<tr id="p-reservoir_flood_share">([\s\S]*?)<\/tr>/.exec(res.text)![1]!;
    expect(verified).toContain('35 %');
    expect(verified).toContain('[V] 已核实');
    expect(verified).toContain('gep-functional@1.0.0');
    expect((await viewer.agent.get('/sets/minhou-2021/9.9.9')).status).toBe(404);
  });

  it('diffs two sets and refuses a diff without a version to compare with', async () => {
    const res = await viewer.agent.get('/sets/minhou-2021/1.0.0/diff?with=esv-xie-2015@1.0.0');
    expect(res.status).toBe(200);
    const grain = tableRows(res.text).find((r) => r[0]!.includes('grain_price'));
    expect(grain).toEqual([expect.stringContaining('粮食价格'), 'value', '2800', '2700']);
    const same = await viewer.agent.get('/sets/minhou-2021/1.0.0/diff?with=minhou-2021@1.0.0');
    expect(same.text).toContain('两个版本没有差异');
    expect((await viewer.agent.get('/sets/minhou-2021/1.0.0/diff')).status).toBe(422);
    expect((await viewer.agent.get('/sets/minhou-2021/1.0.0/diff?with=nope@1.0.0')).status).toBe(404);
  });
});

describe('deriving, editing and publishing a set', () => {
  it('refuses a derive without a session, without a CSRF token, from an editor, with a bad version', async () => {
    const anon = await request(t.app).post('/sets/minhou-2021/1.0.0/derive').type('form').send({});
    expect(anon.status).toBe(403);
    const noToken = await admin.agent.post('/sets/minhou-2021/1.0.0/derive').type('form').send({});
    expect(noToken.status).toBe(403);
    const byEditor = await editor.agent
      .post('/sets/minhou-2021/1.0.0/derive')
      .type('form')
      .send({ _csrf: editor.csrf });
    expect(byEditor.status).toBe(403);
    const badVersion = await admin.agent
      .post('/sets/minhou-2021/1.0.0/derive')
      .type('form')
      .send({ _csrf: admin.csrf, newVersion: 'v2' });
    expect(badVersion.status).toBe(422);
    expect(badVersion.text).toContain('应形如 1.2.3');
    const exists = await admin.agent
      .post('/sets/minhou-2021/1.0.0/derive')
      .type('form')
      .send({ _csrf: admin.csrf, newVersion: '1.0.0' });
    expect(exists.status).toBe(409);
    const rows = await t.db.query("select version from coefficient_sets where id = 'minhou-2021'");
    expect(rows).toEqual([{ version: '1.0.0' }, { version: '2.0.0' }]);
  });

  it('an admin derives draft 1.0.1 of minhou-2021', async () => {
    const res = await admin.agent
      .post('/sets/minhou-2021/1.0.0/derive')
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sets/minhou-2021/1.0.1/edit');
    const row = await storedRow('minhou-2021', '1.0.1');
    expect(row!.status).toBe('draft');
    const a = await setJson('minhou-2021', '1.0.0');
    const b = await setJson('minhou-2021', '1.0.1');
    expect(b.content.parameterOverrides).toEqual(a.content.parameterOverrides);
    expect(await auditActions('minhou-2021@1.0.1')).toEqual(['derive:admin']);
  });

  it('only app-derived drafts can be edited; the edit page is for admins', async () => {
    expect((await admin.agent.get('/sets/minhou-2021/1.0.0/edit')).status).toBe(404);
    expect((await editor.agent.get('/sets/minhou-2021/1.0.1/edit')).status).toBe(403);
    const before = await storedRow('minhou-2021', '1.0.0');
    // a set loaded from coefficients/ is refused by the form post too, not only by the page
    const post = await admin.agent.post('/sets/minhou-2021/1.0.0/edit').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': '2900',
      'p[grain_price][source]': 'x',
      'p[grain_price][priceYear]': '2021',
    });
    expect(post.status).toBe(404);
    expect((await storedRow('minhou-2021', '1.0.0'))!.content_hash).toBe(before!.content_hash);
  });

  it('an admin changes grain_price 2700 → 2800 元/t and the diff shows exactly that change', async () => {
    const page = await admin.agent.get('/sets/minhou-2021/1.0.1/edit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="p[grain_price][value]" value="2700"');
    const source = GRAIN_SOURCE(await setJson('minhou-2021', '1.0.1'));
    const res = await admin.agent.post('/sets/minhou-2021/1.0.1/edit').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': '2800',
      'p[grain_price][source]': source,
      'p[grain_price][priceYear]': '2021',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sets/minhou-2021/1.0.1');
    const saved = override(await setJson('minhou-2021', '1.0.1'), 'grain_price')!;
    expect(saved).toMatchObject({ value: '2800', source, verified: false });
    const diff = await viewer.agent.get('/sets/minhou-2021/1.0.1/diff?with=minhou-2021@1.0.0');
    expect(diff.status).toBe(200);
    expect(tableRows(diff.text)).toEqual([[expect.stringContaining('grain_price'), 'value', '2700', '2800']]);
    expect(await auditActions('minhou-2021@1.0.1')).toEqual(['derive:admin', 'edit_parameters:admin']);
  });

  it('refuses a value that is not a number or out of range with 422, and nothing changes', async () => {
    const before = await setJson('minhou-2021', '1.0.1');
    const row = await storedRow('minhou-2021', '1.0.1');
    const source = GRAIN_SOURCE(before);
    const abc = await admin.agent.post('/sets/minhou-2021/1.0.1/edit').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': 'abc',
      'p[grain_price][source]': source,
      'p[grain_price][priceYear]': '2021',
    });
    expect(abc.status).toBe(422);
    // the edit form again, with what was typed
    expect(abc.text).toContain('name="p[grain_price][value]" value="abc"');
    const outOfRange = await admin.agent.post('/sets/minhou-2021/1.0.1/edit').type('form').send({
      _csrf: admin.csrf,
      'p[soil_bulk_density][value]': '9',
      'p[soil_bulk_density][source]': 'measured',
      'p[soil_bulk_density][priceYear]': '',
    });
    expect(outOfRange.status).toBe(422);
    // its message: see the row, name and label below
    const badYear = await admin.agent.post('/sets/minhou-2021/1.0.1/edit').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': '2800',
      'p[grain_price][source]': source,
      'p[grain_price][priceYear]': '2021.5',
    });
    expect(badYear.status).toBe(422);
    const noSource = await admin.agent.post('/sets/minhou-2021/1.0.1/edit').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': '2900',
      'p[grain_price][source]': ' ',
      'p[grain_price][priceYear]': '2021',
    });
    expect(noSource.status).toBe(422);
    // the field is named as the form shows it: its row, the parameter's name and the column's label
    const rowOf = (html: string, id: string) =>
      new RegExp(`<tr id="param-${id}" class="has-issue"><td><span class="row-no">(\\d+)</span>`).exec(
        html,
      )?.[1];
    const grainRow = rowOf(noSource.text, 'grain_price');
    expect(grainRow).toMatch(/^\d+$/);
    expect(noSource.text).toContain(`<li>行 ${grainRow} · 粮食价格 · 来源：`);
    expect(noSource.text).not.toContain('grain_price.source');
    // what was typed stays in the form
    expect(noSource.text).toContain('name="p[grain_price][value]" value="2900"');
    const bulkRow = rowOf(outOfRange.text, 'soil_bulk_density');
    expect(outOfRange.text).toMatch(new RegExp(`<li>行 ${bulkRow} · 土壤容重 · 数值：9 超出取值范围 \\[`));
    expect(abc.text).toMatch(/<li>行 \d+ · 粮食价格 · 数值：“abc”不是数值<\/li>/);
    const abcEn = await admin.agent.post('/sets/minhou-2021/1.0.1/edit?lang=en').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': 'abc',
      'p[grain_price][source]': source,
      'p[grain_price][priceYear]': '2021',
    });
    expect(abcEn.text).toMatch(/<li>Row \d+ · Grain price · Value: &#34;abc&#34; is not a number<\/li>/);
    const outOfRangeEn = await admin.agent.post('/sets/minhou-2021/1.0.1/edit?lang=en').type('form').send({
      _csrf: admin.csrf,
      'p[soil_bulk_density][value]': '9',
      'p[soil_bulk_density][source]': 'measured',
      'p[soil_bulk_density][priceYear]': '',
    });
    // the label is said once: "Value: 9 is out of range", not "Value: value 9 is out of range"
    expect(outOfRangeEn.text).toMatch(/<li>Row \d+ · Soil bulk density · Value: 9 is out of range \[/);
    await admin.agent.get('/?lang=zh'); // ?lang= is remembered: back to Chinese for the next tests
    const noToken = await admin.agent
      .post('/sets/minhou-2021/1.0.1/edit')
      .type('form')
      .send({ 'p[grain_price][value]': '1', 'p[grain_price][source]': source });
    expect(noToken.status).toBe(403);
    const byEditor = await editor.agent
      .post('/sets/minhou-2021/1.0.1/edit')
      .type('form')
      .send({ _csrf: editor.csrf, 'p[grain_price][value]': '1', 'p[grain_price][source]': source });
    expect(byEditor.status).toBe(403);
    expect((await setJson('minhou-2021', '1.0.1')).content).toEqual(before.content);
    expect((await storedRow('minhou-2021', '1.0.1'))!.content_hash).toBe(row!.content_hash);
    expect(await auditActions('minhou-2021@1.0.1')).toEqual(['derive:admin', 'edit_parameters:admin']);
  });

  it('publishing refuses while a parent set is a draft; the chain publishes parent first', async () => {
    const refused = await admin.agent
      .post('/sets/minhou-2021/1.0.1/publish')
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('须先发布其上级参数集 esv-xie-2015@1.0.0');
    expect((await storedRow('minhou-2021', '1.0.1'))!.status).toBe('draft');
    const byEditor = await editor.agent
      .post('/sets/gep-functional/1.0.0/publish')
      .type('form')
      .send({ _csrf: editor.csrf });
    expect(byEditor.status).toBe(403);
    expect((await storedRow('gep-functional', '1.0.0'))!.status).toBe('draft');

    const hash = (await storedRow('minhou-2021', '1.0.1'))!.content_hash;
    for (const [id, version] of [
      ['gep-functional', '1.0.0'],
      ['esv-xie-2015', '1.0.0'],
      ['minhou-2021', '1.0.1'],
    ] as const) {
      const res = await admin.agent
        .post(`/sets/${id}/${version}/publish`)
        .type('form')
        .send({ _csrf: admin.csrf });
      expect(res.status, `${id}@${version}`).toBe(303);
      expect((await storedRow(id, version))!.status).toBe('published');
    }
    const row = (await storedRow('minhou-2021', '1.0.1'))!;
    expect(row.content_hash).toBe(hash);
    // the page and the API tell it is published now
    const json = await setJson('minhou-2021', '1.0.1');
    expect(json.content.status).toBe('published');
    expect(json.statusText).toBe('已公示');
    const page = await viewer.agent.get('/sets/minhou-2021/1.0.1');
    expect(page.text).toContain('已公示');
    expect(page.text).not.toContain('/publish');
    const again = await admin.agent
      .post('/sets/minhou-2021/1.0.1/publish')
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(again.status).toBe(409);
    expect(await auditActions('minhou-2021@1.0.1')).toEqual([
      'derive:admin',
      'edit_parameters:admin',
      'publish:admin',
    ]);
  });

  it('a published set cannot be edited and its content hash stays', async () => {
    const before = await storedRow('minhou-2021', '1.0.1');
    expect((await admin.agent.get('/sets/minhou-2021/1.0.1/edit')).status).toBe(404);
    const res = await admin.agent.post('/sets/minhou-2021/1.0.1/edit').type('form').send({
      _csrf: admin.csrf,
      'p[grain_price][value]': '3000',
      'p[grain_price][source]': 'changed after publication',
      'p[grain_price][priceYear]': '2021',
    });
    expect([404, 409]).toContain(res.status);
    const after = await storedRow('minhou-2021', '1.0.1');
    expect(after).toEqual(before);
    expect(override(await setJson('minhou-2021', '1.0.1'), 'grain_price')!.value).toBe('2800');
  });
});

describe('the public price list (公示价格)', () => {
  it('needs a login while the setting is off', async () => {
    const anon = await request(t.app).get('/prices');
    expect(anon.status).toBe(302);
    expect(anon.headers.location).toBe('/login?next=%2Fprices');
  });

  it('refuses a settings change from an editor or without a token', async () => {
    const byEditor = await editor.agent.post('/admin/settings').type('form').send({
      _csrf: editor.csrf,
      activeSet: 'minhou-2021@1.0.1',
      profile: 'academic',
      publicPriceList: 'on',
    });
    expect(byEditor.status).toBe(403);
    const noToken = await admin.agent
      .post('/admin/settings')
      .type('form')
      .send({ activeSet: 'minhou-2021@1.0.1', profile: 'academic', publicPriceList: 'on' });
    expect(noToken.status).toBe(403);
    expect((await request(t.app).get('/prices')).status).toBe(302);
  });

  it('is public once the admin turns it on, with the published set’s formulas and sources', async () => {
    const res = await admin.agent.post('/admin/settings').type('form').send({
      _csrf: admin.csrf,
      activeSet: 'minhou-2021@1.0.1',
      profile: 'academic',
      publicPriceList: 'on',
    });
    expect(res.status).toBe(303);
    const prices = await request(t.app).get('/prices');
    expect(prices.status).toBe(200);
    expect(prices.text).toContain('<code>minhou-2021@1.0.1</code>');
    expect(prices.text).toContain('已公示');
    const grain = /<tr id="p-grain_price">([\s\S]*?)<\/tr>/.exec(prices.text)![1]!;
    expect(grain).toContain('>2800<');
    expect(grain).toContain('示例值 sample');
    expect(prices.text).toContain('<code>Q * grain_price</code>');
    // the page works for a logged-in viewer too, and needs no login button to read it
    expect((await viewer.agent.get('/prices')).status).toBe(200);
  });
});
