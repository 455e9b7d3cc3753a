/**
 * An exported XLSX opened by LibreOffice (`soffice --headless --convert-to csv`) shows the same totals as the
 * report page. Runs where LibreOffice is installed; CI installs it and sets E2E_REQUIRED=1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, login, startApp, tempDir, type Session, type TestApp } from '../integration/harness.js';

const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find(existsSync);
if (!soffice && process.env.E2E_REQUIRED) throw new Error('LibreOffice is required for this test');

describe.skipIf(!soffice)('XLSX export in LibreOffice', () => {
  let t: TestApp;
  let viewer: Session;
  beforeAll(async () => {
    t = await startApp();
    viewer = await login(t.app, 'viewer');
  });
  afterAll(() => t.close());

  it('shows the totals the page shows, in every row of the GEP value table', async () => {
    const page = (await viewer.agent.get('/reports/gep?year=2021')).text;
    const table = page.slice(
      page.indexOf('id="table-value"'),
      page.indexOf('</table>', page.indexOf('id="table-value"')),
    );
    const shown = [
      ...table.matchAll(/<th scope="row">([^<]+)<\/th>\s*<td class="num" data-value="[^"]*">([^<]+)<\/td>/g),
    ].map((m) => [m[1]!.trim(), m[2]!]);
    expect(shown.length).toBeGreaterThan(20);
    const res = await binary(viewer, '/reports/gep?year=2021&format=xlsx');
    const dir = tempDir();
    const xlsx = join(dir, 'gep.xlsx');
    writeFileSync(xlsx, res.body as Buffer);
    execFileSync(
      soffice!,
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/lo`,
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true',
        '--outdir',
        dir,
        xlsx,
      ],
      {
        timeout: 120_000,
        stdio: 'pipe',
      },
    );
    const csv = readFileSync(join(dir, 'gep.csv'), 'utf8');
    // rows of the value sheet in order, as LibreOffice shows them: label, figure in 万元
    const lines = csv.split(/\r?\n/);
    const from = lines.findIndex((l) => l.startsWith('序号,项目,价值量 (万元)'));
    const inSheet = lines
      .slice(from + 1)
      .map((l) => /^[^,]*,"?\s*([^",]+?)"?,("[\d,.-]+"|[\d.-]+),/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!.trim(), m[2]!.replace(/"/g, '')]);
    expect(inSheet).toEqual(shown);
  }, 180_000);
});
