/**
 * Official tables frozen into a published snapshot and read back: a decimal becomes {"n": "<exact text>"} (a plain
 * string stays a string), so the published page formats the same figures the live page did, and never
 * recomputes them.
 */
import { Dec } from '../domain/decimal.js';
import type { OfficialRow, OfficialTable } from './appraisal.js';

type FrozenCell = string | { n: string } | null;
export interface FrozenTable extends Omit<OfficialTable, 'rows'> {
  readonly rows: ReadonlyArray<Omit<OfficialRow, 'cells'> & { cells: Record<string, FrozenCell> }>;
}

export function freezeTables(tables: readonly OfficialTable[]): FrozenTable[] {
  return tables.map((t) => ({
    ...t,
    rows: t.rows.map((r) => ({
      ...r,
      cells: Object.fromEntries(
        Object.entries(r.cells)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, v instanceof Dec ? { n: v.toString() } : (v as string)]),
      ),
    })),
  }));
}

export function thawTables(tables: readonly FrozenTable[]): OfficialTable[] {
  return tables.map((t) => ({
    ...t,
    rows: t.rows.map((r) => ({
      ...r,
      cells: Object.fromEntries(
        Object.entries(r.cells).map(([k, v]) => [
          k,
          v === null ? undefined : typeof v === 'string' ? v : new Dec(v.n),
        ]),
      ),
    })),
  }));
}
