/**
 * Rendered report pages, cached by what they are made from: the data version (every write to settings, sets,
 * townships, survey records, transitions and published reports changes it, in any process), the address with
 * its query, the language and the reader's role (what a page offers depends on it). The body of a page is kept
 * without the reader's CSRF token (a placeholder stands in for it) and put in the layout per request, so one
 * entry serves every reader of the same role. Bounded by bytes, least recently used first out.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Stands in for the CSRF token in a cached body; replaced by the reader's own when served. */
export const CSRF_PLACEHOLDER = '\u0000csrf\u0000';
/** Stands in for the body in a cached layout. */
export const BODY_PLACEHOLDER = '\u0000body\u0000';

export interface CachedPage {
  readonly title: string;
  readonly body: string;
}

/** Text kept as UTF-8 bytes, cut where the reader's CSRF token goes. */
export type Parts = readonly Buffer[];
export const toParts = (text: string): Parts => text.split(CSRF_PLACEHOLDER).map((t) => Buffer.from(t));
export const partsBytes = (parts: Parts) => parts.reduce((n, b) => n + b.length, 0);

/** The bytes of parts with the token between each two; one copy. */
export function joinParts(token: Buffer, ...texts: Parts[]): Buffer {
  const chunks: Buffer[] = [];
  for (const parts of texts)
    parts.forEach((b, i) => {
      if (i > 0) chunks.push(token);
      chunks.push(b);
    });
  return Buffer.concat(chunks);
}

/** A weak ETag from what made the page (its keys and the reader's token), not from its bytes. */
export const etagOf = (...keys: string[]) =>
  `W/"${createHash('sha1').update(keys.join('\u0000')).digest('base64url')}"`;

/** Sends the bytes of a page, or 304 when the reader's copy has the same ETag. */
export function sendHtml(req: Request, res: Response, etag: string, bytes: () => Buffer) {
  res.setHeader('ETag', etag);
  // the page may change with any write: the browser asks again each time, and gets a 304 if nothing changed
  res.setHeader('Cache-Control', 'private, no-cache');
  const match = req.headers['if-none-match'];
  if (match && match.split(/\s*,\s*/).includes(etag)) {
    res.status(304).end();
    return;
  }
  const body = bytes();
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.status(res.statusCode || 200).end(body);
}

/** A map bounded by the bytes of its values; the least recently used entries leave first. */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;
  constructor(
    readonly limitBytes: number,
    private readonly sizeOf: (v: V) => number,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, value: V): void {
    const bytes = this.sizeOf(value) + key.length * 2;
    if (bytes > this.limitBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.total -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [k, e] of this.entries) {
      if (this.total <= this.limitBytes) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }
}

export const PAGE_CACHE_BYTES = Number(process.env.PAGE_CACHE_MB ?? 64) * 2 ** 20;

/**
 * Serves a GET of an HTML page from the cache, or marks the response so that `page()` stores what it renders.
 * Other formats (XLSX, CSV, PDF) are made per request.
 */
/** A page as kept: its cache key, title and body bytes. */
export interface StoredPage {
  readonly key: string;
  readonly title: string;
  readonly parts: Parts;
}

/**
 * Serves a GET of an HTML page from the cache, or marks the response so that `page()` stores what it renders
 * (`res.locals.storePage` returns the page as kept). Other formats (XLSX, CSV, PDF) are made per request.
 */
export function pageCache(
  serve: (res: Response, page: StoredPage) => void,
  limitBytes: number = PAGE_CACHE_BYTES,
) {
  const cache = new ByteLru<StoredPage>(limitBytes, (p) => partsBytes(p.parts) + p.title.length * 2);
  return (req: Request, res: Response, next: NextFunction) => {
    const version = res.locals.dataVersion as string | undefined;
    const format = req.query.format;
    if (!limitBytes || req.method !== 'GET' || !version || (format !== undefined && format !== 'html'))
      return next();
    // an official table carries its 编制日期: a page is kept for the day it was made on, in the county's time zone
    const day = (res.locals.localDate as ((d: Date) => string) | undefined)?.(new Date()) ?? '';
    const key = `${version}|${day}|${req.lang}|${req.user?.role ?? '-'}|${req.originalUrl}`;
    const hit = cache.get(key);
    if (hit && req.user) return serve(res, hit);
    res.locals.storePage = (p: CachedPage): StoredPage => {
      const stored = { key, title: p.title, parts: toParts(p.body) };
      cache.set(key, stored);
      return stored;
    };
    next();
  };
}

/** Layouts kept for cached pages (small: one per reader, page and version), bounded by bytes. */
export const layoutCache = (limitBytes = 4 * 2 ** 20) =>
  new ByteLru<{ before: Parts; after: Parts }>(limitBytes, (l) => partsBytes(l.before) + partsBytes(l.after));
