/**
 * The review in Chromium, in zh and en: a reviewer reopens an approved record with a reason, the clerk sees
 * 已退回 with the reason on the home page and the form, changes one field and submits it; the reviewer sees the
 * field's change against the last approved version (上次审核通过 old → 现值 new, unit, Δ), approves it in bulk
 * after a confirmation, and the clerk finds the record read-only. Screenshots go to tests/e2e/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('review against the last approved version', () => {
  const app = useBrowserApp(120_000);

  async function loggedIn(username: string, lang: 'zh' | 'en', width = 1280): Promise<Page> {
    const context = await app.browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.base}/login?lang=${lang}`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('form button').last().click();
    await page.waitForURL(`${app.base}/`);
    return page;
  }
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  const cases = [
    {
      lang: 'zh' as const,
      township: 'hongwei',
      name: '鸿尾乡',
      // 227631.88 → 227731.88 万元: Δ = +100 万元
      old: '227631.88',
      now: '227731.88',
      reason: '地区生产总值按统计年鉴修正',
      t: {
        reopen: '重新打开',
        reasonLabel: '理由',
        save: '保存',
        submit: '提交审核',
        line: '上次审核通过：227631.88 → 现值 227731.88 万元（Δ +100）',
        heading: '与上次审核通过版本相比的修改（1 项）',
        next: '下一步：确认',
        confirm: /确认审核通过 \(1\)/,
      },
    },
    {
      lang: 'en' as const,
      township: 'yangli',
      name: 'Yangli',
      // 89504.98 → 89404.98 10⁴ yuan: Δ = −100
      old: '89504.98',
      now: '89404.98',
      reason: 'GDP corrected from the statistical yearbook',
      t: {
        reopen: 'Reopen',
        reasonLabel: 'Reason',
        save: 'Save',
        submit: 'Submit for review',
        line: 'last approved: 89504.98 → now 89404.98 10⁴ yuan (Δ −100)',
        heading: 'Changed since last approved (1)',
        next: 'Next: confirm',
        confirm: /Confirm \(1\)/,
      },
    },
  ];

  for (const c of cases)
    it(`${c.lang}: reopen with a reason, the clerk changes one field, the review shows old → new and Δ, bulk approve locks it`, async () => {
      const reviewer = await loggedIn('reviewer', c.lang);
      await reviewer.goto(`${app.base}/data/${c.township}/2021`);
      await reviewer.getByLabel(c.t.reasonLabel).fill(c.reason);
      await reviewer.getByRole('button', { name: c.t.reopen }).click();
      await reviewer.locator('h1 .status-returned').waitFor();

      // the clerk sees why, on the home page and the form
      const clerk = await loggedIn('editor', c.lang);
      expect(await clerk.locator('#returned-list').textContent()).toContain(c.reason);
      await shot(clerk, `review-home-returned-${c.lang}`);
      await clerk.goto(`${app.base}/data/${c.township}/2021`);
      expect(await clerk.locator('#returned-reason').textContent()).toContain(c.reason);
      expect(await clerk.locator('#in-gdp').inputValue()).toBe(c.old);
      await clerk.locator('#in-gdp').fill(c.now);
      await clerk.getByRole('button', { name: c.t.save }).click();
      await clerk.locator('#saved-changes').waitFor();
      await clerk.getByRole('button', { name: c.t.submit }).click();
      await clerk.locator('h1 .status-submitted').waitFor();

      // the reviewer sees the change against the last approved version, beside the field and in the list
      await reviewer.goto(`${app.base}/data/${c.township}/2021`);
      const box = reviewer.locator('#approved-changes');
      expect(await box.locator('h2').textContent()).toBe(c.t.heading);
      expect(await box.locator('li').count()).toBe(1);
      expect(await box.locator('li').textContent()).toContain(c.t.line);
      expect(await reviewer.locator('#f-gdp [data-approved="gdp"]').textContent()).toBe(c.t.line);
      await shot(reviewer, `review-since-approved-${c.lang}`);
      await reviewer.setViewportSize({ width: 390, height: 900 });
      expect(await reviewer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(reviewer, `review-since-approved-390-${c.lang}`);
      await reviewer.setViewportSize({ width: 1280, height: 900 });

      // bulk approve, after a confirmation step
      await reviewer.goto(`${app.base}/data/bulk?action=approve&year=2021`);
      await reviewer.getByRole('button', { name: c.t.next }).click();
      await reviewer.locator('#bulk-confirm').waitFor();
      expect(await reviewer.locator('#bulk-confirm').textContent()).toContain(
        c.lang === 'zh' ? c.name : 'Yangli',
      );
      const before = await app.t.db.query<{ status: string }>(
        'select status from survey_records where township_id = $1 and year = 2021',
        [c.township],
      );
      expect(before[0]!.status).toBe('submitted');
      await reviewer.getByRole('button', { name: c.t.confirm }).click();
      await reviewer.locator('#bulk-done').waitFor();
      const [row] = await app.t.db.query<{ status: string; approved_values: { gdp: string } }>(
        'select status, approved_values from survey_records where township_id = $1 and year = 2021',
        [c.township],
      );
      expect(row).toMatchObject({ status: 'approved', approved_values: { gdp: c.now } });

      // locked: read-only inputs, no save, no change list any more
      await clerk.goto(`${app.base}/data/${c.township}/2021`);
      expect(await clerk.locator('#in-gdp').isDisabled()).toBe(true);
      expect(await clerk.getByRole('button', { name: c.t.save }).count()).toBe(0);
      expect(await clerk.locator('#locked-note').count()).toBe(1);
      expect(await clerk.locator('#approved-changes').count()).toBe(0);
      await shot(clerk, `review-locked-${c.lang}`);
      await clerk.context().close();
      await reviewer.context().close();
    });
});
