import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's folder (the one with package.json): the views, coefficients, seeds, migrations and static files
 * are read from there, whether this code runs from src/ (tests, the CLI) or from its build in dist/ (npm start).
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = projectRoot(import.meta.dirname);
