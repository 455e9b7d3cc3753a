import type { Request } from 'express';
import type { CompiledSet } from '../domain/model.js';
import type { Db } from '../store/db.js';
import { loadCompiledSet } from '../store/sets.js';
import { getSettings } from '../store/settings.js';

export const dbOf = (req: Request) => req.app.locals.db as Db;

/** The coefficient set in use (admin setting), compiled. */
export async function activeSet(req: Request): Promise<CompiledSet> {
  const db = dbOf(req);
  const { activeSet } = await getSettings(db);
  return loadCompiledSet(db, activeSet.id, activeSet.version);
}

export function yearParam(raw: unknown): number | undefined {
  const y = Number(raw);
  return Number.isInteger(y) && y >= 1949 && y <= 2100 ? y : undefined;
}

/** A database id or count from a request: a whole number from 1 to 2³¹ − 1, else undefined. */
export function positiveInt(raw: unknown): number | undefined {
  const n =
    typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= 2_147_483_647 ? n : undefined;
}
