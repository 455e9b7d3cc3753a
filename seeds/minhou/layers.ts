/**
 * Synthetic survey layers of the sample county (示例数据): the township layer XZQ and the land-parcel layer
 * DLTB, deterministic, in CGCS2000 3° Gauss–Krüger zone 40 (EPSG:4528, central meridian 120°E, the zone of
 * Minhou at about 119°E). NOT the bureau's survey: invented geometry for a county of the sample's areas.
 *
 * - XZQ: the county a rectangle of the sample's total area, cut into one rectangle per township of exactly
 *   its registered area (squarified), then bent by two shears (x += a·sin(2πy/λ), y += a·sin(2πx/λ)). A shear
 *   keeps every area, so each boundary keeps its township's area (up to the densified outline), and
 *   neighbours keep sharing their edges.
 * - DLTB: per township, year and class of the sample's land use (seeds/minhou/dataset.json), parcels whose
 *   TBDLMJ (m², integers of 100 m²) add up exactly to the class's area. Their DLBM is a code of the class
 *   (coefficients/gep-functional landClasses.sourceCodes); the two forest classes without a code of their own
 *   (针叶林, 针阔混交林: split from 乔木林地 0301 by the forest inventory) are written as 0301.
 */
import { squarify } from '../../src/report/charts/squarify.js';
import { cgcs2000Definition } from '../../src/io/geo/crs.js';
import proj4 from 'proj4';

export const SAMPLE_LAYER_EPSG = 4528;

export interface SampleTownship {
  readonly id: string;
  readonly adminCode: string;
  readonly nameZh: string;
  /** km², as registered (text). */
  readonly areaKm2: string;
}

/** mulberry32: the seeded PRNG of seeds/generate.ts. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** South-west corner of the sample county in zone-40 metres (about 118.9°E, 25.95°N). */
function origin(): [number, number] {
  const p = proj4('+proj=longlat +ellps=GRS80 +no_defs', cgcs2000Definition(SAMPLE_LAYER_EPSG)!);
  const [x, y] = p.forward([118.9, 25.95]);
  return [Math.round(x!), Math.round(y!)];
}

const WIDTH_M = 52_000;

/** Rectangles (zone-40 metres) of the townships, each of its registered area. */
export function townshipTiles(townships: readonly SampleTownship[]) {
  const total = townships.reduce((a, t) => a + Number(t.areaKm2) * 1e6, 0);
  const [x0, y0] = origin();
  return squarify(townships, (t) => Number(t.areaKm2), {
    x: x0,
    y: y0,
    width: WIDTH_M,
    height: total / WIDTH_M,
  });
}

const AMPLITUDE = 900;
const WAVELENGTH = 14_000;
/** Two shears: each keeps areas (Jacobian 1), so their composition does. */
const bend = ([x, y]: readonly [number, number]): [number, number] => {
  const x1 = x + AMPLITUDE * Math.sin((2 * Math.PI * y) / WAVELENGTH);
  return [x1, y + AMPLITUDE * Math.sin((2 * Math.PI * x1) / WAVELENGTH)];
};

/** The outline of a rectangle with a vertex every `step` metres on a grid shared by all townships. */
function densified(
  t: { x: number; y: number; width: number; height: number },
  step = 250,
): [number, number][] {
  const xs = (a: number, b: number) => {
    const out = [a];
    for (let v = Math.ceil(a / step) * step; v < b; v += step) if (v > a) out.push(v);
    return out;
  };
  const [x1, y1, x2, y2] = [t.x, t.y, t.x + t.width, t.y + t.height];
  const ring: [number, number][] = [];
  for (const x of xs(x1, x2)) ring.push([x, y1]);
  for (const y of xs(y1, y2)) ring.push([x2, y]);
  for (const x of xs(x1, x2).map((v) => x1 + x2 - v)) ring.push([x, y2]);
  for (const y of xs(y1, y2).map((v) => y1 + y2 - v)) ring.push([x1, y]);
  return ring;
}

/** XZQ (行政区) features: XZQDM (12 digits), XZQMC, DCMJ (m²), one polygon per township. */
export function sampleXzqFeatures(townships: readonly SampleTownship[]) {
  return townshipTiles(townships).map((tile) => {
    const ring = densified(tile).map(bend);
    return {
      properties: {
        XZQDM: `${tile.item.adminCode}000`,
        XZQMC: tile.item.nameZh,
        DCMJ: (Number(tile.item.areaKm2) * 1e6).toFixed(2),
      },
      geometry: { type: 'Polygon' as const, coordinates: [[...ring, ring[0]!]] },
    };
  });
}

/** A code of the class, as a 三调 DLBM: two-digit codes get a sub-code (05 → 0501), 09 stays 09. */
const dlbmOf = (code: string) => (code.length === 2 && code !== '09' ? `${code}01` : code);

export interface SampleParcel {
  readonly properties: {
    BSM: string;
    DLBM: string;
    ZLDWDM: string;
    ZLDWMC: string;
    TBMJ: string;
    KCMJ: string;
    TBDLMJ: string;
  };
  /** A square of the parcel's area (zone-40 metres), inside its township's rectangle. */
  readonly ring: [number, number][];
}

/**
 * The parcels of one year: for each township and class, `land_area` (hm², 2 decimals) split into parcels of
 * about `parcelHm2` hectares whose TBDLMJ (m²) add up exactly. Farmland parcels carry field ridges: KCMJ
 * 8 % of the parcel (whole m²) and TBMJ = TBDLMJ + KCMJ.
 */
export function* sampleDltbParcels(
  townships: readonly SampleTownship[],
  landUse: ReadonlyMap<string, Readonly<Record<string, string>>>,
  classCodes: ReadonlyMap<string, readonly string[]>,
  options: { parcelHm2?: number; seed?: number } = {},
): Generator<SampleParcel> {
  const avgUnits = Math.max(1, Math.round((options.parcelHm2 ?? 10) * 100)); // in 0.01 hm² = 100 m²
  const tiles = new Map(townshipTiles(townships).map((t) => [t.item.id, t]));
  let bsm = 0;
  for (const t of townships) {
    const areas = landUse.get(t.id);
    if (!areas) continue;
    const tile = tiles.get(t.id)!;
    const rand = prng((options.seed ?? 20211231) ^ Number(t.adminCode));
    let slot = 0;
    const columns = Math.max(1, Math.floor(tile.width / 300));
    for (const [cls, hm2] of Object.entries(areas)) {
      const units = Math.round(Number(hm2) * 100);
      if (units <= 0) continue;
      const codes = (classCodes.get(cls)?.length ? classCodes.get(cls)! : ['0301']).map(dlbmOf);
      const n = Math.min(units, Math.max(1, Math.round(units / avgUnits)));
      const weights = Array.from({ length: n }, () => 0.5 + rand());
      const sum = weights.reduce((a, b) => a + b, 0);
      const parts = weights.map((w) => Math.max(1, Math.floor((units * w) / sum)));
      // the remainder (positive or negative) on the largest part keeps the sum exact
      const largest = parts.indexOf(Math.max(...parts));
      parts[largest]! += units - parts.reduce((a, b) => a + b, 0);
      const farmland = codes.some((c) => c.startsWith('01') || c.startsWith('02'));
      for (const [i, u] of parts.entries()) {
        const m2 = u * 100;
        const kcmj = farmland ? Math.round(m2 * 0.08) : 0;
        const side = Math.sqrt(m2 + kcmj);
        const col = slot % columns;
        const row = Math.floor(slot / columns) % Math.max(1, Math.floor(tile.height / 300));
        slot++;
        const x = tile.x + col * 300;
        const y = tile.y + row * 300;
        const village = String(1 + (slot % 9)).padStart(3, '0');
        yield {
          properties: {
            BSM: String(++bsm),
            DLBM: codes[i % codes.length]!,
            ZLDWDM: `${t.adminCode}${village}`,
            ZLDWMC: `${t.nameZh}${village}村`,
            TBMJ: (m2 + kcmj).toFixed(2),
            KCMJ: kcmj.toFixed(2),
            TBDLMJ: m2.toFixed(2),
          },
          ring: [
            [x, y],
            [x, y + side],
            [x + side, y + side],
            [x + side, y],
          ],
        };
      }
    }
  }
}

// ---- files and the seed step

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBoundaries } from '../../src/io/geo/boundaries.js';
import type { TownshipCode } from '../../src/io/geo/dltb.js';
import type { OpenedLayer } from '../../src/io/geo/layer.js';
import {
  PolygonShapefileWriter,
  cgcs2000ZonePrj,
  shapefileParts,
  zipFiles,
} from '../../src/io/geo/shapefile-write.js';
import type { Boundary } from '../../src/store/geo.js';
import { ROOT } from '../../src/paths.js';

const DATASET = join(ROOT, 'seeds/minhou/dataset.json');

interface DatasetJson {
  townships: { id: string; adminCode?: string; labels: { zh: string }; areaKm2: string }[];
  records: { township: string; year: number; values: { land_area?: Record<string, string> } }[];
}

/** The sample's townships and land use of a year (read from seeds/minhou/dataset.json, never written). */
export function sampleCounty(year = 2021, path = DATASET) {
  const d = JSON.parse(readFileSync(path, 'utf8')) as DatasetJson;
  const townships: SampleTownship[] = d.townships.map((t) => ({
    id: t.id,
    adminCode: t.adminCode!,
    nameZh: t.labels.zh,
    areaKm2: t.areaKm2,
  }));
  const landUse = new Map(
    d.records
      .filter((r) => r.year === year && r.values.land_area)
      .map((r) => [r.township, r.values.land_area!]),
  );
  return { townships, landUse };
}

const DLTB_FIELDS = [
  { name: 'BSM', type: 'C', length: 18 },
  { name: 'DLBM', type: 'C', length: 5 },
  { name: 'ZLDWDM', type: 'C', length: 19 },
  { name: 'ZLDWMC', type: 'C', length: 60 },
  { name: 'TBMJ', type: 'N', length: 19, decimals: 2 },
  { name: 'KCMJ', type: 'N', length: 19, decimals: 2 },
  { name: 'TBDLMJ', type: 'N', length: 19, decimals: 2 },
] as const;

/** Writes the sample DLTB of a year as a zipped shapefile (GBK DBF, as ArcGIS writes it in China). */
export async function writeSampleDltb(
  zipPath: string,
  classCodes: ReadonlyMap<string, readonly string[]>,
  options: { year?: number; parcelHm2?: number; encoding?: 'gbk' | 'utf-8' } = {},
): Promise<number> {
  const { townships, landUse } = sampleCounty(options.year);
  const dir = mkdtempSync(join(tmpdir(), 'sample-dltb-'));
  try {
    const stem = join(dir, 'DLTB');
    const w = new PolygonShapefileWriter(stem, DLTB_FIELDS, {
      encoding: options.encoding ?? 'gbk',
      prj: cgcs2000ZonePrj(40),
    });
    let n = 0;
    for (const p of sampleDltbParcels(townships, landUse, classCodes, options)) {
      w.add([p.ring], p.properties);
      n++;
    }
    w.close();
    await zipFiles(zipPath, shapefileParts(stem, 'DLTB'));
    return n;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the sample XZQ as a zipped shapefile. */
export async function writeSampleXzq(zipPath: string): Promise<void> {
  const { townships } = sampleCounty();
  const dir = mkdtempSync(join(tmpdir(), 'sample-xzq-'));
  try {
    const stem = join(dir, 'XZQ');
    const w = new PolygonShapefileWriter(
      stem,
      [
        { name: 'XZQDM', type: 'C', length: 12 },
        { name: 'XZQMC', type: 'C', length: 100 },
        { name: 'DCMJ', type: 'N', length: 19, decimals: 2 },
      ],
      { encoding: 'gbk', prj: cgcs2000ZonePrj(40) },
    );
    for (const f of sampleXzqFeatures(townships)) w.add(f.geometry.coordinates as never, f.properties);
    w.close();
    await zipFiles(zipPath, shapefileParts(stem, 'XZQ'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sample boundaries as the XZQ import makes them (reprojected, simplified): loaded at seed. */
export async function sampleBoundaries(codes: readonly TownshipCode[]): Promise<Boundary[]> {
  const { townships } = sampleCounty();
  const features = sampleXzqFeatures(townships);
  const layer: OpenedLayer = {
    format: 'geojson',
    crs: `EPSG:${SAMPLE_LAYER_EPSG}`,
    async *features() {
      yield* features;
    },
    close: async () => {},
  };
  const { boundaries } = await readBoundaries(layer, codes, { source: '示例数据 sample XZQ (synthetic)' });
  return boundaries;
}
