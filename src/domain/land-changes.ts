/**
 * Transition matrices from the yearly change survey (年度变更调查): change records (township code, 原地类编码,
 * 现地类编码, area) between two years, with the opening year's land use, give the matrix opening class ×
 * closing class. Off the diagonal: the changes summed by class (codes through the set's sourceCodes, longest
 * first); on the diagonal: what stayed, the opening area less what left. A change between two codes of one
 * class stays on the diagonal. Pure.
 */
import { ZERO, type Dec } from './decimal.js';
import type { InputIssue } from './inputs.js';
import { codeClassifier, type LandClassCodes } from './land-parcels.js';

export interface ChangeRecord {
  /** The township (id) the record's code matched. */
  readonly township: string;
  readonly fromCode: string;
  readonly toCode: string;
  /** hm² */
  readonly areaHm2: Dec;
  /** Where it came from, for messages. */
  readonly row?: number;
}

/**
 * One matrix (hm², text cells) per township with changes; `opening(township)` is the stored land use of the
 * opening year (class → hm²). Unknown codes and negative stays are issues; no matrix is returned then.
 */
export function matricesFromChanges(
  changes: readonly ChangeRecord[],
  classes: readonly LandClassCodes[],
  opening: (township: string) => ReadonlyMap<string, Dec> | undefined,
): { matrices: Map<string, Record<string, Record<string, string>>>; issues: InputIssue[] } {
  const classify = codeClassifier(classes);
  const ids = classes.map((c) => c.id);
  const issues: InputIssue[] = [];
  const moved = new Map<string, Map<string, Map<string, Dec>>>();
  for (const c of changes) {
    const from = classify(c.fromCode);
    const to = classify(c.toCode);
    for (const [code, cls, field] of [
      [c.fromCode, from, '原地类编码'],
      [c.toCode, to, '现地类编码'],
    ] as const)
      if (!cls)
        issues.push({
          township: c.township,
          row: c.row,
          field,
          message: { zh: `地类编码"${code}"无对应地类`, en: `land-class code "${code}" maps to no class` },
        });
    if (!from || !to || from === to) continue;
    const t = moved.get(c.township) ?? new Map<string, Map<string, Dec>>();
    moved.set(c.township, t);
    const row = t.get(from) ?? new Map<string, Dec>();
    t.set(from, row);
    row.set(to, (row.get(to) ?? ZERO).plus(c.areaHm2));
  }
  const matrices = new Map<string, Record<string, Record<string, string>>>();
  for (const [township, rows] of moved) {
    const open = opening(township);
    if (!open) {
      issues.push({
        township,
        field: 'fromYear',
        message: { zh: '缺少期初年份的地类面积', en: 'no land-use areas for the opening year' },
      });
      continue;
    }
    const matrix: Record<string, Record<string, string>> = {};
    for (const from of ids) {
      const out = rows.get(from);
      const left = [...(out?.values() ?? [])].reduce((a, b) => a.plus(b), ZERO);
      const stay = (open.get(from) ?? ZERO).minus(left);
      if (stay.isNeg())
        issues.push({
          township,
          field: `matrix.${from}`,
          message: {
            zh: `转出面积 ${left.toString()} hm² 超过期初面积 ${(open.get(from) ?? ZERO).toString()} hm²`,
            en: `${left.toString()} hm² leave the class, more than its opening ${(open.get(from) ?? ZERO).toString()} hm²`,
          },
        });
      matrix[from] = Object.fromEntries(
        ids.map((to) => [to, (to === from ? stay : (out?.get(to) ?? ZERO)).toString()]),
      );
    }
    matrices.set(township, matrix);
  }
  return { matrices: issues.length ? new Map() : matrices, issues };
}
