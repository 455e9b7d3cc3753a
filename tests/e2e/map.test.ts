/**
 * Browser journey: an assessor opens the township comparison of the sample county and finds a real map —
 * the choropleth of its 15 townships on their (synthetic, 示例数据) boundaries — and hovering a township shows
 * a tooltip naming it and its GEP per km².
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('map journey', () => {
  const app = useBrowserApp(60_000);

  it('the comparison page shows the choropleth of 15 townships with a tooltip naming the township and its figure', async () => {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill('viewer');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`);
    await page.goto(`${app.base}/reports/compare?year=2021`);
    const townships = page.locator('svg[data-chart="choropleth"] path.mark');
    await expect.poll(() => townships.count()).toBe(15);
    const baisha = page.locator('svg[data-chart="choropleth"] path.mark[data-key="baisha"]');
    await baisha.hover();
    const tip = page.locator('div.tooltip');
    await tip.waitFor({ state: 'visible' });
    // "白沙镇: 1,234.56 万元/km²"
    expect(await tip.textContent()).toMatch(/^白沙镇: [\d,]+\.\d\d 万元\/km²$/);
    await page.screenshot({ path: join(SHOTS, 'map-choropleth.png') });
    await context.close();
  });

  it('the assessment results map each township’s total; hovering one names it, its points and its rank', async () => {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill('viewer');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`);
    await page.goto(`${app.base}/assessment/scheme/fujian-comprehensive-compensation?year=2021`);
    const townships = page.locator('#assessment-map svg[data-chart="choropleth"] path.mark');
    await expect.poll(() => townships.count()).toBe(15);
    await page.locator('#assessment-map path.mark[data-key="ganzhe"]').hover();
    const tip = page.locator('div.tooltip');
    await tip.waitFor({ state: 'visible' });
    // "甘蔗街道: 85.20 分 (第 3 名)", the total and rank of its row in the results table
    const text = (await tip.textContent())!;
    expect(text).toMatch(/^甘蔗街道: \d+\.\d\d 分 \(第 \d+ 名\)$/);
    const row = page.locator('#assessment-results tbody tr', { hasText: '甘蔗街道' });
    expect(text).toContain(`${await row.locator('strong').textContent()} 分`);
    expect(text).toContain(`第 ${await row.locator('td').first().textContent()} 名`);
    await page.locator('#assessment-map').screenshot({ path: join(SHOTS, 'map-assessment.png') });
    await context.close();
  });
});
