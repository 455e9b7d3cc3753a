/**
 * The sample county's register and realisation ledger (示例数据, seeds/minhou/register.json): loaded through the
 * same write paths as entries typed in the app, then approved by the system, with the audit trail saying so.
 */
import { readFileSync } from 'node:fs';
import type { RawEntry, RawRealisation } from '../domain/register.js';
import { recordEvent, SYSTEM_ACTOR } from './audit.js';
import type { Db } from './db.js';
import { ValidationError } from './errors.js';
import { saveEntries, saveRealisations } from './register.js';
import { loadCompiledSet } from './sets.js';
import { getSettings } from './settings.js';

interface RegisterFile {
  entries: RawEntry[];
  realisations: Array<RawRealisation & { entries: string[] }>;
}

export async function loadRegisterSample(
  db: Db,
  file: string,
): Promise<{ entries: number; realisations: number }> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as RegisterFile;
  const settings = await getSettings(db);
  const set = await loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version);
  const ids = await saveEntries(
    db,
    SYSTEM_ACTOR,
    set,
    data.entries.map((raw) => ({ raw })),
  );
  // "@n" names the n-th entry of the file
  const ref = (s: string) => {
    const id = /^@(\d+)$/.test(s) ? ids[Number(s.slice(1)) - 1] : undefined;
    if (id === undefined)
      throw new ValidationError([
        { field: 'entries', message: { zh: `示例数据引用无效：${s}`, en: `bad sample reference ${s}` } },
      ]);
    return String(id);
  };
  const realisationIds = await saveRealisations(
    db,
    SYSTEM_ACTOR,
    set,
    data.realisations.map((r) => ({
      raw: {
        ...r,
        entries: r.entries.map(ref),
        ...(r.rights && {
          rights: r.rights.map((x) => ({ ...x, ...(x.entry ? { entry: ref(String(x.entry)) } : {}) })),
        }),
      },
    })),
  );
  await db.query("update register_entries set status = 'approved', version = version + 1");
  await db.query("update realisations set status = 'approved', version = version + 1");
  await recordEvent(db, SYSTEM_ACTOR, {
    action: 'approve',
    entity: 'register_entry',
    entityKey: '*',
    newValue: { status: 'approved', entries: ids.length, realisations: realisationIds.length },
    note: `${file}: loaded as approved sample data (示例数据)`,
  });
  return { entries: ids.length, realisations: realisationIds.length };
}
