import type { Db } from './db.js';
import type { Role } from './users.js';
import type { EditScope } from '../domain/scope.js';

export interface Actor {
  readonly id: number | null;
  readonly username: string;
  readonly role: Role | 'system';
  /** The townships and departments a clerk is bound to (survey writes outside them are refused). */
  readonly scope?: EditScope;
}

export const SYSTEM_ACTOR: Actor = { id: null, username: 'system', role: 'system' };

export interface AuditEvent {
  action: string;
  entity: string;
  entityKey: string;
  township?: string | null;
  year?: number | null;
  oldValue?: unknown;
  newValue?: unknown;
  note?: string | null;
}

/** Appends one event; call it inside the transaction of the change it records. */
export async function recordEvent(tx: Db, actor: Actor, e: AuditEvent): Promise<void> {
  await tx.query(
    `insert into audit_events (user_id, username, action, entity, entity_key, township_id, year, old_value, new_value, note)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      actor.id,
      actor.username,
      e.action,
      e.entity,
      e.entityKey,
      e.township ?? null,
      e.year ?? null,
      e.oldValue === undefined ? null : JSON.stringify(e.oldValue),
      e.newValue === undefined ? null : JSON.stringify(e.newValue),
      e.note ?? null,
    ],
  );
}

/** Many events in one statement (an import's records): the same rows recordEvent writes one by one. */
export async function recordEvents(tx: Db, actor: Actor, events: readonly AuditEvent[]): Promise<void> {
  if (!events.length) return;
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  await tx.query(
    `insert into audit_events (user_id, username, action, entity, entity_key, township_id, year, old_value, new_value, note)
     select $1, $2, e.action, e.entity, e.entity_key, e.township_id, e.year, e.old_value, e.new_value, e.note
     from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::jsonb[], $9::jsonb[], $10::text[])
       as e(action, entity, entity_key, township_id, year, old_value, new_value, note)`,
    [
      actor.id,
      actor.username,
      events.map((e) => e.action),
      events.map((e) => e.entity),
      events.map((e) => e.entityKey),
      events.map((e) => e.township ?? null),
      events.map((e) => e.year ?? null),
      events.map((e) => json(e.oldValue)),
      events.map((e) => json(e.newValue)),
      events.map((e) => e.note ?? null),
    ],
  );
}

export interface AuditFilter {
  township?: string;
  year?: number;
  username?: string;
  entity?: string;
  limit?: number;
  beforeId?: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  username: string | null;
  action: string;
  entity: string;
  entity_key: string;
  township_id: string | null;
  year: number | null;
  old_value: unknown;
  new_value: unknown;
  note: string | null;
}

export async function listEvents(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.township) add('township_id = ?', f.township);
  if (f.year) add('year = ?', f.year);
  if (f.username) add('username = ?', f.username);
  if (f.entity) add('entity = ?', f.entity);
  if (f.beforeId) add('id < ?', f.beforeId);
  params.push(Math.min(f.limit ?? 100, 500));
  const rows = await db.query<AuditRow>(
    `select id::int as id, at, username, action, entity, entity_key, township_id, year, old_value, new_value, note
     from audit_events ${where.length ? 'where ' + where.join(' and ') : ''} order by id desc limit $${params.length}`,
    params,
  );
  return rows;
}
