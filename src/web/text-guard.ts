import type { NextFunction, Request, Response } from 'express';
import { BadRequestError } from '../store/errors.js';

/** Text PostgreSQL cannot store (a NUL byte) or that is not well-formed UTF-16 (a lone surrogate). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isBadText = (s: string): boolean => s.includes('\u0000') || LONE_SURROGATE.test(s);

function badIn(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return isBadText(value);
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (isBadText(k) || badIn(v, depth + 1)) return true;
  return false;
}

/**
 * Refuses with 400 a request whose path, query or body holds a NUL byte or invalid text, before any of
 * it reaches the database (where it would fail with an encoding error, a 500).
 */
export function refuseBadText(req: Request, _res: Response, next: NextFunction) {
  let path: string;
  try {
    path = decodeURIComponent(req.originalUrl);
  } catch {
    return next(
      new BadRequestError({ zh: '请求地址编码无效', en: 'the request address is not validly encoded' }),
    );
  }
  if (isBadText(path) || badIn(req.query) || badIn(req.body))
    return next(
      new BadRequestError({
        zh: '请求中含有空字符（NUL）或无效文本，已拒绝',
        en: 'the request holds a NUL character or invalid text and was refused',
      }),
    );
  next();
}
