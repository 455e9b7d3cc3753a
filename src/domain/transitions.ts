import { ZERO, parseDecimal, type Dec } from './decimal.js';
import type { InputIssue } from './inputs.js';
import { convertValue, parseUnit } from './units.js';

/** A land-use transition matrix: area moving from an opening class (row) to a closing class (column). */
export interface TransitionMatrix {
  readonly township: string;
  readonly fromYear: number;
  readonly toYear: number;
  /** Unit of the cells (an area unit); cells are converted to hm². */
  readonly unit: string;
  readonly matrix: Readonly<Record<string, Readonly<Record<string, string | number>>>>;
}

export interface CheckedTransition {
  readonly township: string;
  readonly fromYear: number;
  readonly toYear: number;
  /** from class → to class → hm² */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, Dec>>;
}

/**
 * Checks a matrix against the opening and closing land-use areas (hm²):
 * each row sums to the class's opening area, each column to its closing area.
 */
export function checkTransition(
  t: TransitionMatrix,
  classIds: readonly string[],
  opening: ReadonlyMap<string, Dec>,
  closing: ReadonlyMap<string, Dec>,
  tolerance: Dec | string = '0.01',
): { matrix?: CheckedTransition; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const at = { township: t.township, year: `${t.fromYear}→${t.toYear}` };
  const add = (field: string, zh: string, en: string) => issues.push({ ...at, field, message: { zh, en } });
  let unit;
  try {
    unit = parseUnit(t.unit);
  } catch {
    add('unit', `单位"${t.unit}"无法识别`, `unit "${t.unit}" is not recognised`);
    return { issues };
  }
  const hm2 = parseUnit('hm2');
  const cells = new Map<string, Map<string, Dec>>();
  for (const from of classIds) cells.set(from, new Map(classIds.map((to) => [to, ZERO])));
  for (const [from, row] of Object.entries(t.matrix)) {
    if (!classIds.includes(from)) {
      add(`matrix.${from}`, `未知地类"${from}"`, `unknown land class "${from}"`);
      continue;
    }
    for (const [to, raw] of Object.entries(row)) {
      if (!classIds.includes(to)) {
        add(`matrix.${from}.${to}`, `未知地类"${to}"`, `unknown land class "${to}"`);
        continue;
      }
      const v = parseDecimal(raw);
      if (!v || v.isNeg())
        add(`matrix.${from}.${to}`, `"${raw}"不是非负数值`, `"${raw}" is not a non-negative number`);
      else cells.get(from)!.set(to, convertValue(v, unit, hm2));
    }
  }
  const tol = typeof tolerance === 'string' ? parseDecimal(tolerance)! : tolerance;
  for (const cls of classIds) {
    const rowSum = [...cells.get(cls)!.values()].reduce((a, b) => a.plus(b), ZERO);
    const colSum = classIds.reduce((a, from) => a.plus(cells.get(from)!.get(cls)!), ZERO);
    const open = opening.get(cls) ?? ZERO;
    const close = closing.get(cls) ?? ZERO;
    if (!rowSum.minus(open).abs().lte(tol))
      add(
        `matrix.${cls}`,
        `行合计 ${rowSum} hm² ≠ 期初面积 ${open} hm²`,
        `row sum ${rowSum} hm² ≠ opening area ${open} hm²`,
      );
    if (!colSum.minus(close).abs().lte(tol))
      add(
        `matrix.*.${cls}`,
        `列合计 ${colSum} hm² ≠ 期末面积 ${close} hm²`,
        `column sum ${colSum} hm² ≠ closing area ${close} hm²`,
      );
  }
  return issues.length
    ? { issues }
    : { matrix: { township: t.township, fromYear: t.fromYear, toYear: t.toYear, cells }, issues };
}
