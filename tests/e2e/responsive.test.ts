/**
 * Every page each role reaches, on a 390 px phone and a 1366 px desktop, in Chinese and in English: the page
 * itself never scrolls sideways (a wide table scrolls inside its own box), no table cell shows its text one
 * character per line, and a screenshot of each goes to tests/e2e/screenshots/pages-<role>-<page>-<lang>-<width>.png
 * (CI lists them). The pages are found by following the links of each role's pages from its home page, one
 * page per route (township, year and record ids collapsed), visited once by the first role that reaches it; every
 * role's home page is its own.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { createUser } from '../../src/store/users.js';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

const ROLES = ['admin', 'editor', 'reviewer', 'finance', 'assessor'] as const;
const WIDTHS = [390, 1366] as const;
const LANGS = ['zh', 'en'] as const;
/** Links that are downloads, actions or other people's pages, not pages of the app to look at. */
const NOT_A_PAGE =
  /^\/(static|logout|healthz|api|catalogue)\b|format=|\.(xlsx|csv|geojson|json|pdf|zip|png|jpg)\b|\/evidence\/|template|[?&]lang=/;
/** A full-page screenshot stops here: the top of a very long page shows what a reader sees first. */
const MAX_SHOT_HEIGHT = 3000;

interface Problem {
  readonly page: string;
  readonly lang: string;
  readonly width: number;
  readonly what: string;
}

describe.skipIf(!executablePath)('every page at 390 px and 1366 px, zh and en', () => {
  const app = useBrowserApp(120_000);
  // the test harness has admin, editors, reviewers and a viewer: add a finance official and an assessor
  beforeAll(async () => {
    for (const role of ['finance', 'assessor'] as const)
      await createUser(app.t.db, SYSTEM_ACTOR, {
        username: role,
        displayName: role,
        role,
        password: PASSWORD,
      });
  });

  async function loggedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.locator('input[name="username"]').fill(username);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${app.base}/`), page.locator('main form button').first().click()]);
    return { context, page };
  }

  it('no page scrolls sideways and no cell wraps one character per line; a screenshot of each', async () => {
    const townships = new Set(
      (await app.t.db.query<{ id: string }>('select id from townships')).map((r) => r.id),
    );
    /** One key per route: numbers, township ids, years, set and scheme ids and versions collapsed. */
    const routeOf = (url: string) =>
      new URL(url, app.base).pathname
        .split('/')
        .map((s, i, all) =>
          /^\d+$/.test(s)
            ? 'n'
            : townships.has(s)
              ? 't'
              : /^\d+\.\d+\.\d+$/.test(s)
                ? 'v'
                : /^\d+\.\d+\.\d+$/.test(all[i + 1] ?? '') || all[i - 1] === 'scheme'
                  ? 'id'
                  : s,
        )
        .join('/');
    const slug = (route: string) =>
      route
        .replace(/^\/$/, '/home')
        .slice(1)
        .replace(/[^\w-]+/g, '-');

    const visited = new Set<string>();
    const problems: Problem[] = [];
    const shots: string[] = [];
    const started = Date.now();
    for (const role of ROLES) {
      const { context, page } = await loggedIn(role);
      // the role's pages, breadth first from its home page, one URL per route; a route an earlier role has
      // been through is neither looked at again nor followed (its links are the same or more for that role)
      const queue = ['/'];
      const queued = new Set(['/']);
      while (queue.length) {
        const url = queue.shift()!;
        const route = routeOf(url);
        visited.add(route);
        for (const lang of LANGS) {
          const res = await page
            .goto(`${app.base}${url}${url.includes('?') ? '&' : '?'}lang=${lang}`)
            .catch(() => undefined); // a download, not a page
          if (res === undefined) break;
          if (!res?.ok()) {
            problems.push({ page: url, lang, width: 0, what: `answers ${res?.status()}` });
            break;
          }
          if (lang === 'zh')
            for (const href of await page.$$eval('a[href^="/"]:not([download])', (as) =>
              as.map((a) => a.getAttribute('href')!),
            )) {
              if (href.startsWith('//') || NOT_A_PAGE.test(href)) continue;
              const next = routeOf(href);
              if (queued.has(next) || visited.has(next)) continue;
              queued.add(next);
              queue.push(href.replace(/[?&]lang=\w+/, ''));
            }
          for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
            const found = await page.evaluate(() => {
              const out: string[] = [];
              const scroll = document.documentElement.scrollWidth;
              if (scroll > window.innerWidth + 1) {
                // name the widest element that sticks out, to say what to fix
                let widest = '';
                let right = window.innerWidth + 1;
                for (const el of Array.from(document.body.querySelectorAll('*'))) {
                  const r = el.getBoundingClientRect();
                  if (r.right > right && !el.closest('.scroll, .table-scroll, .chart.scroll')) {
                    right = r.right;
                    widest = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''}`;
                  }
                }
                out.push(`page is ${scroll} px wide (widest: ${widest} to ${Math.round(right)} px)`);
              }
              // a cell of two or more characters whose text takes as many lines as it has characters
              for (const cell of Array.from(document.querySelectorAll('td, th'))) {
                const text = (cell.textContent ?? '').replace(/\s+/g, '');
                const chars = [...text].length;
                if (chars < 2 || !(cell as HTMLElement).offsetParent) continue;
                // the lines the cell's text lies on (text nodes only: a badge's own box is not a line)
                const lines = new Set<number>();
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  const range = document.createRange();
                  range.selectNodeContents(n);
                  for (const r of Array.from(range.getClientRects()))
                    if (r.width > 0) lines.add(Math.round(r.top));
                }
                if (lines.size >= chars) out.push(`"${text.slice(0, 20)}" wraps one character per line`);
              }
              return [...new Set(out)].slice(0, 5);
            });
            for (const what of found) problems.push({ page: url, lang, width, what });
            const height = await page.evaluate(() => document.documentElement.scrollHeight);
            const path = join(SHOTS, `pages-${role}-${slug(route)}-${lang}-${width}.png`);
            await page.screenshot({
              path,
              fullPage: true,
              clip: { x: 0, y: 0, width, height: Math.min(height, MAX_SHOT_HEIGHT) },
            });
            shots.push(path);
          }
        }
      }
      await context.close();
    }
    console.log(
      `responsive: ${visited.size} routes, ${shots.length} screenshots in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    expect(problems.map((p) => `${p.lang} ${p.width} ${p.page}: ${p.what}`)).toEqual([]);
    // every role's home page and the pages of the issue are among them
    for (const route of [
      '/reports/compare',
      '/reports/gep',
      '/reports/balance-sheet',
      '/reports/geep',
      '/data/t/n',
    ])
      expect(visited.has(route), route).toBe(true);
  }, 300_000);
  it('the comparison page’s picker changes the year and picks a township out', async () => {
    const { context, page } = await loggedIn('assessor');
    await page.goto(`${app.base}/reports/compare?lang=zh`);
    await expect.poll(() => page.locator('h1').textContent()).toContain('2021 年乡镇GEP比较');
    await page.locator('#picker-year').selectOption('2020');
    await page.locator('#picker-township').selectOption('nanyu');
    await Promise.all([page.waitForURL(/year=2020/), page.locator('#report-picker button').click()]);
    expect(await page.locator('h1').textContent()).toContain('2020 年乡镇GEP比较');
    expect(new URL(page.url()).searchParams.get('township')).toBe('nanyu');
    // 南屿镇 is outlined in the heat map and its row marked in the GEP ranking table
    expect(await page.locator('[data-chart="product-heat-map"] [data-highlight="nanyu"]').count()).toBe(1);
    expect(await page.locator('#ranking-gep tr.picked td').nth(1).textContent()).toBe('南屿镇');
    await page.screenshot({ path: join(SHOTS, 'compare-picker-2020-nanyu-zh-390.png') });
    await context.close();
  }, 60_000);
});
