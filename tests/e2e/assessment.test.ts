/**
 * One browser journey through the decision pages: an assessor opens the township results and one score's
 * explanation; a finance official opens the sample fund and finds its parts adding up to the fund.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from '../../src/domain/decimal.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { createUser } from '../../src/store/users.js';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('assessment and allocation journey', () => {
  const app = useBrowserApp(180_000);

  async function loggedIn(username: 'assessor' | 'finance'): Promise<Page> {
    await createUser(app.t.db, SYSTEM_ACTOR, {
      username,
      displayName: username,
      role: username,
      password: PASSWORD,
    });
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`);
    return page;
  }

  it('an assessor opens the 2021 results and the explanation of one score', async () => {
    const page = await loggedIn('assessor');
    await page.getByRole('link', { name: '考核与资金' }).click();
    await page
      .locator('tr', { hasText: '综合性生态保护补偿考核' })
      .getByRole('link', { name: '2021年' })
      .click();
    const tingping = page.locator('#assessment-results tr', { hasText: '廷坪乡' });
    await expect.poll(() => tingping.locator('td').first().textContent()).toBe('1');
    await tingping.getByRole('link', { name: '廷坪乡' }).click();
    const row = page.locator('#indicator-scores tr', { hasText: '小流域水质优良比例' });
    await row.locator('summary').click();
    // 100 % of a 90 % target = 111 %, credited up to 110 % × 20 points = 22
    await expect.poll(() => row.locator('details p').textContent()).toContain('计分上限 110%');
    expect(await row.locator('details p').textContent()).toContain('分值 20.00 分，得 22.00 分');
    await page.screenshot({ path: join(SHOTS, 'assessment-explanation.png') });
    // the opened explanation wraps inside the table: its right edge stays within the table's, on a desktop and
    // (inside the table's own scroll box) on a phone, and the page never scrolls sideways
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const p = (await row.locator('details p').boundingBox())!;
      const table = (await page.locator('#indicator-scores').boundingBox())!;
      // on a phone the table is its own scroll box: the explanation stays within what the box scrolls over
      const tableWidth = await page
        .locator('#indicator-scores')
        .evaluate((t) => Math.max(t.scrollWidth, t.getBoundingClientRect().width));
      expect(p.x + p.width, `explanation at ${width} px`).toBeLessThanOrEqual(table.x + tableWidth + 0.5);
      // it runs over several lines, not one
      expect(p.height).toBeGreaterThan(40);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(SHOTS, `assessment-explanation-${width}.png`) });
    }
    await page.context().close();
  }, 120_000);

  it('a finance official opens the sample fund and its parts add up to the fund', async () => {
    const page = await loggedIn('finance');
    await page.goto(`${app.base}/assessment`);
    await page.getByRole('link', { name: '乡镇综合性生态保护补偿资金（示例）' }).click();
    const fund = new Dec((await page.locator('#fund-amount').getAttribute('data-value'))!);
    const parts = await page
      .locator('#allocation td.amount')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value')!));
    expect(parts).toHaveLength(15);
    expect(sum(parts.map((p) => new Dec(p))).toFixed(2)).toBe(fund.toFixed(2));
    expect(fund.toFixed(2)).toBe('26000000.00');
    await page.locator('#allocation tr', { hasText: '廷坪乡' }).locator('summary').click();
    await expect
      .poll(() => page.locator('#allocation tr', { hasText: '廷坪乡' }).locator('details p').textContent())
      .toContain('排名第 1 名');
    await page.screenshot({ path: join(SHOTS, 'allocation.png') });
    await page.context().close();
  }, 120_000);
});
