/**
 * The plausibility warnings of the command line: `account` (a 合理性提示 section, or a warnings array in
 * JSON) and `validate --data` (listed per year; the exit code stays that of the validation).
 */
import type { PlausibilityWarning } from '../domain/plausibility.js';
import { PLAUSIBILITY_NOTE, PLAUSIBILITY_TITLE, warningText } from '../report/plausibility.js';

export { loadPlausibilityIfAny as rulesOf } from '../methods/plausibility.js';

export { scopeWarnings as warningsOf } from '../report/plausibility.js';

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
