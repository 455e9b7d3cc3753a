/**
 * Chromium reads a report page served from the page cache as one gzip stream put together per request (the pieces
 * compressed once, the reader's CSRF token between them as a stored block): the whole page arrives, with this
 * session's token in its forms, and a form posted from it passes the CSRF check.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../integration/harness.js';
import { executablePath, useBrowserApp } from './browser.js';

describe.skipIf(!executablePath)('a cached report page in Chromium, gzip-compressed', () => {
  const app = useBrowserApp(120_000);

  it('shows the whole page with the session’s token, and logging out from it works', async () => {
    const context = await app.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.locator('input[name="username"]').fill('reviewer');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${app.base}/`), page.locator('main form button').first().click()]);
    const url = `${app.base}/reports/gep?year=2021`;
    await page.goto(url); // rendered and stored
    const hit = await page.goto(url); // from the cache
    expect(hit!.headers()['content-encoding']).toBe('gzip');
    const sent = Number(hit!.headers()['content-length']);
    const token = await page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).csrfToken);
    const state = await page.evaluate(() => ({
      bytes: new TextEncoder().encode('<!doctype html>\n' + document.documentElement.outerHTML).length,
      tokens: [...document.querySelectorAll<HTMLInputElement>('input[name="_csrf"]')].map((i) => i.value),
      // the layout's footer, after the page: there only if the stream was read to its end
      footer: document.querySelector('body > footer')?.textContent,
      tables: document.querySelectorAll('main table').length,
      title: document.querySelector('main h1')?.textContent,
    }));
    // the layout's logout form and the page's publish form each carry this session's token
    expect(state.tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(state.tokens)).toEqual(new Set([token]));
    expect(state.title).toBe('闽侯县 2021 年生态系统生产总值（GEP）核算报告');
    // every table of the page as the server has it (read again, decoded by the request client)
    const html = await (
      await context.request.get(url, { headers: { 'accept-encoding': 'identity' } })
    ).text();
    expect(state.tables).toBe(html.match(/<table\b/g)?.length);
    expect(state.tables).toBeGreaterThanOrEqual(2);
    expect(state.footer).toMatch(/^GEP Ledger · minhou-2021@/);
    // what came over the wire is a fraction of the page Chromium decoded
    expect(sent).toBeLessThan(state.bytes / 3);
    await Promise.all([
      page.waitForURL(`${app.base}/login`),
      page.locator('form[action="/logout"] button').click(),
    ]);
    expect((await page.goto(url))!.url()).toContain('/login?next=');
    await context.close();
  });
});
