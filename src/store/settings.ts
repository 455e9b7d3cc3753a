import { z } from 'zod';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ValidationError } from './errors.js';

/** App settings an admin changes; stored in the database so every app process sees the same. */
export const settingsSchema = z.object({
  /** The coefficient set data entry and reports use. */
  activeSet: z.object({ id: z.string(), version: z.string() }),
  profile: z.string().default('academic'),
  /** The public price list (公示价格) page is readable without login. */
  publicPriceList: z.boolean().default(false),
  /** The published eco-product list (生态产品目录清单) page is readable without login. */
  publicRegister: z.boolean().default(false),
  /** 编制单位: who compiles the reports (printed on every report and export); blank: the county's name. */
  compiler: z.string().trim().max(80).default(''),
  /** The time zone every time is shown in (IANA name). */
  timeZone: z
    .string()
    .default('Asia/Shanghai')
    .refine(validTimeZone, {
      message: 'an IANA time zone such as Asia/Shanghai',
      params: { zh: '应为 IANA 时区名称，如 Asia/Shanghai' },
    }),
});

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// a formatter is costly to make (≈ 0.1 ms): one per zone and style
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string, time: boolean) => {
  const key = `${timeZone}|${time}`;
  let f = formatters.get(key);
  if (!f)
    formatters.set(
      key,
      (f = new Intl.DateTimeFormat('sv-SE', {
        timeZone,
        dateStyle: 'short',
        ...(time ? { timeStyle: 'short' } : {}),
      })),
    );
  return f;
};

/** A time as people read it, in the given zone, to the minute: 2026-12-02 15:35. */
export const localTimeIn = (timeZone: string) => (d: Date | string | null | undefined) =>
  d ? formatter(timeZone, true).format(new Date(d)) : '';

/** A date in the given zone: 2026-12-02. */
export const localDateIn = (timeZone: string) => (d: Date | string) =>
  formatter(timeZone, false).format(new Date(d));
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  activeSet: { id: 'minhou-2021', version: '2.0.0' },
  profile: 'academic',
  publicPriceList: false,
  publicRegister: false,
  compiler: '',
  timeZone: 'Asia/Shanghai',
};

export async function getSettings(db: Db): Promise<Settings> {
  const rows = await db.query<{ key: string; value: unknown }>('select key, value from settings');
  return settingsSchema.parse({
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(rows.map((r) => [r.key, r.value])),
  });
}

export async function updateSettings(db: Db, actor: Actor, change: Partial<Settings>): Promise<Settings> {
  return db.transaction(async (tx) => {
    const old = await getSettings(tx);
    const parsed = settingsSchema.safeParse({ ...old, ...change });
    if (!parsed.success) throw ValidationError.fromZod(parsed.error);
    for (const [key, value] of Object.entries(change)) {
      await tx.query(
        'insert into settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
        [key, JSON.stringify(value)],
      );
      await recordEvent(tx, actor, {
        action: 'update',
        entity: 'setting',
        entityKey: key,
        oldValue: old[key as keyof Settings],
        newValue: value,
      });
    }
    return parsed.data;
  });
}
