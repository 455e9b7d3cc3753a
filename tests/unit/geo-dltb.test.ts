/**
 * A hand-made DLTB (地类图斑) layer: two townships, codes of three classes, one code no class takes, one
 * parcel whose area is TBMJ − KCMJ and one whose area is its polygon's. Areas worked out by hand, in m² and hm².
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeClassifier, parcelArea, planarArea } from '../../src/domain/land-parcels.js';
import { landUseRecords, readDltb } from '../../src/io/geo/dltb.js';
import { openLayer } from '../../src/io/geo/layer.js';
import {
  PolygonShapefileWriter,
  cgcs2000ZonePrj,
  shapefileParts,
  zipFiles,
} from '../../src/io/geo/shapefile-write.js';
import { Dec, set } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dltb-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  { name: 'DLBM', type: 'C', length: 5 },
  { name: 'DLMC', type: 'C', length: 60 },
  { name: 'ZLDWDM', type: 'C', length: 19 },
  { name: 'ZLDWMC', type: 'C', length: 60 },
  { name: 'TBMJ', type: 'N', length: 19, decimals: 2 },
  { name: 'KCMJ', type: 'N', length: 19, decimals: 2 },
  { name: 'TBDLMJ', type: 'N', length: 19, decimals: 2 },
] as const;

/** A 100 m × 100 m square (10 000 m²) at (x, y) in CGCS2000 zone 40 metres. */
const square = (x: number, y: number, side = 100) => [
  [
    [40_400_000 + x, 2_890_000 + y],
    [40_400_000 + x + side, 2_890_000 + y],
    [40_400_000 + x + side, 2_890_000 + y + side],
    [40_400_000 + x, 2_890_000 + y + side],
  ] as [number, number][],
];

// township A 350121100 (ganzhe), township B 350121101 (baisha)
const PARCELS = [
  {
    DLBM: '0101',
    DLMC: '水田',
    ZLDWDM: '350121100201',
    ZLDWMC: '甘蔗村',
    TBMJ: 12000.5,
    KCMJ: 0,
    TBDLMJ: 12000.5,
  },
  {
    DLBM: '0101',
    DLMC: '水田',
    ZLDWDM: '350121100202',
    ZLDWMC: '上街村',
    TBMJ: 8000.25,
    KCMJ: 0,
    TBDLMJ: 8000.25,
  },
  // TBDLMJ blank: TBMJ − KCMJ = 5000.00 − 400.40 = 4599.60 m²
  {
    DLBM: '0102',
    DLMC: '水浇地',
    ZLDWDM: '350121100201',
    ZLDWMC: '甘蔗村',
    TBMJ: 5000,
    KCMJ: 400.4,
    TBDLMJ: null,
  },
  {
    DLBM: '0301',
    DLMC: '乔木林地',
    ZLDWDM: '350121101001',
    ZLDWMC: '白沙村',
    TBMJ: 30000,
    KCMJ: 0,
    TBDLMJ: 30000,
  },
  // no area field at all: the 100 m square, 10 000 m²
  {
    DLBM: '0103',
    DLMC: '旱地',
    ZLDWDM: '350121101001',
    ZLDWMC: '白沙村',
    TBMJ: null,
    KCMJ: null,
    TBDLMJ: null,
  },
  // 1301 is no land class's code (unmatched); 350121999 is no township's code
  { DLBM: '1301', DLMC: '未知', ZLDWDM: '350121101002', ZLDWMC: '某村', TBMJ: 700, KCMJ: 0, TBDLMJ: 700 },
  { DLBM: '0101', DLMC: '水田', ZLDWDM: '350121999001', ZLDWMC: '外县村', TBMJ: 300, KCMJ: 0, TBDLMJ: 300 },
];

async function writeLayer(name: string, encoding: 'utf-8' | 'gbk', cpg: boolean) {
  const stem = join(dir, name);
  const w = new PolygonShapefileWriter(stem, FIELDS, { encoding, prj: cgcs2000ZonePrj(40), cpg });
  PARCELS.forEach((p, i) => w.add(square(i * 200, 0), p));
  w.close();
  const zip = `${stem}.zip`;
  await zipFiles(zip, shapefileParts(stem, 'DLTB', true, cpg));
  return zip;
}

const TOWNSHIPS = [
  { id: 'ganzhe', adminCode: '350121100', areaKm2: new Dec('0.03') },
  { id: 'baisha', adminCode: '350121101', areaKm2: new Dec('0.05') },
];

describe('DLTB land-parcel import', () => {
  it('matches DLBM through sourceCodes, longest code first', () => {
    const classify = codeClassifier(set.landClasses);
    expect(classify('0101')).toBe('paddy');
    expect(classify('1109')).toBe('built_up'); // '1109' before '11…' and '10'
    expect(classify('0501')).toBe('built_up'); // by its 2-digit prefix '05'
    expect(classify('1301')).toBeUndefined();
  });

  it('takes TBDLMJ, else TBMJ − KCMJ, else the polygon', () => {
    expect(parcelArea({ tbdlmj: new Dec('1.5'), tbmj: new Dec(9) })!.area.toString()).toBe('1.5');
    expect(parcelArea({ tbmj: new Dec('5000'), kcmj: new Dec('400.4') })!.area.toString()).toBe('4599.6');
    expect(planarArea({ type: 'Polygon', coordinates: square(0, 0) })).toBe(10_000);
  });

  for (const [encoding, cpg] of [
    ['gbk', true],
    ['utf-8', true],
    ['gbk', false],
    ['utf-8', false],
  ] as const)
    it(`sums a ${encoding} DBF (${cpg ? 'named in .cpg' : 'detected'}) by township and class, by hand`, async () => {
      const zip = await writeLayer(`dltb-${encoding}-${cpg}`, encoding, cpg);
      const layer = await openLayer(zip, 'dltb.zip');
      expect(layer.encoding).toEqual({ name: encoding, from: cpg ? 'cpg' : 'detected' });
      const seen: string[] = [];
      const gen = layer.features();
      for await (const f of gen) seen.push(String(f.properties.ZLDWMC));
      expect(seen).toContain('甘蔗村'); // the Chinese names decode in either encoding
      const summary = await readDltb(layer, set, TOWNSHIPS);
      await layer.close();
      const a = summary.sums.byTownship.get('ganzhe')!;
      const b = summary.sums.byTownship.get('baisha')!;
      // ganzhe: paddy 12 000.50 + 8 000.25 = 20 000.75 m²; dry_farmland (0102) 5 000 − 400.40 = 4 599.60 m²
      expect(a.get('paddy')!.toString()).toBe('20000.75');
      expect(a.get('dry_farmland')!.toString()).toBe('4599.6');
      // baisha: forest_broadleaf (0301) 30 000 m²; dry_farmland (0103, polygon 100 m × 100 m) 10 000 m²
      expect(b.get('forest_broadleaf')!.toString()).toBe('30000');
      expect(b.get('dry_farmland')!.toString()).toBe('10000');
      expect(summary.sums.unmatched.map((u) => [u.reason, u.code, u.count, u.areaM2.toString()])).toEqual([
        ['class', '1301', 1, '700'],
        ['township', '350121999', 1, '300'],
      ]);
      expect(summary.sums.areaSources).toEqual({ TBDLMJ: 5, 'TBMJ-KCMJ': 1, geometry: 1 });
      // reconciliation: ganzhe 24 600.35 m² = 2.460035 hm² against 0.03 km² = 3 hm²
      const r = summary.reconciliation.find((x) => x.township === 'ganzhe')!;
      expect(r.layerHm2.toString()).toBe('2.460035');
      expect(r.differenceHm2.toString()).toBe('-0.539965');
      // records in hm²: every class with codes, 0 where the township has none
      const records = landUseRecords(summary, set, 2021);
      const ganzhe = records.find((x) => x.township === 'ganzhe')!.values.land_area as Record<string, string>;
      expect(ganzhe.paddy).toBe('2.000075');
      expect(ganzhe.dry_farmland).toBe('0.45996');
      expect(ganzhe.water).toBe('0');
      expect(ganzhe).not.toHaveProperty('forest_coniferous'); // no code: kept as stored
      expect(summary.classesNotInLayer).toEqual(['forest_coniferous', 'forest_mixed']);
    });
});
