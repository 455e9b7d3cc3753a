/**
 * The GEEP and ESV reports honour the township select (a township's report is that township's own figures,
 * worked again from its account), and the comparison page's year and township picker changes the year and
 * picks a township out in every chart and table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec, ZERO } from '../../src/domain/decimal.js';
import { accountEsv, landAreaFromRecord } from '../../src/domain/esv.js';
import { roleValue } from '../../src/domain/roles.js';
import { accountYear } from '../../src/store/accounts.js';
import { getSettings } from '../../src/store/settings.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let viewer: Session;
let reviewer: Session;

beforeAll(async () => {
  t = await startApp();
  viewer = await login(t.app, 'viewer');
  reviewer = await login(t.app, 'reviewer');
});
afterAll(() => t.close());

/** The exact figures of a table row (data-value, unrounded), in column order. */
function rowValues(html: string, tableId: string, key: string): string[] {
  const table = html.slice(
    html.indexOf(`id="table-${tableId}"`),
    html.indexOf('</table>', html.indexOf(`id="table-${tableId}"`)),
  );
  const row = new RegExp(`<tr[^>]*data-key="${key}"[^>]*>([\\s\\S]*?)</tr>`).exec(table);
  if (!row) throw new Error(`no row ${key} in ${tableId}`);
  return [...row[1]!.matchAll(/data-value="([^"]*)"/g)].map((m) => m[1]!);
}
const rowKeys = (html: string, tableId: string) => {
  const start = html.indexOf(`id="table-${tableId}"`);
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/<tr[^>]*data-key="([^"]+)"/g)].map((m) => m[1]);
};

async function account2021() {
  const settings = await getSettings(t.db);
  const set = await loadCompiledSet(t.db, settings.activeSet.id, settings.activeSet.version);
  const a = (await accountYear(t.db, set, settings.profile, 2021))!;
  return { set, a };
}

describe('GEEP for a township', () => {
  it('is 南屿镇’s own figures: GEEP = GDP − pollution cost − damage cost + its regulating services, from its account', async () => {
    const page = (await viewer.agent.get('/reports/geep?year=2021&township=nanyu')).text;
    expect(page).toContain('南屿镇 2021 年经济生态生产总值（GEEP）核算');
    expect(rowKeys(page, 'geep')).toEqual(['nanyu']); // its own row, no county total
    const [gdp, pollution, damage, regulating, greenGdp, geep] = rowValues(page, 'geep', 'nanyu').map(
      (v) => new Dec(v),
    );
    const { set, a } = await account2021();
    const record = a.records.find((r) => r.township === 'nanyu')!;
    const account = a.region.townships.find((x) => x.township === 'nanyu')!;
    const byHand = {
      gdp: roleValue(set, record, 'gdp')!,
      pollution: roleValue(set, record, 'pollution_cost') ?? ZERO,
      damage: roleValue(set, record, 'ecological_damage_cost') ?? ZERO,
      regulating: account.categoryValues.regulating,
    };
    expect([gdp, pollution, damage, regulating].map(String)).toEqual(
      [byHand.gdp, byHand.pollution, byHand.damage, byHand.regulating].map(String),
    );
    expect(greenGdp!.toString()).toBe(byHand.gdp.minus(byHand.pollution).minus(byHand.damage).toString());
    expect(geep!.toString()).toBe(
      byHand.gdp.minus(byHand.pollution).minus(byHand.damage).plus(byHand.regulating).toString(),
    );
    // and it is the township's row of the county report, figure for figure
    const county = (await viewer.agent.get('/reports/geep?year=2021')).text;
    expect(rowValues(county, 'geep', 'nanyu')).toEqual(rowValues(page, 'geep', 'nanyu'));
    expect(rowKeys(county, 'geep')).toHaveLength(16); // 15 townships and the county
  });

  it('the picker keeps the township selected, and an unknown township is a clear 404', async () => {
    const page = (await viewer.agent.get('/reports/geep?year=2021&township=nanyu&lang=en')).text;
    expect(page).toContain('Nanyu Town 2021 GEEP report');
    expect(page).toMatch(/<option value="nanyu" selected>Nanyu Town<\/option>/);
    const res = await viewer.agent.get('/reports/geep?year=2021&township=nowhere&lang=zh');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/乡镇(&#34;|")nowhere(&#34;|")不存在/);
  });
});

describe('a township’s GEEP published', () => {
  it('freezes that township’s report: the published page shows its row alone, with the live figures', async () => {
    const live = (await viewer.agent.get('/reports/geep?year=2021&township=nanyu&lang=zh')).text;
    const res = await reviewer.agent.post('/reports/publish').type('form').send({
      _csrf: reviewer.csrf,
      kind: 'geep',
      year: 2021,
      from: 2020,
      township: 'nanyu',
      title: '南屿镇经济生态生产总值核算',
      docNumber: '侯环〔2026〕7号',
      confirm: 'on',
    });
    expect(res.status).toBe(303);
    const frozen = (await viewer.agent.get(res.headers.location!)).text;
    expect(frozen).toContain('快照完整');
    expect(rowKeys(frozen, 'geep')).toEqual(['nanyu']);
    expect(rowValues(frozen, 'geep', 'nanyu')).toEqual(rowValues(live, 'geep', 'nanyu'));
  });
});

describe('ESV for a township', () => {
  it('is the equivalent-factor value of 南屿镇’s own land areas, and its row of the county report', async () => {
    const page = (await viewer.agent.get('/reports/esv?year=2021&township=nanyu')).text;
    expect(page).toContain('南屿镇 2021 年生态系统服务价值（当量因子法）');
    expect(rowKeys(page, 'esv_by_group')).toEqual(['nanyu']);
    expect(rowKeys(page, 'gep_vs_esv')).toEqual(['nanyu']);
    const { set, a } = await account2021();
    const record = a.records.find((r) => r.township === 'nanyu')!;
    const esv = accountEsv(set, landAreaFromRecord(set, record), a.region.prices?.year);
    const byGroup = rowValues(page, 'esv_by_group', 'nanyu');
    expect(byGroup.at(-1)).toBe(esv.total.toString());
    expect(byGroup.slice(0, -1)).toEqual([...esv.byGroup.values()].map(String));
    const gep = a.region.townships.find((x) => x.township === 'nanyu')!.gep;
    expect(rowValues(page, 'gep_vs_esv', 'nanyu').slice(0, 3)).toEqual([
      gep.toString(),
      esv.total.toString(),
      esv.total.minus(gep).toString(),
    ]);
    const county = (await viewer.agent.get('/reports/esv?year=2021')).text;
    expect(rowValues(county, 'esv_by_group', 'nanyu')).toEqual(byGroup);
  });
});

describe('comparison picker', () => {
  it('changes the year: 2020 shows 2020’s ranking, with 2020 selected, and no change chart (no earlier year)', async () => {
    const y2021 = (await viewer.agent.get('/reports/compare')).text;
    const y2020 = (await viewer.agent.get('/reports/compare?year=2020&township=total')).text;
    expect(y2021).toContain('2021 年乡镇GEP比较');
    expect(y2020).toContain('2020 年乡镇GEP比较');
    expect(y2020).toMatch(
      /<select name="year" id="picker-year">[\s\S]*?<option value="2020" selected>2020<\/option>/,
    );
    const bars = (html: string) =>
      [...html.matchAll(/data-key="(\w+)" data-value="([^"]+)" data-label="[^"]*" data-rank/g)].map(
        (m) => `${m[1]}=${m[2]}`,
      );
    // the GEP ranking's bars carry 2020's accounts, not 2021's
    const { a } = await account2021();
    const settings = await getSettings(t.db);
    const set = await loadCompiledSet(t.db, settings.activeSet.id, settings.activeSet.version);
    const a2020 = (await accountYear(t.db, set, settings.profile, 2020))!;
    const gep2020 = new Set(a2020.region.townships.map((x) => `${x.township}=${x.gep}`));
    const gep2021 = new Set(a.region.townships.map((x) => `${x.township}=${x.gep}`));
    const first = bars(y2020).slice(0, 15);
    expect(first.length).toBe(15);
    expect(first.every((b) => gep2020.has(b))).toBe(true);
    expect(
      bars(y2021)
        .slice(0, 15)
        .every((b) => gep2021.has(b)),
    ).toBe(true);
    expect(y2020).not.toContain('data-chart="gep-change"');
  });

  it('picks a township out: its bars, heat-map row and table rows are marked; a compared year not before the year is refused', async () => {
    const page = (await viewer.agent.get('/reports/compare?year=2021&township=nanyu')).text;
    expect(page).toMatch(/<option value="nanyu" selected>南屿镇<\/option>/);
    expect(page).toMatch(/data-highlight="nanyu"/); // heat-map row outline
    expect(page.match(/<tr class="picked"/g)!.length).toBeGreaterThanOrEqual(5); // one per ranking table
    const res = await viewer.agent.get('/reports/compare?year=2020&previous=2021');
    expect(res.status).toBe(422);
    expect(res.text).toContain('对比年份（2021）须早于核算年份（2020）');
  });
});
