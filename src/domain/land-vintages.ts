/**
 * Transition matrices from two DLTB vintages (三调 and a 年度变更调查, or two yearly updates) whose parcels
 * keep a stable id (BSM, 标识码): the parcels are joined by id and each joined parcel's area goes to the cell
 * (township, class in the opening vintage → class in the closing vintage). A parcel present in one vintage
 * only (split, merged, new or gone), or whose township or area changed between them, cannot be placed in a
 * cell: it is reported by township and class with its count and area. Each matrix's rows are checked against
 * the opening vintage's areas and its columns against the closing vintage's (all parcels), so any parcel
 * left out shows as a difference and no matrix is returned. Pure; memory: one entry per opening parcel.
 */
import { ZERO, type Dec } from './decimal.js';
import type { InputIssue } from './inputs.js';
import { M2_PER_HM2 } from './land-parcels.js';

/** A parcel of a vintage, already classified (township id and land class id) with its area in m². */
export interface VintageParcel {
  /** BSM (标识码). */
  readonly id: string;
  readonly township: string;
  readonly landClass: string;
  readonly areaM2: Dec;
}

/** Parcels that found no cell, by why, township and class: how many and their area (m²). */
export interface UnjoinedGroup {
  readonly reason: 'only_opening' | 'only_closing' | 'changed';
  readonly township: string;
  readonly landClass: string;
  readonly count: number;
  readonly areaM2: Dec;
}

type Sums = Map<string, Map<string, Dec>>;
const addTo = (s: Sums, t: string, c: string, a: Dec) => {
  const row = s.get(t) ?? new Map<string, Dec>();
  s.set(t, row);
  row.set(c, (row.get(c) ?? ZERO).plus(a));
};

/**
 * Joins the vintages parcel by parcel: every opening parcel first (`addOpening`), then every closing parcel
 * (`addClosing`), then `result`.
 */
export class VintageJoin {
  private readonly opening = new Map<string, { township: string; landClass: string; areaM2: Dec }>();
  private readonly openingSums: Sums = new Map();
  private readonly closingSums: Sums = new Map();
  /** township → from → to → m² */
  private readonly cells = new Map<string, Sums>();
  private readonly unjoined = new Map<string, { count: number; areaM2: Dec }>();
  private readonly closingIds = new Set<string>();
  readonly issues: InputIssue[] = [];

  constructor(private readonly classIds: readonly string[]) {}

  private duplicate(which: 'opening' | 'closing', id: string) {
    this.issues.push({
      field: `BSM ${id}`,
      message: {
        zh: `${which === 'opening' ? '期初' : '期末'}图层中标识码 BSM"${id}"重复`,
        en: `the ${which} layer holds the id BSM "${id}" more than once`,
      },
    });
  }

  private miss(reason: UnjoinedGroup['reason'], township: string, landClass: string, areaM2: Dec) {
    const key = `${reason}|${township}|${landClass}`;
    const g = this.unjoined.get(key) ?? { count: 0, areaM2: ZERO };
    g.count++;
    g.areaM2 = g.areaM2.plus(areaM2);
    this.unjoined.set(key, g);
  }

  addOpening(p: VintageParcel): void {
    if (this.opening.has(p.id)) return this.duplicate('opening', p.id);
    this.opening.set(p.id, { township: p.township, landClass: p.landClass, areaM2: p.areaM2 });
    addTo(this.openingSums, p.township, p.landClass, p.areaM2);
  }

  addClosing(p: VintageParcel): void {
    if (this.closingIds.has(p.id)) return this.duplicate('closing', p.id);
    this.closingIds.add(p.id);
    addTo(this.closingSums, p.township, p.landClass, p.areaM2);
    const before = this.opening.get(p.id);
    if (!before) return this.miss('only_closing', p.township, p.landClass, p.areaM2);
    this.opening.delete(p.id);
    if (before.township !== p.township || !before.areaM2.eq(p.areaM2)) {
      this.miss('changed', before.township, before.landClass, before.areaM2);
      return;
    }
    const t = this.cells.get(p.township) ?? new Map<string, Map<string, Dec>>();
    this.cells.set(p.township, t);
    addTo(t, before.landClass, p.landClass, p.areaM2);
  }

  /**
   * Matrices (hm², text cells, every class × every class) per township, the parcels that found no cell,
   * and the checks: each row against the opening vintage, each column against the closing vintage.
   */
  result(): {
    matrices: Map<string, Record<string, Record<string, string>>>;
    unjoined: UnjoinedGroup[];
    issues: InputIssue[];
  } {
    for (const [, p] of this.opening) this.miss('only_opening', p.township, p.landClass, p.areaM2);
    this.opening.clear();
    const issues = [...this.issues];
    const matrices = new Map<string, Record<string, Record<string, string>>>();
    const townships = new Set([...this.openingSums.keys(), ...this.closingSums.keys()]);
    for (const township of townships) {
      const t = this.cells.get(township);
      const cell = (from: string, to: string) => t?.get(from)?.get(to) ?? ZERO;
      const hm2 = (m2: Dec) => m2.div(M2_PER_HM2).toString();
      for (const c of this.classIds) {
        const row = this.classIds.reduce((a, to) => a.plus(cell(c, to)), ZERO);
        const column = this.classIds.reduce((a, from) => a.plus(cell(from, c)), ZERO);
        const opening = this.openingSums.get(township)?.get(c) ?? ZERO;
        const closing = this.closingSums.get(township)?.get(c) ?? ZERO;
        if (!row.eq(opening))
          issues.push({
            township,
            field: `matrix.${c}`,
            message: {
              zh: `行合计 ${hm2(row)} hm² ≠ 期初图层面积 ${hm2(opening)} hm²（差额来自未能按标识码对应的图斑）`,
              en: `the row sums to ${hm2(row)} hm², the opening layer holds ${hm2(opening)} hm² (the difference is in parcels not joined by id)`,
            },
          });
        if (!column.eq(closing))
          issues.push({
            township,
            field: `matrix.*.${c}`,
            message: {
              zh: `列合计 ${hm2(column)} hm² ≠ 期末图层面积 ${hm2(closing)} hm²（差额来自未能按标识码对应的图斑）`,
              en: `the column sums to ${hm2(column)} hm², the closing layer holds ${hm2(closing)} hm² (the difference is in parcels not joined by id)`,
            },
          });
      }
      matrices.set(
        township,
        Object.fromEntries(
          this.classIds.map((from) => [
            from,
            Object.fromEntries(this.classIds.map((to) => [to, hm2(cell(from, to))])),
          ]),
        ),
      );
    }
    const unjoined = [...this.unjoined]
      .map(([key, g]) => {
        const [reason, township, landClass] = key.split('|') as [UnjoinedGroup['reason'], string, string];
        return { reason, township, landClass, count: g.count, areaM2: g.areaM2 };
      })
      .sort(
        (a, b) =>
          a.reason.localeCompare(b.reason) ||
          a.township.localeCompare(b.township) ||
          a.landClass.localeCompare(b.landClass),
      );
    return { matrices: issues.length ? new Map() : matrices, unjoined, issues };
  }
}
