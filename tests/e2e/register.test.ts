/**
 * One browser journey for the eco-product register, on a 390 px phone screen: an editor enters an entry and
 * submits it, a reviewer approves it and publishes the list (目录清单), which then shows the entry.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('eco-product register journey', () => {
  const app = useBrowserApp(60_000);

  async function loggedIn(username: string): Promise<Page> {
    const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`);
    return page;
  }

  it('an editor enters an entry, a reviewer approves it and publishes the list', async () => {
    const editor = await loggedIn('editor');
    await editor.getByRole('link', { name: '生态产品目录' }).click();
    await editor.getByRole('link', { name: '新增条目' }).click();
    await editor.getByLabel('产品名称').fill('上街镇 乌龙江湿地水质净化');
    await editor.getByLabel('乡镇', { exact: true }).selectOption({ label: '上街镇' });
    await editor.getByLabel('生态产品', { exact: true }).selectOption({ label: '水质净化' });
    await editor.getByLabel('产品细项').selectOption({ label: '水质净化·COD净化（t）' });
    await editor.getByLabel('占乡镇核算量比例').fill('35%');
    await editor.getByLabel('所有权人', { exact: true }).fill('国家');
    await editor.getByLabel('所有权性质').selectOption({ label: '国有' });
    await editor.getByLabel('使用权人', { exact: true }).fill('县水利局');
    await editor.getByLabel('使用权类型').fill('水域使用权');
    await editor.getByLabel('供给主体').fill('县水利局（湿地管护）');
    await editor.getByLabel('质量等级').selectOption({ label: '良' });
    await editor.getByRole('button', { name: '保存' }).click();
    await editor.getByText('已保存').waitFor();
    // the figure comes from the accounts: 35 % of the township's
    await expect.poll(() => editor.locator('p.card').first().textContent()).toMatch(/2021年 数量：[\d,.]+ t/);
    await editor.getByRole('button', { name: '提交审核' }).click();
    await editor.locator('h1 .status-submitted').waitFor();
    const url = editor.url();
    await editor.context().close();

    const reviewer = await loggedIn('reviewer');
    await reviewer.goto(url);
    await reviewer.getByRole('button', { name: '审核通过' }).click();
    await reviewer.locator('h1 .status-approved').waitFor();
    await reviewer.getByRole('link', { name: '目录清单' }).click();
    await reviewer.getByRole('button', { name: '发布目录清单' }).click();
    await reviewer.getByText('快照完整').waitFor();
    await expect
      .poll(() => reviewer.locator('article.register-list').textContent())
      .toContain('上街镇 乌龙江湿地水质净化');
    // nothing is wider than the phone: the table scrolls inside its box
    expect(await reviewer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await reviewer.screenshot({ path: join(SHOTS, 'register-published-390.png') });
    const [p] = await app.t.db.query<{ n: number }>('select count(*)::int as n from published_registers');
    expect(p!.n).toBe(1);
    await reviewer.context().close();
  });
});
