/**
 * One browser journey through the decision pages (示例数据): a finance official opens the sample project,
 * adds an alternative by its land-use change list, compares the alternatives side by side, then opens the sample
 * tenure audit and reads its pre-filled score. Headless Chromium; skipped without it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('scenario appraisal and tenure audit journey', () => {
  const app = useBrowserApp(60_000);

  it('appraises a new alternative beside the sample ones and reads the sample tenure audit', async () => {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill('editor');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`);

    await page.getByRole('link', { name: '情景评估与审计' }).click();
    await page.getByRole('link', { name: /南屿镇产业园建设项目/ }).click();
    await page.getByText('项目生态产品价值影响评估表').first().waitFor();
    // a third alternative: only the paddy (30 hm²), by class names
    await page.getByLabel('方案名称').first().fill('方案三：只占水田');
    await page.locator('textarea[name="changes"]').fill('南屿镇, 水田, 建设用地, 30');
    await page.getByRole('button', { name: '保存并评估' }).click();
    await page.getByText('已保存').waitFor();
    const rows = page.locator('#side-by-side tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    // ΔGEP (万元/a) of the three, from the page: the red line loses most, paddy alone least
    const delta = async (name: string) =>
      Number(
        (await page.locator(`#side-by-side tr[data-alt="${name}"] td[data-col="delta"]`).innerText()).replace(
          /,/g,
          '',
        ),
      );
    const [red, compact, paddy] = [
      await delta('方案一：红线方案'),
      await delta('方案二：紧凑布局'),
      await delta('方案三：只占水田'),
    ];
    expect(red).toBeLessThan(compact);
    expect(compact).toBeLessThan(paddy);
    expect(paddy).toBeLessThan(0);
    await page.screenshot({ path: join(SHOTS, 's1-scenarios-side-by-side.png') });

    await page
      .getByRole('link', { name: /项目情景评估/ })
      .first()
      .click();
    await page.getByRole('link', { name: /任期自然资源资产审计/ }).click();
    await page.getByText('自然资源资产实物量及价值变动表').waitFor();
    const score = await page.locator('#score').innerText();
    expect(score).toMatch(/预填得分: \d+\.\d\d · 等次: (好|较好|一般|较差|差)/);
    await page.screenshot({ path: join(SHOTS, 's2-tenure-audit.png'), fullPage: false });
    await context.close();
  });

  it('a reviewer enters a department item, sees the score recomputed, and publishes the frozen pack (390 px)', async () => {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill('reviewer');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/**`);
    await page.goto(`${app.base}/scenarios`);
    await page.getByRole('link', { name: /任期自然资源资产审计/ }).click();
    await page.getByText('部门评价项（审计组录入）').waitFor();
    // 93.95495 pre-filled (1 reform task not started: 25 − 2 = 23 points)
    await expect.poll(() => page.locator('#score').innerText()).toMatch(/预填得分: 93\.95 · 等次: 好/);
    const reform = page.locator('#department-items tr.entry[data-item="reform_tasks"]');
    // above the item's bound: refused by name, nothing saved
    await reform.getByLabel(/录入值/).fill('31');
    await reform.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').getByText('"31"须在 0 与 30 项 之间').waitFor();
    await expect.poll(() => page.locator('#score').innerText()).toMatch(/93\.95/);
    // 3 tasks not started: 25 − 2 × 3 = 19 points, total 89.95495 → 较好
    const row = page.locator('#department-items tr.entry[data-item="reform_tasks"]');
    await row.getByLabel(/录入值/).fill('3');
    await row.getByLabel(/说明/).fill('核查发现 3 项未部署');
    await row.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存').waitFor();
    await expect.poll(() => page.locator('#score').innerText()).toMatch(/预填得分: 89\.95 · 等次: 较好/);
    await expect
      .poll(() =>
        page.locator('#department-items tr[data-item="reform_tasks"] [data-col="entered"]').innerText(),
      )
      .toBe('3');
    // the page itself never scrolls sideways at 390 px (wide tables scroll in their own box)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('#department-items').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 's3-tenure-audit-department-items-390.png') });

    const form = page.locator('#publish-audit');
    await form.getByLabel('标题').fill('闽侯县任期审计表（示例）');
    await form.getByLabel('文号').fill('侯审〔2026〕3号');
    await form.getByLabel(/确认发布/).check();
    await form.getByRole('button', { name: '确认发布' }).click();
    await page.waitForURL(/\/tenure-audits\/\d+\/published\/\d+$/);
    await page.getByText('文号：侯审〔2026〕3号').waitFor();
    await page.getByText('预填得分：89.95 · 等次：较好').waitFor();
    await page.getByText(/已冻结/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 's4-tenure-audit-published-390.png') });
    await context.close();
  }, 120_000);
});
