/**
 * Coordinate reference systems of the bureau's layers: CGCS2000 Gauss–Krüger zones (3° and 6°, with or
 * without the zone number in the easting) by EPSG code, any WKT a .prj holds (proj4 parses it), and
 * CGCS2000 / WGS 84 geographic. Reprojection to lon/lat is proj4's.
 */
import proj4 from 'proj4';

const GRS80_TMERC = (lon0: number, x0: number) =>
  `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 +ellps=GRS80 +units=m +no_defs`;

/** proj4 definitions of the CGCS2000 projected systems (EPSG 4491–4554) and geographic 4490. */
export function cgcs2000Definition(epsg: number): string | undefined {
  if (epsg === 4490 || epsg === 4326) return '+proj=longlat +ellps=GRS80 +no_defs';
  // 6° zones 13–23 with the zone number (4491–4501), then by central meridian (4502–4512)
  if (epsg >= 4491 && epsg <= 4501) {
    const zone = epsg - 4491 + 13;
    return GRS80_TMERC(zone * 6 - 3, zone * 1_000_000 + 500_000);
  }
  if (epsg >= 4502 && epsg <= 4512) return GRS80_TMERC(75 + (epsg - 4502) * 6, 500_000);
  // 3° zones 25–45 with the zone number (4513–4533: zone 40 = 4528, central meridian 120°E), then by CM (4534–4554)
  if (epsg >= 4513 && epsg <= 4533) {
    const zone = epsg - 4513 + 25;
    return GRS80_TMERC(zone * 3, zone * 1_000_000 + 500_000);
  }
  if (epsg >= 4534 && epsg <= 4554) return GRS80_TMERC(75 + (epsg - 4534) * 3, 500_000);
  return undefined;
}

export class CrsError extends Error {}

/**
 * A layer's CRS from "EPSG:n", a proj4 string or a WKT (.prj); undefined input: the coordinates must be lon/lat.
 * Returns the proj4 definition to use and whether the CRS is projected (metres).
 */
export function resolveCrs(text: string | undefined): {
  definition: string;
  projected: boolean;
  name: string;
} {
  const t = text?.trim();
  if (!t) return { definition: cgcs2000Definition(4490)!, projected: false, name: 'EPSG:4490' };
  const epsg = /^(?:EPSG:|urn:ogc:def:crs:EPSG::)(\d+)$/i.exec(t);
  if (epsg) {
    const def = cgcs2000Definition(Number(epsg[1]));
    if (!def) throw new CrsError(`EPSG:${epsg[1]}`);
    return { definition: def, projected: !def.includes('longlat'), name: `EPSG:${epsg[1]}` };
  }
  if (/OGC:(1\.3:)?CRS84$/i.test(t))
    return { definition: cgcs2000Definition(4326)!, projected: false, name: 'CRS84' };
  try {
    const p = proj4(t, 'EPSG:4326');
    // a projected CRS: metres far beyond 180
    const projected = /^\s*PROJCS|^\s*PROJCRS|\+proj=(?!longlat)/i.test(t);
    void p;
    const name =
      /^\s*PROJ(?:CS|CRS)\["([^"]+)"/i.exec(t)?.[1] ??
      /^\s*GEOG(?:CS|CRS)\["([^"]+)"/i.exec(t)?.[1] ??
      t.slice(0, 40);
    return { definition: t, projected, name };
  } catch (e) {
    throw new CrsError((e as Error).message);
  }
}

/** A function from the layer's coordinates to [lon, lat] (identity for a geographic layer). */
export function toLonLat(definition: string): (xy: readonly number[]) => [number, number] {
  const converter = proj4(definition, '+proj=longlat +ellps=GRS80 +no_defs');
  return (xy) => converter.forward([xy[0]!, xy[1]!]) as [number, number];
}

/** Albers equal-area for China (25°N, 47°N, CM 105°E): areas of lon/lat geometries in m². */
export const CHINA_ALBERS =
  '+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs';
