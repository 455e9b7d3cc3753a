import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/store/errors.js';
import { binary, login, startApp, type Session, type TestApp } from './harness.js';
import type { Db } from '../../src/store/db.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { commitBatch, getBatch, stageImport } from '../../src/store/import-batches.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { getSettings } from '../../src/store/settings.js';
import { BULK_ROWS, validateSurvey } from '../../src/store/survey.js';

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

const TOWNSHIPS = [
  'ganzhe',
  'baisha',
  'nanyu',
  'shanggan',
  'xiangqian',
  'qingkou',
  'nantong',
  'shangjie',
  'jingxi',
  'zhuqi',
  'hongwei',
  'yangli',
  'dahu',
  'tingping',
  'xiaoruo',
];

const uploadCsv = (csv: string, name = 'rows.csv') =>
  editor.agent.post('/import').field('_csrf', editor.csrf).attach('file', Buffer.from(csv), name);

const putRecord = (township: string, year: number, values: Record<string, string>) =>
  editor.agent
    .put(`/api/v1/records/${township}/${year}`)
    .set('x-csrf-token', editor.csrf)
    .send({ values, version: null, mode: 'replace' });

const stored = async (township: string, year: number) =>
  (
    await t.db.query<{ values: Record<string, string>; version: number; status: string }>(
      'select values, version, status from survey_records where township_id = $1 and year = $2',
      [township, year],
    )
  )[0];

/** A CSV of one row per township × year with its GDP (万元): township i, year y → 1000 + 10·i + (y − first). */
function gdpCsv(years: number[], edit?: (row: string[], line: number) => void): string {
  const lines = [['township', 'year', 'gdp', 'resident_population']];
  for (const y of years)
    TOWNSHIPS.forEach((id, i) => {
      const row = [id, String(y), String(1000 + 10 * i + (y - years[0]!)), ''];
      edit?.(row, lines.length + 1);
      lines.push(row);
    });
  return lines.map((l) => l.join(',')).join('\n');
}

describe('import at scale: the preview summarised per township and paged; one commit', () => {
  it("counts each township's rows by outcome (worked by hand), skips locked and blank rows and says so, commits the rest", async () => {
    // stored before: baisha 2042 (gdp 1 万元, 10 人) and nanyu 2042 (gdp 3 万元) as drafts; ganzhe and baisha 2021
    // are approved (the sample)
    expect((await putRecord('baisha', 2042, { gdp: '1', resident_population: '10' })).status).toBe(200);
    expect((await putRecord('nanyu', 2042, { gdp: '3' })).status).toBe(200);
    const ganzhe2021 = await stored('ganzhe', 2021);
    expect(ganzhe2021!.status).toBe('approved');
    expect(ganzhe2021!.values.gdp).not.toBe('5');
    const csv = [
      'township,year,gdp,resident_population',
      'ganzhe,2021,5,', // row 2: approved → locked, its 1 changed value not imported
      'baisha,2021,,', // row 3: approved and blank → locked
      'ganzhe,2041,100,2000', // row 4: new, 2 values
      'ganzhe,2042,,', // row 5: blank
      'baisha,2042,1,11', // row 6: changed, 1 value (10 → 11 人; gdp 1 = 1)
      'nanyu,2042,3,', // row 7: unchanged (gdp 3 = 3)
      '南屿镇,2041,4.5,', // row 8: new, 1 value; the township by its Chinese name
    ].join('\n');
    const upload = await uploadCsv(csv, 'by-hand.csv');
    expect(upload.status).toBe(303);
    const preview = await editor.agent.get(upload.headers.location!);
    // per township: rows, new, changed, unchanged, locked, blank, values changed (new and changed rows only)
    //   甘蔗街道 rows 2, 4, 5:  3 = 1 new + 1 locked + 1 blank;  values 2 (row 4)
    //   白沙镇   rows 3, 6:     2 = 1 changed + 1 locked;        values 1 (row 6)
    //   南屿镇   rows 7, 8:     2 = 1 unchanged + 1 new;         values 1 (row 8)
    //   合计     7 rows = 2 new + 1 changed + 1 unchanged + 2 locked + 1 blank; values 2 + 1 + 1 = 4
    expect(tableRows(preview.text, 'import-summary')).toEqual([
      ['甘蔗街道', '3', '1', '0', '0', '1', '1', '2'],
      ['白沙镇', '2', '0', '1', '0', '1', '0', '1'],
      ['南屿镇', '2', '1', '0', '1', '0', '0', '1'],
      ['合计', '7', '2', '1', '1', '2', '1', '4'],
    ]);
    expect(preview.text).toContain('文件 7 行：新增 2、修改 1、无变化 1；共 4 个数值变更');
    expect(preview.text).toContain(
      '2 行属于已提交或已审核（锁定）的记录，1 行为空：这些行不导入，其余各行照常导入',
    );
    // every row of the file, in order, with what importing it does; the changes of the rows written
    expect(tableRows(preview.text, 'import-row-table')).toEqual([
      ['2', '甘蔗街道', '2021', '已审核，已锁定：此行 1 个数值不导入（须审核员先退回或重新打开）', ''],
      ['3', '白沙镇', '2021', '已审核，已锁定；此行为空', ''],
      ['4', '甘蔗街道', '2041', '新增', '地区生产总值', '—', '100', '万元'],
      ['常住人口', '—', '2000', '人'],
      ['5', '甘蔗街道', '2042', '空行，不导入', ''],
      ['6', '白沙镇', '2042', '修改', '常住人口', '10', '11', '人'],
      ['7', '南屿镇', '2042', '与现有数据相同', ''],
      ['8', '南屿镇', '2041', '新增', '地区生产总值', '—', '4.5', '万元'],
    ]);
    const id = /\/import\/(\d+)/.exec(upload.headers.location!)![1];
    const auditBefore = (await t.db.query<{ n: number }>('select max(id)::int as n from audit_events'))[0]!.n;
    const commit = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect(commit.status).toBe(303);
    expect(await stored('ganzhe', 2041)).toMatchObject({
      values: { gdp: '100', resident_population: '2000' },
      version: 1,
      status: 'draft',
    });
    expect(await stored('baisha', 2042)).toMatchObject({
      values: { gdp: '1', resident_population: '11' },
      version: 2,
    });
    expect(await stored('nanyu', 2041)).toMatchObject({ values: { gdp: '4.5' }, version: 1 });
    expect((await stored('nanyu', 2042))!.version).toBe(1);
    expect(await stored('ganzhe', 2042)).toBeUndefined();
    expect(await stored('ganzhe', 2021)).toEqual(ganzhe2021);
    // one audit event per record written, before → after by field
    const events = await t.db.query<{
      action: string;
      entity_key: string;
      old_value: unknown;
      new_value: unknown;
    }>(
      `select action, entity_key, old_value, new_value from audit_events
       where id > $1 and entity = 'survey_record' order by entity_key`,
      [auditBefore],
    );
    expect(events).toEqual([
      {
        action: 'update',
        entity_key: 'baisha/2042',
        old_value: { resident_population: '10' },
        new_value: { resident_population: '11' },
      },
      {
        action: 'create',
        entity_key: 'ganzhe/2041',
        old_value: null,
        new_value: { gdp: '100', resident_population: '2000' },
      },
      { action: 'create', entity_key: 'nanyu/2041', old_value: null, new_value: { gdp: '4.5' } },
    ]);
    // the committed batch keeps its summary; its rows are gone
    const after = await editor.agent.get(`/import/${id}`);
    expect(after.text).toContain('导入完成');
    expect(tableRows(after.text, 'import-summary').at(-1)).toEqual([
      '合计',
      '7',
      '2',
      '1',
      '1',
      '2',
      '1',
      '4',
    ]);
    const left = await t.db.query('select 1 from import_batch_rows where batch_id = $1', [Number(id)]);
    expect(left).toHaveLength(0);
    // in English
    const en = await editor.agent.get(`/import/${id}?lang=en`);
    expect(en.text).toContain('7 rows in the file: 2 new, 1 changed, 1 unchanged; 4 values change');
    expect(tableRows(en.text, 'import-summary')[0]).toEqual([
      'Ganzhe Subdistrict',
      '3',
      '1',
      '0',
      '0',
      '1',
      '1',
      '2',
    ]);
    await editor.agent.get('/import?lang=zh');
  });

  it("pages 50 rows at a time: the rows of all pages are the file's rows, each once; filters by township and outcome", async () => {
    const years = [2050, 2051, 2052, 2053, 2054, 2055, 2056, 2057];
    const upload = await uploadCsv(gdpCsv(years), 'paged.csv'); // 15 × 8 = 120 rows, CSV rows 2 … 121
    expect(upload.status).toBe(303);
    const url = upload.headers.location!;
    const recordRows = (html: string) => tableRows(html, 'import-row-table').filter((r) => r.length === 8);
    const seen: string[] = [];
    for (const [p, n] of [
      [1, 50],
      [2, 50],
      [3, 20],
    ] as const) {
      const page = await editor.agent.get(`${url}?page=${p}`);
      expect(page.text).toContain(`第 ${p} / 3 页，共 120 行`);
      const rows = recordRows(page.text);
      expect(rows).toHaveLength(n);
      seen.push(...rows.map((r) => r[0]!));
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => String(i + 2)));
    // a page past the last shows the last
    expect(recordRows((await editor.agent.get(`${url}?page=99`)).text)).toHaveLength(20);
    // one township: its 8 rows on one page, GDP 1000 + (y − 2050) for ganzhe (i = 0)
    const ganzhe = await editor.agent.get(`${url}?township=ganzhe`);
    expect(ganzhe.text).toContain('第 1 / 1 页，共 8 行');
    expect(recordRows(ganzhe.text).map((r) => [r[1], r[2], r[6]])).toEqual(
      years.map((y) => ['甘蔗街道', String(y), String(1000 + (y - 2050))]),
    );
    expect((await editor.agent.get(`${url}?outcome=new&page=3`)).text).toContain('第 3 / 3 页，共 120 行');
    expect((await editor.agent.get(`${url}?outcome=locked`)).text).toContain('第 1 / 1 页，共 0 行');
    // discarding drops the rows and writes nothing
    const id = Number(/\/import\/(\d+)/.exec(url)![1]);
    await editor.agent.post(`/import/${id}/discard`).type('form').send({ _csrf: editor.csrf });
    expect(await t.db.query('select 1 from import_batch_rows where batch_id = $1', [id])).toHaveLength(0);
    expect(await count(2050)).toBe(0);
  });

  it('a bad row refuses the whole file: errors by township and field, each error with its row, field and reason; nothing written', async () => {
    const batches = await t.db.query('select id from import_batches');
    const csv = gdpCsv([2060, 2061, 2062, 2063, 2064, 2065, 2066, 2067], (row, line) => {
      if (line === 61) row[2] = 'abc'; // 2063, the 60th row: township 59 % 15 = 14, xiaoruo
      if (line === 90) row[3] = '-5'; // 2065, township 88 % 15 = 13, tingping
    });
    const res = await uploadCsv(csv, 'bad.csv');
    expect(res.status).toBe(422);
    expect(res.text).toContain('文件有错误，未导入任何数据。');
    expect(tableRows(res.text, 'import-error-townships')).toEqual([
      ['小箬乡', '1', '1'],
      ['廷坪乡', '1', '1'],
    ]);
    expect(tableRows(res.text, 'import-error-fields')).toEqual([
      ['地区生产总值', '1', '61'],
      ['常住人口', '1', '90'],
    ]);
    expect(res.text).toMatch(
      /<li>工作表 csv · 行 61 · 列 C · 小箬乡 · 2063 · 地区生产总值：&#34;abc&#34;不是数值<\/li>/,
    );
    expect(res.text).toMatch(
      /<li>工作表 csv · 行 90 · 列 D · 廷坪乡 · 2065 · 常住人口：数值 -5 人 超出合理范围/,
    );
    for (const y of [2060, 2063, 2067]) expect(await count(y)).toBe(0);
    expect(await t.db.query('select id from import_batches')).toEqual(batches);
  });

  it('a bad row in the second part of 1,000 refuses the whole file, naming it (zh, en); a repeat across parts too; nothing staged', async () => {
    const batches = await t.db.query('select id from import_batches');
    const rowsBefore = await t.db.query('select batch_id, n from import_batch_rows');
    // 134 years (1960 … 2093) × 15 townships = 2,010 data rows, file rows 2 … 2011 (validated 1,000 at a time);
    // file row 1501 is data row 1,500 (index 1,499, in the second part): year 1960 + floor(1499 / 15) = 2059,
    // township 1499 % 15 = 14, xiaoruo. Row 2012 repeats row 2 (ganzhe 1960): the third part repeats the first
    const years = Array.from({ length: 134 }, (_, i) => 1960 + i);
    const csv =
      gdpCsv(years, (row, line) => {
        if (line === 1501) row[2] = 'abc';
      }) + '\nganzhe,1960,5,';
    // English first, then Chinese (the page's language is kept in a cookie: the later tests read Chinese)
    for (const [lang, refused, bad, repeat] of [
      [
        '?lang=en',
        'nothing was imported',
        /<li>Sheet csv · Row 1501 · Column C · Xiaoruo Township · 2059 · Gross domestic product: &#34;abc&#34; is not a number<\/li>/,
        /<li>Sheet csv · Row 2012 · Ganzhe Subdistrict · 1960: duplicate record for this township and year<\/li>/,
      ],
      [
        '?lang=zh',
        '文件有错误，未导入任何数据。',
        /<li>工作表 csv · 行 1501 · 列 C · 小箬乡 · 2059 · 地区生产总值：&#34;abc&#34;不是数值<\/li>/,
        /<li>工作表 csv · 行 2012 · 甘蔗街道 · 1960：同一乡镇同一年份的数据重复<\/li>/,
      ],
    ] as const) {
      const res = await editor.agent
        .post(`/import${lang}`)
        .field('_csrf', editor.csrf)
        .attach('file', Buffer.from(csv), 'second-part.csv');
      expect(res.status).toBe(422);
      expect(res.text).toContain(refused);
      expect(res.text).toMatch(bad);
      expect(res.text).toMatch(repeat);
    }
    // the same rows as an XLSX (validated a part at a time while the sheet is read): the same two errors
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据');
    for (const [k, line] of csv.split('\n').entries())
      ws.addRow(line.split(',').map((c, i) => (k > 0 && i !== 0 && /^\d+$/.test(c) ? Number(c) : c)));
    const xlsx = await editor.agent
      .post('/import')
      .field('_csrf', editor.csrf)
      .attach('file', Buffer.from(await wb.xlsx.writeBuffer()), 'second-part.xlsx');
    expect(xlsx.status).toBe(422);
    expect(xlsx.text).toMatch(
      /<li>工作表 数据 · 行 1501 · 列 C · 小箬乡 · 2059 · 地区生产总值：&#34;abc&#34;不是数值<\/li>/,
    );
    expect(xlsx.text).toMatch(
      /<li>工作表 数据 · 行 2012 · 甘蔗街道 · 1960：同一乡镇同一年份的数据重复<\/li>/,
    );
    for (const y of [1960, 2059, 2093]) expect(await count(y)).toBe(0);
    expect(await t.db.query('select id from import_batches')).toEqual(batches);
    expect(await t.db.query('select batch_id, n from import_batch_rows')).toEqual(rowsBefore);
  });

  it('a row that fails at commit (its record changed since the preview) leaves every row unwritten', async () => {
    expect((await putRecord('shanggan', 2071, { gdp: '7' })).status).toBe(200);
    const csv = gdpCsv([2070]) + '\nshanggan,2071,8,';
    const upload = await uploadCsv(csv, 'stale.csv');
    expect(upload.status).toBe(303);
    // shanggan 2071 changes after the preview: the batch was checked against version 1
    expect(
      (
        await editor.agent
          .put('/api/v1/records/shanggan/2071')
          .set('x-csrf-token', editor.csrf)
          .send({ values: { gdp: '9' }, version: 1, mode: 'merge' })
      ).status,
    ).toBe(200);
    const id = /\/import\/(\d+)/.exec(upload.headers.location!)![1];
    const commit = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.csrf });
    expect(commit.status).toBe(409);
    expect(commit.text).toContain('尚干镇 2071 年数据已被他人修改');
    expect(await count(2070)).toBe(0); // the 15 new records of the same batch: none written
    expect((await stored('shanggan', 2071))!.values.gdp).toBe('9');
    const [batch] = await t.db.query<{ status: string }>('select status from import_batches where id = $1', [
      Number(id),
    ]);
    expect(batch!.status).toBe('pending');
  });

  it('stages and commits 10 or 500 rows (BULK_ROWS) with the same number of SQL statements; 501 rows take one part more', async () => {
    const set = await (async () => {
      const { activeSet } = await getSettings(t.db);
      return loadCompiledSet(t.db, activeSet.id, activeSet.version);
    })();
    const [{ id: userId }] = (await t.db.query<{ id: number }>(
      "select id from users where username = 'editor'",
    )) as [{ id: number }];
    const statements = async (n: number, firstYear: number) => {
      const raw = Array.from({ length: n }, (_, i) => ({
        township: TOWNSHIPS[i % 15]!,
        year: firstYear + Math.floor(i / 15),
        values: { gdp: String(100 + i), resident_population: String(1000 + i) },
      }));
      const { records, issues } = await validateSurvey(t.db, set, raw, { allowMissing: true });
      expect(issues).toEqual([]);
      let sent = 0;
      const counting = (db: Db): Db => ({
        kind: db.kind,
        query: (sql, params) => {
          sent++;
          return db.query(sql, params);
        },
        exec: (sql) => db.exec(sql),
        transaction: (fn) => db.transaction((tx) => fn(counting(tx))),
        close: () => db.close(),
      });
      const db = counting(t.db);
      const id = await stageImport(db, userId, `${n}.csv`, set, records);
      await commitBatch(db, SYSTEM_ACTOR, set, await getBatch(db, id, userId));
      const written = await t.db.query('select 1 from survey_records where year between $1 and $2', [
        firstYear,
        firstYear + Math.floor((n - 1) / 15),
      ]);
      expect(written).toHaveLength(n);
      return sent;
    };
    // a preview left pending for 8 days: discarded, its rows dropped, by the next upload
    const [old] = await t.db.query<{ id: number }>(
      `insert into import_batches (user_id, file_name, set_id, set_version, payload, created_at)
       values ($1, 'old.csv', $2, $3, '{}', now() - interval '8 days') returning id`,
      [userId, set.id, set.version],
    );
    await t.db.query(
      `insert into import_batch_rows (batch_id, n, township_id, year, outcome, diff) values ($1, 0, 'ganzhe', 1949, 'blank', '{}')`,
      [old!.id],
    );
    // 10 rows: years 1950 (10 townships); BULK_ROWS (500) rows: 15 townships × 1951 … 1984 (none stored before)
    const few = await statements(10, 1950);
    expect(await t.db.query('select status from import_batches where id = $1', [old!.id])).toEqual([
      { status: 'discarded' },
    ]);
    expect(await t.db.query('select 1 from import_batch_rows where batch_id = $1', [old!.id])).toEqual([]);
    const many = await statements(BULK_ROWS, 1951);
    expect(many).toBe(few);
    // stage: old previews dropped, the batch, then per part of BULK_ROWS the stored records and the rows, then the
    // batch's summary (5); commit: the batch, the townships (validation), claim, then per part the staged rows,
    // lock the records, write records and audit events (one statement), then drop the rows, the import's own event (8)
    expect(few).toBe(13);
    // one row more than a part (BULK_ROWS = 500): a second part staged (stored records, rows: 2) and committed
    // (staged rows, lock, records and audit events: 3), 13 + 5; years 2030 … 2063, 15 townships each (2063: 6),
    // none stored before (the records earlier tests left in those years are deleted first)
    expect(BULK_ROWS).toBe(500);
    await t.db.query('delete from survey_records where year between 2030 and 2063');
    expect(await statements(BULK_ROWS + 1, 2030)).toBe(few + 5);
  });

  it('commits the staged values as they are; a township removed since the upload refuses the batch, nothing written', async () => {
    const { activeSet } = await getSettings(t.db);
    const set = await loadCompiledSet(t.db, activeSet.id, activeSet.version);
    const [{ id: userId }] = (await t.db.query<{ id: number }>(
      "select id from users where username = 'editor'",
    )) as [{ id: number }];
    await t.db.query(
      `insert into townships (id, region_id, name_zh, name_en, kind, area_km2)
       select 'gone', region_id, '临时镇', 'Temporary', 'town', 10 from townships limit 1`,
    );
    // gdp 7 (a number) and 1,234.5 (text with a thousands separator) are staged as "7" and "1234.5"
    const raw = [
      { township: 'gone', year: 2099, values: { gdp: 7 } },
      { township: TOWNSHIPS[0]!, year: 2099, values: { gdp: '1,234.5' } },
    ];
    const first = await validateSurvey(t.db, set, raw, { allowMissing: true });
    expect(first.issues).toEqual([]);
    const id = await stageImport(t.db, userId, 'gone.csv', set, first.records);
    await t.db.query("delete from townships where id = 'gone'");
    const refused = commitBatch(t.db, SYSTEM_ACTOR, set, await getBatch(t.db, id, userId));
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toMatchObject({
      issues: [
        {
          township: 'gone',
          year: 2099,
          field: 'township',
          message: { en: 'unknown township "gone" (removed since the upload); upload again' },
        },
      ],
    });
    expect(await count(2099)).toBe(0);
    // without the removed township's row the values land as staged
    const again = await validateSurvey(t.db, set, raw.slice(1), { allowMissing: true });
    const ok = await stageImport(t.db, userId, 'ok.csv', set, again.records);
    await commitBatch(t.db, SYSTEM_ACTOR, set, await getBatch(t.db, ok, userId));
    const [stored] = await t.db.query<{ values: Record<string, string> }>(
      'select values from survey_records where year = 2099',
    );
    expect(stored!.values.gdp).toBe('1234.5');
  });
});
