/**
 * Transition matrices from two DLTB vintages joined by parcel id (BSM), worked by hand: five parcels in two
 * townships; one parcel paddy → built-up; then a parcel gone, a parcel new and a parcel whose area changed,
 * which find no cell and make the row and column checks fail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VintageJoin, type VintageParcel } from '../../src/domain/land-vintages.js';
import { writeGeoPackage } from '../../src/io/geo/geopackage.js';
import { openLayer } from '../../src/io/geo/layer.js';
import { readVintages } from '../../src/io/geo/vintages.js';
import { cgcs2000ZonePrj } from '../../src/io/geo/shapefile-write.js';
import { Dec, set } from './fixtures.js';

const classes = set.landClasses.map((c) => c.id);
const p = (id: string, township: string, landClass: string, m2: string): VintageParcel => ({
  id,
  township,
  landClass,
  areaM2: new Dec(m2),
});

const OPENING = [
  p('1', 'ganzhe', 'paddy', '1000'),
  p('2', 'ganzhe', 'paddy', '2000'),
  p('3', 'ganzhe', 'dry_farmland', '500'),
  p('4', 'baisha', 'forest_broadleaf', '3000'),
];
const CLOSING = [
  p('1', 'ganzhe', 'built_up', '1000'), // paddy → built-up
  p('2', 'ganzhe', 'paddy', '2000'),
  p('3', 'ganzhe', 'dry_farmland', '500'),
  p('4', 'baisha', 'forest_broadleaf', '3000'),
];

const joined = (opening: VintageParcel[], closing: VintageParcel[]) => {
  const j = new VintageJoin(classes);
  opening.forEach((x) => j.addOpening(x));
  closing.forEach((x) => j.addClosing(x));
  return j.result();
};

describe('transition matrices from two DLTB vintages', () => {
  it('puts each joined parcel in its (township, old class → new class) cell, in hm²', () => {
    const r = joined(OPENING, CLOSING);
    expect(r.issues).toEqual([]);
    expect(r.unjoined).toEqual([]);
    const g = r.matrices.get('ganzhe')!;
    // paddy row: 1 000 m² → built-up = 0.1 hm², 2 000 m² stay = 0.2 hm²; sum 0.3 hm² = opening paddy 3 000 m²
    expect(g.paddy!.built_up).toBe('0.1');
    expect(g.paddy!.paddy).toBe('0.2');
    expect(g.dry_farmland!.dry_farmland).toBe('0.05');
    // built-up column: 0.1 hm² = closing built-up 1 000 m²; nothing else moved
    expect(g.built_up!.built_up).toBe('0');
    expect(Object.values(g.water!).every((v) => v === '0')).toBe(true);
    expect(r.matrices.get('baisha')!.forest_broadleaf!.forest_broadleaf).toBe('0.3');
  });

  it('reports parcels in one vintage only, or changed, and refuses matrices whose sums miss either year', () => {
    const r = joined(
      [...OPENING, p('5', 'baisha', 'grassland', '400')], // gone
      [
        ...CLOSING.map((x) => (x.id === '2' ? { ...x, areaM2: new Dec('1990') } : x)), // area re-measured
        p('6', 'baisha', 'bare', '400'), // new
      ],
    );
    expect(r.unjoined.map((u) => [u.reason, u.township, u.landClass, u.count, u.areaM2.toString()])).toEqual([
      ['changed', 'ganzhe', 'paddy', 1, '2000'],
      ['only_closing', 'baisha', 'bare', 1, '400'],
      ['only_opening', 'baisha', 'grassland', 1, '400'],
    ]);
    expect(r.matrices.size).toBe(0);
    // ganzhe: paddy row 0.1 hm² against the opening's 0.3; paddy column 0 against the closing's 0.199
    // baisha: grassland row 0 against 0.04; bare column 0 against 0.04
    expect(r.issues.map((i) => `${i.township} ${i.field}`).sort()).toEqual([
      'baisha matrix.*.bare',
      'baisha matrix.grassland',
      'ganzhe matrix.*.paddy',
      'ganzhe matrix.paddy',
    ]);
    expect(r.issues.find((i) => i.field === 'matrix.paddy')!.message.zh).toContain(
      '行合计 0.1 hm² ≠ 期初图层面积 0.3 hm²',
    );
    expect(r.issues.find((i) => i.field === 'matrix.*.paddy')!.message.zh).toContain(
      '列合计 0 hm² ≠ 期末图层面积 0.199 hm²',
    );
  });

  it('refuses an id given twice in a vintage', () => {
    const r = joined([...OPENING, p('4', 'baisha', 'grassland', '1')], CLOSING);
    expect(r.issues.map((i) => i.field)).toContain('BSM 4');
    expect(r.matrices.size).toBe(0);
  });
});

describe('reading two DLTB vintages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintage-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const layer = async (name: string, rows: Record<string, string | number>[]) => {
    const bytes = await writeGeoPackage(
      'DLTB',
      ['BSM', 'DLBM', 'ZLDWDM', 'TBDLMJ'].map((n) => ({ name: n, type: n === 'TBDLMJ' ? 'REAL' : 'TEXT' })),
      rows.map((r, i) => ({
        properties: r,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [40_400_000 + i * 10, 2_890_000],
              [40_400_000 + i * 10, 2_890_001],
              [40_400_001 + i * 10, 2_890_000],
              [40_400_000 + i * 10, 2_890_000],
            ],
          ],
        },
      })),
      { epsg: 4528, name: 'zone 40', definition: cgcs2000ZonePrj(40) },
    );
    writeFileSync(join(dir, name), bytes);
    return openLayer(join(dir, name), name);
  };

  it('joins by BSM through the set’s codes; a code no class takes is listed and left out of both', async () => {
    const townships = [
      { id: 'ganzhe', adminCode: '350121100', areaKm2: new Dec(1) },
      { id: 'baisha', adminCode: '350121101', areaKm2: new Dec(1) },
    ];
    const opening = await layer('2020.gpkg', [
      { BSM: 'A1', DLBM: '0101', ZLDWDM: '350121100201', TBDLMJ: 1000 },
      { BSM: 'A2', DLBM: '0101', ZLDWDM: '350121100201', TBDLMJ: 2000 },
      { BSM: 'A3', DLBM: '1301', ZLDWDM: '350121101001', TBDLMJ: 50 },
    ]);
    const closing = await layer('2021.gpkg', [
      { BSM: 'A1', DLBM: '0702', ZLDWDM: '350121100201', TBDLMJ: 1000 }, // 07 → built-up
      { BSM: 'A2', DLBM: '0101', ZLDWDM: '350121100201', TBDLMJ: 2000 },
      { BSM: 'A3', DLBM: '1301', ZLDWDM: '350121101001', TBDLMJ: 50 },
    ]);
    const seen: number[] = [];
    const r = await readVintages(opening, closing, set, townships, { onProgress: (n) => seen.push(n) });
    await Promise.all([opening.close(), closing.close()]);
    expect(r.issues).toEqual([]);
    expect(r.parcels).toEqual({ opening: 3, closing: 3 });
    expect(seen.at(-1)).toBe(6);
    expect(r.unmatched.opening.map((u) => [u.code, u.count, u.areaM2.toString()])).toEqual([
      ['1301', 1, '50'],
    ]);
    const g = r.matrices.get('ganzhe')!;
    expect(g.paddy!.built_up).toBe('0.1');
    expect(g.paddy!.paddy).toBe('0.2');
  });
});
