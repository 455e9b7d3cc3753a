/**
 * Land-parcel (三调 DLTB 地类图斑) aggregation: parcels summed by township and land class.
 * A parcel's township is ZLDWDM (坐落单位代码, 12 digits) cut to its first 9 digits, matched to the
 * township's 行政区划代码; its class is DLBM (地类编码, GB/T 21010) matched through the set's sourceCodes,
 * the longest code first ('1109' before '11'). Areas are exact decimals in m² as the layer gives them.
 * Pure: no I/O.
 */
import { Dec, ZERO } from './decimal.js';

export interface LandClassCodes {
  readonly id: string;
  readonly sourceCodes: readonly string[];
}

/** code → class, tried longest code first: classify('110101') finds '1101' before '11'. */
export function codeClassifier(classes: readonly LandClassCodes[]): (dlbm: string) => string | undefined {
  const codes = classes
    .flatMap((c) => c.sourceCodes.map((code) => ({ code, id: c.id })))
    .sort((a, b) => b.code.length - a.code.length || a.code.localeCompare(b.code));
  const cache = new Map<string, string | undefined>();
  return (dlbm) => {
    if (cache.has(dlbm)) return cache.get(dlbm);
    const found = codes.find((c) => dlbm.startsWith(c.code))?.id;
    cache.set(dlbm, found);
    return found;
  };
}

/** Where a parcel's area came from (said in the preview). */
export type AreaSource = 'TBDLMJ' | 'TBMJ-KCMJ' | 'geometry';

/**
 * A parcel's land-class area (m²): TBDLMJ (图斑地类面积, net of field ridges) when given, else TBMJ − KCMJ
 * (图斑面积 − 扣除地类面积; KCMJ blank counts as 0), else the geometry's planar area in the layer's projected CRS.
 */
export function parcelArea(p: {
  tbdlmj?: Dec;
  tbmj?: Dec;
  kcmj?: Dec;
  geometryArea?: () => Dec | undefined;
}): { area: Dec; source: AreaSource } | undefined {
  if (p.tbdlmj) return { area: p.tbdlmj, source: 'TBDLMJ' };
  if (p.tbmj) return { area: p.tbmj.minus(p.kcmj ?? ZERO), source: 'TBMJ-KCMJ' };
  const g = p.geometryArea?.();
  return g ? { area: g, source: 'geometry' } : undefined;
}

/** Planar area of a ring by the shoelace formula (coordinates in metres), always ≥ 0. */
export function ringArea(ring: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++)
    s += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  return Math.abs(s) / 2;
}

/** Planar area (m²) of a Polygon or MultiPolygon in a projected CRS: outer rings minus holes. */
export function planarArea(
  geometry: { type: string; coordinates?: unknown } | null | undefined,
): number | undefined {
  if (!geometry) return undefined;
  const polygon = (rings: number[][][]) =>
    rings.reduce((a, ring, i) => (i === 0 ? a + ringArea(ring) : a - ringArea(ring)), 0);
  if (geometry.type === 'Polygon') return polygon(geometry.coordinates as number[][][]);
  if (geometry.type === 'MultiPolygon')
    return (geometry.coordinates as number[][][][]).reduce((a, p) => a + polygon(p), 0);
  return undefined;
}

export interface ParcelFacts {
  /** ZLDWDM as given. */
  readonly zldwdm: string;
  readonly dlbm: string;
  readonly area: Dec;
  readonly source: AreaSource;
}

/** Parcels not imported, grouped by why and by code: how many and their area (m²). */
export interface UnmatchedGroup {
  readonly reason: 'township' | 'class';
  /** The township code (9 digits) or the DLBM. */
  readonly code: string;
  readonly count: number;
  readonly areaM2: Dec;
}

export interface ParcelSums {
  /** township id → class id → m² */
  readonly byTownship: ReadonlyMap<string, ReadonlyMap<string, Dec>>;
  readonly unmatched: readonly UnmatchedGroup[];
  readonly parcels: number;
  readonly areaSources: Readonly<Record<AreaSource, number>>;
}

/**
 * Accumulates parcels one at a time (memory bounded by townships × classes + unmatched codes).
 * Township codes are the first 9 digits of ZLDWDM; a code not among `townshipByCode` and a DLBM no class
 * takes are listed, never dropped silently.
 */
export class ParcelAggregator {
  private readonly sums = new Map<string, Map<string, Dec>>();
  private readonly missed = new Map<
    string,
    { reason: 'township' | 'class'; code: string; count: number; area: Dec }
  >();
  private count = 0;
  private readonly sources: Record<AreaSource, number> = { TBDLMJ: 0, 'TBMJ-KCMJ': 0, geometry: 0 };
  private readonly classify: (dlbm: string) => string | undefined;

  constructor(
    classes: readonly LandClassCodes[],
    private readonly townshipByCode: ReadonlyMap<string, string>,
  ) {
    this.classify = codeClassifier(classes);
  }

  add(p: ParcelFacts): void {
    this.count++;
    this.sources[p.source]++;
    const code9 = p.zldwdm.trim().slice(0, 9);
    const township = this.townshipByCode.get(code9);
    const cls = this.classify(p.dlbm.trim());
    if (!township) return this.miss('township', code9, p.area);
    if (!cls) return this.miss('class', p.dlbm.trim(), p.area);
    const row = this.sums.get(township) ?? new Map<string, Dec>();
    this.sums.set(township, row);
    row.set(cls, (row.get(cls) ?? ZERO).plus(p.area));
  }

  private miss(reason: 'township' | 'class', code: string, area: Dec) {
    const key = `${reason}|${code}`;
    const m = this.missed.get(key) ?? { reason, code, count: 0, area: ZERO };
    m.count++;
    m.area = m.area.plus(area);
    this.missed.set(key, m);
  }

  result(): ParcelSums {
    return {
      byTownship: this.sums,
      unmatched: [...this.missed.values()]
        .map((m) => ({ reason: m.reason, code: m.code, count: m.count, areaM2: m.area }))
        .sort((a, b) => a.reason.localeCompare(b.reason) || a.code.localeCompare(b.code)),
      parcels: this.count,
      areaSources: { ...this.sources },
    };
  }
}

/** 1 hm² = 10 000 m². */
export const M2_PER_HM2 = new Dec(10_000);

/**
 * Per township: the layer's total (hm²) against the registered area (km² × 100 hm²), and the difference.
 */
export function reconcile(
  sums: ReadonlyMap<string, ReadonlyMap<string, Dec>>,
  registered: readonly { id: string; areaKm2: Dec }[],
): { township: string; layerHm2: Dec; registeredHm2: Dec; differenceHm2: Dec }[] {
  return registered.map((t) => {
    const layerHm2 = [...(sums.get(t.id)?.values() ?? [])].reduce((a, b) => a.plus(b), ZERO).div(M2_PER_HM2);
    const registeredHm2 = t.areaKm2.times(100);
    return { township: t.id, layerHm2, registeredHm2, differenceHm2: layerHm2.minus(registeredHm2) };
  });
}
