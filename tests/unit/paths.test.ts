/**
 * The project folder (ROOT) from which views, coefficients, seeds, migrations and static files are read: the same
 * from the sources (tests, CLI) as from their build in dist/ that `npm start` runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
});
