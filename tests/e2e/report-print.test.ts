/**
 * Every report printed to PDF by headless Chromium keeps every column of every table (read back from the PDF's
 * text with pdftotext), carries the official lines (编制单位, 编制日期, 数据来源) and numbers its pages.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binary, login } from '../integration/harness.js';
import { executablePath, useBrowserApp } from './browser.js';

const PDFTOTEXT = '/usr/bin/pdftotext';
const squeeze = (s: string) => s.replace(/\s+/g, '');
const decode = (s: string) =>
  s
    .replace(/<[^>]+>/g, '')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The column headers of every table on a report page, as the page shows them. */
const headersOf = (html: string) =>
  [...html.matchAll(/<thead>([\s\S]*?)<\/thead>/g)].flatMap((m) =>
    [...m[1]!.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((h) => decode(h[1]!).trim()).filter(Boolean),
  );

describe.skipIf(!executablePath || !existsSync(PDFTOTEXT))('reports printed to PDF', () => {
  const app = useBrowserApp(120_000);

  it.each([
    ['GEP', '/reports/gep?year=2021'],
    ['balance sheet', '/reports/balance-sheet?from=2020&to=2021'],
    ['GEEP', '/reports/geep?year=2021'],
    ['comparison', '/reports/compare?year=2021&previous=2020'],
    ['ESV', '/reports/esv?year=2021'],
  ])(
    '%s: every column of every table is in the PDF, with the official lines and page numbers',
    async (_name, path) => {
      const viewer = await login(app.t.app, 'viewer');
      const html = (await viewer.agent.get(path)).text;
      const headers = [...new Set(headersOf(html))].filter((h) => h !== '核算依据');
      expect(headers.length).toBeGreaterThan(3);
      const pdf = (await binary(viewer, `${path}&format=pdf`)).body as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = squeeze(execFileSync(PDFTOTEXT, ['-q', '-', '-'], { input: pdf }).toString('utf8'));
      // a corner header ("2020年地类 \\ 2021年地类") wraps around its backslash: each side must be there
      const missing = headers.filter((h) =>
        h.includes('\\')
          ? !h.split('\\').every((part) => text.includes(squeeze(part)))
          : !text.includes(squeeze(h)),
      );
      expect(missing).toEqual([]);
      expect(text).toContain('编制单位：闽侯县');
      expect(text).toMatch(/编制日期：\d{4}-\d\d-\d\d/);
      expect(text).toContain('数据来源：');
      expect(text).toMatch(/第1页\/共\d+页/);
    },
    120_000,
  );
});
