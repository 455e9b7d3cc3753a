import { PGlite, types } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { wholeNumberFromEnv } from '../env.js';

/** One SQL interface over the embedded database (PGlite) and PostgreSQL. */
export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs fn in one transaction: everything it writes lands, or nothing does. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Runs several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * True on the embedded database: this process is its only writer (the folder is locked to one process), so
   * what it read stays current until it writes. See `writes`.
   */
  readonly soleWriter?: boolean;
  /**
   * How many writes (any statement but a plain select, a transaction, an exec) this process has completed. A value
   * read while this count was n is still current while it is n, if `soleWriter`.
   */
  writes?(): number;
}

export interface DbConfig {
  /** postgres://… for PostgreSQL; otherwise a folder for the embedded database, or memory://. */
  url: string;
  /** Embedded database only: start from this dump of a data directory (PGlite dumpDataDir) instead of a new one. */
  loadDataDir?: Blob;
}

type Queryable = { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> };

function wrap(kind: Db['kind'], q: Queryable, exec: (sql: string) => Promise<void>) {
  return {
    kind,
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await q.query(sql, params as unknown[])).rows as T[],
    exec,
  };
}

/**
 * The embedded database's shared buffers, in MB: PGLITE_SHARED_BUFFERS (1 to 1024, default 32). They live in this
 * process's memory, and PostgreSQL's default of 128 MB made the server's resident memory 70–80 MB larger after boot
 * (bench/import-commit.bench.ts prints it) while a county's data is a few MB; pages beyond them are read back from the
 * data folder through the operating system's file cache.
 */
export const pgliteSharedBuffersMb = (env: NodeJS.ProcessEnv = process.env): number =>
  wholeNumberFromEnv(env, 'PGLITE_SHARED_BUFFERS', { min: 1, max: 1024, fallback: 32, unit: 'MB' });

/** Parameters from this many characters on go to the embedded database as bytes (textSentAsBytes). */
const SENT_AS_BYTES_FROM = 64 * 1024;

/**
 * A long text, json or jsonb parameter sent to the embedded database in the binary format, as its UTF-8 bytes
 * (jsonb's binary form is a version byte, 1, and the same text). PGlite sends a string parameter as text by
 * measuring its UTF-8 length with a loop over its characters, twice, before encoding it: for the megabytes of
 * JSON a bulk write sends, that loop was the largest cost in this process (≈ 2.5 s of a 10,000-row import's
 * two uploads and commits); Buffer.from does the same in a few milliseconds. The database reads the same text.
 */
const textSentAsBytes = (type: number, version?: number) => {
  const serialize = types.serializers[type]!;
  return (value: unknown): string => {
    if (typeof value !== 'string' || value.length < SENT_AS_BYTES_FROM) return serialize(value);
    const head = version === undefined ? 0 : 1;
    const bytes = Buffer.allocUnsafe(head + Buffer.byteLength(value, 'utf8'));
    if (version !== undefined) bytes[0] = version;
    bytes.write(value, head, 'utf8');
    return bytes as unknown as string; // PGlite sends a Uint8Array as a binary parameter
  };
};

async function openPglite(path: string, loadDataDir?: Blob): Promise<Db> {
  const open = () =>
    PGlite.create(path, {
      serializers: {
        [types.TEXT]: textSentAsBytes(types.TEXT),
        [types.JSON]: textSentAsBytes(types.JSON),
        [types.JSONB]: textSentAsBytes(types.JSONB, 1),
      },
      // on the command line (as `postgres -c`): PGlite's `postgresqlconf` would overwrite the folder's
      // postgresql.conf, and with it initdb's time zone (UTC), text search configuration and locale settings
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${pgliteSharedBuffersMb()}MB`],
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  const creates = !loadDataDir && !path.startsWith('memory://') && !existsSync(join(path, 'PG_VERSION'));
  let client = await open();
  if (creates) {
    // making the data folder (initdb) grows PGlite's WebAssembly memory to ≈ 570 MB, which an instance never gives
    // back: a first start kept 738 MB resident, against 276 MB when started again on the same folder. The folder
    // made, it is opened in a new instance and the first is left to the garbage collector.
    await client.close();
    client = await open();
  }
  // the count moves when a write has completed (a transaction: when it has committed or rolled back), so a read
  // begun before it never passes for current after it
  let writes = 0;
  const counted = <T>(p: Promise<T>): Promise<T> =>
    p.finally(() => {
      writes++;
    });
  const isRead = (sql: string) => /^\s*select\b/i.test(sql);
  // PGlite has one connection: transactions are serialised through its own queue.
  const tx = (t: Queryable & { exec(sql: string): Promise<unknown> }): Db => ({
    ...wrap('pglite', t, async (sql) => void (await t.exec(sql))),
    transaction: (fn) => fn(tx(t)),
    close: async () => {},
  });
  const base = wrap('pglite', client, async (sql) => void (await counted(client.exec(sql))));
  return {
    ...base,
    query: <T>(sql: string, params?: readonly unknown[]) =>
      isRead(sql) ? base.query<T>(sql, params) : counted(base.query<T>(sql, params)),
    transaction: (fn) => counted(client.transaction((t) => fn(tx(t)))),
    close: () => client.close(),
    soleWriter: true,
    writes: () => writes,
  };
}

async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // an idle connection the server closes (restart, failover, idle timeout) is replaced by the pool;
  // without a listener its error would end the process
  pool.on('error', (e) =>
    process.stderr.write(
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'warn',
        msg: 'database connection lost',
        error: e.message,
      }) + '\n',
    ),
  );
  await pool.query('select 1');
  // one transaction's connection: a statement sent while another runs waits for it here, in the order sent (a
  // bulk write asks for its next part before this one is written; pg's own queue for that is deprecated)
  const onClient = (client: pg.PoolClient): Db => {
    let last: Promise<unknown> = Promise.resolve();
    const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
      const p = last.then(run);
      last = p.catch(() => {});
      return p;
    };
    const tx: Db = {
      ...wrap('postgres', { query: (sql, params) => inTurn(() => client.query(sql, params)) }, (sql) =>
        inTurn(async () => void (await client.query(sql))),
      ),
      transaction: (fn) => fn(tx),
      close: async () => {},
    };
    return tx;
  };
  return {
    ...wrap('postgres', pool, async (sql) => void (await pool.query(sql))),
    async transaction(fn) {
      const client = await pool.connect();
      const tx = onClient(client);
      try {
        await tx.query('begin');
        const result = await fn(tx);
        await tx.query('commit');
        return result;
      } catch (e) {
        await tx.query('rollback').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

export function openDb(config: DbConfig): Promise<Db> {
  return isPostgresUrl(config.url) ? openPostgres(config.url) : openPglite(config.url, config.loadDataDir);
}
