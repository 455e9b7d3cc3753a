/**
 * Township boundaries from the bureau's administrative layers: XZQ (行政区, one polygon per township) or
 * CJDCQ (村级调查区, villages, dissolved to townships by the first 9 digits of their code). Each boundary is
 * reprojected from the layer's CRS (CGCS2000 Gauss–Krüger, read from the .prj or given) to lon/lat with
 * proj4, its area taken in the projected CRS, and the set simplified for display with topojson (shared
 * edges stay shared).
 */
import proj4 from 'proj4';
import { topology } from 'topojson-server';
import { feature, merge } from 'topojson-client';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { planarArea } from '../../domain/land-parcels.js';
import type { Boundary } from '../../store/geo.js';
import { CHINA_ALBERS, CrsError, resolveCrs, toLonLat } from './crs.js';
import { projectCoordinates, type TownshipCode } from './dltb.js';
import { LayerError, type OpenedLayer } from './layer.js';

/** The code fields tried, in order: XZQDM (XZQ), ZLDWDM (CJDCQ), then generic names. */
const CODE_FIELDS = ['XZQDM', 'ZLDWDM', 'DWDM', 'XZDM', 'CODE'];

export interface BoundaryImport {
  readonly boundaries: Boundary[];
  /** Codes (9 digits) of features no township has, with how many features. */
  readonly unmatched: { code: string; count: number }[];
  /** Registered townships the layer does not cover. */
  readonly missing: string[];
  readonly crs: string;
}

/** Lon/lat area (m²) in an equal-area projection: the check against the registered area. */
export function lonLatAreaM2(g: { type: string; coordinates?: unknown }): number {
  const albers = proj4('+proj=longlat +ellps=GRS80 +no_defs', CHINA_ALBERS);
  return planarArea(projectCoordinates(g, (xy) => albers.forward(xy))) ?? 0;
}

/**
 * Reads the boundaries. `keep` is the share of the (non-shared) vertices kept by the simplification
 * (0 < keep ≤ 1; 1 keeps all).
 */
export async function readBoundaries(
  layer: OpenedLayer,
  townships: readonly TownshipCode[],
  options: { crs?: string; keep?: number; source: string },
): Promise<BoundaryImport> {
  let crs;
  try {
    crs = resolveCrs(options.crs ?? layer.crs);
  } catch (e) {
    throw new LayerError({
      zh: `无法识别图层坐标系：${(e as CrsError).message}`,
      en: `the layer's coordinate system is not recognised: ${(e as CrsError).message}`,
    });
  }
  const project = toLonLat(crs.definition);
  const byCode = new Map(townships.map((t) => [t.adminCode, t.id]));
  const features: Feature<Polygon | MultiPolygon, { township: string }>[] = [];
  const areas = new Map<string, number>();
  const unmatched = new Map<string, number>();
  let n = 0;
  for await (const f of layer.features()) {
    n++;
    const props = f.properties ?? {};
    const key = Object.keys(props).find((k) => CODE_FIELDS.includes(k.toUpperCase()));
    const code = key
      ? String(props[key] ?? '')
          .trim()
          .slice(0, 9)
      : '';
    if (!code)
      throw new LayerError({
        zh: `第 ${n} 个要素缺少行政区划代码（${CODE_FIELDS.join('、')}）`,
        en: `feature ${n} has no administrative code (${CODE_FIELDS.join(', ')})`,
      });
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon'))
      throw new LayerError({
        zh: `第 ${n} 个要素（${code}）不是多边形`,
        en: `feature ${n} (${code}) is not a polygon`,
      });
    const township = byCode.get(code);
    if (!township) {
      unmatched.set(code, (unmatched.get(code) ?? 0) + 1);
      continue;
    }
    const lonLat = projectCoordinates(g, project) as Polygon | MultiPolygon;
    const area = crs.projected ? planarArea(g)! : lonLatAreaM2(lonLat);
    areas.set(township, (areas.get(township) ?? 0) + area);
    features.push({ type: 'Feature', properties: { township }, geometry: lonLat });
  }
  if (!features.length)
    throw new LayerError({
      zh: '图层中没有与乡镇行政区划代码相符的多边形',
      en: "no polygon's code matches a township's administrative code",
    });
  const collection: FeatureCollection<Polygon | MultiPolygon, { township: string }> = {
    type: 'FeatureCollection',
    features,
  };
  // quantised to ~1e-5° (about 1 m): shared edges become shared arcs, so simplification keeps them shared
  type Objects = { townships: GeometryCollection<{ township: string }> };
  let topo = topology({ townships: collection }, 1e6) as unknown as Topology<Objects>;
  const keep = options.keep ?? 0.1;
  if (keep < 1) {
    const pre = presimplify(topo as never) as unknown as Topology<Objects>;
    topo = simplify(pre as never, quantile(pre as never, 1 - keep)) as unknown as Topology<Objects>;
  }
  const objects = topo.objects.townships.geometries;
  const townshipOf = (o: (typeof objects)[number]) => (o.properties as { township: string }).township;
  const ids = [...new Set(objects.map(townshipOf))];
  const boundaries: Boundary[] = ids.map((id) => {
    // villages of one township (CJDCQ) dissolve into one (multi)polygon
    const parts = objects.filter((o) => townshipOf(o) === id);
    const geometry =
      parts.length === 1
        ? (feature(topo, parts[0]!) as Feature<Polygon | MultiPolygon>).geometry
        : (merge(topo, parts as never) as MultiPolygon);
    return {
      township: id,
      geometry: rewindForD3(geometry) as Boundary['geometry'],
      areaM2: areas.get(id)!.toFixed(2),
      source: options.source,
    };
  });
  return {
    boundaries,
    unmatched: [...unmatched]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    missing: townships.filter((t) => !ids.includes(t.id)).map((t) => t.id),
    crs: crs.name,
  };
}

/** d3-geo's winding: outer rings clockwise, holes counter-clockwise (in lon/lat, north up). */
export function rewindForD3(g: Polygon | MultiPolygon): Polygon | MultiPolygon {
  const signed = (ring: number[][]) => {
    let s = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
      s += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
    return s;
  };
  const polygon = (rings: number[][][]) =>
    rings.map((r, i) => ((i === 0) === signed(r) < 0 ? r : [...r].reverse()));
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: polygon(g.coordinates) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map(polygon) };
}
