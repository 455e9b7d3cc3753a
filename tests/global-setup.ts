/**
 * Runs once per `vitest run` that has integration or browser test files, before the first of them: boots the sample
 * county and creates the test users once, and keeps the result for every test file's startApp to start from:
 * - embedded database: a dump of the PGlite data directory (and one of a new, empty one) in a temporary folder;
 * - PostgreSQL (TEST_DATABASE_URL): a database that each test file's database is created from as a template.
 * It is built from the repository's migrations, coefficients and seeds on every run, so it is never stale.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { seedTestDatabase } from './integration/harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Files with PGlite dumps: a new data directory, and one booted with the sample county and the test users. */
    pgliteSnapshots: { empty: string; seeded: string } | null;
    /** The PostgreSQL database booted with the sample county and the test users, as a template. */
    pgTemplate: string | null;
  }
}

const blobFile = async (blob: Blob, file: string) =>
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const name = `gep_seed_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    await seedTestDatabase({ url: url.toString() });
    project.provide('pgliteSnapshots', null);
    project.provide('pgTemplate', name);
    return async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gep-test-snapshot-'));
  const fresh = await PGlite.create('memory://');
  const empty = await fresh.dumpDataDir('none');
  await fresh.close();
  // booted in a folder, so that it can be opened again and dumped
  await seedTestDatabase({ url: join(dir, 'pgdata'), loadDataDir: empty });
  const booted = await PGlite.create(join(dir, 'pgdata'));
  const seeded = await booted.dumpDataDir('none');
  await booted.close();
  const files = { empty: join(dir, 'empty.tar'), seeded: join(dir, 'seeded.tar') };
  await blobFile(empty, files.empty);
  await blobFile(seeded, files.seeded);
  project.provide('pgliteSnapshots', files);
  project.provide('pgTemplate', null);
  return async () => rmSync(dir, { recursive: true, force: true });
}
