/**
 * Which balance-sheet configuration (coefficients/balance-sheet/<id>.yaml) an account uses: a file the
 * user names, else the one the coefficient set names (`balanceSheet: <id>`, inherited), else the only
 * configuration in the folder. Reads and parses the YAML; the domain validates it against the set.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BalanceSheetConfigError } from '../domain/balance-sheet-config.js';
import { ROOT } from '../paths.js';

/** The balance-sheet configurations shipped with the app. */
export const BALANCE_SHEET_DIR = join(ROOT, 'coefficients/balance-sheet');

export interface BalanceSheetConfigSource {
  /** The parsed YAML, to be checked by parseBalanceSheetConfig. */
  readonly raw: unknown;
  /** The file, as a person finds it (relative to the working directory). */
  readonly source: string;
}

const configIds = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => f.replace(/\.ya?ml$/, ''))
        .sort()
    : [];

function read(file: string): BalanceSheetConfigSource {
  const source = relative(process.cwd(), file) || file;
  if (!existsSync(file)) throw new BalanceSheetConfigError([`${source}: 文件不存在 / file not found`]);
  try {
    return { raw: parseYaml(readFileSync(file, 'utf8')), source };
  } catch (e) {
    throw new BalanceSheetConfigError([`${source}: ${(e as Error).message.split('\n')[0]}`]);
  }
}

export function balanceSheetConfigFor(
  set: { id: string; version: string; balanceSheet?: string },
  options: { file?: string; dir?: string } = {},
): BalanceSheetConfigSource {
  if (options.file) return read(options.file);
  const dir = options.dir ?? BALANCE_SHEET_DIR;
  const ids = configIds(dir);
  if (set.balanceSheet) {
    if (!ids.includes(set.balanceSheet))
      throw new BalanceSheetConfigError([
        `${set.id}@${set.version}: balanceSheet: 没有资产负债表配置"${set.balanceSheet}" / no balance-sheet configuration "${set.balanceSheet}" in ${relative(process.cwd(), dir) || dir} (${ids.join(', ') || 'none'})`,
      ]);
    return read(join(dir, `${set.balanceSheet}.yaml`));
  }
  if (ids.length === 1) return read(join(dir, `${ids[0]}.yaml`));
  throw new BalanceSheetConfigError([
    `${set.id}@${set.version}: 参数集未指定资产负债表配置，请用 --config 指定 / the set names no balance-sheet configuration (balanceSheet:) and the folder holds ${ids.length}: ${ids.join(', ') || 'none'}; name one with --config`,
  ]);
}
