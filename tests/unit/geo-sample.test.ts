/**
 * The sample county's synthetic layers (示例数据): the DLTB's parcels add up exactly to the sample's land use,
 * and the XZQ boundaries, reprojected from CGCS2000 zone 40 to lon/lat and simplified, keep each township's
 * registered area within 0.5 %.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import { lonLatAreaM2, readBoundaries } from '../../src/io/geo/boundaries.js';
import { readDltb } from '../../src/io/geo/dltb.js';
import { openLayer } from '../../src/io/geo/layer.js';
import { sampleCounty, writeSampleDltb, writeSampleXzq } from '../../seeds/minhou/layers.js';
import { set } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sample-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { townships, landUse } = sampleCounty(2021);
const codes = townships.map((t) => ({ id: t.id, adminCode: t.adminCode, areaKm2: new Dec(t.areaKm2) }));
const classCodes = new Map(set.landClasses.map((c) => [c.id, c.sourceCodes]));

describe('sample layers', () => {
  it('DLTB 2021: every class with a code of its own sums exactly to the sample area (hm²)', async () => {
    const zip = join(dir, 'dltb.zip');
    const parcels = await writeSampleDltb(zip, classCodes, { year: 2021, parcelHm2: 40 });
    expect(parcels).toBeGreaterThan(3000);
    const layer = await openLayer(zip, 'DLTB.zip');
    const summary = await readDltb(layer, set, codes);
    await layer.close();
    expect(summary.sums.unmatched).toEqual([]);
    expect(summary.encoding).toEqual({ name: 'gbk', from: 'cpg' });
    for (const t of townships) {
      const sample = landUse.get(t.id)!;
      const got = summary.sums.byTownship.get(t.id)!;
      const hm2 = (cls: string) => (got.get(cls) ?? new Dec(0)).div(10_000);
      for (const cls of Object.keys(sample).filter(
        (c) => classCodes.get(c)!.length && c !== 'forest_broadleaf',
      ))
        expect(hm2(cls).toString(), `${t.id} ${cls}`).toBe(new Dec(sample[cls]!).toString());
      // 乔木林地 0301 holds the three forest classes the forest inventory splits (only broadleaf has the code)
      const forest = ['forest_broadleaf', 'forest_coniferous', 'forest_mixed'].reduce(
        (a, c) => a.plus(sample[c]!),
        new Dec(0),
      );
      expect(hm2('forest_broadleaf').eq(forest)).toBe(true);
      // and the layer's total is the registered area: km² × 100 = hm², difference exactly 0
      expect(summary.reconciliation.find((r) => r.township === t.id)!.differenceHm2.isZero()).toBe(true);
    }
  });

  it('XZQ: each reprojected, simplified boundary keeps its registered area within 0.5 %', async () => {
    const zip = join(dir, 'xzq.zip');
    await writeSampleXzq(zip);
    const layer = await openLayer(zip, 'XZQ.zip');
    const result = await readBoundaries(layer, codes, { source: 'test' });
    await layer.close();
    expect(result.crs).toBe('CGCS2000_3_Degree_GK_Zone_40');
    expect(result.boundaries).toHaveLength(15);
    for (const b of result.boundaries) {
      const registered = Number(townships.find((t) => t.id === b.township)!.areaKm2) * 1e6;
      // the lon/lat outline, measured in an equal-area projection (Albers)
      const reprojected = lonLatAreaM2(b.geometry);
      expect(Math.abs(reprojected / registered - 1), b.township).toBeLessThan(0.005);
      expect(Math.abs(Number(b.areaM2) / registered - 1)).toBeLessThan(0.005);
      // lon/lat near Minhou (about 119°E, 26°N)
      const [lon, lat] = (b.geometry.coordinates as number[][][])[0]![0]!;
      expect(lon).toBeGreaterThan(118.5);
      expect(lon).toBeLessThan(119.8);
      expect(lat).toBeGreaterThan(25.8);
      expect(lat).toBeLessThan(26.6);
    }
  });
});
