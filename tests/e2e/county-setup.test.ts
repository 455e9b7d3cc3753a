/**
 * A county set up from nothing in Chromium: the app starts without the sample (as GEP_NO_SAMPLE=1 does), the
 * administrator names the county, adds a township, imports two more from a CSV file (preview, then one
 * commit), creates a clerk bound to one township and one department; the clerk edits only that department's
 * fields. Screenshots of the regions page in zh, en and at 390 px go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('a county set up from nothing', () => {
  const app = useBrowserApp(120_000, { sample: false });

  async function loggedIn(username: string, password = PASSWORD, lang = 'zh', width = 1280): Promise<Page> {
    const context = await app.browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login?lang=${lang}`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    await page.locator('form button').last().click();
    await page.waitForURL(`${app.base}/`);
    return page;
  }
  /** Elements sticking out to the right of a phone's screen, outside a table's own scroll box. */
  const sticking = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter(
          (e) => !e.closest('.table-scroll') && e.getBoundingClientRect().right > window.innerWidth + 0.5,
        )
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`),
    );
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('zh, en and 390 px: before any township the home page guides the administrator step by step and tells a clerk to wait', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await loggedIn('admin', PASSWORD, lang);
      const steps = page.locator('#setup-steps li');
      expect(await steps.count()).toBe(4);
      expect(await page.locator('main table, body table').count()).toBe(0);
      await shot(page, `empty-county-home-admin-${lang}`);
      // the first step opens the county form
      await steps.first().getByRole('link').click();
      await page.waitForURL(/\/admin\/regions#region-form$/);
      expect(await page.locator('#region-form').getAttribute('open')).not.toBeNull();
      await page.setViewportSize({ width: 390, height: 900 });
      await page.goto(`${app.base}/`);
      expect(await sticking(page)).toEqual([]);
      await shot(page, `empty-county-home-admin-390-${lang}`);
      await page.context().close();
      const clerk = await loggedIn('editor', PASSWORD, lang);
      const waiting = clerk.locator('#setup-waiting');
      expect(await waiting.textContent()).toContain(
        lang === 'zh' ? '本县尚未设置乡镇' : 'The county has no townships yet',
      );
      expect(await clerk.locator('#setup-steps').count()).toBe(0);
      await shot(clerk, `empty-county-home-clerk-${lang}`);
      await clerk.context().close();
    }
  });

  it('zh: the administrator names the county, adds and imports townships, and binds a clerk; the clerk edits only their fields', async () => {
    const page = await loggedIn('admin');
    await page.goto(`${app.base}/admin/regions`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('设置本县（区）');
    const region = page.locator('#region-form');
    await region.locator('input[name=nameZh]').fill('示范县');
    await region.locator('input[name=nameEn]').fill('Demo County');
    await region.locator('input[name=adminCode]').fill('350999');
    await region.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('示范县');

    const add = page.locator('#add-township');
    await add.locator('input[name=nameZh]').fill('城关街道');
    await add.locator('input[name=nameEn]').fill('Chengguan Subdistrict');
    await add.locator('input[name=adminCode]').fill('350999001');
    await add.locator('select[name=kind]').selectOption('subdistrict');
    await add.locator('input[name=areaKm2]').fill('25.5');
    await add.getByRole('button').click();
    await page.locator('#township-list').waitFor();
    expect(await page.locator('#township-list tbody tr').count()).toBe(1);

    // two more from a file: previewed, then committed at once
    await page.locator('#import-townships input[type=file]').setInputFiles({
      name: 'townships.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        '\ufeff行政区划代码,中文名称,英文名称,类型,面积（km²）\n350999101,东山镇,Dongshan Town,镇,88.25\n350999201,西岭乡,Xiling Township,乡,120\n',
      ),
    });
    await page.locator('#import-townships button').click();
    await expect
      .poll(() => page.locator('#township-summary').textContent())
      .toBe('新增 2 个，修改 0 个，未变 0 个');
    await shot(page, 'county-setup-import-preview-zh');
    await page.locator('#commit-townships').click();
    await page.locator('#township-list').waitFor();
    const rows = await page.locator('#township-list tbody tr td:first-child').allTextContents();
    expect(rows).toEqual(['城关街道', '东山镇', '西岭乡']);
    await shot(page, 'county-setup-regions-zh');

    // a clerk of 县水利局 for 城关街道
    await page.goto(`${app.base}/admin/users`);
    const create = page.locator('form[action="/admin/users"]');
    await create.locator('input[name=username]').fill('chen.water');
    await create.locator('input[name=displayName]').fill('陈水利');
    await create.locator('select[name=role]').selectOption('editor');
    await create.locator('input[name=password]').fill('a clerk password 1');
    await create.getByRole('button').click();
    const cell = page.locator('#scope-chen\\.water');
    await cell.locator('summary').click();
    await cell.getByLabel('城关街道').check();
    await cell.getByLabel('县水利局').check();
    await cell.getByRole('button').click();
    await expect.poll(() => page.locator('#scope-chen\\.water').textContent()).toContain('城关街道');
    await page.context().close();

    const clerk = await loggedIn('chen.water', 'a clerk password 1');
    await clerk.goto(`${app.base}/data/chengguan/2024`);
    expect(await clerk.locator('#in-gdp').isDisabled()).toBe(true);
    expect(await clerk.locator('#in-precipitation').isDisabled()).toBe(false);
    await clerk.locator('#in-precipitation').fill('1650');
    await clerk.getByRole('button', { name: '保存' }).click();
    await clerk.locator('#saved-changes').waitFor();
    const [rec] = await app.t.db.query<{ values: Record<string, string> }>(
      "select values from survey_records where township_id = 'chengguan' and year = 2024",
    );
    expect(rec!.values).toEqual({ precipitation: '1650' });
    // another township's form is read-only for this clerk
    await clerk.goto(`${app.base}/data/dongshan/2024`);
    expect(await clerk.locator('#in-precipitation').isDisabled()).toBe(true);
    await clerk.context().close();
  });

  it('en and 390 px: the regions page reads in English and does not scroll sideways on a phone', async () => {
    const page = await loggedIn('admin', PASSWORD, 'en');
    await page.goto(`${app.base}/admin/regions`);
    expect(await page.locator('#township-list thead').textContent()).toContain('Administrative code');
    expect(await page.locator('#township-list tbody').textContent()).toContain('Dongshan Town');
    await shot(page, 'county-setup-regions-en');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.base}/admin/regions?lang=zh`);
    await shot(page, 'county-setup-regions-390');
    expect((await sticking(page)).slice(0, 12)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${app.base}/admin/users`);
    await shot(page, 'county-setup-users-390');
    expect((await sticking(page)).slice(0, 12)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});
