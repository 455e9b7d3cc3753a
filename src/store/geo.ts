/** Township codes for spatial intake and the township boundaries (lon/lat GeoJSON) of the maps. */
import { parseDecimal } from '../domain/decimal.js';
import type { TownshipCode } from '../io/geo/dltb.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';

/** Townships with a 行政区划代码 (9 digits): the only ones a layer can match. */
export async function townshipCodes(db: Db): Promise<TownshipCode[]> {
  const rows = await db.query<{ id: string; admin_code: string; area_km2: string }>(
    'select id, admin_code, area_km2::text as area_km2 from townships where admin_code is not null order by sort, id',
  );
  return rows.map((r) => ({ id: r.id, adminCode: r.admin_code, areaKm2: parseDecimal(r.area_km2)! }));
}

export interface Boundary {
  readonly township: string;
  /** GeoJSON Polygon or MultiPolygon, lon/lat. */
  readonly geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  readonly areaM2: string;
  readonly source: string;
}

export async function listBoundaries(db: Db): Promise<Boundary[]> {
  const rows = await db.query<{
    township_id: string;
    geometry: Boundary['geometry'];
    area_m2: string;
    source: string;
  }>(
    `select b.township_id, b.geometry, b.area_m2::text as area_m2, b.source
       from township_boundaries b join townships t on t.id = b.township_id order by t.sort, t.id`,
  );
  return rows.map((r) => ({
    township: r.township_id,
    geometry: r.geometry,
    areaM2: r.area_m2,
    source: r.source,
  }));
}

/** Replaces the boundaries of the townships given, with one audit event; others are kept. */
export async function saveBoundaries(db: Db, actor: Actor, boundaries: readonly Boundary[]): Promise<void> {
  await db.transaction((tx) => writeBoundaries(tx, actor, boundaries));
}

/** The writes of saveBoundaries, inside the caller's transaction. */
export async function writeBoundaries(tx: Db, actor: Actor, boundaries: readonly Boundary[]): Promise<void> {
  {
    for (const b of boundaries)
      await tx.query(
        `insert into township_boundaries (township_id, geometry, area_m2, source) values ($1, $2, $3, $4)
         on conflict (township_id) do update set geometry = excluded.geometry, area_m2 = excluded.area_m2,
           source = excluded.source, imported_at = now()`,
        [b.township, JSON.stringify(b.geometry), b.areaM2, b.source],
      );
    await recordEvent(tx, actor, {
      action: 'import',
      entity: 'township_boundaries',
      entityKey: boundaries.map((b) => b.township).join(','),
      newValue: { townships: boundaries.length, source: boundaries[0]?.source },
    });
  }
}
