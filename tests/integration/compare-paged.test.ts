/**
 * A township picked on a comparison whose ranking tables are paged (50 rows a page): each ranking's table opens
 * on the page where that township stands, with its row marked; a page asked for that does not hold it says on
 * which page it stands, with a link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let viewer: Session;

// the sample's 15 townships and 3 copies of each (same figures): 60 townships, so 2 pages of 50 rows a ranking
beforeAll(async () => {
  t = await startApp();
  for (const k of [1, 2, 3]) {
    await t.db.query(
      `insert into townships (id, region_id, name_zh, name_en, kind, area_km2, sort)
       select id || '_' || $1::text, region_id, name_zh || '（副本' || $1::text || '）',
              name_en || ' (copy ' || $1::text || ')', kind, area_km2, sort + 100 * $1::int
       from townships where id not like '%\\_%'`,
      [k],
    );
    await t.db.query(
      `insert into survey_records (township_id, year, set_id, set_version, values, overrides, status, version,
                                   approved_values)
       select township_id || '_' || $1::text, year, set_id, set_version, values, overrides, status, 1, approved_values
       from survey_records where township_id not like '%\\_%' and status = 'approved'`,
      [k],
    );
  }
  viewer = await login(t.app, 'viewer');
});
afterAll(() => t.close());

/** The GEP ranking's section of the comparison page. */
const gepSection = (html: string) => {
  const start = html.indexOf('id="ranking-gep"');
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</section>', start));
};
const rows = (section: string) =>
  [
    ...section.matchAll(/<tr( class="picked"[^>]*)?><td>(\d+|—)<\/td><td class="sticky-col">([^<]+)<\/td>/g),
  ].map((m) => ({ picked: !!m[1], rank: m[2]!, name: m[3]! }));

describe('a township picked on a paged ranking', () => {
  it('opens the page where it stands, its row marked; another page says where it is, with a link', async () => {
    // page 2 of the GEP ranking holds ranks 51–60: the last is a township of least GEP
    const page2 = gepSection((await viewer.agent.get('/reports/compare?year=2021&page=2')).text);
    expect(page2).toContain('第 2 / 2 页，第 51–60 行，共 60 行');
    const last = rows(page2).at(-1)!;
    expect(Number(last.rank)).toBeGreaterThan(50);
    const found = await t.db.query<{ id: string }>('select id from townships where name_zh = $1', [
      last.name,
    ]);
    const id = found[0]!.id;
    // picked without a page: the GEP table opens on page 2, open, with the township's row marked
    const html = (await viewer.agent.get(`/reports/compare?year=2021&township=${id}`)).text;
    const picked = gepSection(html);
    expect(picked).toMatch(/<details open>/);
    expect(picked).toContain('第 2 / 2 页');
    expect(rows(picked).filter((r) => r.picked)).toEqual([
      { picked: true, rank: last.rank, name: last.name },
    ]);
    expect(picked).not.toContain('picked-elsewhere');
    // every ranking table shows the township's row (each on its own page)
    const sections = html.match(/<section class="ranking card"/g)!.length;
    expect(html.match(/<tr class="picked"/g)!.length).toBe(sections);
    // page 1 asked for: the township is not on it; the page says where it stands and links there
    const first = gepSection(
      (await viewer.agent.get(`/reports/compare?year=2021&township=${id}&page=1`)).text,
    );
    expect(rows(first).some((r) => r.picked)).toBe(false);
    expect(first).toContain(`${last.name}排第 ${last.rank} 名，在第 2 页：`);
    expect(first).toMatch(
      new RegExp(`<a href="\\?year=2021&amp;township=${id}&amp;page=2#ranking-gep">打开第 2 页</a>`),
    );
    const en = gepSection(
      (await viewer.agent.get(`/reports/compare?year=2021&township=${id}&page=1&lang=en`)).text,
    );
    expect(en).toMatch(new RegExp(`[^<]+ ranks ${last.rank}, on page 2: <a [^>]+>open page 2</a>`));
  });

  it('lists a county figure’s trace a page of 50 townships at a time, the total over all 60', async () => {
    const sections = (html: string) =>
      [...html.matchAll(/<section class="card trace" id="trace-([^"]+)">/g)].map((m) => m[1]!);
    const url = '/reports/trace?year=2021&township=total&component=grain&lang=zh';
    const first = (await viewer.agent.get(url)).text;
    const second = (await viewer.agent.get(`${url}&page=2`)).text;
    // 60 townships: 50 traces on page 1, 60 − 50 = 10 on page 2, each township once
    expect(sections(first)).toHaveLength(50);
    expect(sections(second)).toHaveLength(10);
    expect(new Set([...sections(first), ...sections(second)]).size).toBe(60);
    expect(first).toContain('全县价值量 = 全部 60 个乡镇之和（下列分页列出）');
    expect(second).toContain('第 2 / 2 页，第 51–60 行，共 60 行');
    // the pager keeps the figure asked for
    expect(first).toMatch(
      /href="\/reports\/trace\?year=2021&amp;township=total&amp;component=grain&amp;lang=zh&amp;page=2" rel="next"/,
    );
    // the county total is the same on both pages: the sum of all 60, not of the page's townships
    const total = (html: string) =>
      /全县价值量[^<]*<strong><span class="exact" title="([^"]+)"/.exec(html)?.[1];
    expect(total(first)).toBeDefined();
    expect(total(second)).toBe(total(first));
  });

  it('shows the ESV and GEEP tables 50 townships a page with the county total, numbered on; the exports keep all 60', async () => {
    /** A table's rows on a page: each row's number and key (the township's id, or total). */
    const tableRows = (html: string, id: string) => {
      const start = html.indexOf(`id="table-${id}"`);
      expect(start).toBeGreaterThan(0);
      const table = html.slice(start, html.indexOf('</table>', start));
      return [...table.matchAll(/data-key="([^"]+)">\s*<td class="seq">([^<]*)<\/td>/g)].map((m) => ({
        key: m[1]!,
        n: m[2]!,
      }));
    };
    const townships = await t.db.query<{ id: string }>('select id from townships');
    expect(townships).toHaveLength(60);
    for (const [path, ids] of [
      ['/reports/esv', ['esv_by_group', 'esv_by_service', 'esv_by_type', 'gep_vs_esv']],
      ['/reports/geep', ['geep']],
    ] as const) {
      const first = (await viewer.agent.get(`${path}?year=2021`)).text;
      const second = (await viewer.agent.get(`${path}?year=2021&page=2`)).text;
      expect(first).toContain('第 1 / 2 页，第 1–50 行，共 60 行');
      expect(second).toContain('第 2 / 2 页，第 51–60 行，共 60 行');
      expect(second).toContain(
        '各表每页列出 50 个乡镇；闽侯县一行为全部 60 个乡镇之和。导出文件含全部乡镇。',
      );
      const keys = new Set<string>();
      for (const id of ids) {
        const one = tableRows(first, id);
        const two = tableRows(second, id);
        // 50 townships and the total on page 1; 60 − 50 = 10 and the total on page 2; numbered 1–50, then 51–60
        expect(one).toHaveLength(51);
        expect(two).toHaveLength(11);
        expect(one.at(-1)!.key).toBe('total');
        expect(two.at(-1)!.key).toBe('total');
        expect(one.slice(0, 50).map((r) => r.n)).toEqual(Array.from({ length: 50 }, (_, k) => String(k + 1)));
        expect(two.slice(0, 10).map((r) => r.n)).toEqual(
          Array.from({ length: 10 }, (_, k) => String(51 + k)),
        );
        // every table of the page lists the same townships
        expect(one.map((r) => r.key)).toEqual(tableRows(first, ids[0]).map((r) => r.key));
        for (const r of [...one, ...two]) keys.add(r.key);
      }
      expect(keys).toEqual(new Set([...townships.map((x) => x.id), 'total']));
      // the CSV export keeps every township: each of the 60 in every table
      const csv = (await viewer.agent.get(`${path}?year=2021&format=csv`)).text;
      expect(csv.split('（副本3）').length - 1).toBe(15 * ids.length);
      expect(csv).not.toContain('第 1 / 2 页');
    }
  });
});
