import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Db } from '../store/db.js';

/** express-rate-limit counters in the database, so that every app process counts the same attempts. */
export class DbRateLimitStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;
  constructor(
    private readonly db: Db,
    readonly prefix = 'login:',
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const [row] = await this.db.query<{ hits: number; reset_at: Date }>(
      `insert into rate_limits (key, hits, reset_at) values ($1, 1, now() + $2 * interval '1 millisecond')
       on conflict (key) do update set
         hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
         reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
       returning hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    return { totalHits: row!.hits, resetTime: new Date(row!.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.db.query('update rate_limits set hits = greatest(hits - 1, 0) where key = $1', [
      this.prefix + key,
    ]);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.query('delete from rate_limits where key = $1', [this.prefix + key]);
  }
}
