import { z } from 'zod';
import { Dec, parseDecimal } from '../domain/decimal.js';
import { TOWNSHIP_AREA_KM2, type InputIssue, type TownshipInfo } from '../domain/inputs.js';
import {
  planTownships,
  type RegisteredTownship,
  type TownshipChange,
  type TownshipRow,
} from '../domain/townships.js';
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

/** The columns of a Township, as read from the townships table. */
export const TOWNSHIP_COLUMNS =
  'id, region_id, name_zh, name_en, kind, area_km2::text as area_km2, sort, admin_code';

export async function listTownships(db: Db): Promise<Township[]> {
  return db.query<Township>(`select ${TOWNSHIP_COLUMNS} from townships order by sort, id`);
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

const decimalText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .refine((s) => parseDecimal(s)?.gte(min) === true && parseDecimal(s)?.lte(max) === true, {
      message: `a number from ${min} to ${max}`,
      params: { zh: `须为 ${min} 至 ${max} 之间的数` },
    });

export const townshipEditSchema = z.object({
  nameZh: z.string().trim().min(1).max(40),
  nameEn: z.string().trim().min(1).max(80),
  areaKm2: decimalText(TOWNSHIP_AREA_KM2.min, TOWNSHIP_AREA_KM2.max),
  population: z.record(z.string().regex(/^\d{4}$/), z.union([z.literal(''), decimalText(0, 1e9)])).optional(),
});
export type TownshipEdit = z.infer<typeof townshipEditSchema>;

export function parseTownshipEdit(input: unknown): TownshipEdit {
  const parsed = townshipEditSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}

/** A township's names for messages (甘蔗街道 / Ganzhe Subdistrict); its id when it is not registered. */
export async function townshipLabel(db: Db, id: string): Promise<{ zh: string; en: string }> {
  const [t] = await db.query<{ name_zh: string; name_en: string }>(
    'select name_zh, name_en from townships where id = $1',
    [id],
  );
  return t ? { zh: t.name_zh, en: t.name_en } : { zh: id, en: id };
}

const REGISTERED_COLUMNS = 'id, name_zh, name_en, admin_code, kind, area_km2::text as area_km2';

/**
 * The one write path for townships (the form, the new-township form and the file import): the rows are planned
 * against the townships registered now, in the transaction that writes them with their audit events; a
 * problem anywhere refuses them all.
 */
export async function saveTownships(
  db: Db,
  actor: Actor,
  rows: readonly TownshipRow[],
  options: { createOnly?: boolean } = {},
): Promise<TownshipChange[]> {
  return db.transaction(async (tx) => {
    const region = await getRegion(tx);
    if (!region)
      throw new ValidationError([
        {
          field: 'region',
          message: { zh: '请先设置本县（区）的名称', en: 'set up the county (its name) first' },
        },
      ]);
    const registered = await tx.query<RegisteredTownship>(
      `select ${REGISTERED_COLUMNS} from townships order by sort, id for update`,
    );
    const { changes, issues } = planTownships(rows, registered, region.admin_code, options);
    if (issues.length) throw new ValidationError(issues);
    const [{ next }] = (await tx.query<{ next: number }>(
      'select coalesce(max(sort), -1)::int + 1 as next from townships',
    )) as [{ next: number }];
    let sort = next;
    for (const c of changes) {
      const a = c.after;
      const fields = {
        nameZh: a.nameZh,
        nameEn: a.nameEn,
        adminCode: a.adminCode,
        kind: a.kind,
        areaKm2: a.areaKm2.toString(),
      };
      if (c.action === 'unchanged') continue;
      if (c.action === 'create')
        await tx.query(
          'insert into townships (id, region_id, name_zh, name_en, kind, area_km2, sort, admin_code) values ($1, $2, $3, $4, $5, $6, $7, $8)',
          [a.id, region.id, a.nameZh, a.nameEn, a.kind, fields.areaKm2, sort++, a.adminCode],
        );
      else
        await tx.query(
          'update townships set name_zh = $2, name_en = $3, kind = $4, area_km2 = $5, admin_code = $6 where id = $1',
          [a.id, a.nameZh, a.nameEn, a.kind, fields.areaKm2, a.adminCode],
        );
      const b = c.before;
      await recordEvent(tx, actor, {
        action: c.action,
        entity: 'township',
        entityKey: a.id,
        township: a.id,
        oldValue: b
          ? {
              nameZh: b.name_zh,
              nameEn: b.name_en,
              adminCode: b.admin_code,
              kind: b.kind,
              areaKm2: b.area_km2,
            }
          : undefined,
        newValue: fields,
      });
    }
    return changes;
  });
}

/** Plans township rows against the registered ones without writing (the import preview). */
export async function previewTownships(
  db: Db,
  rows: readonly TownshipRow[],
): Promise<{ changes: TownshipChange[]; issues: InputIssue[] }> {
  const region = await getRegion(db);
  const registered = await db.query<RegisteredTownship>(
    `select ${REGISTERED_COLUMNS} from townships order by sort, id`,
  );
  return planTownships(rows, registered, region?.admin_code);
}

/** The county itself: its names and 行政区划代码 (6 digits); created once, when the app starts without the sample. */
export async function saveRegion(
  db: Db,
  actor: Actor,
  input: { nameZh?: unknown; nameEn?: unknown; adminCode?: unknown },
): Promise<void> {
  const text = (x: unknown) => (x === undefined || x === null ? '' : String(x).trim());
  const nameZh = text(input.nameZh);
  const nameEn = text(input.nameEn);
  const adminCode = text(input.adminCode);
  const issues: InputIssue[] = [];
  if (!nameZh || nameZh.length > 40)
    issues.push({
      field: 'nameZh',
      message: { zh: '请填写中文名称（40 字以内）', en: 'enter the Chinese name (up to 40 characters)' },
    });
  if (!nameEn || nameEn.length > 80)
    issues.push({
      field: 'nameEn',
      message: { zh: '请填写英文名称（80 字符以内）', en: 'enter the English name (up to 80 characters)' },
    });
  if (!/^\d{6}$/.test(adminCode))
    issues.push({
      field: 'adminCode',
      message: {
        zh: `县级行政区划代码应为 6 位数字，收到"${adminCode}"`,
        en: `the county's administrative code must be 6 digits; got "${adminCode}"`,
      },
    });
  if (issues.length) throw new ValidationError(issues);
  await db.transaction(async (tx) => {
    const old = await getRegion(tx);
    if (old) {
      const codes = await tx.query<{ admin_code: string }>(
        'select admin_code from townships where admin_code is not null and admin_code not like $1',
        [adminCode + '%'],
      );
      if (codes.length)
        throw new ValidationError([
          {
            field: 'adminCode',
            message: {
              zh: `已登记的乡镇代码（如 ${codes[0]!.admin_code}）不以 ${adminCode} 开头`,
              en: `registered township codes (e.g. ${codes[0]!.admin_code}) do not start with ${adminCode}`,
            },
          },
        ]);
      await tx.query('update regions set name_zh = $2, name_en = $3, admin_code = $4 where id = $1', [
        old.id,
        nameZh,
        nameEn,
        adminCode,
      ]);
    } else
      await tx.query(
        'insert into regions (id, name_zh, name_en, sample, admin_code) values ($1, $2, $3, false, $4)',
        [`c${adminCode}`, nameZh, nameEn, adminCode],
      );
    await recordEvent(tx, actor, {
      action: old ? 'update' : 'create',
      entity: 'region',
      entityKey: old?.id ?? `c${adminCode}`,
      oldValue: old ? { nameZh: old.name_zh, nameEn: old.name_en, adminCode: old.admin_code } : undefined,
      newValue: { nameZh, nameEn, adminCode },
    });
  });
}
