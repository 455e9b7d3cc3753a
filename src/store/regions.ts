import { z } from 'zod';
import { Dec, parseDecimal } from '../domain/decimal.js';
import { TOWNSHIP_AREA_KM2, type TownshipInfo } from '../domain/inputs.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { NotFoundError, ValidationError } from './errors.js';

export interface Region {
  id: string;
  name_zh: string;
  name_en: string;
  sample: boolean;
  /** 行政区划代码, 6 digits; null when not registered. */
  admin_code: string | null;
}

export interface Township {
  id: string;
  region_id: string;
  name_zh: string;
  name_en: string;
  kind: 'subdistrict' | 'town' | 'township';
  area_km2: string;
  sort: number;
  /** 行政区划代码, 9 digits; null when not registered. */
  admin_code: string | null;
}

export async function getRegion(db: Db): Promise<Region | undefined> {
  const [r] = await db.query<Region>('select * from regions order by id limit 1');
  return r;
}

export async function listTownships(db: Db): Promise<Township[]> {
  return db.query<Township>(
    'select id, region_id, name_zh, name_en, kind, area_km2::text as area_km2, sort, admin_code from townships order by sort, id',
  );
}

export async function getTownship(db: Db, id: string): Promise<Township> {
  const [t] = await db.query<Township>(
    'select id, region_id, name_zh, name_en, kind, area_km2::text as area_km2, sort, admin_code from townships where id = $1',
    [id],
  );
  if (!t) throw new NotFoundError({ zh: `乡镇"${id}"不存在`, en: `no township "${id}"` });
  return t;
}

export const townshipInfo = (t: Township): TownshipInfo => ({
  id: t.id,
  areaKm2: parseDecimal(t.area_km2),
  names: [t.name_zh, t.name_en],
});

/**
 * township → year → resident population (人): the survey input resident_population, the one source of the
 * figure (per-capita indicators read the same value).
 */
export async function populations(db: Db): Promise<Map<string, Map<number, Dec>>> {
  const rows = await db.query<{ township_id: string; year: number; population: string }>(
    "select township_id, year, values->>'resident_population' as population from survey_records where values ? 'resident_population'",
  );
  const out = new Map<string, Map<number, Dec>>();
  for (const r of rows) {
    if (!out.has(r.township_id)) out.set(r.township_id, new Map());
    out.get(r.township_id)!.set(r.year, parseDecimal(r.population)!);
  }
  return out;
}

const decimalText = (field: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .refine((s) => parseDecimal(s)?.gte(min) === true && parseDecimal(s)?.lte(max) === true, {
      message: `${field}: a number from ${min} to ${max}`,
    });

export const townshipEditSchema = z.object({
  nameZh: z.string().trim().min(1).max(40),
  nameEn: z.string().trim().min(1).max(80),
  areaKm2: decimalText('areaKm2', TOWNSHIP_AREA_KM2.min, TOWNSHIP_AREA_KM2.max),
  population: z
    .record(z.string().regex(/^\d{4}$/), z.union([z.literal(''), decimalText('population', 0, 1e9)]))
    .optional(),
});
export type TownshipEdit = z.infer<typeof townshipEditSchema>;

export function parseTownshipEdit(input: unknown): TownshipEdit {
  const parsed = townshipEditSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}

/** Admin change of a township's names and area (km²); population is survey data (see the admin route). */
export async function updateTownship(db: Db, actor: Actor, id: string, e: TownshipEdit): Promise<void> {
  await db.transaction(async (tx) => {
    const old = await getTownship(tx, id);
    if (old.name_zh === e.nameZh && old.name_en === e.nameEn && new Dec(old.area_km2).eq(e.areaKm2)) return;
    await tx.query('update townships set name_zh = $2, name_en = $3, area_km2 = $4 where id = $1', [
      id,
      e.nameZh,
      e.nameEn,
      e.areaKm2,
    ]);
    await recordEvent(tx, actor, {
      action: 'update',
      entity: 'township',
      entityKey: id,
      township: id,
      oldValue: { nameZh: old.name_zh, nameEn: old.name_en, areaKm2: old.area_km2 },
      newValue: { nameZh: e.nameZh, nameEn: e.nameEn, areaKm2: e.areaKm2 },
    });
  });
}

/** A township's names for messages (甘蔗街道 / Ganzhe Subdistrict); its id when it is not registered. */
export async function townshipLabel(db: Db, id: string): Promise<{ zh: string; en: string }> {
  const [t] = await db.query<{ name_zh: string; name_en: string }>(
    'select name_zh, name_en from townships where id = $1',
    [id],
  );
  return t ? { zh: t.name_zh, en: t.name_en } : { zh: id, en: id };
}
