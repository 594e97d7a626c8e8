import { describe, expect, it } from 'vitest';

import {
  decodeCursor,
  encodeCursor,
  isDecimalInteger,
  isInstant,
  isMicrosecondInstant,
} from './cursor.js';

const ID = '01a24a55-b03a-77ea-8b93-b67723372c0d';

describe('decodeCursor', () => {
  it('returns the position of an encoded cursor', () => {
    const cursor = encodeCursor({ publishedAt: '2026-11-24T19:38:45.060Z', id: ID });
    expect(decodeCursor(cursor, ['publishedAt', 'id'])).toEqual({
      publishedAt: '2026-11-24T19:38:45.060Z',
      id: ID,
    });
  });

  it.each([
    ['an id that is not a UUID', { publishedAt: '2026-11-24T19:38:45.060Z', id: 'zzz' }],
    ['a UUID with extra text', { publishedAt: '2026-11-24T19:38:45.060Z', id: `${ID}x` }],
    ['a missing key', { id: ID }],
    ['a number for a key', { publishedAt: 5, id: ID }],
    ['a NUL character in a value', { publishedAt: '2026-11-24T19:38:45.060Z\u0000', id: ID }],
  ])('rejects %s', (_case, position) => {
    const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');
    expect(decodeCursor(cursor, ['publishedAt', 'id'])).toBeUndefined();
  });

  it('rejects text that is not an encoded object', () => {
    expect(decodeCursor('not a cursor', ['id'])).toBeUndefined();
    expect(decodeCursor(Buffer.from('"text"').toString('base64url'), ['id'])).toBeUndefined();
  });
});

describe('isInstant', () => {
  it.each([
    ['2026-11-24T19:38:45.060Z', true],
    ['0001-01-01T00:00:00.000Z', true],
    ['garbage', false],
    ['-271821-04-20T00:00:00.000Z', false],
    ['0000-01-01T00:00:00.000Z', false],
    ['2026-02-30T00:00:00.000Z', false],
    ['2026-11-24T19:38:45Z', false],
    ['2026-11-24 19:38:45.060+00', false],
  ])('%s gives %s', (text, expected) => {
    expect(isInstant(text)).toBe(expected);
  });
});

describe('isMicrosecondInstant', () => {
  it.each([
    ['2026-11-24T19:38:45.060123Z', true],
    ['2024-02-29T23:59:59.999999Z', true],
    ['0001-01-01T00:00:00.000000Z', true],
    ['9999-12-31T23:59:59.999999Z', true],
    ['garbage', false],
    ['', false],
    ['2026-11-24T19:38:45.060Z', false],
    ['2026-11-24T19:38:45.0601234Z', false],
    ['2026-11-24 19:38:45.060123+00', false],
    ['2026-11-24T19:38:45.060123+08:00', false],
    ['2026-02-30T00:00:00.000000Z', false],
    ['2025-02-29T00:00:00.000000Z', false],
    ['2026-13-01T00:00:00.000000Z', false],
    ['2026-01-01T24:00:00.000000Z', false],
    ['2026-01-01T23:60:00.000000Z', false],
    ['2026-01-01T23:59:60.000000Z', false],
    ['0000-01-01T00:00:00.000000Z', false],
    ['99999-01-01T00:00:00.000000Z', false],
    ['+099999-01-01T00:00:00.000000Z', false],
    ['2026-01-01T00:00:00.000000Z\n', false],
  ])('%s gives %s', (text, expected) => {
    expect(isMicrosecondInstant(text)).toBe(expected);
  });
});

describe('isDecimalInteger', () => {
  it.each([
    ['0', true],
    ['7', true],
    ['100', true],
    ['2147483647', true],
    ['2147483648', false],
    ['', false],
    ['-5', false],
    ['+5', false],
    ['1e3', false],
    ['1.0', false],
    ['007', false],
    ['0x1f', false],
    [' 12', false],
    ['12 ', false],
    ['１２', false],
  ])('%j up to 2147483647 gives %s', (text, expected) => {
    expect(isDecimalInteger(text, 2147483647n)).toBe(expected);
  });
});
