/**
 * GeoPackage (.gpkg, OGC 12-128r18): an SQLite file whose feature tables hold each geometry as a
 * "GeoPackageBinary" blob — a small header (magic "GP", version, flags, srs_id, optional envelope) followed
 * by standard WKB. SQLite is sql.js (SQLite compiled to WebAssembly: no native build, 0.7 MB of WASM);
 * WKB ↔ GeoJSON is wkx. The header is read and written by hand (a few bytes, §2.1.3 of the standard).
 *
 * sql.js holds the whole database in its WebAssembly heap (it has no file-backed mode in Node), so a
 * GeoPackage is read whole: files over MAX_GEOPACKAGE_BYTES are refused with a message that asks for a
 * zipped shapefile, which is read record by record from disk. Rows are stepped one at a time through a
 * prepared statement, so the features themselves never pile up in JavaScript memory.
 */
import { readFile, stat } from 'node:fs/promises';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import wkx from 'wkx';
import { LayerError, type LayerFeature, type OpenedLayer } from './layer.js';

/**
 * 512 MB: sql.js copies the file into its WebAssembly heap (≈ 1 × the file) after it was read into a Node
 * buffer (released once opened), so the peak is about twice the file; 512 MB keeps a read near 1 GB on a
 * small server while it covers a county's DLTB (10⁵–10⁶ parcels take roughly 100–500 MB as GeoPackage).
 */
export const MAX_GEOPACKAGE_BYTES = 512 * 1024 * 1024;

let sqlJs: Promise<SqlJsStatic> | undefined;
/** The SQLite engine, loaded once per process. */
export const sqlite = () => (sqlJs ??= initSqlJs());

/** The geometry (GeoJSON, in the layer's CRS) of a GeoPackageBinary blob; null when empty or not parseable. */
export function parseGeoPackageGeometry(blob: Uint8Array): LayerFeature['geometry'] {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) return null; // 'G' 'P'
  const flags = blob[3]!;
  if (flags & 0x10) return null; // the empty-geometry flag
  const envelope = (flags >> 1) & 0x07; // 0: none, 1: xy, 2: xyz, 3: xym, 4: xyzm
  const envelopeBytes = [0, 32, 48, 48, 64][envelope];
  if (envelopeBytes === undefined) return null;
  const wkb = Buffer.from(blob.buffer, blob.byteOffset + 8 + envelopeBytes, blob.length - 8 - envelopeBytes);
  return wkx.Geometry.parse(wkb).toGeoJSON() as LayerFeature['geometry'];
}

/** A GeoPackageBinary blob: header (version 0, little-endian, xy envelope) + WKB of a GeoJSON geometry. */
export function geoPackageGeometry(geometry: { type: string; coordinates?: unknown }, srsId: number): Buffer {
  const wkb = wkx.Geometry.parseGeoJSON(geometry).toWkb();
  const header = Buffer.alloc(8 + 32);
  header.write('GP', 0, 'latin1');
  header[2] = 0; // version 1 (0)
  header[3] = 0b0000_0011; // standard, non-empty, envelope xy (1 << 1), little-endian (1)
  header.writeInt32LE(srsId, 4);
  const [minX, minY, maxX, maxY] = bbox(geometry.coordinates);
  header.writeDoubleLE(minX, 8);
  header.writeDoubleLE(maxX, 16);
  header.writeDoubleLE(minY, 24);
  header.writeDoubleLE(maxY, 32);
  return Buffer.concat([header, wkb]);
}

function bbox(coordinates: unknown): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown) => {
    const a = c as unknown[];
    if (typeof a[0] === 'number') {
      const [x, y] = a as number[];
      b[0] = Math.min(b[0], x!);
      b[1] = Math.min(b[1], y!);
      b[2] = Math.max(b[2], x!);
      b[3] = Math.max(b[3], y!);
    } else a.forEach(walk);
  };
  walk(coordinates);
  return b;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Opens one feature table of a GeoPackage: `layerName` picks it by name prefix (DLTB, XZQ, CJDCQ; case
 * ignored) when the file holds several. The CRS is the table's srs: "EPSG:n" when its organisation is EPSG,
 * else the WKT definition stored in the file.
 */
export async function openGeoPackage(
  path: string,
  fileName: string,
  options: { layerName?: string } = {},
): Promise<OpenedLayer> {
  const size = (await stat(path)).size;
  if (size > MAX_GEOPACKAGE_BYTES)
    throw new LayerError({
      zh: `GeoPackage 超过 ${MAX_GEOPACKAGE_BYTES / 1024 ** 2} MB（整个文件须读入内存）；请在 GIS 软件中导出为压缩的 Shapefile（.zip），它逐条读取`,
      en: `the GeoPackage is larger than ${MAX_GEOPACKAGE_BYTES / 1024 ** 2} MB (it is read into memory whole); export the layer as a zipped shapefile, which is read record by record`,
    });
  const SQL = await sqlite();
  let db: Database;
  try {
    db = new SQL.Database(await readFile(path));
    db.exec('select count(*) from gpkg_contents');
  } catch (e) {
    throw new LayerError({
      zh: `"${fileName}"不是可读取的 GeoPackage：${(e as Error).message}`,
      en: `"${fileName}" is not a readable GeoPackage: ${(e as Error).message}`,
    });
  }
  try {
    const tables = (
      db.exec(
        `select c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.definition
           from gpkg_contents c join gpkg_geometry_columns g on g.table_name = c.table_name
           left join gpkg_spatial_ref_sys s on s.srs_id = g.srs_id
          where c.data_type = 'features' order by c.table_name`,
      )[0]?.values ?? []
    ).map(([table, column, srsId, org, orgId, definition]) => ({
      table: String(table),
      column: String(column),
      srsId: Number(srsId),
      crs:
        String(org ?? '').toUpperCase() === 'EPSG' && Number(orgId) > 0
          ? `EPSG:${Number(orgId)}`
          : definition && String(definition) !== 'undefined'
            ? String(definition)
            : undefined,
    }));
    const wanted = options.layerName?.toLowerCase();
    const chosen =
      tables.length === 1
        ? tables[0]
        : tables.find((t) => wanted && t.table.toLowerCase().startsWith(wanted));
    if (!chosen)
      throw new LayerError(
        tables.length
          ? {
              zh: `GeoPackage 内有多个图层（${tables.map((t) => t.table).join('、')}），未找到 ${options.layerName ?? ''}`,
              en: `the GeoPackage holds several layers (${tables.map((t) => t.table).join(', ')}); ${options.layerName ?? 'which one?'} not found`,
            }
          : { zh: 'GeoPackage 内没有要素图层', en: 'the GeoPackage holds no feature layer' },
      );
    const count = Number(db.exec(`select count(*) from ${quoteIdent(chosen.table)}`)[0]?.values[0]?.[0] ?? 0);
    return {
      crs: chosen.crs,
      format: 'geopackage',
      count,
      async *features() {
        const stmt = db.prepare(`select * from ${quoteIdent(chosen.table)}`);
        try {
          const names = stmt.getColumnNames();
          const g = names.indexOf(chosen.column);
          while (stmt.step()) {
            const row = stmt.get();
            const properties: Record<string, unknown> = {};
            for (let i = 0; i < names.length; i++) if (i !== g) properties[names[i]!] = row[i];
            const blob = row[g];
            // the geometry is parsed only when asked for (a DLTB with TBDLMJ never needs it)
            yield {
              properties,
              get geometry() {
                return blob instanceof Uint8Array ? parseGeoPackageGeometry(blob) : null;
              },
            };
          }
        } finally {
          stmt.free();
        }
      },
      close: async () => db.close(),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

export interface GeoPackageColumn {
  readonly name: string;
  readonly type: 'TEXT' | 'REAL' | 'INTEGER';
}

/** WKT of CGCS2000 geographic (EPSG:4490), the CRS of the stored township boundaries. */
const CGCS2000_WKT =
  'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]';

export interface GeoPackageSrs {
  /** The EPSG code, used as the srs_id. */
  readonly epsg: number;
  readonly name: string;
  /** WKT. */
  readonly definition: string;
}

const CGCS2000: GeoPackageSrs = {
  epsg: 4490,
  name: 'China Geodetic Coordinate System 2000',
  definition: CGCS2000_WKT,
};

/**
 * A GeoPackage with one feature table of (Multi)Polygons, in lon/lat (EPSG:4490) unless another CRS is
 * given, every attribute a column:
 * the minimal tables of the standard (gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns) and the
 * application id "GPKG", so QGIS and GDAL open it.
 */
export async function writeGeoPackage(
  table: string,
  columns: readonly GeoPackageColumn[],
  features: readonly {
    properties: Record<string, string | number | null>;
    geometry: { type: string; coordinates?: unknown };
  }[],
  srs: GeoPackageSrs = CGCS2000,
): Promise<Uint8Array> {
  const SQL = await sqlite();
  const db = new SQL.Database();
  try {
    db.exec(`
      pragma application_id = 1196444487;
      pragma user_version = 10300;
      create table gpkg_spatial_ref_sys (srs_name text not null, srs_id integer primary key,
        organization text not null, organization_coordsys_id integer not null, definition text not null, description text);
      create table gpkg_contents (table_name text not null primary key, data_type text not null, identifier text unique,
        description text default '', last_change datetime not null default (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x double, min_y double, max_x double, max_y double, srs_id integer references gpkg_spatial_ref_sys(srs_id));
      create table gpkg_geometry_columns (table_name text not null, column_name text not null,
        geometry_type_name text not null, srs_id integer not null, z tinyint not null, m tinyint not null,
        primary key (table_name, column_name));`);
    db.run('insert into gpkg_spatial_ref_sys values (?, ?, ?, ?, ?, ?)', [
      'Undefined cartesian SRS',
      -1,
      'NONE',
      -1,
      'undefined',
      null,
    ]);
    db.run('insert into gpkg_spatial_ref_sys values (?, ?, ?, ?, ?, ?)', [
      'Undefined geographic SRS',
      0,
      'NONE',
      0,
      'undefined',
      null,
    ]);
    db.run('insert into gpkg_spatial_ref_sys values (?, ?, ?, ?, ?, ?)', [
      srs.name,
      srs.epsg,
      'EPSG',
      srs.epsg,
      srs.definition,
      null,
    ]);
    const [minX, minY, maxX, maxY] = bbox(features.map((f) => f.geometry.coordinates));
    db.run(
      `insert into gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id)
       values (?, 'features', ?, ?, ?, ?, ?, ?)`,
      [table, table, minX, minY, maxX, maxY, srs.epsg],
    );
    db.run(`insert into gpkg_geometry_columns values (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)`, [
      table,
      srs.epsg,
    ]);
    db.exec(
      `create table ${quoteIdent(table)} (fid integer primary key autoincrement, geom MULTIPOLYGON, ${columns
        .map((c) => `${quoteIdent(c.name)} ${c.type}`)
        .join(', ')})`,
    );
    const insert = db.prepare(
      `insert into ${quoteIdent(table)} (geom, ${columns.map((c) => quoteIdent(c.name)).join(', ')})
       values (?, ${columns.map(() => '?').join(', ')})`,
    );
    try {
      db.exec('begin');
      for (const f of features) {
        const multi =
          f.geometry.type === 'Polygon'
            ? { type: 'MultiPolygon', coordinates: [f.geometry.coordinates] }
            : f.geometry;
        insert.run([
          geoPackageGeometry(multi, srs.epsg),
          ...columns.map((c) => f.properties[c.name] ?? null),
        ]);
      }
      db.exec('commit');
    } finally {
      insert.free();
    }
    return db.export();
  } finally {
    db.close();
  }
}

/**
 * A GeoJSON FeatureCollection (lon/lat) as a GeoPackage of one table named after it: a column per property
 * (REAL when every value given is a number, else TEXT), in the order of their first appearance.
 */
export function featureCollectionToGeoPackage(doc: {
  name: string;
  features: readonly {
    properties: Record<string, string | number | null>;
    geometry: { type: string; coordinates?: unknown };
  }[];
}): Promise<Uint8Array> {
  const kinds = new Map<string, GeoPackageColumn['type']>();
  for (const f of doc.features)
    for (const [k, v] of Object.entries(f.properties)) {
      if (v === null || v === undefined) {
        if (!kinds.has(k)) kinds.set(k, 'REAL');
      } else if (typeof v !== 'number') kinds.set(k, 'TEXT');
      else if (!kinds.has(k)) kinds.set(k, 'REAL');
    }
  return writeGeoPackage(
    doc.name.replace(/[^A-Za-z0-9_]/g, '_'),
    [...kinds].map(([name, type]) => ({ name, type })),
    doc.features,
  );
}
