/**
 * Splitting 乔木林地 (GB/T 21010 code 0301) across forest types. The land survey knows only "tree forest";
 * the accounts value coniferous, broadleaf and mixed forest (针叶林 / 阔叶林 / 针阔混交林) apart, and their
 * shares come from the forest inventory (森林资源二类调查) per township. A township's 0301 area A (in the
 * class its set maps 0301 to) is split by its shares s: each named class but the 0301 class gets A × s, the
 * 0301 class keeps the rest, so the parts add up to A exactly. Townships without shares keep A in the 0301
 * class (today's behaviour) and are named. Pure.
 */
import { ZERO, type Dec } from './decimal.js';
import type { InputIssue } from './inputs.js';

/** township id → class id → share (a fraction, 0–1; the shares of a township add up to 1). */
export type ForestShares = ReadonlyMap<string, ReadonlyMap<string, Dec>>;

/** The class the set maps 乔木林地 0301 to (the one whose sourceCodes hold '0301' or its prefix '03'). */
export function treeForestClass(
  classes: readonly { id: string; sourceCodes: readonly string[] }[],
): string | undefined {
  return (
    classes.find((c) => c.sourceCodes.includes('0301'))?.id ??
    classes.find((c) => c.sourceCodes.includes('03'))?.id
  );
}

/**
 * Checks a share table against the set: every class named must be the 0301 class or a class without codes
 * of its own (else its area would be counted twice), every share in [0, 1], each township's shares adding
 * up to exactly 1.
 */
export function checkForestShares(
  shares: ForestShares,
  classes: readonly { id: string; sourceCodes: readonly string[] }[],
): InputIssue[] {
  const issues: InputIssue[] = [];
  const tree = treeForestClass(classes);
  if (!tree)
    return [
      {
        field: 'shares',
        message: { zh: '参数集没有对应乔木林地 0301 的地类', en: 'no class of the set takes 乔木林地 0301' },
      },
    ];
  const splittable = new Set([tree, ...classes.filter((c) => !c.sourceCodes.length).map((c) => c.id)]);
  for (const [township, row] of shares) {
    let sum = ZERO;
    for (const [cls, share] of row) {
      if (!splittable.has(cls))
        issues.push({
          township,
          field: cls,
          message: {
            zh: '该地类有自己的三调编码，不能由乔木林地分出',
            en: 'this class has land-survey codes of its own and cannot be split from 乔木林地',
          },
        });
      if (share.isNeg() || share.gt(1))
        issues.push({
          township,
          field: cls,
          message: { zh: '比例须在 0 至 100% 之间', en: 'a share lies between 0 and 100 %' },
        });
      sum = sum.plus(share);
    }
    if (!sum.eq(1))
      issues.push({
        township,
        field: 'shares',
        message: {
          zh: `各林分比例之和为 ${sum.times(100).toString()}%，应为 100%`,
          en: `the shares add up to ${sum.times(100).toString()} %, not 100 %`,
        },
      });
  }
  return issues;
}

/**
 * Sums by township and class (any unit) with each township's 0301 class split by its shares. Returns the new
 * sums, the townships split and those left as they were (no shares given).
 */
export function splitTreeForest(
  byTownship: ReadonlyMap<string, ReadonlyMap<string, Dec>>,
  shares: ForestShares,
  tree: string,
): { byTownship: Map<string, Map<string, Dec>>; split: string[]; unsplit: string[] } {
  const out = new Map<string, Map<string, Dec>>();
  const split: string[] = [];
  const unsplit: string[] = [];
  for (const [township, row] of byTownship) {
    const next = new Map(row);
    out.set(township, next);
    const s = shares.get(township);
    const area = row.get(tree) ?? ZERO;
    if (!s) {
      if (!area.isZero()) unsplit.push(township);
      continue;
    }
    split.push(township);
    let given = ZERO;
    for (const [cls, share] of s) {
      if (cls === tree) continue;
      const part = area.times(share);
      next.set(cls, (row.get(cls) ?? ZERO).plus(part));
      given = given.plus(part);
    }
    next.set(tree, area.minus(given));
  }
  return { byTownship: out, split, unsplit };
}
