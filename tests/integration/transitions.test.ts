import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;
let editor2: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [admin, editor, editor2, viewer] = (await Promise.all(
    ['admin', 'editor', 'editor2', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session];
  // the sample arrives approved, which locks its matrices; these tests edit matrices whose 2021 data is a
  // draft again (as after a reopen), except baisha, which stays locked
  await t.db.query(
    "update survey_records set status = 'draft' where year = 2021 and township_id <> 'baisha'",
  );
});
afterAll(() => t.close());

interface Stored {
  township_id: string;
  from_year: number;
  to_year: number;
  unit: string;
  matrix: Record<string, Record<string, string>>;
  version: number;
}
const stored = async (township: string) =>
  (
    await t.db.query<Stored>(
      'select township_id, from_year, to_year, unit, matrix, version from transitions where township_id = $1 and from_year = 2020 and to_year = 2021',
      [township],
    )
  )[0]!;
const all = () =>
  t.db.query<Stored>(
    'select township_id, from_year, to_year, unit, matrix, version from transitions order by township_id',
  );
const eventCount = async () =>
  (
    await t.db.query<{ n: number }>("select count(*)::int as n from audit_events where entity = 'transition'")
  )[0]!.n;

/** The matrix form's fields as a browser sends them back. */
function matrixForm(html: string): Record<string, string> {
  const start = html.indexOf('<form method="post" action="/transitions/');
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  const unit = /<select name="unit">[\s\S]*?<option selected>([^<]+)<\/option>/.exec(form);
  if (unit) fields.unit = unit[1]!;
  return fields;
}

const importCsv = (s: Session, csv: string, name = 'transitions.csv', csrf: string | null = s.csrf) => {
  const req = s.agent.post('/transitions/import');
  return (csrf === null ? req : req.field('_csrf', csrf)).attach('file', Buffer.from(csv, 'utf8'), name);
};

describe('land-use transition matrices', () => {
  it('a matrix between two approved years is locked: saving it is refused and changes nothing', async () => {
    const before = await stored('baisha');
    const page = await editor.agent.get('/transitions/baisha/2020/2021');
    const res = await editor.agent
      .post('/transitions/baisha/2020/2021')
      .type('form')
      .send(matrixForm(page.text));
    expect(res.status).toBe(409);
    // the township by its name, never its id
    expect(res.text).toContain('白沙镇 2020 与 2021 年数据均已审核，转移矩阵已锁定');
    expect(await stored('baisha')).toEqual(before);
  });

  it('the sample has a 2020→2021 matrix per township; the page shows it', async () => {
    const rows = await all();
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.from_year === 2020 && r.to_year === 2021)).toBe(true);
    const res = await viewer.agent.get('/transitions/ganzhe/2020/2021');
    expect(res.status).toBe(200);
    const m = (await stored('ganzhe')).matrix;
    expect(res.text).toContain(
      `name="m[forest_broadleaf][forest_broadleaf]" value="${m.forest_broadleaf!.forest_broadleaf}"`,
    );
    expect(res.text).toContain(
      `name="m[forest_broadleaf][built_up]" value="${m.forest_broadleaf!.built_up}"`,
    );
    // a viewer reads but gets no save button
    expect(res.text).not.toContain('<button>保存</button>');
    const list = await viewer.agent.get('/transitions');
    expect(list.status).toBe(200);
    expect(list.text).toContain('href="/transitions/ganzhe/2020/2021"');
    expect((await request(t.app).get('/transitions/ganzhe/2020/2021')).status).toBe(302);
    expect((await viewer.agent.get('/transitions/nowhere/2020/2021')).status).toBe(404);
  });

  it('saving the same cells stores a new version', async () => {
    const before = await stored('ganzhe');
    const fields = matrixForm((await editor.agent.get('/transitions/ganzhe/2020/2021')).text);
    expect(fields.version).toBe(String(before.version));
    const res = await editor.agent.post('/transitions/ganzhe/2020/2021').type('form').send(fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/transitions/ganzhe/2020/2021?saved=1');
    const after = await stored('ganzhe');
    expect(after.version).toBe(before.version + 1);
    expect(after.matrix).toEqual(before.matrix);
    const [event] = await t.db.query<{ action: string; username: string; township_id: string; year: number }>(
      "select action, username, township_id, year from audit_events where entity = 'transition' order by id desc limit 1",
    );
    expect(event).toEqual({ action: 'update', username: 'editor', township_id: 'ganzhe', year: 2021 });
  });

  it('a changed cell that breaks a row sum is refused naming the class and both sums', async () => {
    const before = await stored('baisha');
    const events = await eventCount();
    const fields = matrixForm((await editor.agent.get('/transitions/baisha/2020/2021')).text);
    const cell = 'm[forest_broadleaf][forest_broadleaf]';
    const old = fields[cell]!;
    const changed = (Number(old) + 1).toFixed(2);
    const res = await editor.agent
      .post('/transitions/baisha/2020/2021')
      .type('form')
      .send({ ...fields, [cell]: changed });
    expect(res.status).toBe(422);
    const rowSum = Object.values(before.matrix.forest_broadleaf!).reduce((a, v) => a + Number(v), 0);
    const m = /转移矩阵·阔叶林（行）：行合计 ([\d.]+) hm² ≠ 期初面积 ([\d.]+) hm²/.exec(res.text);
    expect(m, 'the row-sum issue').not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(rowSum + 1, 6);
    expect(Number(m![2])).toBeCloseTo(rowSum, 1);
    expect(res.text).toMatch(/转移矩阵·阔叶林（列）：列合计 [\d.]+ hm² ≠ 期末面积 [\d.]+ hm²/);
    // the typed value stays in the form
    expect(res.text).toContain(`name="${cell}" value="${changed}"`);
    expect(await stored('baisha')).toEqual(before);
    expect(await eventCount()).toBe(events);
  });

  it('refuses a stale version, a viewer, a post without a token, and a bad cell', async () => {
    const before = await stored('nanyu');
    const formA = matrixForm((await editor.agent.get('/transitions/nanyu/2020/2021')).text);
    const formB = matrixForm((await editor2.agent.get('/transitions/nanyu/2020/2021')).text);
    expect((await editor.agent.post('/transitions/nanyu/2020/2021').type('form').send(formA)).status).toBe(
      303,
    );
    const stale = await editor2.agent.post('/transitions/nanyu/2020/2021').type('form').send(formB);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('转移矩阵已被他人修改');
    const saved = await stored('nanyu');
    expect(saved.version).toBe(before.version + 1);

    const fresh = matrixForm((await editor.agent.get('/transitions/nanyu/2020/2021')).text);
    const byViewer = await viewer.agent
      .post('/transitions/nanyu/2020/2021')
      .type('form')
      .send({ ...fresh, _csrf: viewer.csrf });
    expect(byViewer.status).toBe(403);
    const noToken = await editor.agent
      .post('/transitions/nanyu/2020/2021')
      .type('form')
      .send({ ...fresh, _csrf: '' });
    expect(noToken.status).toBe(403);
    const anon = await request(t.app).post('/transitions/nanyu/2020/2021').type('form').send(fresh);
    expect(anon.status).toBe(403);
    const badCell = await editor.agent
      .post('/transitions/nanyu/2020/2021')
      .type('form')
      .send({ ...fresh, 'm[forest_broadleaf][built_up]': 'abc' });
    expect(badCell.status).toBe(422);
    expect(badCell.text).toContain('&#34;abc&#34;不是非负数值');
    const backwards = await editor.agent.post('/transitions/nanyu/2021/2020').type('form').send(fresh);
    expect(backwards.status).toBe(422);
    expect(await stored('nanyu')).toEqual(saved);
  });

  it('the exported CSV imports back unchanged', async () => {
    const before = await all();
    const csv = await viewer.agent.get('/transitions.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('gep-transitions.csv');
    expect(csv.text.split('\r\n')[0]).toBe('\uFEFFtownship,from_year,to_year,from_class,to_class,area,unit');
    // the whole file includes baisha, whose matrix is locked: refused, nothing written
    const locked = await importCsv(editor, csv.text);
    expect(locked.status).toBe(409);
    expect(await all()).toEqual(before);
    const unlocked = csv.text
      .split('\r\n')
      .filter((l) => !l.startsWith('baisha,'))
      .join('\r\n');
    const res = await importCsv(editor, unlocked);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/transitions?imported=14');
    const after = await all();
    expect(after.map(({ version: _v, ...m }) => m)).toEqual(before.map(({ version: _v, ...m }) => m));
    expect(after.map((m) => m.version)).toEqual(
      before.map((m) => m.version + (m.township_id === 'baisha' ? 0 : 1)),
    );
    // and the export of the imported matrices is the same file
    expect((await viewer.agent.get('/transitions.csv')).text).toBe(csv.text);
  });

  it('refuses an import from a viewer or without a token', async () => {
    const csv = (await viewer.agent.get('/transitions.csv')).text;
    const before = await all();
    expect((await importCsv(viewer, csv)).status).toBe(403);
    expect((await importCsv(editor, csv, 'transitions.csv', null)).status).toBe(403);
    expect((await importCsv(editor, csv, 'transitions.csv', 'wrong')).status).toBe(403);
    const noFile = await editor.agent.post('/transitions/import').field('_csrf', editor.csrf);
    expect(noFile.status).toBe(422);
    // an upload in another field, or a second file, is bad input, not a server error
    const otherField = await editor.agent
      .post('/transitions/import')
      .field('_csrf', editor.csrf)
      .attach('upload', Buffer.from(csv, 'utf8'), 'transitions.csv');
    expect(otherField.status).toBe(422);
    expect(otherField.text).toContain('文件应放在');
    const tooBig = await editor.agent
      .post('/transitions/import')
      .field('_csrf', editor.csrf)
      .attach('file', Buffer.alloc(10 * 1024 * 1024 + 1, 'a'), 'big.csv');
    expect(tooBig.status).toBe(422);
    expect(tooBig.text).toContain('文件超过 10 MB');
    expect(await all()).toEqual(before);
  });

  it('a broken CSV lists its errors with row and column and changes nothing', async () => {
    const csv = (await viewer.agent.get('/transitions.csv')).text;
    const before = await all();
    const events = await eventCount();
    const lines = csv.split('\r\n');
    // row 3 of the file: an unknown opening class; row 5: an unknown closing class; row 6: not a number
    const cells = (i: number) => lines[i - 1]!.split(',');
    const set = (i: number, col: number, v: string) => {
      const c = cells(i);
      c[col] = v;
      lines[i - 1] = c.join(',');
    };
    set(3, 3, 'swamp');
    set(5, 4, 'moon');
    set(6, 5, 'lots');
    const res = await importCsv(editor, lines.join('\r\n'));
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/行 3 · 列 D[^<]*swamp/);
    expect(res.text).toMatch(/行 5 · 列 E[^<]*moon/);
    expect(res.text).toMatch(/行 6 · 列 F[^<]*lots/);
    expect(await all()).toEqual(before);

    const header = lines[0]!.replace(',to_class', '');
    const missing = await importCsv(
      editor,
      [
        header,
        ...lines.slice(1).map((l) =>
          l
            .split(',')
            .filter((_, i) => i !== 4)
            .join(','),
        ),
      ].join('\r\n'),
    );
    expect(missing.status).toBe(422);
    expect(missing.text).toMatch(/行 1[^<]*缺少列：to_class/);

    const badYear = csv.replace(/\r\n(\w+),2020,/, '\r\n$1,20x0,'); // the first data row
    const year = await importCsv(editor, badYear);
    expect(year.status).toBe(422);
    expect(year.text).toMatch(/行 2 · 列 B[^<]*期初年份&#34;20x0&#34;无效/);

    // a matrix whose sums no longer match is refused as a whole: no other matrix of the file is saved
    const sums = csv.replace(
      /\r\n(baisha,2020,2021,forest_broadleaf,forest_broadleaf,)([\d.]+)/,
      (_, p, v) => `\r\n${p}${Number(v) + 5}`,
    );
    expect(sums).not.toBe(csv);
    const bad = await importCsv(editor, sums);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('行合计');
    expect(await all()).toEqual(before);
    expect(await eventCount()).toBe(events);
  });

  it('an admin may save a matrix too', async () => {
    const before = await stored('shanggan');
    const fields = matrixForm((await admin.agent.get('/transitions/shanggan/2020/2021')).text);
    expect((await admin.agent.post('/transitions/shanggan/2020/2021').type('form').send(fields)).status).toBe(
      303,
    );
    expect((await stored('shanggan')).version).toBe(before.version + 1);
  });
});
