/**
 * The eco-product register through HTTP and the database: the sample register and ledger, entering and
 * approving an entry, publishing the list (frozen, public when enabled), evidence uploads refused by type and
 * size with nothing written, the XLSX import, and the realisation rate of the sample worked by hand.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import { accountYear } from '../../src/store/accounts.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { binary, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;
let reviewer: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [admin, editor, reviewer, viewer] = (await Promise.all(
    ['admin', 'editor', 'reviewer', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session];
});
afterAll(() => t.close());

const count = async (table: string) =>
  (await t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

const ENTRY = {
  name: '竹岐乡 榕树林水源涵养',
  township: 'zhuqi',
  village: '竹岐村',
  product: 'water_conservation',
  component: '',
  source: 'accounts',
  share: '50%',
  owner: '竹岐村村民委员会',
  ownership: 'collective',
  rightHolder: '竹岐乡人民政府',
  rightType: '生态公益林管护权',
  supplier: '竹岐乡人民政府',
  grade: 'good',
  tradable: 'yes',
  tradableReason: '',
};

describe('the sample register (示例数据)', () => {
  it('arrives approved: 8 entries and 4 realisations', async () => {
    const e = await t.db.query<{ status: string }>('select status from register_entries');
    const r = await t.db.query<{ status: string }>('select status from realisations');
    expect(e.map((x) => x.status)).toEqual(Array(8).fill('approved'));
    expect(r.map((x) => x.status)).toEqual(Array(4).fill('approved'));
  });

  it('lists quantities and values that are the accounts’ own, in the official layout', async () => {
    const res = await viewer.agent.get('/register/list?year=2021');
    expect(res.status).toBe(200);
    expect(res.text).toContain('闽侯县生态产品目录清单（2021年）');
    expect(res.text).toContain('单位：价值为万元（2021年价格）');
    // 大湖乡 水源涵养 (whole township) is the account's component, shown in 万元
    const set = await loadCompiledSet(t.db, 'minhou-2021', '2.0.0');
    const year = (await accountYear(t.db, set, 'academic', 2021))!;
    const dahu = year.region.townships.find((a) => a.township === 'dahu')!;
    const wc = dahu.components.find((c) => c.component.id === 'water_conservation')!;
    const shown = wc.value!.div(10000).toFixed(2, Dec.ROUND_HALF_UP);
    const grouped = shown.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const row = res.text.slice(res.text.indexOf('大湖乡 生态公益林水源涵养'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(grouped);
    // the entered entry carries its unit; the total row is there
    expect(res.text).toContain('合计');
  });

  it('gives the sample realisation rate worked by hand', async () => {
    // procurement 2 000 000 m³ × 0.94 元/m³ = 1 880 000 元; tea 20 t × 80 000 元/t = 1 600 000 元;
    // carbon sink 5 000 tCO₂ × 45 元/tCO₂ = 225 000 元; eco-bank package 124 000 元/年
    // realised = 3 829 000 元 = 382.90 万元
    const res = await viewer.agent.get('/realisation');
    expect(res.status).toBe(200);
    expect(res.text).toContain('382.90 万元');
    const set = await loadCompiledSet(t.db, 'minhou-2021', '2.0.0');
    const gep = (await accountYear(t.db, set, 'academic', 2021))!.region.gep;
    const rate = new Dec(3829000).div(gep).times(100).toFixed(4, Dec.ROUND_HALF_UP);
    expect(res.text).toContain(`<strong>${rate}%</strong>`);
    // regulating: 1 880 000 (procurement) + 225 000 (carbon sink) = 2 105 000 元;
    // by procurement 1 880 000 ÷ 2 105 000 = 89.3112 %
    expect(res.text).toContain('210.50 万元');
    expect(res.text).toContain('188.00 万元（89.3112%）');
  });

  it('derives the procurement list with reference prices and the budget', async () => {
    const res = await viewer.agent.get('/register/procurement?year=2021');
    expect(res.status).toBe(200);
    // regulating, tradable, approved: both water-conservation entries and the carbon sink; not the
    // climate regulation (not tradable) nor the COD removal (not tradable)
    expect(res.text).toContain('廷坪乡 水源涵养');
    expect(res.text).toContain('大湖乡 林业碳汇');
    expect(res.text).not.toContain('小箬乡 植被气候调节');
    expect(res.text).toMatch(/元\/m³/);
    // the price basis names the published price the water-conservation value rests on, at 2021 prices
    expect(res.text).toContain('minhou-2021@2.0.0');
    expect(res.text).toMatch(/库容[^<]*元\/m³/);
  });
});

describe('entering, approving and publishing', () => {
  let id = 0;

  it('refuses a bad entry naming each field, and writes nothing', async () => {
    const before = await count('register_entries');
    const events = await count('audit_events');
    const res = await editor.agent
      .post('/register/new')
      .type('form')
      .send({ ...ENTRY, _csrf: editor.csrf, township: '', grade: '特级', tradable: 'no' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('乡镇：必填');
    expect(res.text).toContain('质量等级：&#34;特级&#34;应为优、良、中或差');
    expect(res.text).toContain('可否交易理由：不可交易时须说明理由');
    expect(await count('register_entries')).toBe(before);
    expect(await count('audit_events')).toBe(events);
  });

  it('enters, submits, refuses self-approval, approves and publishes', async () => {
    const res = await editor.agent
      .post('/register/new')
      .type('form')
      .send({ ...ENTRY, _csrf: editor.csrf });
    expect(res.status).toBe(303);
    id = Number(/\/register\/(\d+)/.exec(res.headers.location!)![1]);
    const submit = await editor.agent
      .post(`/register/${id}/status`)
      .type('form')
      .send({ _csrf: editor.csrf, action: 'submit' });
    expect(submit.status).toBe(303);
    // an editor does not approve
    const own = await editor.agent
      .post(`/register/${id}/status`)
      .type('form')
      .send({ _csrf: editor.csrf, action: 'approve' });
    expect(own.status).toBe(403);
    const ok = await reviewer.agent
      .post(`/register/${id}/status`)
      .type('form')
      .send({ _csrf: reviewer.csrf, action: 'approve' });
    expect(ok.status).toBe(303);
    const audit = await t.db.query<{ action: string }>(
      "select action from audit_events where entity = 'register_entry' and entity_key = $1 order by id",
      [String(id)],
    );
    expect(audit.map((a) => a.action)).toEqual(['create', 'submit', 'approve']);
    // approved: the entry is locked
    const locked = await editor.agent
      .post(`/register/${id}`)
      .type('form')
      .send({ ...ENTRY, _csrf: editor.csrf, name: '改名' });
    expect(locked.status).toBe(409);

    const pub = await reviewer.agent
      .post('/register/list/publish')
      .type('form')
      .send({ _csrf: reviewer.csrf, year: '2021' });
    expect(pub.status).toBe(303);
    const page = await viewer.agent.get(pub.headers.location!);
    expect(page.text).toContain('竹岐乡 榕树林水源涵养');
    expect(page.text).toContain('快照完整');
    // XLSX in the official layout: title, 单位 line, header with 序号, SUM formulas for the totals
    const x = await binary(viewer, `${pub.headers.location}?format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('闽侯县生态产品目录清单（2021年）');
    expect(String(ws.getCell('A2').value)).toMatch(/^单位：/);
    expect(ws.getCell('A3').value).toBe('序号');
    const totalRow = ws.getRows(1, ws.rowCount)!.find((r) => r.getCell(1).value === '合计')!;
    expect(String((totalRow.getCell(8).value as { formula: string }).formula)).toMatch(/^H\d+\+H\d+/);
  });

  it('shows the published list publicly only when the administrator enables it', async () => {
    const anon = await request(t.app).get('/catalogue');
    expect(anon.status).toBe(302);
    const page = await admin.agent.get('/admin/settings');
    const set = /name="activeSet" [^>]*>[\s\S]*?<option value="([^"]+)" selected/.exec(page.text)?.[1];
    const res = await admin.agent
      .post('/admin/settings')
      .type('form')
      .send({
        _csrf: admin.csrf,
        activeSet: set ?? 'minhou-2021@2.0.0',
        profile: 'academic',
        publicRegister: 'on',
      });
    expect(res.status).toBeLessThan(400);
    const open = await request(t.app).get('/catalogue');
    expect(open.status).toBe(200);
    expect(open.text).toContain('竹岐乡 榕树林水源涵养');
  });
});

describe('evidence documents', () => {
  let draft = 0;
  beforeAll(async () => {
    const res = await editor.agent
      .post('/register/new')
      .type('form')
      .send({ ...ENTRY, _csrf: editor.csrf, name: '竹岐乡 证明材料测试' });
    draft = Number(/\/register\/(\d+)/.exec(res.headers.location!)![1]);
  });
  const upload = (name: string, bytes: Buffer) =>
    editor.agent.post(`/register/${draft}/evidence`).field('_csrf', editor.csrf).attach('file', bytes, name);

  it('refuses a wrong type, a disguised file and an oversized file, writing nothing', async () => {
    const files = await count('register_evidence');
    const events = await count('audit_events');
    const docx = await upload('权属证明.docx', Buffer.from('PK\u0003\u0004 not really'));
    expect(docx.status).toBe(422);
    expect(docx.text).toContain('证明材料只接受 PDF、JPG、PNG、XLSX 文件');
    const fake = await upload('photo.png', Buffer.from('%PDF-1.4 this is a pdf'));
    expect(fake.status).toBe(422);
    expect(fake.text).toContain('的内容不是 PNG 格式');
    // 10 MB + 1 byte
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    big.write('%PDF-1.4');
    const tooBig = await upload('scan.pdf', big);
    expect(tooBig.status).toBe(422);
    expect(tooBig.text).toContain('10 MB');
    expect(await count('register_evidence')).toBe(files);
    expect(await count('audit_events')).toBe(events);
  });

  it('keeps a valid PDF in the database and gives it back unchanged', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% 林权证扫描件\n%%EOF\n');
    const res = await upload('林权证.pdf', pdf);
    expect(res.status).toBe(303);
    const [doc] = await t.db.query<{ id: number; media_type: string; size_bytes: number }>(
      'select id, media_type, size_bytes from register_evidence where entry_id = $1',
      [draft],
    );
    expect(doc!.media_type).toBe('application/pdf');
    expect(doc!.size_bytes).toBe(pdf.length);
    const back = await binary(viewer, `/register/${draft}/evidence/${doc!.id}`);
    expect(Buffer.compare(back.body as Buffer, pdf)).toBe(0);
  });
});

describe('XLSX import', () => {
  const workbook = async (rows: string[][]) => {
    const tpl = await binary(editor, '/register/template.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.body as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    ws.spliceRows(2, 1);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };
  const row = (o: Partial<Record<keyof typeof ENTRY, string>> = {}) => {
    const e = {
      ...ENTRY,
      township: '鸿尾乡',
      product: '固碳',
      grade: '良',
      tradable: '是',
      ownership: '集体所有',
      ...o,
    };
    return [
      e.name,
      e.township,
      e.village,
      '',
      '',
      '',
      e.product,
      e.component,
      e.source,
      e.share,
      '',
      '',
      '',
      e.owner,
      e.ownership,
      e.rightHolder,
      e.rightType,
      e.supplier,
      e.grade,
      e.tradable,
      e.tradableReason,
    ];
  };
  const send = (buf: Buffer) =>
    editor.agent.post('/register/import').field('_csrf', editor.csrf).attach('file', buf, 'register.xlsx');

  it('lists every bad row by row and field and writes nothing', async () => {
    const before = await count('register_entries');
    const res = await send(
      await workbook([row({ name: '鸿尾乡 碳汇' }), row({ township: '火星乡' }), row({ grade: '' })]),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('行 3：乡镇：未知乡镇&#34;火星乡&#34;');
    expect(res.text).toContain('行 4：质量等级');
    expect(await count('register_entries')).toBe(before);
  });

  it('previews clean rows, then writes them in one commit', async () => {
    const before = await count('register_entries');
    const res = await send(await workbook([row({ name: '鸿尾乡 碳汇 A' }), row({ name: '鸿尾乡 碳汇 B' })]));
    expect(res.status).toBe(200);
    expect(await count('register_entries')).toBe(before);
    const batch = /action="\/register\/import\/(\d+)"/.exec(res.text)![1];
    const commit = await editor.agent
      .post(`/register/import/${batch}`)
      .type('form')
      .send({ _csrf: editor.csrf });
    expect(commit.status).toBe(303);
    expect(await count('register_entries')).toBe(before + 2);
  });
});

describe('realisation ledger through the form', () => {
  const form = (o: Record<string, string | string[]>) => ({
    _csrf: editor.csrf,
    kind: 'eco_bank',
    date: '2021-10-01',
    contractNo: 'STYH-TP-2021-02',
    buyer: '县生态银行运营公司',
    seller: '廷坪乡林农',
    product: 'water_conservation',
    entries: ['2'],
    amount: '36000',
    packageArea: '12',
    operator: '县生态银行运营公司',
    terms: '托管 10 年',
    // 5 + 6.5 = 11.5 hm² ≠ 12 hm²
    rights: '林农丙 | 林地经营权 | 5 | 2\n林农丁 | 林地经营权 | 6.5 | 2',
    ...o,
  });

  it('refuses a package whose rights do not add up to its area, writing nothing', async () => {
    const before = await count('realisations');
    const events = await count('audit_events');
    const res = await editor.agent.post('/realisation').type('form').send(form({}));
    expect(res.status).toBe(422);
    expect(res.text).toContain('资产包面积（hm²）：12 hm² ≠ 收储权益面积合计 11.5 hm²');
    expect(await count('realisations')).toBe(before);
    expect(await count('audit_events')).toBe(events);
  });

  it('saves a balanced package as a draft; only approved records count in the rate', async () => {
    const res = await editor.agent
      .post('/realisation')
      .type('form')
      .send(form({ packageArea: '11.5' }));
    expect(res.status).toBe(303);
    const [r] = await t.db.query<{ id: number; status: string; amount: string }>(
      "select id, status, amount::text as amount from realisations where data->>'contractNo' = 'STYH-TP-2021-02'",
    );
    expect(r).toMatchObject({ status: 'draft', amount: '36000' });
    const links = await t.db.query('select entry_id from realisation_entries where realisation_id = $1', [
      r!.id,
    ]);
    expect(links).toEqual([{ entry_id: 2 }]);
    // still 382.90 万元 realised: the draft is not counted
    expect((await viewer.agent.get('/realisation')).text).toContain('382.90 万元');
    for (const [who, action] of [
      [editor, 'submit'],
      [reviewer, 'approve'],
    ] as const)
      expect(
        (await who.agent.post(`/realisation/${r!.id}/status`).type('form').send({ _csrf: who.csrf, action }))
          .status,
      ).toBe(303);
    // 3 829 000 + 36 000 = 3 865 000 元 = 386.50 万元
    expect((await viewer.agent.get('/realisation')).text).toContain('386.50 万元');
  });
});

describe('backup and restore', () => {
  it('carry the register, its evidence bytes, the ledger and the published lists', async () => {
    const { backup, restore } = await import('../../src/store/backup.js');
    const { boot } = await import('../../src/store/boot.js');
    const { COEFFICIENTS, freshDatabase, tempDir } = await import('./harness.js');
    const { join } = await import('node:path');
    const file = join(tempDir(), 'backup.gep');
    await backup(t.db, file);
    const q = (db: typeof t.db) =>
      Promise.all([
        db.query('select id, township_id, data::text, status, version from register_entries order by id'),
        db.query(
          "select id, file_name, encode(sha256(content), 'hex') as h from register_evidence order by id",
        ),
        db.query('select id, amount::text, data::text, status from realisations order by id'),
        db.query('select * from realisation_entries order by 1, 2'),
        db.query('select id, content_hash from published_registers order by id'),
      ]);
    const before = await q(t.db);
    expect(before[1].length).toBe(1);
    const b = await boot({ ...(await freshDatabase()), coefficientsDir: COEFFICIENTS });
    await restore(b.db, file);
    expect(await q(b.db)).toEqual(before);
    // ids continue after the restored ones
    const [next] = await b.db.query<{ id: number }>(
      "insert into published_registers (year, snapshot, content_hash) values (2021, '{}', 'x') returning id",
    );
    expect(next!.id).toBe(2);
    await b.db.close();
  });
});
