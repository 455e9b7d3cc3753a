/**
 * Self-contained run bundles: the resolved coefficient set, the raw records and the results, so a run
 * can be repeated (and checked) without the coefficients folder.
 */
import type { RegionAccount, TownshipAccount } from '../domain/accounting.js';
import type { RawRecord } from '../domain/inputs.js';
import type { ResolvedSet } from '../methods/resolve.js';
import { canonicalJson, sha256 } from '../methods/resolve.js';
import { DECIMAL_ENGINE, FIXED_ENGINE, type EngineVersion } from '../domain/fixed.js';

export const BUNDLE_FORMAT = 'gep-ledger/bundle@1';

export interface FiguresJson {
  gep: string;
  outOfRegionDeduction: string;
  gepNet: string;
  categories: Record<string, string>;
  products: Record<string, string>;
}

export interface BundleResults {
  townships: Record<string, FiguresJson>;
  county: FiguresJson;
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  appVersion: string;
  createdAt: string;
  set: { id: string; version: string; hash: string };
  lineage: { id: string; version: string }[];
  setData: ResolvedSet['data'];
  profile: string;
  year: number;
  townships: { id: string; areaKm2?: string }[];
  records: RawRecord[];
  results: BundleResults;
  /** The engine whose figures `results` holds; absent in bundles made before engines were versioned. */
  engine?: EngineVersion;
}

/** The engine a bundle or snapshot re-runs by: the one it records, decimal-34 for one that records none. */
export function engineOf(b: { engine?: string }): EngineVersion {
  if (b.engine === undefined || b.engine === DECIMAL_ENGINE) return DECIMAL_ENGINE;
  if (b.engine === FIXED_ENGINE) return FIXED_ENGINE;
  throw new Error(`unknown accounting engine "${b.engine}" (known: ${FIXED_ENGINE}, ${DECIMAL_ENGINE})`);
}

export function figures(a: TownshipAccount | RegionAccount): FiguresJson {
  return {
    gep: a.gep.toString(),
    outOfRegionDeduction: a.outOfRegionDeduction.toString(),
    gepNet: a.gepNet.toString(),
    categories: Object.fromEntries(Object.entries(a.categoryValues).map(([k, v]) => [k, v.toString()])),
    products: Object.fromEntries([...a.productValues].map(([k, v]) => [k, v.toString()])),
  };
}

export function bundleResults(region: RegionAccount): BundleResults {
  return {
    townships: Object.fromEntries(region.townships.map((t) => [t.township, figures(t)])),
    county: figures(region),
  };
}

/** Rebuilds the ResolvedSet of a bundle; the hash is recomputed from the embedded data, never copied. */
export function resolvedFromBundle(b: Bundle): ResolvedSet {
  const lineage = b.lineage;
  const hash = sha256(canonicalJson({ ...b.setData, status: undefined, lineage }));
  return {
    data: b.setData,
    file: `bundle:${b.set.id}@${b.set.version}`,
    origins: new Map(),
    definedIn: new Map(),
    lineage,
    hash,
  };
}

/** Every figure that differs between two result sets: "path: recorded → recomputed". */
export function compareResults(recorded: BundleResults, recomputed: BundleResults): string[] {
  const flat = (r: BundleResults) => {
    const out = new Map<string, string>();
    const add = (prefix: string, f: FiguresJson) => {
      out.set(`${prefix}.gep`, f.gep);
      out.set(`${prefix}.outOfRegionDeduction`, f.outOfRegionDeduction);
      out.set(`${prefix}.gepNet`, f.gepNet);
      for (const [k, v] of Object.entries(f.categories)) out.set(`${prefix}.categories.${k}`, v);
      for (const [k, v] of Object.entries(f.products)) out.set(`${prefix}.products.${k}`, v);
    };
    for (const [t, f] of Object.entries(r.townships)) add(`townships.${t}`, f);
    add('county', r.county);
    return out;
  };
  const a = flat(recorded);
  const b = flat(recomputed);
  const diffs: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()]))
    if (a.get(k) !== b.get(k)) diffs.push(`${k}: ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`);
  return diffs;
}
