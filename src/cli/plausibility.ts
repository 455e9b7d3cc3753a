/**
 * The plausibility warnings of the command line: `account` (a 合理性提示 section, or a warnings array in
 * JSON) and `validate --data` (listed per year; the exit code stays that of the validation).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sum } from '../domain/decimal.js';
import type { InputRecord, RegionAccount, TownshipAccount } from '../domain/accounting.js';
import { totalArea } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import {
  checkPlausibility,
  type PlausibilityRules,
  type PlausibilityWarning,
  type ScopeKind,
} from '../domain/plausibility.js';
import { loadPlausibility, PLAUSIBILITY_FOLDER } from '../methods/plausibility.js';
import { PLAUSIBILITY_NOTE, PLAUSIBILITY_TITLE, warningText } from '../report/plausibility.js';

/** The document of a coefficients folder; none when the folder has no plausibility document. */
export function rulesOf(dir: string): PlausibilityRules | undefined {
  return existsSync(join(dir, PLAUSIBILITY_FOLDER)) ? loadPlausibility(dir) : undefined;
}

/** Warnings of an account, over the records it was made from (area = Σ land-use areas ÷ 100). */
export function warningsOf(
  rules: PlausibilityRules | undefined,
  set: CompiledSet,
  account: RegionAccount | TownshipAccount,
  records: readonly InputRecord[],
  kind: ScopeKind,
): PlausibilityWarning[] {
  if (!rules) return [];
  const areaKm2 = sum(records.map(totalArea)).div(100);
  return checkPlausibility(account, { kind, areaKm2, records }, rules, set);
}

/** The section printed after the tables: a title, one line per warning, or "none". */
export function warningLines(
  warnings: readonly PlausibilityWarning[],
  lang: 'zh' | 'en',
  heading = PLAUSIBILITY_TITLE[lang],
): string[] {
  if (!warnings.length) return [`${heading}: ${lang === 'zh' ? '无' : 'none'}`];
  return [
    `${heading} (${PLAUSIBILITY_NOTE[lang]})`,
    ...warnings.map((w, i) => `  ${i + 1}. ${warningText(w, lang)}`),
  ];
}
