import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import type { Express } from 'express';
import { inject } from 'vitest';
import { boot } from '../../src/store/boot.js';
import type { Db } from '../../src/store/db.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { createUser, type Role } from '../../src/store/users.js';
import { createApp } from '../../src/web/app.js';

export const PASSWORD = 'correct horse battery';
export const ROOT = resolve(import.meta.dirname, '../..');
export const COEFFICIENTS = join(ROOT, 'coefficients');
export const SAMPLE = join(ROOT, 'seeds/minhou/dataset.json');

/**
 * A database for one test file: embedded in memory, or a new PostgreSQL database when TEST_DATABASE_URL
 * is set (CI runs the suite both ways), copied from the template database when one is named.
 */
export async function testDatabaseUrl(template?: string): Promise<string> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return 'memory://';
  const name = `gep_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by testDatabaseUrl; the embedded ones vanish with their process. */
export async function dropTestDatabase(url: string): Promise<void> {
  const base = process.env.TEST_DATABASE_URL;
  const name = url.startsWith('postgres') ? new URL(url).pathname.slice(1) : '';
  if (!base || !name.startsWith('gep_test_')) return;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

export const tempDir = () => mkdtempSync(join(tmpdir(), 'gep-test-'));

export const USERS: Record<string, Role> = {
  admin: 'admin',
  editor: 'editor',
  editor2: 'editor',
  reviewer: 'reviewer',
  reviewer2: 'reviewer',
  viewer: 'viewer',
};

export interface TestApp {
  app: Express;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startApp(
  o: {
    users?: boolean;
    loginLimit?: number;
    /** Failed logins per account (default 1000, so tests of the address limit are not mixed with it). */
    accountLimit?: number;
    /** e.g. 'loopback', so a test can give each client its own address with X-Forwarded-For. */
    trustProxy?: string;
    url?: string;
    /** false: start without the sample county (as GEP_NO_SAMPLE=1 does). */
    sample?: boolean;
  } = {},
): Promise<TestApp> {
  // the usual start (sample county and test users) begins from the copy tests/global-setup.ts made this run;
  // boot still runs on it, as at every start of the app
  const seeded = o.sample !== false && o.users !== false && !o.url ? await seededDatabase() : undefined;
  const database = seeded ?? (o.url ? { url: o.url } : await freshDatabase());
  const { db } = await boot({
    ...database,
    coefficientsDir: COEFFICIENTS,
    seedFile: o.sample === false ? undefined : SAMPLE,
  });
  if (o.users !== false && !seeded) await createTestUsers(db);
  const app = createApp({
    db,
    sessionSecret: 'test-secret',
    log: () => {},
    loginRateLimit: { windowMs: 60_000, limit: o.loginLimit ?? 1000, accountLimit: o.accountLimit ?? 1000 },
    trustProxy: o.trustProxy,
  });
  const url = database.url;
  return { app, db, url, close: () => db.close().then(() => dropTestDatabase(url)) };
}

async function createTestUsers(db: Db): Promise<void> {
  for (const [username, role] of Object.entries(USERS))
    await createUser(db, SYSTEM_ACTOR, { username, displayName: username, role, password: PASSWORD });
}

export interface TestDatabase {
  url: string;
  /** The embedded database's starting data directory (a PGlite dump). */
  loadDataDir?: Blob;
}

/** Boots the sample county and creates the test users: what tests/global-setup.ts keeps for every test file. */
export async function seedTestDatabase(database: TestDatabase): Promise<void> {
  const { db } = await boot({ ...database, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE });
  await createTestUsers(db);
  await db.close();
}

/** What the global setup provided, or nothing when the file runs without it. */
const provided = <K extends 'pgliteSnapshots' | 'pgTemplate'>(key: K) => {
  try {
    return inject(key) ?? undefined;
  } catch {
    return undefined;
  }
};

const readBlob = (file: string) => new Blob([readFileSync(file)]);

/**
 * A new database as boot finds it on a fresh install: a new PostgreSQL database, or a new embedded one (copied
 * from the empty data directory the global setup made, which saves PGlite's initdb).
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const snapshots = process.env.TEST_DATABASE_URL ? undefined : provided('pgliteSnapshots');
  return snapshots
    ? { url: 'memory://', loadDataDir: readBlob(snapshots.empty) }
    : { url: await testDatabaseUrl() };
}

/** A new database holding the sample county and the test users, copied from the global setup's; undefined without it. */
async function seededDatabase(): Promise<TestDatabase | undefined> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const template = provided('pgTemplate');
    return template ? { url: await testDatabaseUrl(template) } : undefined;
  }
  const snapshots = provided('pgliteSnapshots');
  return snapshots ? { url: 'memory://', loadDataDir: readBlob(snapshots.seeded) } : undefined;
}

export interface Session {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
}

/** Logs in through the login form, as a browser does, and returns the agent with its CSRF token. */
export async function login(app: Express, username: string, password = PASSWORD): Promise<Session> {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const res = await agent.post('/login').type('form').send({ _csrf: token, username, password, next: '/' });
  if (res.status !== 302) throw new Error(`login ${username} failed: ${res.status}`);
  const session = await agent.get('/api/v1/session');
  return { agent, csrf: session.body.csrfToken as string };
}

/** The hidden inputs of a page's form, as a browser would send them back. */
/** GETs a binary download (XLSX, PDF) with the session; the response body is a Buffer. */
export const binary = (s: Session, url: string) =>
  s.agent
    .get(url)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });

export function formFields(html: string, formId = 'survey-form'): Record<string, string> {
  const start = html.indexOf(`id="${formId}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    fields[m[1]!] = decode(m[2]!);
  for (const m of form.matchAll(/<select name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected/.exec(m[2]!) ?? /<option value="([^"]*)"/.exec(m[2]!);
    if (selected) fields[m[1]!] = decode(selected[1]!);
  }
  return fields;
}

const decode = (s: string) =>
  s
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The tables a refused request must not change, as text (sessions and rate limits excluded). */
export async function dump(db: Db): Promise<string> {
  const tables = [
    'audit_events',
    'coefficient_sets',
    'import_batches',
    'published_reports',
    'regions',
    'settings',
    'survey_records',
    'townships',
    'transitions',
    'users',
  ];
  const parts: string[] = [];
  for (const table of tables)
    parts.push(table, JSON.stringify(await db.query(`select * from ${table} order by 1`)));
  return parts.join('\n');
}
