import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';
import { ROOT } from '../paths.js';

const MIGRATIONS_DIR = join(ROOT, 'src/store/migrations');
// any constant: several app processes starting on one PostgreSQL migrate one at a time
const MIGRATION_LOCK = 4_711_2021;

export function migrationFiles(): { version: number; name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({
      version: Number(name.slice(0, 3)),
      name,
      sql: readFileSync(join(MIGRATIONS_DIR, name), 'utf8'),
    }));
}

/** Applies the migrations not yet applied, in one transaction; returns their names. */
export async function migrate(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(
      'create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
    );
    const applied: string[] = [];
    for (const m of migrationFiles()) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}
