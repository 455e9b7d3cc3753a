/**
 * Rendered report pages, cached by what they are made from: the data version (every write to settings, sets,
 * townships, survey records, transitions and published reports changes it, in any process), the address with
 * its query, the language and the reader's role (what a page offers depends on it). The body of a page is kept
 * without the reader's CSRF token (a placeholder stands in for it) and put in the layout per request, so one
 * entry serves every reader of the same role. Bounded by bytes, least recently used first out. Each piece between
 * tokens is also kept deflated, so that a reader accepting gzip gets one gzip stream put together without compressing
 * (`gzipParts`); concatenated gzip members would not do: Chromium reads the first member only.
 */
import { createHash } from 'node:crypto';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import { wholeNumberFromEnv } from '../env.js';

/** Stands in for the CSRF token in a cached body; replaced by the reader's own when served. */
export const CSRF_PLACEHOLDER = '\u0000csrf\u0000';
/** Stands in for the body in a cached layout. */
export const BODY_PLACEHOLDER = '\u0000body\u0000';

export interface CachedPage {
  readonly title: string;
  readonly body: string;
}

/**
 * Text kept as UTF-8 bytes, cut where the reader's CSRF token goes, and each piece also compressed once (raw
 * deflate ending on a byte boundary, see `gzipParts`) with its CRC-32: a hit is sent gzip-compressed without
 * compressing anything.
 */
export interface Parts {
  readonly plain: readonly Buffer[];
  readonly deflated: readonly Buffer[];
  readonly crc: readonly number[];
  /** x^(8·length) mod the CRC polynomial, per piece: what `crc32Combine` multiplies by. */
  readonly shift: readonly number[];
}

export function toParts(text: string): Parts {
  const plain = text.split(CSRF_PLACEHOLDER).map((t) => Buffer.from(t));
  return {
    plain,
    // a sync flush ends each piece on a byte boundary with no final block: pieces and tokens can follow
    deflated: plain.map((b) => deflateRawSync(b, { finishFlush: zlibConstants.Z_SYNC_FLUSH })),
    crc: plain.map((b) => crc32(b)),
    shift: plain.map((b) => crcShift(b.length)),
  };
}
export const partsBytes = (p: Parts) =>
  p.plain.reduce((n, b) => n + b.length, 0) + p.deflated.reduce((n, b) => n + b.length, 0);

/** The bytes of parts with the token between each two; one copy. */
export function joinParts(token: Buffer, ...texts: Parts[]): Buffer {
  const chunks: Buffer[] = [];
  for (const parts of texts)
    parts.plain.forEach((b, i) => {
      if (i > 0) chunks.push(token);
      chunks.push(b);
    });
  return Buffer.concat(chunks);
}

// ---- gzip (RFC 1951, 1952) of parts and tokens, compressing nothing per request

// CRC-32 arithmetic in GF(2) modulo the reflected polynomial, as zlib's crc32_combine (zlib 1.2.12 and later)
const CRC_POLY = 0xedb88320;
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ CRC_POLY : b >>> 1;
  }
  return p >>> 0;
}
// x^(2^k) mod p
const X2N: number[] = [0x40000000];
for (let k = 1; k < 32; k++) X2N.push(multModP(X2N[k - 1]!, X2N[k - 1]!));
/** x^(8·bytes) mod p. */
export function crcShift(bytes: number): number {
  let p = 0x80000000;
  for (let n = bytes, k = 3; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = multModP(X2N[k & 31]!, p);
  return p;
}
/** The CRC-32 of A followed by B, from A's CRC, B's CRC and B's `crcShift(length)`. */
export const crc32Combine = (crcA: number, crcB: number, shiftB: number) =>
  (multModP(shiftB, crcA) ^ crcB) >>> 0;

// a gzip header: deflate, no name, no time, unknown OS
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
// a final, empty block with fixed codes: the end of the deflate stream
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * One gzip stream (one member, which every decoder reads) of the parts with the token between each two: each
 * piece's deflate data as kept, the token as a stored block, a final empty block, then the CRC-32 of the whole
 * (combined from the pieces' CRCs) and its length. A stored block begins on a byte boundary, where each piece ends,
 * and a piece compressed on its own refers to nothing before it, so the stream decodes to exactly `joinParts`.
 */
export function gzipParts(token: Buffer, ...texts: Parts[]): Buffer {
  if (token.length > 0xffff) throw new Error('a token longer than one stored block');
  const stored = Buffer.alloc(5); // BFINAL 0, BTYPE 00 (stored), LEN, NLEN
  stored.writeUInt16LE(token.length, 1);
  stored.writeUInt16LE(~token.length & 0xffff, 3);
  const tokenCrc = crc32(token);
  const tokenShift = crcShift(token.length);
  const chunks: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let length = 0;
  for (const parts of texts)
    parts.deflated.forEach((d, i) => {
      if (i > 0) {
        chunks.push(stored, token);
        crc = crc32Combine(crc, tokenCrc, tokenShift);
        length += token.length;
      }
      chunks.push(d);
      crc = crc32Combine(crc, parts.crc[i]!, parts.shift[i]!);
      length += parts.plain[i]!.length;
    });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  chunks.push(FINAL_BLOCK, trailer);
  return Buffer.concat(chunks);
}

/** A weak ETag from what made the page (its keys and the reader's token), not from its bytes. */
export const etagOf = (...keys: string[]) =>
  `W/"${createHash('sha1').update(keys.join('\u0000')).digest('base64url')}"`;

/**
 * Sends a page, gzip-compressed when the reader accepts it, or 304 when the reader's copy has the same ETag (one
 * weak ETag for both codings: they decode to the same bytes).
 */
export function sendHtml(
  req: Request,
  res: Response,
  etag: string,
  bytes: { plain: () => Buffer; gzip: () => Buffer },
) {
  res.setHeader('ETag', etag);
  // the page may change with any write: the browser asks again each time, and gets a 304 if nothing changed
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(/\s*,\s*/).includes(etag)) {
    res.status(304).end();
    return;
  }
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? bytes.gzip() : bytes.plain();
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.status(res.statusCode || 200).end(body);
}

/** Whether an Accept-Encoding header accepts gzip (by name, or `*`, with a q-value above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const item of header.split(',')) {
    const [name = '', ...params] = item.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const ok = !q || Number(q.slice(2)) > 0;
    if (name === 'gzip' || name === 'x-gzip') return ok;
    if (name === '*') star = ok;
  }
  return star;
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

export const PAGE_CACHE_BYTES =
  wholeNumberFromEnv(process.env, 'PAGE_CACHE_MB', { min: 0, max: 2 ** 20, fallback: 64, unit: 'MB' }) *
  2 ** 20;

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
  // the date is formatted at most once a second (a request at 00:00:00.5 may get the page of 23:59:59.9, as if it
  // had taken that long)
  let memo: { localDate?: (d: Date) => string; at: number; day: string } = { at: 0, day: '' };
  const today = (localDate: ((d: Date) => string) | undefined) => {
    if (!localDate) return '';
    const now = Date.now();
    if (memo.localDate !== localDate || now - memo.at >= 1000 || now < memo.at)
      memo = { localDate, at: now, day: localDate(new Date(now)) };
    return memo.day;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const version = res.locals.dataVersion as string | undefined;
    const format = req.query.format;
    if (!limitBytes || req.method !== 'GET' || !version || (format !== undefined && format !== 'html'))
      return next();
    // an official table carries its 编制日期: a page is kept for the day it was made on, in the county's time zone
    const day = today(res.locals.localDate as ((d: Date) => string) | undefined);
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
export const layoutCache = (limitBytes = 8 * 2 ** 20) =>
  new ByteLru<{ before: Parts; after: Parts }>(limitBytes, (l) => partsBytes(l.before) + partsBytes(l.after));
