/**
 * The project appraisal (项目生态产品价值影响评估表) and the tenure audit pack, live and published, printed to PDF by
 * headless Chromium: every column of every official table is in the PDF's text (read back with pdftotext), with
 * the official lines and page numbers. Only the server's own Chromium runs (no second browser).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProjects, listTenureAudits } from '../../src/store/scenarios.js';
import { chromiumPath } from '../../src/web/pdf.js';
import { binary, login, startApp, type TestApp } from '../integration/harness.js';

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

/** The column headers of the official tables of a page, as the page shows them. */
const officialHeaders = (html: string) =>
  [...html.matchAll(/<section class="card official-table"[\s\S]*?<thead>([\s\S]*?)<\/thead>/g)].flatMap((m) =>
    [...m[1]!.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((h) => decode(h[1]!).trim()).filter(Boolean),
  );
const tableTitles = (html: string) =>
  [...html.matchAll(/<section class="card official-table"[^>]*>\s*<h3>([\s\S]*?)<\/h3>/g)].map((m) =>
    decode(m[1]!),
  );

describe.skipIf(!chromiumPath() || !existsSync(PDFTOTEXT))('appraisal and audit printed to PDF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  }, 120_000);
  afterAll(() => t.close());

  const check = async (page: string, pdfPath: string, extra: string[] = []) => {
    const viewer = await login(t.app, 'viewer');
    const html = (await viewer.agent.get(page)).text;
    const headers = [...new Set(officialHeaders(html))];
    const titles = tableTitles(html);
    expect(headers.length).toBeGreaterThan(5);
    const res = await binary(viewer, pdfPath);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = squeeze(execFileSync(PDFTOTEXT, ['-q', '-', '-'], { input: pdf }).toString('utf8'));
    expect(headers.filter((h) => !text.includes(squeeze(h)))).toEqual([]);
    expect(titles.filter((h) => !text.includes(squeeze(h)))).toEqual([]);
    for (const s of extra) expect(text).toContain(squeeze(s));
    expect(text).toContain('编制单位：闽侯县');
    expect(text).toMatch(/编制日期：\d{4}-\d\d-\d\d/);
    expect(text).toContain('数据来源：');
    expect(text).toMatch(/第1页\/共\d+页/);
    return text;
  };

  it('project appraisal: every column of the appraisal, land-class and item tables of both alternatives', async () => {
    const p = (await listProjects(t.db)).find((x) => x.sample)!;
    const text = await check(`/scenarios/${p.id}`, `/scenarios/${p.id}/appraisal.pdf`, [
      '项目生态产品价值影响评估表',
      '方案一：红线方案',
      '方案二：紧凑布局',
      '单位：万元',
    ]);
    // the grain row of the item table, in t: 7,256.80 → 7,131.02 (−125.78 t) for the red line
    expect(text).toContain('7,256.80');
    expect(text).toContain('-125.78');
  }, 180_000);

  it('tenure audit pack, live and published: every column of its four tables', async () => {
    const a = (await listTenureAudits(t.db)).find((x) => x.sample)!;
    await check(`/tenure-audits/${a.id}`, `/tenure-audits/${a.id}/audit.pdf`, [
      '自然资源资产实物量及价值变动表',
      '预填得分：93.95',
    ]);
    const reviewer = await login(t.app, 'reviewer');
    const res = await reviewer.agent
      .post(`/tenure-audits/${a.id}/publish`)
      .type('form')
      .send({ _csrf: reviewer.csrf, title: '闽侯县任期审计表', docNumber: '侯审〔2026〕3号', confirm: 'on' });
    expect(res.status).toBe(303);
    const url = res.headers.location as string;
    await check(url, `${url}?format=pdf`, ['闽侯县任期审计表', '文号：侯审〔2026〕3号', 'sha256']);
  }, 180_000);
});
