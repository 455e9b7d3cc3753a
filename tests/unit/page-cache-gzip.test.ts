/**
 * A cached page is sent as one gzip stream put together per request from pieces compressed once and the reader's
 * CSRF token as a stored block (src/web/page-cache.ts): it must decode, with any inflater, to exactly the page
 * with that token, and its CRC-32 (combined from the pieces') must be the CRC-32 of those bytes.
 */
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  acceptsGzip,
  crc32Combine,
  crcShift,
  CSRF_PLACEHOLDER as T,
  gzipParts,
  joinParts,
  toParts,
} from '../../src/web/page-cache.js';

describe('CRC-32 combined from pieces', () => {
  it('gives the check value of "123456789" from "12345" and "6789"', () => {
    // the CRC-32 check value (ISO-HDLC) of the ASCII digits 1 to 9 is 0xCBF43926
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32Combine(crc32('12345'), crc32('6789'), crcShift(4))).toBe(0xcbf43926);
    // an empty first piece (CRC 0) leaves the second piece's CRC; an empty second piece (shift x^0 = 1) the first's
    expect(crc32Combine(0, crc32('6789'), crcShift(4))).toBe(crc32('6789'));
    expect(crc32Combine(crc32('12345'), 0, crcShift(0))).toBe(crc32('12345'));
  });

  it('equals the CRC-32 of a long concatenation (lengths over 2^16 and 2^20)', () => {
    const a = Buffer.alloc(70_000, 'a');
    const b = Buffer.from('本'.repeat(400_000)); // 1,200,000 bytes
    expect(crc32Combine(crc32(a), crc32(b), crcShift(b.length))).toBe(crc32(Buffer.concat([a, b])));
  });
});

/** Letters from a linear congruential generator: text that compresses poorly, the same in every run. */
function randomText(length: number, seed: number): string {
  let x = seed + 1;
  let s = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += String.fromCharCode(33 + (x % 90));
  }
  return s;
}

describe('gzipParts', () => {
  const token = Buffer.from('tok_abc-123');
  const cases: [string, string[]][] = [
    [
      'a token in the middle of layout and body',
      [`<html><meta content="${T}">`, `<form>${T}</form>`, '</html>'],
    ],
    ['tokens first and last, empty pieces', [`${T}${T}`, '', `${T}`]],
    ['no token at all', ['<p>plain</p>', '']],
    // 5 pieces of 100,000 bytes that compress poorly: deflate writes several blocks per piece
    ['large pieces', [Array.from({ length: 5 }, (_, k) => randomText(100_000, k)).join(T), '后']],
  ];
  it.each(cases)('%s: gunzip gives exactly the page with the token', (_name, texts) => {
    const parts = texts.map(toParts);
    const gz = gzipParts(token, ...parts);
    const plain = joinParts(token, ...parts);
    expect(plain.toString()).toBe(texts.join('').split(T).join(token.toString()));
    expect(gunzipSync(gz).equals(plain)).toBe(true);
    // the trailer: CRC-32 and length of the uncompressed bytes
    expect(gz.readUInt32LE(gz.length - 8)).toBe(crc32(plain));
    expect(gz.readUInt32LE(gz.length - 4)).toBe(plain.length);
    // one member only: the deflate data ends exactly before the trailer (a browser reads the first member only)
    expect(inflateRawSync(gz.subarray(10, gz.length - 8)).equals(plain)).toBe(true);
  });

  it('gives each reader their own token from the same stored pieces', () => {
    const parts = toParts(`<input value="${T}"><input value="${T}">`);
    const a = gunzipSync(gzipParts(Buffer.from('AAA'), parts)).toString();
    const b = gunzipSync(gzipParts(Buffer.from('BBBBBBBB'), parts)).toString();
    expect(a).toBe('<input value="AAA"><input value="AAA">');
    expect(b).toBe('<input value="BBBBBBBB"><input value="BBBBBBBB">');
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['GZIP', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['br, *;q=0', false],
    ['identity', false],
    ['', false],
  ])('%j → %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected));
  it('is false without the header', () => expect(acceptsGzip(undefined)).toBe(false));
});
