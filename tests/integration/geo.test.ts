/**
 * Spatial intake end to end on the sample county: its synthetic boundaries are loaded at seed, so the
 * comparison page and the county GEP report draw a choropleth of 15 townships; the GeoJSON export carries
 * every figure; a DLTB layer goes through the survey import's preview and commit; boundaries re-upload.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCounty, writeSampleDltb, writeSampleXzq } from '../../seeds/minhou/layers.js';
import { openLayer } from '../../src/io/geo/layer.js';
import { writeGeoPackage } from '../../src/io/geo/geopackage.js';
import { saveBoundaries } from '../../src/store/geo.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { Dec } from '../../src/domain/decimal.js';
import { ROOT, binary, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let admin: Session;
const dir = mkdtempSync(join(tmpdir(), 'geo-int-'));

beforeAll(async () => {
  t = await startApp();
  [editor, admin] = await Promise.all([login(t.app, 'editor'), login(t.app, 'admin')]);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const paths = (html: string, chart: string) => {
  const start = html.indexOf(`data-chart="${chart}"`);
  const svg = html.slice(start, html.indexOf('</svg>', start));
  return [...svg.matchAll(/<path ([^>]*)><title>([^<]+)<\/title>/g)].map((m) => [
    m[0],
    /data-label="([^"]+)"/.exec(m[1]!)![1]!,
    /data-value="([^"]*)"/.exec(m[1]!)![1]!,
    m[2]!,
  ]);
};

describe('maps on the township boundaries', () => {
  it('the comparison page draws 15 townships coloured by GEP per km², each titled with its figure', async () => {
    const res = await editor.agent.get('/reports/compare?year=2021');
    expect(res.status).toBe(200);
    const marks = paths(res.text, 'choropleth');
    expect(marks).toHaveLength(15);
    // the title names the township and the figure shown in the ranking table (万元/km², 2 decimals)
    const ganzhe = marks.find((m) => m[1] === '甘蔗街道')!;
    const perKm2 = Number(ganzhe[2]) / 1e4;
    expect(ganzhe[3]).toMatch(
      new RegExp(
        `^甘蔗街道: ${perKm2.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 万元/km²$`,
      ),
    );
    expect(res.text).not.toContain('示意图'); // the treemap is only for a county without boundaries
    // any product can be mapped
    const product = await editor.agent.get('/reports/compare?year=2021&map=product:water_conservation');
    expect(paths(product.text, 'choropleth')).toHaveLength(15);
    expect(product.text).toMatch(/水源涵养[^<]*（万元）/);
  });

  it('the county GEP report maps net GEP per township', async () => {
    const res = await editor.agent.get('/reports/gep?year=2021');
    expect(res.text).toContain('id="gep-map"');
    expect(paths(res.text, 'choropleth')).toHaveLength(15);
  });

  it('exports per-township results as GeoJSON with every figure an attribute', async () => {
    const res = await binary(editor, '/reports/townships.geojson?year=2021');
    expect(res.status).toBe(200);
    const doc = JSON.parse((res.body as Buffer).toString('utf8'));
    expect(doc.features).toHaveLength(15);
    const ganzhe = doc.features.find(
      (f: { properties: { township: string } }) => f.properties.township === 'ganzhe',
    );
    expect(ganzhe.properties.name_zh).toBe('甘蔗街道');
    expect(ganzhe.properties.areaKm2).toBe(98.4);
    expect(ganzhe.properties.gep).toBeGreaterThan(0);
    expect(ganzhe.properties.product_water_conservation).toBeGreaterThan(0);
    expect(['Polygon', 'MultiPolygon']).toContain(ganzhe.geometry.type);
  });

  it('exports the same per-township results as a GeoPackage that reads back with the same figures', async () => {
    const [json, gpkg] = await Promise.all([
      binary(editor, '/reports/townships.geojson?year=2021'),
      binary(editor, '/reports/townships.gpkg?year=2021'),
    ]);
    expect(gpkg.status).toBe(200);
    expect(gpkg.headers['content-disposition']).toContain('gep-townships-2021.gpkg');
    const path = join(dir, 'out.gpkg');
    writeFileSync(path, gpkg.body as Buffer);
    const layer = await openLayer(path, 'out.gpkg');
    expect(layer.crs).toBe('EPSG:4490');
    const rows = new Map<string, Record<string, unknown>>();
    for await (const f of layer.features()) rows.set(String(f.properties.township), f.properties);
    await layer.close();
    expect(rows.size).toBe(15);
    const doc = JSON.parse((json.body as Buffer).toString('utf8'));
    const ganzhe = doc.features.find(
      (f: { properties: { township: string } }) => f.properties.township === 'ganzhe',
    ).properties;
    // every attribute of the GeoJSON, with the same value (doubles both)
    expect(rows.get('ganzhe')).toEqual({ fid: expect.any(Number), ...ganzhe });
  });
});

/** Polls a layer job's progress until it is no longer reading (bounded: 600 polls of 50 ms). */
async function finished(s: Session, job: string) {
  for (let i = 0; i < 600; i++) {
    const p = await s.agent.get(`${job}/progress`);
    expect(p.status).toBe(200);
    if (p.body.status !== 'reading')
      return p.body as { status: string; parcels: number; total: number; next: string };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the layer job did not finish');
}

const rowsOf = async (year: number) =>
  (
    (await t.db.query<{ n: number }>('select count(*)::int as n from survey_records where year = $1', [
      year,
    ])) as [{ n: number }]
  )[0].n;

describe('maps of assessment results and scenario appraisals', () => {
  it('the assessment results map each township’s total, its rank in the tooltip, as in the table', async () => {
    const res = await editor.agent.get('/assessment/scheme/fujian-comprehensive-compensation?year=2021');
    expect(res.status).toBe(200);
    const marks = paths(res.text, 'choropleth');
    expect(marks).toHaveLength(15);
    // the table's row of 甘蔗街道: rank (first cell) and total (bold)
    const row =
      /<tr>\s*<td data-value="(\d+)">\d+<\/td>\s*<td[^>]*><a [^>]*>甘蔗街道<\/a><\/td>[\s\S]*?<strong>([\d.,]+)<\/strong>/.exec(
        res.text,
      )!;
    const ganzhe = marks.find((m) => m[1] === '甘蔗街道')!;
    expect(ganzhe[3]).toBe(`甘蔗街道: ${row[2]} 分 (第 ${row[1]} 名)`);
  });

  it('the scenario appraisal maps the alternative’s annual ΔGEP per township; townships outside it are grey', async () => {
    const [p] = await t.db.query<{ id: number }>('select id from scenario_projects order by id limit 1');
    const res = await editor.agent.get(`/scenarios/${p!.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="scenario-map"');
    const marks = paths(res.text, 'choropleth');
    expect(marks).toHaveLength(15);
    const withFigure = marks.filter((m) => m[2] !== '');
    expect(withFigure.map((m) => m[1])).toEqual(['南屿镇']);
    // the figure is the central ΔGEP of the side-by-side table (万元)
    const delta = /<td class="num" data-col="delta">([^<]+)<\/td>/.exec(res.text)![1]!;
    expect(withFigure[0]![3]).toBe(`南屿镇: ${delta} 万元`);
    expect(marks.find((m) => m[1] === '甘蔗街道')![2]).toBe('');
  });
});

describe('DLTB import through the survey preview and commit', () => {
  it('previews per township and class old → new, reconciles with registered areas, then commits atomically', async () => {
    const zip = join(dir, 'DLTB.zip');
    const { landUse } = sampleCounty(2021);
    // the sample layer with the mapping of the set in use (gep-functional classes)
    const codes = (await import('../../src/methods/resolve.js')).loadSet(
      join(import.meta.dirname, '../../coefficients'),
      'minhou-2021',
      '2.0.0',
    ).landClasses;
    await writeSampleDltb(zip, new Map(codes.map((c) => [c.id, c.sourceCodes])), { parcelHm2: 200 });
    const res = await editor.agent
      .post('/geo/dltb')
      .field('_csrf', editor.csrf)
      .field('year', '2022')
      .attach('file', readFileSync(zip), 'DLTB.zip');
    // the upload starts a job and answers at once with its page
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/geo\/jobs\/[0-9a-f]{24}$/);
    const job = res.headers.location!;
    const progress = await finished(editor, job);
    // every parcel of the layer read: its DBF declares as many as were read
    expect(progress.status).toBe('done');
    expect(progress.total).toBeGreaterThan(0);
    expect(progress.parcels).toBe(progress.total);
    expect(progress.next).toMatch(/^\/import\/\d+$/);
    // nothing is written before the commit
    expect(await rowsOf(2022)).toBe(0);
    // another user does not see the job
    expect((await admin.agent.get(`${job}/progress`)).status).toBe(404);
    const page = await editor.agent.get(job);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe(progress.next);
    const preview = await editor.agent.get(progress.next);
    expect(preview.text).toContain('id="layer-reconciliation"');
    // no share table: 乔木林地 0301 goes whole to broadleaf, and the preview says so
    expect(preview.text).toContain(
      '未提供林分比例表：乔木林地（0301）全部计入阔叶林，针叶林、针阔混交林保留原值',
    );
    expect(preview.text).not.toContain('id="layer-unmatched"');
    // 15 townships × 11 classes with codes of their own: old — → new
    expect(preview.text).toMatch(/文件 15 行：新增 \d+、修改 \d+、无变化 0；共 165 个数值变更/);
    expect(await rowsOf(2022)).toBe(0);
    const commit = await editor.agent
      .post(`${progress.next}/commit`)
      .type('form')
      .send({ _csrf: editor.csrf });
    expect(commit.status).toBe(303);
    const [row] = await t.db.query<{ v: Record<string, string> }>(
      "select values->'land_area' as v from survey_records where township_id = 'ganzhe' and year = 2022",
    );
    expect(row!.v.paddy).toBe(landUse.get('ganzhe')!.paddy);
    expect(row!.v.water).toBe(landUse.get('ganzhe')!.water);
  });

  it('with the forest inventory’s shares, 0301 is split into the three forest classes by hand', async () => {
    const zip = join(dir, 'DLTB-shares.zip');
    const { landUse } = sampleCounty(2021);
    const codes = (await import('../../src/methods/resolve.js')).loadSet(
      join(import.meta.dirname, '../../coefficients'),
      'minhou-2021',
      '2.0.0',
    ).landClasses;
    await writeSampleDltb(zip, new Map(codes.map((c) => [c.id, c.sourceCodes])), { parcelHm2: 200 });
    const res = await editor.agent
      .post('/geo/dltb')
      .field('_csrf', editor.csrf)
      .field('year', '2024')
      .attach('file', readFileSync(zip), 'DLTB.zip')
      .attach('shares', readFileSync(join(ROOT, 'seeds/minhou/forest-shares.csv')), 'shares.csv');
    expect(res.status).toBe(303);
    const progress = await finished(editor, res.headers.location!);
    expect(progress.status).toBe('done');
    const preview = await editor.agent.get(progress.next);
    expect(preview.text).toContain(
      '乔木林地（0301）已按森林资源二类调查林分比例分为阔叶林、针叶林、针阔混交林（15 个乡镇）',
    );
    await editor.agent.post(`${progress.next}/commit`).type('form').send({ _csrf: editor.csrf });
    const [row] = await t.db.query<{ v: Record<string, string> }>(
      "select values->'land_area' as v from survey_records where township_id = 'ganzhe' and year = 2024",
    );
    // the sample layer's 0301 in 甘蔗街道 is its three forest classes together; shares 42.13 / 32.50 / 25.37 %
    const g = landUse.get('ganzhe')!;
    const forest = new Dec(g.forest_coniferous!).plus(g.forest_broadleaf!).plus(g.forest_mixed!);
    const coniferous = forest.times('0.4213');
    const mixed = forest.times('0.2537');
    expect(row!.v.forest_coniferous).toBe(coniferous.toString());
    expect(row!.v.forest_mixed).toBe(mixed.toString());
    expect(row!.v.forest_broadleaf).toBe(forest.minus(coniferous).minus(mixed).toString());
  });

  it('a share table that does not add up is refused before the layer is read', async () => {
    const res = await editor.agent
      .post('/geo/dltb')
      .field('_csrf', editor.csrf)
      .field('year', '2025')
      .attach('file', Buffer.from('not read'), 'DLTB.zip')
      .attach(
        'shares',
        Buffer.from('乡镇,针叶林 (%),阔叶林 (%),针阔混交林 (%)\n甘蔗街道,40,40,40\n'),
        'shares.csv',
      );
    expect(res.status).toBe(422);
    expect(res.text).toContain('甘蔗街道 · ');
    expect(res.text).toContain('各林分比例之和为 120%，应为 100%');
  });

  it('a layer that is not a layer is refused with a message and changes nothing', async () => {
    const res = await editor.agent
      .post('/geo/dltb')
      .field('_csrf', editor.csrf)
      .field('year', '2023')
      .attach('file', Buffer.from('not a zip'), 'DLTB.zip');
    expect(res.status).toBe(303);
    expect((await finished(editor, res.headers.location!)).status).toBe('failed');
    const page = await editor.agent.get(res.headers.location!);
    expect(page.status).toBe(422);
    expect(page.text).toContain('无法解压');
    expect(await rowsOf(2023)).toBe(0);
  });
});

describe('transition matrices from two DLTB vintages (BSM)', () => {
  it('reads both layers in a job; parcels of one vintage only are listed and nothing is saved', async () => {
    const layer = (rows: Record<string, string | number>[]) =>
      writeGeoPackage(
        'DLTB',
        ['BSM', 'DLBM', 'ZLDWDM', 'TBDLMJ'].map((n) => ({
          name: n,
          type: n === 'TBDLMJ' ? ('REAL' as const) : ('TEXT' as const),
        })),
        rows.map((r) => ({ properties: r, geometry: { type: 'Point', coordinates: [119.2, 26.1] } })),
      );
    const [opening, closing] = await Promise.all([
      layer([{ BSM: 'A1', DLBM: '0101', ZLDWDM: '350121100201', TBDLMJ: 1000 }]),
      layer([
        { BSM: 'A1', DLBM: '0702', ZLDWDM: '350121100201', TBDLMJ: 1000 },
        { BSM: 'A9', DLBM: '1204', ZLDWDM: '350121100201', TBDLMJ: 250 },
      ]),
    ]);
    const before = await t.db.query('select * from transitions');
    const res = await editor.agent
      .post('/geo/vintages')
      .field('_csrf', editor.csrf)
      .field('fromYear', '2020')
      .field('toYear', '2021')
      .attach('opening', Buffer.from(opening), 'DLTB-2020.gpkg')
      .attach('closing', Buffer.from(closing), 'DLTB-2021.gpkg');
    expect(res.status).toBe(303);
    const progress = await finished(editor, res.headers.location!);
    expect(progress.status).toBe('failed');
    expect(progress.parcels).toBe(3);
    const page = await editor.agent.get(res.headers.location!);
    expect(page.status).toBe(422);
    // the new parcel A9 (裸地 1204, 250 m²) in the closing layer only, named with its township and class
    expect(page.text).toContain('白沙镇 · 转移矩阵·裸地（列）：1 个图斑仅见于期末图层，面积 250 m²');
    expect(await t.db.query('select * from transitions')).toEqual(before);
  });
});

describe('published reports keep the boundaries they were drawn on', () => {
  it('a later boundary upload redraws the live map, not the published one', async () => {
    const publish = async (kind: string) => {
      const res = await admin.agent
        .post('/reports/publish')
        .type('form')
        .send({
          _csrf: admin.csrf,
          kind,
          year: '2021',
          township: '',
          title: `闽侯县2021年${kind}`,
          docNumber: '侯环〔2026〕1号',
          confirm: 'on',
        });
      expect(res.status).toBe(303);
      return res.headers.location!;
    };
    const comparison = await publish('comparison');
    const gep = await publish('gep');
    const ganzhePath = async (url: string) =>
      paths((await admin.agent.get(url)).text, 'choropleth').find((m) => m[1] === '甘蔗街道')![0];
    const drawn = {
      comparison: await ganzhePath(comparison),
      gep: await ganzhePath(gep),
      live: await ganzhePath('/reports/compare?year=2021'),
    };
    expect(drawn.comparison).toBe(drawn.live);
    // an administrator loads a new outline of 甘蔗街道: a 0.1° square
    const square = [
      [
        [119.0, 26.0],
        [119.1, 26.0],
        [119.1, 26.1],
        [119.0, 26.1],
        [119.0, 26.0],
      ],
    ];
    await saveBoundaries(t.db, SYSTEM_ACTOR, [
      { township: 'ganzhe', geometry: { type: 'Polygon', coordinates: square }, areaM2: '1', source: 'test' },
    ]);
    expect(await ganzhePath('/reports/compare?year=2021')).not.toBe(drawn.live);
    // the published reports draw the outline frozen in their snapshot, and still check intact
    expect(await ganzhePath(comparison)).toBe(drawn.comparison);
    expect(await ganzhePath(gep)).toBe(drawn.gep);
    const page = await admin.agent.get(comparison);
    expect(page.text).toContain('快照完整');
    const [row] = await t.db.query<{ hash: string; n: number }>(
      `select snapshot->'boundaries'->>'hash' as hash, jsonb_array_length(snapshot->'boundaries'->'townships') as n
         from published_reports where id = $1`,
      [Number(comparison.split('/').pop())],
    );
    expect(row!.n).toBe(15);
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('boundary upload', () => {
  it('an administrator loads XZQ; each outline within 0.5 % of the registered area; an editor may not', async () => {
    const zip = join(dir, 'XZQ.zip');
    await writeSampleXzq(zip);
    const refused = await editor.agent
      .post('/geo/boundaries')
      .field('_csrf', editor.csrf)
      .attach('file', readFileSync(zip), 'XZQ.zip');
    expect(refused.status).toBe(403);
    const res = await admin.agent
      .post('/geo/boundaries')
      .field('_csrf', admin.csrf)
      .attach('file', readFileSync(zip), 'XZQ.zip');
    expect(res.status).toBe(200);
    expect(res.text).toContain('已导入 15 个乡镇边界（CGCS2000_3_Degree_GK_Zone_40）');
    const percents = [...res.text.matchAll(/<td class="num">(-?\d+\.\d\d)<\/td><\/tr>/g)].map((m) =>
      Number(m[1]),
    );
    expect(percents).toHaveLength(15);
    for (const p of percents) expect(Math.abs(p)).toBeLessThan(0.5);
  });
});

describe('without boundaries', () => {
  it('the maps fall back to the schematic treemap, labelled 示意图', async () => {
    await t.db.query('delete from township_boundaries');
    const res = await editor.agent.get('/assessment/scheme/fujian-comprehensive-compensation?year=2021');
    expect(res.text).toContain('乡镇考核总分示意图（面积按比例）');
    expect(res.text).not.toContain('data-chart="choropleth"');
    const cells = [...res.text.matchAll(/<rect [^>]*data-label="([^"]+)"[^>]*>/g)];
    expect(cells).toHaveLength(15);
  });
});
