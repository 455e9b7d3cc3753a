/**
 * The land-parcel layer DLTB (地类图斑) of the third national land survey (三调) or a yearly update
 * (年度变更调查) → land-use areas per township and land class, as survey records for the import's
 * preview and write path. One pass over the parcels, memory bounded by townships × classes.
 */
import { Dec, parseDecimal, type Dec as DecT } from '../../domain/decimal.js';
import type { RawRecord } from '../../domain/inputs.js';
import {
  M2_PER_HM2,
  ParcelAggregator,
  parcelArea,
  planarArea,
  reconcile,
  type ParcelFacts,
  type ParcelSums,
} from '../../domain/land-parcels.js';
import type { CompiledSet } from '../../domain/model.js';
import { splitTreeForest, type ForestShares } from '../../domain/forest-split.js';
import { CHINA_ALBERS, CrsError, resolveCrs } from './crs.js';
import { LayerError, type LayerFeature, type OpenedLayer } from './layer.js';
import proj4 from 'proj4';

export interface TownshipCode {
  readonly id: string;
  /** 行政区划代码, 9 digits. */
  readonly adminCode: string;
  readonly areaKm2: DecT;
}

export interface DltbSummary {
  readonly sums: ParcelSums;
  readonly crs: string;
  readonly encoding?: OpenedLayer['encoding'];
  readonly reconciliation: ReturnType<typeof reconcile>;
  /** Classes of the set that no DLBM code maps to (kept as stored, e.g. 针叶林 split by the forest inventory). */
  readonly classesNotInLayer: readonly string[];
  /**
   * 乔木林地 0301 split by the forest inventory's shares (forest-split.ts): the class 0301 maps to, the
   * classes it was split into, the townships split and those with 0301 area but no shares (kept whole in
   * the 0301 class). Absent: no share table was given.
   */
  readonly forestSplit?: {
    readonly tree: string;
    readonly classes: readonly string[];
    readonly split: readonly string[];
    readonly unsplit: readonly string[];
  };
}

/** The summary with each township's 0301 area split by its forest-type shares. */
export function withForestShares(summary: DltbSummary, shares: ForestShares, tree: string): DltbSummary {
  const r = splitTreeForest(summary.sums.byTownship, shares, tree);
  const classes = [...new Set([...shares.values()].flatMap((row) => [...row.keys()]))].filter(
    (c) => c !== tree,
  );
  return {
    ...summary,
    sums: { ...summary.sums, byTownship: r.byTownship },
    forestSplit: { tree, classes, split: r.split, unsplit: r.unsplit },
  };
}

const field = (props: Record<string, unknown>, name: string): unknown => {
  if (name in props) return props[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(props)) if (k.toLowerCase() === lower) return props[k];
  return undefined;
};

const decimalField = (props: Record<string, unknown>, name: string): DecT | undefined => {
  const v = field(props, name);
  if (v === null || v === undefined || v === '') return undefined;
  // a DBF numeric field arrives as a JS number parsed from its text: Decimal reads back that shortest text
  return parseDecimal(typeof v === 'number' ? String(v) : String(v).trim());
};

const textField = (props: Record<string, unknown>, name: string): string | undefined => {
  const v = field(props, name);
  return v === null || v === undefined ? undefined : String(v).trim() || undefined;
};

/**
 * Every feature of a layer with its position, reporting progress every `every` features. Between reports it
 * lets the event loop run (a GeoPackage's rows are stepped synchronously), so the server keeps answering —
 * the progress requests among others — while a layer is read.
 */
async function* withProgress(
  layer: OpenedLayer,
  onProgress: ((n: number) => void) | undefined,
  every = 5_000,
): AsyncGenerator<[number, LayerFeature]> {
  let n = 0;
  for await (const f of layer.features()) {
    n++;
    if (n % every === 0) {
      onProgress?.(n);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    yield [n, f];
  }
  onProgress?.(n);
}

/** A parcel of a DLTB layer as read: its facts, its position in the layer and its id (BSM) if it has one. */
export interface DltbParcel extends ParcelFacts {
  readonly n: number;
  readonly bsm?: string;
}

/**
 * The parcels of a DLTB layer, one at a time. A parcel without DLBM or ZLDWDM, or with a negative area,
 * stops the read with its number (the bureau's layer is checked, not guessed).
 */
export async function* dltbParcels(
  layer: OpenedLayer,
  options: { onProgress?: (parcels: number) => void; crs?: string } = {},
): AsyncGenerator<DltbParcel> {
  let crs;
  try {
    crs = resolveCrs(options.crs ?? layer.crs);
  } catch (e) {
    throw new LayerError({
      zh: `无法识别图层坐标系：${(e as CrsError).message}`,
      en: `the layer's coordinate system is not recognised: ${(e as CrsError).message}`,
    });
  }
  // a geographic layer's geometry area is taken in an equal-area projection
  const toMetres = crs.projected ? undefined : proj4(crs.definition, CHINA_ALBERS);
  const geometryArea = (f: LayerFeature) => () => {
    const g = f.geometry;
    if (!g) return undefined;
    const projected = toMetres ? projectCoordinates(g, (xy) => toMetres.forward(xy)) : g;
    const a = planarArea(projected);
    return a === undefined ? undefined : new Dec(a.toFixed(2));
  };
  for await (const [n, f] of withProgress(layer, options.onProgress)) {
    const p = f.properties ?? {};
    const dlbm = textField(p, 'DLBM');
    const zldwdm = textField(p, 'ZLDWDM');
    const at = { zh: `第 ${n} 个图斑`, en: `parcel ${n}` };
    if (!dlbm || !zldwdm)
      throw new LayerError({
        zh: `${at.zh}缺少${!dlbm ? '地类编码 DLBM' : '坐落单位代码 ZLDWDM'}`,
        en: `${at.en} has no ${!dlbm ? 'land-class code DLBM' : 'location code ZLDWDM'}`,
      });
    // TBDLMJ, the usual case, is the only field parsed; TBMJ, KCMJ and the polygon only when it is blank
    const tbdlmj = decimalField(p, 'TBDLMJ');
    const area = tbdlmj
      ? { area: tbdlmj, source: 'TBDLMJ' as const }
      : parcelArea({
          tbmj: decimalField(p, 'TBMJ'),
          kcmj: decimalField(p, 'KCMJ'),
          geometryArea: geometryArea(f),
        });
    if (!area)
      throw new LayerError({
        zh: `${at.zh}（${zldwdm}，${dlbm}）没有面积：缺少 TBDLMJ、TBMJ 与多边形`,
        en: `${at.en} (${zldwdm}, ${dlbm}) has no area: no TBDLMJ, TBMJ or polygon`,
      });
    if (area.area.isNeg())
      throw new LayerError({
        zh: `${at.zh}（${zldwdm}，${dlbm}）面积为负：${area.area.toString()} m²`,
        en: `${at.en} (${zldwdm}, ${dlbm}) has a negative area: ${area.area.toString()} m²`,
      });
    yield { n, zldwdm, dlbm, area: area.area, source: area.source, bsm: textField(p, 'BSM') };
  }
}

/** Sums a DLTB layer by township and class; codes that match no township or class are listed. */
export async function readDltb(
  layer: OpenedLayer,
  set: CompiledSet,
  townships: readonly TownshipCode[],
  options: { onProgress?: (parcels: number) => void; crs?: string } = {},
): Promise<DltbSummary> {
  const byCode = new Map(townships.map((t) => [t.adminCode, t.id]));
  const aggregator = new ParcelAggregator(set.landClasses, byCode);
  for await (const parcel of dltbParcels(layer, options)) aggregator.add(parcel);
  const sums = aggregator.result();
  return {
    sums,
    crs: resolveCrs(options.crs ?? layer.crs).name,
    encoding: layer.encoding,
    reconciliation: reconcile(
      sums.byTownship,
      townships.filter((t) => sums.byTownship.has(t.id)),
    ),
    classesNotInLayer: set.landClasses.filter((c) => !c.sourceCodes.length).map((c) => c.id),
  };
}

/**
 * Survey records of one year from the sums: land_area (hm², exact) of every class the layer can hold, 0 for
 * a class with codes but no parcels in the township; classes without codes are left out (kept as stored).
 */
export function landUseRecords(summary: DltbSummary, set: CompiledSet, year: number): RawRecord[] {
  const coded = set.landClasses.filter((c) => c.sourceCodes.length);
  const split = new Set(summary.forestSplit?.split ?? []);
  // a township split by the forest inventory also gets the classes split from 0301
  const splitInto = set.landClasses.filter((c) => summary.forestSplit?.classes.includes(c.id));
  return [...summary.sums.byTownship].map(([township, byClass]) => ({
    township,
    year,
    values: {
      land_area: Object.fromEntries(
        [...coded, ...(split.has(township) ? splitInto : [])].map((c) => [
          c.id,
          (byClass.get(c.id) ?? new Dec(0)).div(M2_PER_HM2).toString(),
        ]),
      ),
    },
    origin: { sheet: 'DLTB' },
  }));
}

/** A copy of a geometry with every position mapped. */
export function projectCoordinates<G extends { type: string; coordinates?: unknown }>(
  g: G,
  f: (xy: [number, number]) => number[],
): G {
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? f(c as [number, number]) : (c as unknown[]).map(walk);
  return { ...g, coordinates: walk(g.coordinates) };
}
