/**
 * Spatial intake end to end on the sample county: its synthetic boundaries are loaded at seed, so the
 * comparison page and the county GEP report draw a choropleth of 15 townships; the GeoJSON export carries
 * every figure; a DLTB layer goes through the survey import's preview and commit; boundaries re-upload.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCounty, writeSampleDltb, writeSampleXzq } from '../../seeds/minhou/layers.js';
import { binary, login, startApp, type Session, type TestApp } from './harness.js';

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
    expect(res.status).toBe(303);
    const preview = await editor.agent.get(res.headers.location!);
    expect(preview.text).toContain('id="layer-reconciliation"');
    expect(preview.text).not.toContain('id="layer-unmatched"');
    // 15 townships × 11 classes with codes of their own: old — → new
    expect(preview.text).toMatch(/文件 15 行：新增 \d+、修改 \d+、无变化 0；共 165 个数值变更/);
    const commit = await editor.agent
      .post(`${res.headers.location}/commit`)
      .type('form')
      .send({ _csrf: editor.csrf });
    expect(commit.status).toBe(303);
    const [row] = await t.db.query<{ v: Record<string, string> }>(
      "select values->'land_area' as v from survey_records where township_id = 'ganzhe' and year = 2022",
    );
    expect(row!.v.paddy).toBe(landUse.get('ganzhe')!.paddy);
    expect(row!.v.water).toBe(landUse.get('ganzhe')!.water);
  });

  it('a layer that is not a layer is refused with a message and changes nothing', async () => {
    const res = await editor.agent
      .post('/geo/dltb')
      .field('_csrf', editor.csrf)
      .field('year', '2023')
      .attach('file', Buffer.from('not a zip'), 'DLTB.zip');
    expect(res.status).toBe(422);
    expect(res.text).toContain('无法解压');
    const [{ n }] = (await t.db.query<{ n: number }>(
      'select count(*)::int as n from survey_records where year = 2023',
    )) as [{ n: number }];
    expect(n).toBe(0);
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
