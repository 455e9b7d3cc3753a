import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Db } from './db.js';
import { RESTORE_LOCK } from './config.js';

/** Tables in the order a restore inserts them (parents first). Sessions and rate limits are not kept. */
export const BACKUP_TABLES = [
  'schema_migrations',
  'users',
  'settings',
  'regions',
  'townships',
  'township_boundaries',
  'coefficient_sets',
  'survey_records',
  'transitions',
  'published_reports',
  'import_batches',
  'register_entries',
  'register_evidence',
  'realisations',
  'realisation_entries',
  'published_registers',
  'audit_events',
  'method_documents',
  'assessment_figures',
  'funds',
  'published_decisions',
  // scenario appraisal and tenure audit (migration 007)
  'scenario_projects',
  'scenario_versions',
  'scenario_publications',
  'tenure_audits',
  // tenure audit department figures and published audit packs (migration 011)
  'tenure_audit_figures',
  'tenure_audit_publications',
  // the rows of pending import previews (migration 015)
  'import_batch_rows',
] as const;

/** Tables added after the first backups were made: a backup without them restores them empty. */
const LATER_TABLES = new Set<string>([
  'township_boundaries',
  'method_documents',
  'assessment_figures',
  'funds',
  'published_decisions',
  'register_entries',
  'register_evidence',
  'realisations',
  'realisation_entries',
  'published_registers',
  'scenario_projects',
  'scenario_versions',
  'scenario_publications',
  'tenure_audits',
  'tenure_audit_figures',
  'tenure_audit_publications',
  'import_batch_rows',
]);

const FORMAT = 'gep-ledger/backup@1';

/**
 * Writes the whole database as text: a header line, then one line per table, `name<TAB>json array`.
 * Each table's JSON is made by the database and never parsed by JavaScript, so numbers keep every digit.
 */
export async function backup(db: Db, path: string): Promise<Record<string, number>> {
  const out = createWriteStream(path, 'utf8');
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query('set transaction isolation level repeatable read');
    out.write(JSON.stringify({ format: FORMAT, at: new Date().toISOString() }) + '\n');
    for (const table of BACKUP_TABLES) {
      const [row] = await tx.query<{ n: number; rows: string }>(
        `select count(*)::int as n, coalesce(json_agg(t), '[]')::text as rows from ${table} t`,
      );
      counts[table] = row!.n;
      out.write(`${table}\t${row!.rows.replace(/\n/g, ' ')}\n`);
    }
  });
  out.end();
  await once(out, 'finish');
  return counts;
}

/** Replaces the whole database with a backup, in one transaction: a bad file changes nothing. */
export async function restore(db: Db, path: string): Promise<Record<string, number>> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const tables = new Map<string, string>();
  let header: { format?: string } | undefined;
  for await (const line of lines) {
    if (!header) {
      header = JSON.parse(line) as { format?: string };
      if (header.format !== FORMAT) throw new Error(`${path}: not a GEP Ledger backup (${FORMAT})`);
      continue;
    }
    const tab = line.indexOf('\t');
    if (tab > 0) tables.set(line.slice(0, tab), line.slice(tab + 1));
  }
  for (const t of BACKUP_TABLES)
    if (!tables.has(t)) {
      if (LATER_TABLES.has(t)) tables.set(t, '[]');
      else throw new Error(`${path}: table ${t} is missing`);
    }
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    // on PostgreSQL, no app process may run during a restore (each holds RESTORE_LOCK shared)
    if (tx.kind === 'postgres') {
      const [lock] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [
        RESTORE_LOCK,
      ]);
      if (!lock?.ok)
        throw new Error(
          '应用正在使用该数据库，请先停止所有应用进程再恢复 (the app is running on this database; stop every app process before a restore)',
        );
    }
    await tx.exec(
      `truncate ${[...BACKUP_TABLES, 'session', 'rate_limits'].join(', ')} restart identity cascade`,
    );
    for (const table of BACKUP_TABLES) {
      const [r] = await tx.query<{ n: number }>(
        `with ins as (insert into ${table} select * from json_populate_recordset(null::${table}, $1::json) returning 1)
         select count(*)::int as n from ins`,
        [tables.get(table) ?? '[]'],
      );
      counts[table] = r!.n;
    }
    for (const [table, column] of [
      ['users', 'id'],
      ['audit_events', 'id'],
      ['published_reports', 'id'],
      ['import_batches', 'id'],
      ['register_entries', 'id'],
      ['register_evidence', 'id'],
      ['realisations', 'id'],
      ['published_registers', 'id'],
      ['funds', 'id'],
      ['published_decisions', 'id'],
      ['scenario_projects', 'id'],
      ['scenario_versions', 'id'],
      ['scenario_publications', 'id'],
      ['tenure_audits', 'id'],
    ] as const)
      await tx.query(
        `select setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((select max(${column}) from ${table}), 1),
           (select count(*) from ${table}) > 0)`,
      );
  });
  return counts;
}
