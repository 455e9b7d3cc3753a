/**
 * A DLTB layer as GeoPackage: a hand-made .gpkg (CGCS2000 zone 40, EPSG:4528) of five parcels read through
 * the same openLayer → readDltb path as a shapefile, with areas worked out by hand; the GeoPackageBinary
 * header; the per-township export read back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDltb } from '../../src/io/geo/dltb.js';
import { openLayer, LayerError } from '../../src/io/geo/layer.js';
import {
  geoPackageGeometry,
  parseGeoPackageGeometry,
  writeGeoPackage,
  type GeoPackageColumn,
} from '../../src/io/geo/geopackage.js';
import { cgcs2000ZonePrj } from '../../src/io/geo/shapefile-write.js';
import { Dec, set } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gpkg-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A side × side m square at (x, y) in zone-40 metres. */
const square = (x: number, y: number, side = 100) => ({
  type: 'Polygon',
  coordinates: [
    [
      [40_400_000 + x, 2_890_000 + y],
      [40_400_000 + x, 2_890_000 + y + side],
      [40_400_000 + x + side, 2_890_000 + y + side],
      [40_400_000 + x + side, 2_890_000 + y],
      [40_400_000 + x, 2_890_000 + y],
    ],
  ],
});

const COLUMNS: GeoPackageColumn[] = [
  { name: 'BSM', type: 'TEXT' },
  { name: 'DLBM', type: 'TEXT' },
  { name: 'ZLDWDM', type: 'TEXT' },
  { name: 'ZLDWMC', type: 'TEXT' },
  { name: 'TBMJ', type: 'REAL' },
  { name: 'KCMJ', type: 'REAL' },
  { name: 'TBDLMJ', type: 'REAL' },
];

const PARCELS = [
  // ganzhe (350121100): paddy 12 000.5 m²; dry_farmland 0102 by TBMJ − KCMJ = 5 000 − 400.4 = 4 599.6 m²
  {
    BSM: '1',
    DLBM: '0101',
    ZLDWDM: '350121100201',
    ZLDWMC: '甘蔗村',
    TBMJ: 12000.5,
    KCMJ: 0,
    TBDLMJ: 12000.5,
  },
  { BSM: '2', DLBM: '0102', ZLDWDM: '350121100201', ZLDWMC: '甘蔗村', TBMJ: 5000, KCMJ: 400.4, TBDLMJ: null },
  // baisha (350121101): forest 0301 30 000 m²; 0103 without any area field: its polygon (below)
  { BSM: '3', DLBM: '0301', ZLDWDM: '350121101001', ZLDWMC: '白沙村', TBMJ: 30000, KCMJ: 0, TBDLMJ: 30000 },
  { BSM: '4', DLBM: '0103', ZLDWDM: '350121101001', ZLDWMC: '白沙村', TBMJ: null, KCMJ: null, TBDLMJ: null },
  // 1301 takes no class
  { BSM: '5', DLBM: '1301', ZLDWDM: '350121101002', ZLDWMC: '某村', TBMJ: 700, KCMJ: 0, TBDLMJ: 700 },
];

const TOWNSHIPS = [
  { id: 'ganzhe', adminCode: '350121100', areaKm2: new Dec('0.03') },
  { id: 'baisha', adminCode: '350121101', areaKm2: new Dec('0.05') },
];

describe('GeoPackage layers', () => {
  it('reads and writes the GeoPackageBinary header around the WKB', () => {
    const g = square(0, 0);
    const blob = geoPackageGeometry(g, 4528);
    expect(blob.subarray(0, 2).toString('latin1')).toBe('GP');
    expect(blob.readInt32LE(4)).toBe(4528);
    // envelope xy: minX, maxX, minY, maxY
    expect([
      blob.readDoubleLE(8),
      blob.readDoubleLE(16),
      blob.readDoubleLE(24),
      blob.readDoubleLE(32),
    ]).toEqual([40_400_000, 40_400_100, 2_890_000, 2_890_100]);
    expect(parseGeoPackageGeometry(blob)).toEqual(g);
    // the empty flag (bit 4) gives no geometry
    const empty = Buffer.from(blob);
    empty[3] = empty[3]! | 0x10;
    expect(parseGeoPackageGeometry(empty)).toBeNull();
  });

  it('sums a DLTB GeoPackage by township and class, by hand', async () => {
    const bytes = await writeGeoPackage(
      'DLTB',
      COLUMNS,
      PARCELS.map((p, i) => ({
        properties: p,
        geometry: i === 3 ? square(1000, 0, 150) : square(i * 200, 0),
      })),
      { epsg: 4528, name: 'CGCS2000 / 3-degree Gauss-Kruger zone 40', definition: cgcs2000ZonePrj(40) },
    );
    const path = join(dir, 'dltb.gpkg');
    writeFileSync(path, bytes);
    const layer = await openLayer(path, 'DLTB.gpkg', { layerName: 'DLTB' });
    expect(layer.format).toBe('geopackage');
    expect(layer.crs).toBe('EPSG:4528');
    const summary = await readDltb(layer, set, TOWNSHIPS);
    await layer.close();
    const a = summary.sums.byTownship.get('ganzhe')!;
    const b = summary.sums.byTownship.get('baisha')!;
    expect(a.get('paddy')!.toString()).toBe('12000.5');
    expect(a.get('dry_farmland')!.toString()).toBe('4599.6');
    expect(b.get('forest_broadleaf')!.toString()).toBe('30000');
    // the polygon of parcel 4: 150 m × 150 m = 22 500 m²
    expect(b.get('dry_farmland')!.toString()).toBe('22500');
    expect(summary.sums.unmatched.map((u) => [u.code, u.count, u.areaM2.toString()])).toEqual([
      ['1301', 1, '700'],
    ]);
    expect(summary.sums.areaSources).toEqual({ TBDLMJ: 3, 'TBMJ-KCMJ': 1, geometry: 1 });
  });

  it('reports progress while it reads, and the layer count up front', async () => {
    // 12 000 parcels of 1 m² paddy in ganzhe: progress at 5 000, 10 000 and the end, 12 000 m² in all
    const bytes = await writeGeoPackage(
      'DLTB',
      COLUMNS,
      Array.from({ length: 12_000 }, (_, i) => ({
        properties: { ...PARCELS[0]!, BSM: String(i), TBMJ: 1, TBDLMJ: 1 },
        geometry: square(i, 0, 1),
      })),
      { epsg: 4528, name: 'CGCS2000 / 3-degree Gauss-Kruger zone 40', definition: cgcs2000ZonePrj(40) },
    );
    const path = join(dir, 'many.gpkg');
    writeFileSync(path, bytes);
    const layer = await openLayer(path, 'DLTB.gpkg');
    expect(layer.count).toBe(12_000);
    const seen: number[] = [];
    const summary = await readDltb(layer, set, TOWNSHIPS, { onProgress: (n) => seen.push(n) });
    await layer.close();
    expect(seen).toEqual([5_000, 10_000, 12_000]);
    expect(summary.sums.byTownship.get('ganzhe')!.get('paddy')!.toString()).toBe('12000');
  });

  it('refuses a file that is no GeoPackage, naming it', async () => {
    const path = join(dir, 'not.gpkg');
    writeFileSync(path, 'not sqlite at all');
    const e = await openLayer(path, 'DLTB.gpkg').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LayerError);
    expect((e as LayerError).text.zh).toContain('不是可读取的 GeoPackage');
  });

  it('writes township results that read back with every attribute', async () => {
    const lonLat = {
      type: 'Polygon',
      coordinates: [
        [
          [119.0, 26.0],
          [119.0, 26.1],
          [119.1, 26.1],
          [119.1, 26.0],
          [119.0, 26.0],
        ],
      ],
    };
    const bytes = await writeGeoPackage(
      'gep_townships_2021',
      [
        { name: 'township', type: 'TEXT' },
        { name: 'name_zh', type: 'TEXT' },
        { name: 'gep', type: 'REAL' },
      ],
      [{ properties: { township: 'ganzhe', name_zh: '甘蔗街道', gep: 1234.5 }, geometry: lonLat }],
    );
    const path = join(dir, 'out.gpkg');
    writeFileSync(path, bytes);
    const layer = await openLayer(path, 'out.gpkg');
    expect(layer.crs).toBe('EPSG:4490');
    const rows = [];
    for await (const f of layer.features()) rows.push({ properties: f.properties, geometry: f.geometry });
    await layer.close();
    expect(rows).toEqual([
      {
        properties: { fid: 1, township: 'ganzhe', name_zh: '甘蔗街道', gep: 1234.5 },
        geometry: { type: 'MultiPolygon', coordinates: [lonLat.coordinates] },
      },
    ]);
  });
});
