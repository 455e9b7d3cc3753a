/**
 * Pages read as their reader expects: an approved record shows a clerk no empty workflow box (there is nothing
 * for them to do), while a reviewer finds the reopen action there; the assessment page names a scheme by its
 * title and version, not by its id; units read as people write them; a trace names its profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let reviewer: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [editor, reviewer, viewer] = (await Promise.all(
    ['editor', 'reviewer', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session];
});
afterAll(() => t.close());

describe('what a page shows its reader', () => {
  it('an approved sample record: no empty workflow box for a clerk; the reviewer’s reopen action is there', async () => {
    const clerk = (await editor.agent.get('/data/ganzhe/2021')).text;
    expect(clerk).toContain('已审核');
    expect(clerk).not.toContain('<section class="workflow">');
    const review = (await reviewer.agent.get('/data/ganzhe/2021')).text;
    expect(review).toMatch(/<section class="workflow">[\s\S]*?name="action" value="reopen"/);
  });

  it('a figure’s trace names the accounting profile, not its id', async () => {
    const page = (
      await viewer.agent.get('/reports/trace?year=2021&township=nanyu&component=water_conservation')
    ).text;
    expect(page).toMatch(
      /sha256 <code>[0-9a-f]{12}<\/code> · 学术通行口径（含释氧、水资源供给、病虫害控制）<\/p>/,
    );
  });

  it('every page’s footer names the accounting profile in the reader’s language, not its id', async () => {
    const zh = (await viewer.agent.get('/reports')).text;
    expect(zh).toMatch(
      /<footer>GEP Ledger · [\w-]+@[\d.]+ · 学术通行口径（含释氧、水资源供给、病虫害控制）<\/footer>/,
    );
    const en = (await viewer.agent.get('/reports?lang=en')).text;
    expect(en).toMatch(
      /<footer>GEP Ledger · [\w-]+@[\d.]+ · Academic \(with oxygen release, water supply, pest control\)<\/footer>/,
    );
    await viewer.agent.get('/reports?lang=zh');
  });

  it('the land-use transition form offers its units as people write them (hm², not hm2), sending the unit id', async () => {
    const page = (await editor.agent.get('/transitions/ganzhe/2020/2021')).text;
    expect(page).toContain('<option value="hm2" selected>hm²</option>');
    expect(page).toContain('<option value="km2">km²</option>');
    expect(page).not.toMatch(/>hm2</);
  });

  it('the assessment page names each scheme by its title and version, not its id', async () => {
    const page = (await viewer.agent.get('/assessment')).text;
    const row =
      /<tr><td>([^<]+)<\/td><td><span title="fujian-comprehensive-compensation@([\d.]+)">([\d.]+)<\/span> 已发布/.exec(
        page,
      );
    expect(row?.[1]).toContain('综合性生态保护补偿考核');
    expect(row?.[3]).toBe(row?.[2]);
    expect(page).not.toContain('<code>fujian-comprehensive-compensation@');
  });
});
