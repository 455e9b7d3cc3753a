import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/web/routes/api.js';
import { Dec } from '../../src/domain/decimal.js';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;
let reviewer: Session;
let reviewer2: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [admin, editor, reviewer, reviewer2, viewer] = (await Promise.all(
    ['admin', 'editor', 'reviewer', 'reviewer2', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session, Session];
});
afterAll(() => t.close());

interface Row {
  status: string;
  version: number;
  values: Record<string, unknown>;
  submitted_by: number | null;
  approved_by: number | null;
}
const stored = async (township: string, year: number) =>
  (
    await t.db.query<Row>(
      'select status, version, values, submitted_by, approved_by from survey_records where township_id = $1 and year = $2',
      [township, year],
    )
  )[0];
const userId = async (username: string) =>
  (await t.db.query<{ id: number }>('select id from users where username = $1', [username]))[0]!.id;

const put = (s: Session, path: string, body: unknown, csrf: string | null = s.csrf) => {
  const req = s.agent.put(`/api/v1/records/${path}`);
  return (csrf === null ? req : req.set('x-csrf-token', csrf)).send(body as object);
};
const act = (s: Session, path: string, action: string, body: unknown) =>
  s.agent
    .post(`/api/v1/records/${path}/${action}`)
    .set('x-csrf-token', s.csrf)
    .send(body as object);

describe('the OpenAPI description', () => {
  it('is OpenAPI 3.1 and lists every route of the API', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    const doc = res.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<string, { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>
      >;
      components: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    // every route the router serves is described, with the same methods
    const routes = new Map<string, Set<string>>();
    for (const layer of apiRoutes().stack) {
      const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
      if (!route || route.path === '/openapi.json') continue;
      const path = '/api/v1' + route.path.replace(/:(\w+)/g, '{$1}');
      for (const m of Object.keys(route.methods)) routes.set(path, (routes.get(path) ?? new Set()).add(m));
    }
    expect(Object.keys(doc.paths).sort()).toEqual([...routes.keys()].sort());
    for (const [path, methods] of routes) {
      expect(Object.keys(doc.paths[path]!).sort(), path).toEqual([...methods].sort());
      for (const [method, op] of Object.entries(doc.paths[path]!)) {
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('200');
        // every route needs a session: the 401 answer is described
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
        // each {name} in the path is a declared path parameter
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared.sort(), `${method} ${path}`).toEqual(inPath.sort());
      }
    }
    // every $ref points at something in the document
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      let node: unknown = doc;
      for (const part of ref!.split('/')) node = (node as Record<string, unknown>)[part];
      expect(node, ref).toBeDefined();
    }
  });
});

describe('the JSON API', () => {
  it('answers 401 JSON without a session and 403 JSON without a CSRF header', async () => {
    for (const path of [
      '/api/v1/records',
      '/api/v1/records/ganzhe/2021',
      '/api/v1/session',
      '/api/v1/sets',
    ]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(401);
      expect(res.type).toBe('application/json');
      expect(res.body.error).toContain('请先登录');
    }
    const anonPut = await request(t.app)
      .put('/api/v1/records/shanggan/2022')
      .send({ values: {}, version: null });
    expect([401, 403]).toContain(anonPut.status);
    expect(anonPut.type).toBe('application/json');
    const noCsrf = await put(editor, 'shanggan/2022', { values: { gdp: '1' }, version: null }, null);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.type).toBe('application/json');
    const wrongCsrf = await put(
      editor,
      'shanggan/2022',
      { values: { gdp: '1' }, version: null },
      'not-the-token',
    );
    expect(wrongCsrf.status).toBe(403);
    expect(await stored('shanggan', 2022)).toBeUndefined();
  });

  it('lists the 15 approved sample records of 2021', async () => {
    const res = await viewer.agent.get('/api/v1/records?year=2021');
    expect(res.status).toBe(200);
    const rows = res.body as { township: string; year: number; status: string; set: string }[];
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.year === 2021 && r.status === 'approved')).toBe(true);
    expect(new Set(rows.map((r) => r.township)).size).toBe(15);
    expect((await viewer.agent.get('/api/v1/records?year=2021&status=approved')).body).toHaveLength(15);
    expect((await viewer.agent.get('/api/v1/records?year=2021&status=draft')).body).toEqual([]);
    const bad = await viewer.agent.get('/api/v1/records?status=whatever');
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0]).toMatchObject({
      field: 'status',
      message: { zh: '状态无效', en: 'invalid status' },
    });
    const none = await viewer.agent.get('/api/v1/records/ganzhe/1990');
    expect(none.status).toBe(404);
    expect(none.body.error).toBeTruthy();
  });

  it('a PUT creates a draft for a new year, in the unit given', async () => {
    const res = await put(editor, 'shanggan/2022', {
      values: { gdp: '12.5', resident_population: '41000' },
      units: { gdp: '亿元' },
      version: null,
      mode: 'replace',
    });
    expect(res.status).toBe(200);
    expect(res.body.record).toMatchObject({
      township: 'shanggan',
      year: 2022,
      status: 'draft',
      version: 1,
      updatedBy: 'editor',
      values: { gdp: '125000', resident_population: '41000' },
    });
    expect(res.body.changes).toEqual(
      expect.arrayContaining([{ township: 'shanggan', year: 2022, field: 'gdp', old: null, new: '125000' }]),
    );
    const row = await stored('shanggan', 2022);
    expect(row).toMatchObject({
      status: 'draft',
      version: 1,
      values: { gdp: '125000', resident_population: '41000' },
    });
  });

  it('a PUT based on an old version gets 409 JSON and changes nothing', async () => {
    const stale = await put(editor, 'shanggan/2022', { values: { gdp: '1' }, version: null, mode: 'merge' });
    expect(stale.status).toBe(409);
    expect(stale.type).toBe('application/json');
    expect(stale.body.error).toContain('已被他人修改');
    const ok = await put(editor, 'shanggan/2022', { values: { gdp: '130000' }, version: 1, mode: 'merge' });
    expect(ok.status).toBe(200);
    expect(ok.body.record.version).toBe(2);
    // merge kept the other value
    expect(ok.body.record.values.resident_population).toBe('41000');
    const again = await put(editor, 'shanggan/2022', { values: { gdp: '2' }, version: 1, mode: 'merge' });
    expect(again.status).toBe(409);
    expect(await stored('shanggan', 2022)).toMatchObject({ version: 2, values: { gdp: '130000' } });
  });

  it('a PUT with a bad value gets 422 JSON naming each field, and changes nothing', async () => {
    const res = await put(editor, 'shanggan/2022', {
      values: { gdp: 'abc', resident_population: '-3' },
      version: 2,
      mode: 'merge',
    });
    expect(res.status).toBe(422);
    expect(res.type).toBe('application/json');
    const issues = res.body.issues as { field: string; message: { zh: string; en: string } }[];
    expect(issues.map((i) => i.field).sort()).toEqual(['gdp', 'resident_population']);
    for (const i of issues) {
      expect(typeof i.message.zh).toBe('string');
      expect(typeof i.message.en).toBe('string');
    }
    expect(issues.find((i) => i.field === 'gdp')!.message.zh).toContain('"abc"不是数值');
    // a body that is not the documented shape
    for (const body of [
      { values: { gdp: '1' } },
      { values: { gdp: '1' }, version: 2, mode: 'upsert' },
      { values: { gdp: '1' }, version: 2, extra: true },
      { values: { gdp: '1' }, version: 2, units: { gdp: 'furlongs' } },
    ]) {
      const bad = await put(editor, 'shanggan/2022', body);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.body.issues.length).toBeGreaterThan(0);
    }
    const broken = await editor.agent
      .put('/api/v1/records/shanggan/2022')
      .set('x-csrf-token', editor.csrf)
      .set('content-type', 'application/json')
      .send('{"values": ');
    expect(broken.status).toBe(400);
    expect((await put(editor, 'nowhere/2022', { values: {}, version: null })).status).toBe(404);
    expect((await put(editor, 'shanggan/20x2', { values: {}, version: null })).status).toBe(422);
    expect(await stored('shanggan', 2022)).toMatchObject({ version: 2, values: { gdp: '130000' } });
  });

  it('only editors and admins PUT; an approved record is locked', async () => {
    for (const s of [viewer, reviewer]) {
      const res = await put(s, 'shanggan/2022', { values: { gdp: '5' }, version: 2, mode: 'merge' });
      expect(res.status).toBe(403);
      expect(res.type).toBe('application/json');
    }
    const v = (await stored('ganzhe', 2021))!.version;
    const locked = await put(editor, 'ganzhe/2021', { values: { gdp: '5' }, version: v, mode: 'merge' });
    expect(locked.status).toBe(409);
    expect((await stored('ganzhe', 2021))!.version).toBe(v);
    expect(await stored('shanggan', 2022)).toMatchObject({ version: 2, values: { gdp: '130000' } });
  });
});

describe('the workflow through the API', () => {
  it('reopen needs a reason; the editor submits; an editor cannot approve; a reviewer approves', async () => {
    let row = (await stored('qingkou', 2020))!;
    expect(row.status).toBe('approved');
    const noReason = await act(reviewer, 'qingkou/2020', 'reopen', { version: row.version });
    expect(noReason.status).toBe(422);
    expect(noReason.body.issues[0].field).toBe('reason');
    const byEditor = await act(editor, 'qingkou/2020', 'reopen', { version: row.version, reason: 'x' });
    expect(byEditor.status).toBe(403);
    expect((await stored('qingkou', 2020))!.status).toBe('approved');
    const reopened = await act(reviewer, 'qingkou/2020', 'reopen', {
      version: row.version,
      reason: '统计局更正',
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toEqual({
      township: 'qingkou',
      year: 2020,
      status: 'draft',
      version: row.version + 1,
    });

    row = (await stored('qingkou', 2020))!;
    expect((await act(viewer, 'qingkou/2020', 'submit', { version: row.version })).status).toBe(403);
    expect((await act(reviewer, 'qingkou/2020', 'submit', { version: row.version })).status).toBe(403);
    const stale = await act(editor, 'qingkou/2020', 'submit', { version: row.version - 1 });
    expect(stale.status).toBe(409);
    const noCsrf = await editor.agent
      .post('/api/v1/records/qingkou/2020/submit')
      .send({ version: row.version });
    expect(noCsrf.status).toBe(403);
    expect((await stored('qingkou', 2020))!.status).toBe('draft');
    const submitted = await act(editor, 'qingkou/2020', 'submit', { version: row.version });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    row = (await stored('qingkou', 2020))!;
    expect(row.submitted_by).toBe(await userId('editor'));
    const editorApproves = await act(editor, 'qingkou/2020', 'approve', { version: row.version });
    expect(editorApproves.status).toBe(403);
    expect((await stored('qingkou', 2020))!.status).toBe('submitted');
    const approved = await act(reviewer2, 'qingkou/2020', 'approve', { version: row.version });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    const after = (await stored('qingkou', 2020))!;
    expect(after.approved_by).toBe(await userId('reviewer2'));
    const twice = await act(reviewer, 'qingkou/2020', 'approve', { version: after.version });
    expect(twice.status).toBe(409);
    const events = await t.db.query<{ action: string; username: string }>(
      "select action, username from audit_events where entity_key = 'qingkou/2020' and action in ('reopen', 'submit', 'approve') order by id",
    );
    expect(events).toEqual([
      { action: 'reopen', username: 'reviewer' },
      { action: 'submit', username: 'editor' },
      { action: 'approve', username: 'reviewer2' },
    ]);
  });

  it('a record carries its last approved values (approved_*), through a reopening, as the OpenAPI Record describes', async () => {
    const documented = (
      (await request(t.app).get('/api/v1/openapi.json')).body as {
        components: { schemas: { Record: { properties: Record<string, unknown>; required: string[] } } };
      }
    ).components.schemas.Record;
    const first = (await viewer.agent.get('/api/v1/records/dahu/2020')).body as Record<string, unknown>;
    // every field the API returns is documented, and every documented field is returned
    expect(Object.keys(first).sort()).toEqual(Object.keys(documented.properties).sort());
    expect([...documented.required].sort()).toEqual(Object.keys(first).sort());
    // an approved sample record: its approved values are its values
    expect(first.status).toBe('approved');
    expect(first.approvedValues).toEqual(first.values);
    const gdp = (first.values as Record<string, string>).gdp!;
    // reopened and changed: the values move, the approved ones stay, with who approved them and when
    await act(reviewer, 'dahu/2020', 'reopen', { version: first.version, reason: '统计局更正' });
    const draft = (await viewer.agent.get('/api/v1/records/dahu/2020')).body;
    const saved = await put(editor, 'dahu/2020', {
      values: { gdp: '99999' },
      version: draft.version,
      mode: 'merge',
    });
    expect(saved.status).toBe(200);
    expect(saved.body.record).toMatchObject({
      status: 'draft',
      values: { gdp: '99999' },
      approvedValues: { gdp },
      returnedReason: '统计局更正',
      returnedAction: 'reopen',
    });
    expect(gdp).not.toBe('99999');
    await act(editor, 'dahu/2020', 'submit', { version: saved.body.record.version });
    await act(reviewer2, 'dahu/2020', 'approve', { version: saved.body.record.version + 1 });
    const approved = (await viewer.agent.get('/api/v1/records/dahu/2020')).body;
    expect(approved).toMatchObject({
      status: 'approved',
      approvedValues: { gdp: '99999' },
      approvedSnapshotBy: 'reviewer2',
      approvedBy: 'reviewer2',
      returnedReason: null,
    });
    expect(Date.parse(approved.approvedAt)).toBeGreaterThan(Date.parse(first.approvedAt as string));
  });

  it('nobody approves their own submission; return needs a reason', async () => {
    let row = (await stored('xiangqian', 2020))!;
    await act(admin, 'xiangqian/2020', 'reopen', { version: row.version, reason: '复核' });
    row = (await stored('xiangqian', 2020))!;
    expect((await act(admin, 'xiangqian/2020', 'submit', { version: row.version })).status).toBe(200);
    row = (await stored('xiangqian', 2020))!;
    const own = await act(admin, 'xiangqian/2020', 'approve', { version: row.version });
    expect(own.status).toBe(403);
    expect(own.body.error).toContain('不能审核自己提交或修改的数据');
    expect((await stored('xiangqian', 2020))!.status).toBe('submitted');
    const noReason = await act(reviewer, 'xiangqian/2020', 'return', { version: row.version, reason: '  ' });
    expect(noReason.status).toBe(422);
    const returned = await act(reviewer, 'xiangqian/2020', 'return', {
      version: row.version,
      reason: '缺少附件',
    });
    expect(returned.status).toBe(200);
    expect(returned.body.status).toBe('draft');
    expect((await stored('xiangqian', 2020))!.submitted_by).toBeNull();
    expect((await act(reviewer, 'xiangqian/2020', 'publish', { version: 1 })).status).toBe(404);
    expect((await act(reviewer, 'xiangqian/2020', 'approve', { version: '1' })).status).toBe(422);
    expect((await act(reviewer, 'nowhere/2020', 'approve', { version: 1 })).status).toBe(404);
  });
});

describe('GET /api/v1/accounts/:year', () => {
  it('every figure of the approved year, exact: Σ townships = county, GEEP = green GDP + regulating, ESV by service', async () => {
    const res = await viewer.agent.get('/api/v1/accounts/2020');
    expect(res.status).toBe(200);
    type Scope = {
      gep: string;
      products: Record<string, string>;
      geep: Record<string, string>;
      esv: { total: string; byService: Record<string, string>; byGroup: Record<string, string> } | null;
    };
    const body = res.body as { unit: string; county: Scope; townships: (Scope & { township: string })[] };
    expect(body.unit).toBe('元');
    expect(body.townships.length).toBeGreaterThan(0);
    const total = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Dec(0));
    expect(total(body.townships.map((t) => t.gep)).eq(body.county.gep)).toBe(true);
    expect(total(Object.values(body.county.products)).minus(body.county.gep).abs().lt('1e-9')).toBe(true);
    const g = body.county.geep;
    expect(new Dec(g.green_gdp!).plus(g.regulating_value!).eq(g.geep!)).toBe(true);
    expect(body.county.esv).not.toBeNull();
    expect(
      total(Object.values(body.county.esv!.byService)).minus(body.county.esv!.total).abs().lt('1e-9'),
    ).toBe(true);
    expect(Object.keys(body.county.esv!.byGroup).sort()).toEqual([
      'cultural',
      'regulating',
      'supply',
      'support',
    ]);
  });

  it('a year without approved data is 404 with a message; no session is 401', async () => {
    const none = await viewer.agent.get('/api/v1/accounts/1990');
    expect(none.status).toBe(404);
    expect(none.body.error).toBeTruthy();
    expect((await request(t.app).get('/api/v1/accounts/2020')).status).toBe(401);
  });
});
