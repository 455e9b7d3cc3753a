import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [editor, viewer] = await Promise.all([login(t.app, 'editor'), login(t.app, 'viewer')]);
});
afterAll(() => t.close());

/** The 2021 export with its year column set to another year: a filled-in template. */
async function workbookFor(year: number, edit?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const res = await binary(editor, '/export.xlsx?year=2021');
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  ws.eachRow((row, n) => {
    if (n > 2) row.getCell(2).value = year;
  });
  edit?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const columnOf = (ws: ExcelJS.Worksheet, header: string) => {
  let col = 0;
  ws.getRow(1).eachCell((c, i) => {
    if (String(c.value).startsWith(header + ' (')) col = i;
  });
  return col;
};

/** The cells of each body row of a table, as text (a row spanning several lines has its own cells only). */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) =>
      c[1]!
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .trim(),
    ),
  );
}

const count = async (year: number) =>
  (
    await t.db.query<{ n: number }>('select count(*)::int as n from survey_records where year = $1', [year])
  )[0]!.n;

describe('bulk import: upload → full validation → preview → one atomic commit', () => {
  it('a file with errors lists each by sheet, row, column and reason, and changes nothing', async () => {
    const file = await workbookFor(2023, (ws) => {
      ws.getRow(3).getCell(1).value = 'atlantis';
      ws.getRow(5).getCell(columnOf(ws, 'gdp')).value = 'n/a';
      ws.getRow(6).getCell(columnOf(ws, 'resident_population')).value = -3;
    });
    const res = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', file, 'minhou-2023.xlsx');
    expect(res.status).toBe(422);
    expect(res.text).toContain('未知乡镇&#34;atlantis&#34;');
    // row 5 of sheet 数据, the gdp column
    const gdpCol =
      /<li>工作表 数据 · 行 5 · 列 ([A-Z]+) · [^<]*地区生产总值：&#34;n\/a&#34;不是数值<\/li>/.exec(res.text);
    expect(gdpCol).not.toBeNull();
    expect(res.text).toMatch(/行 6 · 列 [A-Z]+ · [^<]*常住人口：数值 -3 人 超出合理范围/);
    expect(await count(2023)).toBe(0);
    const batches = await t.db.query('select 1 from import_batches');
    expect(batches).toHaveLength(0);
  });

  it('a good file shows every change (old → new) and commits all townships at once', async () => {
    const file = await workbookFor(2023, (ws) => {
      // ganzhe's GDP in the 2023 file: 98765.4 万元
      ws.getRow(3).getCell(columnOf(ws, 'gdp')).value = 98765.4;
    });
    const upload = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', file, 'minhou-2023.xlsx');
    expect(upload.status).toBe(303);
    const preview = await editor.agent.get(upload.headers.location!);
    expect(preview.text).toContain('文件 15 行：新增 15、修改 0、无变化 0');
    // ganzhe's row (row 3 of the file) opens with its township, year and outcome; its GDP is one of its changes
    const ganzheRow = tableRows(preview.text, 'import-row-table').find((r) => r[1] === '甘蔗街道')!;
    expect(ganzheRow.slice(0, 4)).toEqual(['3', '甘蔗街道', '2023', '新增']);
    expect(preview.text).toMatch(
      /<td>地区生产总值<\/td><td class="num">—<\/td><td class="num">98765.4<\/td><td>万元<\/td>/,
    );
    expect(await count(2023)).toBe(0); // nothing written before the commit
    const id = /\/import\/(\d+)/.exec(upload.headers.location!)![1];
    const commit = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect(commit.status).toBe(303);
    expect(await count(2023)).toBe(15);
    const ganzhe = (await editor.agent.get('/api/v1/records/ganzhe/2023')).body;
    expect(ganzhe.values.gdp).toBe('98765.4');
    expect(ganzhe.status).toBe('draft');
    // a second commit of the same batch is refused
    const again = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect(again.status).toBe(409);
    const audit = await t.db.query<{ action: string }>(
      "select action from audit_events where entity = 'import_batch'",
    );
    expect(audit).toEqual([{ action: 'import' }]);
  });

  it('a re-import shows only what differs, and a stale preview is refused without writing', async () => {
    const file = await workbookFor(2023, (ws) => {
      ws.getRow(3).getCell(columnOf(ws, 'gdp')).value = 100000;
    });
    const upload = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', file, 'again.xlsx');
    const preview = await editor.agent.get(upload.headers.location!);
    expect(preview.text).toContain('文件 15 行：新增 0、修改 1、无变化 14；共 1 个数值变更');
    expect(preview.text).toMatch(/<td class="num">98765.4<\/td><td class="num">100000<\/td>/);
    // someone saves ganzhe 2023 between preview and commit
    await editor.agent
      .put('/api/v1/records/ganzhe/2023')
      .set('x-csrf-token', editor.csrf)
      .send({ values: { gdp: '1' }, version: 1, mode: 'merge' });
    const id = /\/import\/(\d+)/.exec(upload.headers.location!)![1];
    const commit = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect(commit.status).toBe(409);
    expect((await editor.agent.get('/api/v1/records/ganzhe/2023')).body.values.gdp).toBe('1');
  });

  it('approved data cannot be overwritten by an import: its rows are skipped, and the preview says so', async () => {
    const before = (await editor.agent.get('/api/v1/records/ganzhe/2021')).body;
    const file = await workbookFor(2021, (ws) => {
      ws.getRow(3).getCell(columnOf(ws, 'gdp')).value = 5;
    });
    const res = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', file, '2021.xlsx');
    expect(res.status).toBe(303);
    const preview = await editor.agent.get(res.headers.location!);
    expect(preview.text).toMatch(/id="import-skipped">15 行属于已提交或已审核（锁定）的记录，0 行为空/);
    const rows = tableRows(preview.text, 'import-row-table');
    expect(rows.find((r) => r[1] === '甘蔗街道')).toEqual([
      '3',
      '甘蔗街道',
      '2021',
      '已审核，已锁定：此行 1 个数值不导入（须审核员先退回或重新打开）',
      '',
    ]);
    expect(rows.find((r) => r[1] === '白沙镇')?.[3]).toBe('已审核，已锁定；此行为空');
    const id = /\/import\/(\d+)/.exec(res.headers.location!)![1];
    await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect((await editor.agent.get('/api/v1/records/ganzhe/2021')).body).toEqual(before);
  });

  it('a fresh template for a year in which one township is approved imports the others; townships by Chinese name', async () => {
    // baisha's 2024 is approved (copied from 2021); the others have nothing for 2024
    await t.db.query(
      `insert into survey_records (township_id, year, set_id, set_version, values, overrides, status, version)
       select township_id, 2024, set_id, set_version, values, overrides, 'approved', 1
       from survey_records where township_id = 'baisha' and year = 2021`,
    );
    const res0 = await binary(editor, '/template.xlsx?year=2024');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res0.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    // the clerk writes the township's Chinese name and one value: 祥谦镇, GDP 123456 万元
    let row = 0;
    ws.eachRow((r, n) => {
      if (r.getCell(1).value === 'xiangqian') row = n;
    });
    expect(row).toBeGreaterThan(2);
    ws.getRow(row).getCell(1).value = '祥谦镇';
    ws.getRow(row).getCell(columnOf(ws, 'gdp')).value = 123456;
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', file, 'template-2024.xlsx');
    expect(res.status).toBe(303);
    const preview = await editor.agent.get(res.headers.location!);
    const shown = tableRows(preview.text, 'import-row-table');
    expect(shown.find((r) => r[1] === '白沙镇')?.slice(2, 4)).toEqual(['2024', '已审核，已锁定；此行为空']);
    expect(shown.find((r) => r[1] === '甘蔗街道')?.slice(2, 4)).toEqual(['2024', '空行，不导入']);
    expect(shown.find((r) => r[1] === '祥谦镇')?.slice(2, 8)).toEqual([
      '2024',
      '新增',
      '地区生产总值',
      '—',
      '123456',
      '万元',
    ]);
    const id = /\/import\/(\d+)/.exec(res.headers.location!)![1];
    const commit = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect(commit.status).toBe(303);
    const rows = await t.db.query<{ township_id: string; status: string; gdp: string }>(
      "select township_id, status, values->>'gdp' as gdp from survey_records where year = 2024 order by township_id",
    );
    expect(rows.map((r) => [r.township_id, r.status])).toEqual([
      ['baisha', 'approved'],
      ['xiangqian', 'draft'],
    ]);
    expect(rows[1]!.gdp).toBe('123456');
  });

  it('a file that is not a spreadsheet, or no file, gets a clear error; viewers and forged posts are refused', async () => {
    const junk = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', Buffer.from('this is not a zip'), 'data.xlsx');
    expect(junk.status).toBe(422);
    expect(junk.text).toContain('不是有效的 XLSX 文件');
    const none = await editor.agent.post('/import').field('_csrf', editor.csrf);
    expect(none.status).toBe(422);
    const noCsrf = await editor.agent.post('/import').attach('file', Buffer.from('x'), 'a.csv');
    expect(noCsrf.status).toBe(403);
    const byViewer = await viewer.agent
      .post('/import')
      .field('_csrf', viewer.csrf)
      .attach('file', Buffer.from('x'), 'a.csv');
    expect(byViewer.status).toBe(403);
  });

  it('the export imports back: a CSV of the 2021 data round-trips into a new year unchanged', async () => {
    const csv = (await editor.agent.get('/export.csv?year=2021')).text;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.split('\r\n');
    const as2024 = [lines[0], ...lines.slice(1).map((l) => l.replace(/^([a-z_]+),2021,/, '$1,2024,'))].join(
      '\r\n',
    );
    const upload = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', Buffer.from(as2024), 'x.csv');
    expect(upload.status).toBe(303);
    const id = /\/import\/(\d+)/.exec(upload.headers.location!)![1];
    await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    const a = (await editor.agent.get('/api/v1/records/nanyu/2021')).body.values;
    const b = (await editor.agent.get('/api/v1/records/nanyu/2024')).body.values;
    expect(b).toEqual(a);
  });
  it('external quantities travel in the template: imported (500 万m³ → 5,000,000 m³), previewed, committed, exported', async () => {
    const col = (ws: ExcelJS.Worksheet, header: string) => {
      let n = 0;
      ws.getRow(1).eachCell((c, i) => {
        if (String(c.value).split(' (')[0] === header) n = i;
      });
      expect(n, header).toBeGreaterThan(0);
      return n;
    };
    const file = await workbookFor(2025, (ws) => {
      const row = ws.getRow(3); // ganzhe
      row.getCell(col(ws, 'overrides.water_conservation.quantity')).value = 500;
      row.getCell(col(ws, 'overrides.water_conservation.unit')).value = '万m3';
      row.getCell(col(ws, 'overrides.water_conservation.source')).value = 'InVEST 3.14 年产水量';
    });
    const upload = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', file, 'with-overrides.xlsx');
    expect(upload.status).toBe(303);
    const preview = await editor.agent.get(upload.headers.location!);
    expect(preview.text).toContain('水源涵养 · 外部模型实物量'); // the component by its name, not its id
    expect(preview.text).toContain('5000000 (InVEST 3.14 年产水量)');
    const id = /\/import\/(\d+)/.exec(upload.headers.location!)![1];
    await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    const ganzhe = (await editor.agent.get('/api/v1/records/ganzhe/2025')).body;
    expect(ganzhe.overrides.water_conservation).toEqual({
      quantity: '5000000',
      source: 'InVEST 3.14 年产水量',
    });

    const exported = await binary(editor, '/export.xlsx?year=2025');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    let row: ExcelJS.Row | undefined;
    ws.eachRow((r) => {
      if (r.getCell(1).value === 'ganzhe') row = r;
    });
    expect(row!.getCell(col(ws, 'overrides.water_conservation.quantity')).value).toBe(5000000);
    expect(row!.getCell(col(ws, 'overrides.water_conservation.source')).value).toBe('InVEST 3.14 年产水量');
  });
});
