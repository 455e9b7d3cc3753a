/**
 * Browser tests of the survey form's number entry (headless Chromium): a pasted column never becomes one
 * glued number, and switching a unit select never re-reads stored values in the new unit. Screenshots go to
 * tests/e2e/screenshots/ (not in git).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('survey form: number entry that cannot corrupt', () => {
  const app = useBrowserApp(120_000);

  async function loggedIn(username: string, lang: 'zh' | 'en' = 'zh', width = 1280): Promise<Page> {
    const context = await app.browser.newContext({
      locale: lang === 'en' ? 'en-US' : 'zh-CN',
      viewport: { width, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.base });
    const page = await context.newPage();
    await page.goto(`${app.base}/login?lang=${lang}`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('form button').last().click();
    await page.waitForURL(`${app.base}/`);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });

  /** A real paste: the text goes to the system clipboard and Ctrl+V pastes it into the focused field. */
  async function paste(page: Page, selector: string, text: string) {
    await page.evaluate((x) => navigator.clipboard.writeText(x), text);
    await page.locator(selector).focus();
    await page.keyboard.press('Control+V');
  }

  const landArea = async (township: string, year: number) =>
    (
      await app.t.db.query<{ a: Record<string, string> }>(
        "select values->'land_area' as a from survey_records where township_id = $1 and year = $2",
        [township, year],
      )
    )[0]?.a;

  it('zh: a column pasted from Excel goes down the land-class fields, is saved as three numbers, and the save says what changed', async () => {
    const page = await loggedIn('editor');
    await page.goto(`${app.base}/data/ganzhe/2030`);
    await paste(page, '#in-land_area-forest_broadleaf', '1200.5\r\n1500\r\n900\r\n');
    expect(await page.locator('#in-land_area-forest_broadleaf').inputValue()).toBe('1200.5');
    expect(await page.locator('#in-land_area-forest_coniferous').inputValue()).toBe('1500');
    expect(await page.locator('#in-land_area-forest_mixed').inputValue()).toBe('900');
    await expect
      .poll(() => page.locator('#f-land_area .entry-msg').textContent())
      .toBe('已粘贴 3 个数值，依次填入：阔叶林、针叶林、针阔混交林。');
    // a list longer than the fields left below is refused, and the field keeps what it had
    await paste(page, '#in-land_area-bare', '1\n2\n3');
    expect(await page.locator('#in-land_area-bare').inputValue()).toBe('');
    await expect
      .poll(() => page.locator('#f-land_area .entry-msg').textContent())
      .toBe('未粘贴：共 3 个数值，但从此格往下只有 1 格；未做任何修改。');
    await shot(page, 'entry-paste-refused-zh');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('#saved-changes').waitFor();
    expect(await landArea('ganzhe', 2030)).toEqual({
      forest_broadleaf: '1200.5',
      forest_coniferous: '1500',
      forest_mixed: '900',
    });
    const said = await page.locator('#saved-changes').textContent();
    expect(said).toContain('修改了 3 项');
    expect(said).toContain('地类面积·阔叶林：（空） → 1200.5 hm²');
    await shot(page, 'entry-saved-changes-zh');
    await page.context().close();
  });

  it('en: switching 地类面积 from hm² to 亩 converts what is shown, and stored hm² values stay as they were', async () => {
    const page = await loggedIn('editor', 'en');
    await page.goto(`${app.base}/data/baisha/2030`);
    await page.locator('#in-land_area-forest_broadleaf').fill('1234.5');
    await page.locator('#in-land_area-paddy').fill('450');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#saved-changes').waitFor();
    expect(await landArea('baisha', 2030)).toEqual({ forest_broadleaf: '1234.5', paddy: '450' });

    await page.locator('select[name="units[land_area]"]').selectOption('亩');
    // 1234.5 hm² × 15 亩/hm² = 18517.5 亩; 450 × 15 = 6750 亩
    expect(await page.locator('#in-land_area-forest_broadleaf').inputValue()).toBe('18517.5');
    expect(await page.locator('#in-land_area-paddy').inputValue()).toBe('6750');
    await expect
      .poll(() => page.locator('#f-land_area .entry-msg').textContent())
      .toContain('2 value(s) shown converted to mu');
    // the clerk types one new value in 亩: 150 亩 ÷ 15 = 10 hm²
    await page.locator('#in-land_area-grassland').fill('150');
    await shot(page, 'entry-unit-switch-en');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#saved-changes').waitFor();
    expect(await landArea('baisha', 2030)).toEqual({
      forest_broadleaf: '1234.5',
      paddy: '450',
      grassland: '10',
    });
    const said = await page.locator('#saved-changes').textContent();
    expect(said).toContain('1 value(s) changed');
    expect(said).toContain('Area by land class·Grassland: (blank) → 10 hm²');
    // a pasted column into a field that cannot take it is refused in English too
    await paste(page, '#in-land_area-built_up', '7\n8\n9');
    await expect
      .poll(() => page.locator('#f-land_area .entry-msg').textContent())
      .toBe('Not pasted: 3 values, but only 2 field(s) from here down; nothing was changed.');
    await page.context().close();
  });

  it('zh: bulk submit with confirmation, a return with its reason seen by the clerk, bulk approve with confirmation', async () => {
    const editor = await loggedIn('editor');
    for (const id of ['ganzhe', 'baisha']) {
      await editor.goto(`${app.base}/data/${id}/2022?prefill=previous`);
      await editor.getByRole('button', { name: '保存' }).click();
      await editor.locator('#saved-changes').waitFor();
    }
    await editor.goto(`${app.base}/`);
    await editor.locator('a[href="/data/bulk?action=submit&year=2022"]').click();
    await editor.getByRole('button', { name: '下一步：确认' }).click();
    await editor.locator('#bulk-confirm').waitFor();
    expect(await editor.locator('#bulk-confirm').textContent()).toContain('确认提交审核以下 2 条数据？');
    await shot(editor, 'workflow-bulk-confirm-zh');
    const beforeConfirm = await app.t.db.query<{ n: number }>(
      "select count(*)::int as n from survey_records where year = 2022 and status = 'submitted'",
    );
    expect(beforeConfirm[0]!.n).toBe(0);
    await editor.getByRole('button', { name: /确认提交审核 \(2\)/ }).click();
    await editor.locator('#bulk-done').waitFor();

    const reviewer = await loggedIn('reviewer');
    await reviewer.goto(`${app.base}/data/ganzhe/2022`);
    await reviewer.getByLabel('理由').fill('水田面积与三调数据不符，请核对');
    await reviewer.getByRole('button', { name: '退回修改' }).click();
    await reviewer.locator('h1 .status-returned').waitFor();

    await editor.goto(`${app.base}/`);
    expect(await editor.locator('#returned-list').textContent()).toContain('水田面积与三调数据不符，请核对');
    await shot(editor, 'workflow-home-returned-zh');
    await editor.goto(`${app.base}/data/ganzhe/2022`);
    expect(await editor.locator('#returned-reason').textContent()).toContain(
      '水田面积与三调数据不符，请核对',
    );
    await shot(editor, 'workflow-form-returned-zh');

    await reviewer.goto(`${app.base}/?lang=en`);
    await reviewer.locator('a[href="/data/bulk?action=approve&year=2022"]').click();
    await reviewer.getByRole('button', { name: 'Next: confirm' }).click();
    await reviewer.locator('#bulk-confirm').waitFor();
    await shot(reviewer, 'workflow-bulk-confirm-en');
    await reviewer.getByRole('button', { name: /Confirm \(1\)/ }).click();
    await reviewer.locator('#bulk-done').waitFor();
    const [b] = await app.t.db.query<{ status: string }>(
      "select status from survey_records where township_id = 'baisha' and year = 2022",
    );
    expect(b!.status).toBe('approved');
    // the approved record is read-only in the browser: disabled inputs and no 保存
    await editor.goto(`${app.base}/data/baisha/2022`);
    expect(await editor.locator('#in-gdp').isDisabled()).toBe(true);
    expect(await editor.getByRole('button', { name: '保存' }).count()).toBe(0);
    await shot(editor, 'workflow-form-locked-zh');
    await editor.context().close();
    await reviewer.context().close();
  });

  it('zh: the running 合计 of land areas against the township area while typing, in any unit', async () => {
    // zhuqi's area set to 36 km² = 3600 hm² for this test
    await app.t.db.query("update townships set area_km2 = 36 where id = 'zhuqi'");
    const page = await loggedIn('editor');
    await page.goto(`${app.base}/data/zhuqi/2030`);
    const total = page.locator('#area-total');
    await page.locator('#in-land_area-forest_broadleaf').fill('1200.5');
    await page.locator('#in-land_area-forest_coniferous').fill('1500');
    // 1200.5 + 1500 = 2700.5 hm²; 2700.5 − 3600 = −899.5 hm²; 13 − 2 = 11 classes blank
    await expect
      .poll(() => total.textContent())
      .toBe('合计 2700.5 hm²，乡镇面积 3600 hm²，差 -899.5 hm²；11 类未填');
    // the rest pasted as one column: 899.5 and ten zeros → 3600 hm², which agrees
    await paste(page, '#in-land_area-forest_mixed', ['899.5', ...Array(10).fill('0')].join('\n'));
    await expect.poll(() => total.textContent()).toBe('合计 3600 hm²，乡镇面积 3600 hm²，相符');
    expect(await total.getAttribute('class')).toContain('on');
    // shown in 亩 (×15), the total is still 3600 hm²
    await page.locator('select[name="units[land_area]"]').selectOption('亩');
    expect(await page.locator('#in-land_area-forest_broadleaf').inputValue()).toBe('18007.5');
    await expect.poll(() => total.textContent()).toBe('合计 3600 hm²，乡镇面积 3600 hm²，相符');
    await shot(page, 'entry-area-total-zh');
    await page.context().close();
  });

  it('390 px, zh and en: the form, the home page and bulk submit never scroll sideways', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await loggedIn('editor', lang, 390);
      for (const [path, name] of [
        ['/data/ganzhe/2030', 'form'],
        ['/', 'home'],
        ['/data/bulk?action=submit', 'bulk'],
        ['/import', 'import'],
      ] as const) {
        await page.goto(`${app.base}${path}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${lang} ${path} is ${width} px wide`).toBeLessThanOrEqual(390);
        await shot(page, `entry-390-${name}-${lang}`);
      }
      // at desktop width too
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${app.base}/data/ganzhe/2030`);
      await shot(page, `entry-form-desktop-${lang}`);
      await page.context().close();
    }
  });

  it('zh: Enter moves down to the next field (Shift+Enter up) and never submits; a folded group opens', async () => {
    const page = await loggedIn('editor');
    await page.goto(`${app.base}/data/nanyu/2031`);
    await page.locator('#in-land_area-forest_broadleaf').fill('10');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('in-land_area-forest_coniferous');
    await page.keyboard.press('Shift+Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('in-land_area-forest_broadleaf');
    expect(page.url()).toBe(`${app.base}/data/nanyu/2031`);
    // fold the economy group; Enter from the last field before it opens it
    await page.locator('#g-economy > summary').click();
    expect(await page.locator('#in-gdp').isVisible()).toBe(false);
    const before = await page.evaluate(() => {
      const all = [...document.querySelectorAll('#survey-form input[inputmode=decimal]')];
      return all[all.findIndex((x) => x.id === 'in-gdp') - 1]!.id;
    });
    await page.locator(`#${before}`).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('in-gdp');
    expect(await page.locator('#in-gdp').isVisible()).toBe(true);
    expect(await landArea('nanyu', 2031)).toBeUndefined();
    await page.context().close();
  });
});
