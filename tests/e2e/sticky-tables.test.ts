/**
 * A long or wide table scrolls in its own box, and its header rows and its name column stay in view: after the box
 * is scrolled down, the header's top is the box's top; after it is scrolled sideways, the name of each row (a
 * report's item, a township) is at the box's left edge. The GEP report, the balance sheet's transition matrix, a
 * comparison ranking and the data-entry overview, on a 390 px phone and a 1366 px desktop, in Chinese and English;
 * the page itself never scrolls sideways. Screenshots: tests/e2e/screenshots/sticky-<page>-<lang>-<width>.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

interface Case {
  readonly name: string;
  readonly user: string;
  readonly path: string;
  /** The table. */
  readonly table: string;
  /** A cell naming its row, in a row below the header. */
  readonly rowName?: string;
  /** The box must scroll down at 390 px (a long table). */
  readonly tall390?: boolean;
  /** The box must scroll sideways at 390 px (a wide table). */
  readonly wide390?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'gep-value',
    user: 'viewer',
    path: '/reports/gep?year=2021',
    table: '#table-value',
    rowName: 'tbody tr:nth-child(12) th[scope="row"]',
    tall390: true,
    wide390: true,
  },
  {
    name: 'balance-matrix',
    user: 'viewer',
    path: '/reports/balance-sheet',
    table: '#table-transition_matrix',
    rowName: 'tbody tr:nth-child(8) th[scope="row"]',
    wide390: true,
  },
  {
    name: 'compare-ranking',
    user: 'viewer',
    path: '/reports/compare?year=2021&township=nanyu',
    table: '#ranking-gep table',
    rowName: 'tbody tr:nth-child(8) td.sticky-col',
  },
  {
    name: 'data-overview',
    user: 'editor',
    path: '/',
    table: 'main table.grid',
    rowName: 'tbody tr:nth-child(8) th',
  },
];

describe.skipIf(!executablePath)('sticky header rows and name column in a table’s scroll box', () => {
  const app = useBrowserApp(120_000);

  async function loggedIn(user: string): Promise<Page> {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.locator('input[name="username"]').fill(user);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${app.base}/`), page.locator('main form button').first().click()]);
    return page;
  }

  it('after scrolling the box, the header is at its top and the row names at its left edge', async () => {
    const pages = new Map<string, Page>();
    for (const c of CASES)
      for (const lang of ['zh', 'en'] as const)
        for (const width of [390, 1366] as const) {
          const page = pages.get(c.user) ?? (await loggedIn(c.user));
          pages.set(c.user, page);
          await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
          await page.goto(`${app.base}${c.path}${c.path.includes('?') ? '&' : '?'}lang=${lang}`);
          const at = `${c.name} ${lang} ${width}`;
          await page.evaluate(() => document.fonts.ready);
          const m = await page.evaluate(
            ({ table, rowName }) => {
              const t = document.querySelector<HTMLTableElement>(table)!;
              const box = t.closest<HTMLElement>('.table-scroll')!;
              box.scrollIntoView();
              const r = (e: Element) => e.getBoundingClientRect();
              const name = rowName ? t.querySelector(rowName) : null;
              // where the header and the name stand before the box scrolls (below a caption, after 序号)
              const headOffset = r(t.tHead!).top - r(box).top - box.clientTop;
              const nameOffset = name ? r(name).left - r(box).left - box.clientLeft : 0;
              box.scrollTop = 300;
              box.scrollLeft = 300;
              return {
                pageWidth: document.documentElement.scrollWidth,
                boxTop: r(box).top + box.clientTop,
                boxLeft: r(box).left + box.clientLeft,
                headTop: r(t.tHead!).top,
                headOffset,
                nameOffset,
                headBottom: r(t.tHead!).bottom,
                scrolledDown: box.scrollTop,
                scrolledRight: box.scrollLeft,
                nameLeft: name ? r(name).left : undefined,
                // what is drawn at the middle of the header's first row: a header cell, not a row behind it
                onTop: (() => {
                  const th = t.tHead!.rows[0]!.cells[Math.min(1, t.tHead!.rows[0]!.cells.length - 1)]!;
                  const b = r(th);
                  return (
                    document.elementFromPoint(b.left + b.width / 2, b.top + 3)?.closest('thead') === t.tHead
                  );
                })(),
              };
            },
            { table: c.table, rowName: c.rowName },
          );
          await page.screenshot({ path: join(SHOTS, `sticky-${c.name}-${lang}-${width}.png`) });
          expect(m.pageWidth, at).toBeLessThanOrEqual(width);
          if (width === 390 && c.tall390) expect(m.scrolledDown, at).toBeGreaterThan(100);
          if (width === 390 && c.wide390) expect(m.scrolledRight, at).toBeGreaterThan(20);
          // the header stays at the box's top however far the box scrolled (once its caption scrolled away),
          // drawn over the rows
          const headAt = m.boxTop + Math.max(0, m.headOffset - m.scrolledDown);
          expect(Math.abs(m.headTop - headAt), at).toBeLessThan(1);
          expect(m.onTop, at).toBe(true);
          // the row's name stays at the left edge when the box scrolled sideways
          if (m.scrolledRight > 0 && m.nameLeft !== undefined)
            expect(
              Math.abs(m.nameLeft - m.boxLeft - Math.max(0, m.nameOffset - m.scrolledRight)),
              at,
            ).toBeLessThan(1);
        }
  });
});
