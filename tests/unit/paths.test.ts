/**
 * The project folder (ROOT) from which views, coefficients, seeds, migrations and static files are read: the same
 * from the sources (tests, CLI) as from their build in dist/ that `npm start` runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/paths.js';

const repo = resolve(import.meta.dirname, '../..');

describe('ROOT', () => {
  it('is the folder of package.json, with the migrations, stylesheet and sample county under it', () => {
    expect(ROOT).toBe(repo);
    for (const file of ['package.json', 'src/store/migrations/001_initial.sql', 'src/web/static/app.css'])
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    expect(existsSync(join(ROOT, 'seeds/minhou/dataset.json'))).toBe(true);
  });

  it('is the same folder from the build in dist/ (npm run build, as npm start runs it)', () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo });
    const fromBuild = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "console.log((await import('./dist/src/paths.js')).ROOT)"],
      { cwd: repo, encoding: 'utf8' },
    ).trim();
    expect(fromBuild).toBe(repo);
  });

  it('the build reads a large XLSX on its worker thread (dist/src/io/xlsx-worker.js), as the sources do', async () => {
    // after the test above (the build is made there)
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据');
    for (let i = 0; i < 20_000; i++) ws.addRow([`乡镇${i}`, Math.sin(i) * 1000, i]);
    const dir = mkdtempSync(join(tmpdir(), 'gep-xlsx-'));
    try {
      const file = join(dir, 'big.xlsx');
      writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
      const read = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { readFileSync } from 'node:fs';
           const { openFirstSheetOnThread, XLSX_THREAD_BYTES } = await import('./dist/src/io/xlsx-thread.js');
           const buf = readFileSync(${JSON.stringify(file)});
           if (buf.length < XLSX_THREAD_BYTES) throw new Error('too small for the thread');
           const sheet = await openFirstSheetOnThread(buf);
           let rows = 0, last;
           for await (const batch of sheet.rows) { rows += batch.length; last = batch.at(-1); }
           console.log(JSON.stringify({ name: sheet.name, rows, last: last.values }));`,
        ],
        { cwd: repo, encoding: 'utf8' },
      );
      expect(JSON.parse(read)).toEqual({
        name: '数据',
        rows: 20_000,
        last: ['乡镇19999', Math.sin(19_999) * 1000, 19_999],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
