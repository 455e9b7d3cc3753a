/**
 * Browser journeys in headless Chromium (Debian's package, driven by playwright-core): the four people of
 * the issue, each through the real pages. Screenshots go to tests/e2e/screenshots/ (not in git).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { SHOTS, executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('browser journeys', () => {
  const app = useBrowserApp(60_000);

  async function loggedIn(username: string): Promise<Page> {
    const context = await app.browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`);
    return page;
  }

  const shot = async (page: Page, name: string) => {
    const path = join(SHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    return path;
  };

  it('an editor enters a township’s 2022 data and submits it', async () => {
    const page = await loggedIn('editor');
    await page.getByRole('link', { name: '+ 2022' }).first().click();
    await page.getByRole('link', { name: /以上一年数据预填/ }).click();
    await expect.poll(() => page.getByLabel('地区生产总值', { exact: true }).inputValue()).not.toBe('');
    await page.getByLabel('地区生产总值', { exact: true }).fill('456789.12');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存').waitFor();
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.locator('h1 .status-submitted').waitFor();
    await shot(page, '1-editor-submitted');
    const r = await app.t.db.query<{ status: string; gdp: string }>(
      "select status, values->>'gdp' as gdp from survey_records where township_id = 'ganzhe' and year = 2022",
    );
    expect(r).toEqual([{ status: 'submitted', gdp: '456789.12' }]);
    await page.context().close();
  });

  it('a reviewer approves it', async () => {
    const page = await loggedIn('reviewer');
    await page.goto(`${app.base}/data/ganzhe/2022`);
    await page.getByRole('button', { name: '审核通过' }).click();
    await page.locator('h1 .status-approved').waitFor();
    await shot(page, '2-reviewer-approved');
    const [r] = await app.t.db.query<{ status: string }>(
      "select status from survey_records where township_id = 'ganzhe' and year = 2022",
    );
    expect(r!.status).toBe('approved');
    await page.context().close();
  });

  it('a finance official opens the county GEP report, the trace of one figure, and downloads the XLSX', async () => {
    const page = await loggedIn('viewer');
    await page.goto(`${app.base}/reports/gep?year=2021`);
    const gepRow = page.locator('#table-value tr.total').first();
    const shown = await gepRow.locator('td.num').first().textContent();
    expect(shown).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    await shot(page, '3-finance-gep-report');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'XLSX' }).click();
    const file = await (await download).path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file!) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    let total: ExcelJS.Cell | undefined;
    ws.eachRow((row) => {
      // column A is 序号, B the item, C the value
      if (!total && /生态系统生产总值|GEP/.test(String(row.getCell(2).value)) && row.font?.bold)
        total = row.getCell(3);
    });
    expect(total).toBeDefined();
    // the workbook's total is a formula whose cached result matches the page to the displayed cent
    const cell = total!.value as { formula?: string; result?: number } | number;
    const result = typeof cell === 'number' ? cell : cell.result!;
    expect(result.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })).toBe(
      shown,
    );
    await page.locator('a.trace-link[href*="/reports/trace"]').first().click();
    await page.getByRole('heading', { name: /核算依据/ }).waitFor();
    expect(await page.locator('.trace table').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('.trace').first().textContent())
      .toMatch(/minhou-2021@2\.0\.0|\[M\]|\[V\]/);
    await shot(page, '4-finance-trace');
    // the same report as PDF, printed by headless Chromium on the server
    const pdf = await page.request.get(`${app.base}/reports/gep?year=2021&format=pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const body = await pdf.body();
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(20_000);
    // a report wider than A4 portrait prints in landscape (or scaled), never with columns cut off
    for (const path of ['/reports/geep?year=2021', '/reports/balance-sheet?from=2020&to=2021']) {
      const wide = (await (await page.request.get(`${app.base}${path}&format=pdf`)).body()).toString(
        'latin1',
      );
      expect(wide, path).toMatch(/\/MediaBox \[0 0 84\d\.\d+ 59\d\.\d+\]/); // A4 landscape, in points
    }
    await page.context().close();
  });

  it('a finance official reads net GEP as the headline, at current and constant prices, in zh, en and on a phone', async () => {
    const page = await loggedIn('viewer');
    await page.goto(`${app.base}/reports/gep?year=2021`);
    const first = page.locator('.summary .figure').first();
    await expect.poll(() => first.locator('dt').textContent()).toContain('GEP（净值，GB/T 46869—2025）');
    await expect
      .poll(() => page.locator('.summary [data-id="gep_net_constant"] dt').textContent())
      .toContain('2020年不变价');
    expect(await page.locator('.summary .prices').textContent()).toContain('2021年当年价');
    await shot(page, '3b-finance-summary-zh');
    await page.goto(`${app.base}/reports/trace?year=2021&township=ganzhe&component=water_domestic`);
    expect(await page.locator('.trace').first().textContent()).toContain('区域外输入份额（净GEP扣除）');
    await shot(page, '3c-finance-trace-upstream-zh');
    await page.goto(`${app.base}/reports/gep?year=2021&lang=en`);
    await expect.poll(() => first.locator('dt').textContent()).toContain('Net GEP (GB/T 46869—2025)');
    await shot(page, '3d-finance-summary-en');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.base}/reports/gep?year=2021&lang=zh`);
    await shot(page, '3e-finance-summary-phone');
    await page.context().close();
  });

  it('an assessor opens the township comparison and sees the charts', async () => {
    const page = await loggedIn('viewer');
    await page.goto(`${app.base}/reports/compare?year=2021`);
    const charts = page.locator('.chart svg');
    expect(await charts.count()).toBeGreaterThanOrEqual(5);
    // one bar per township in the GEP ranking
    expect(await page.locator('#ranking-gep svg rect.mark').count()).toBe(15);
    await page.locator('#ranking-gep svg rect.mark').first().hover();
    await expect.poll(() => page.locator('.tooltip').isVisible()).toBe(true);
    await shot(page, '5-assessor-comparison');
    await page.context().close();
  });
});
