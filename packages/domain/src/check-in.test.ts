import { describe, expect, it } from 'vitest';

import {
  checkInWindow,
  isInCheckInWindow,
  mergeScans,
  parseTicketInput,
  ticketHashInput,
  type Scan,
} from './check-in.js';

function scan(code: string, device: string, time: string, nonce: string): Scan {
  return { code, device, scannedAt: `2026-05-01T${time}+08:00`, nonce };
}

describe('mergeScans', () => {
  it('keeps the earliest scan of each ticket', () => {
    const gate1 = scan('T1', 'gate-1', '09:14:05', 'n1');
    const gate2 = scan('T1', 'gate-2', '09:14:02', 'n2');
    const other = scan('T2', 'gate-1', '09:20:00', 'n3');
    const merged = mergeScans([gate1, other, gate2]);
    expect(merged.checkIns).toEqual([gate2, other]);
    expect(merged.conflicts).toEqual([{ code: 'T1', first: gate2, later: [gate1] }]);
  });

  it('counts a resent scan once and reports no conflict', () => {
    const first = scan('T1', 'gate-1', '09:14:05', 'n1');
    const merged = mergeScans([first, { ...first }, { ...first }]);
    expect(merged.checkIns).toEqual([first]);
    expect(merged.conflicts).toEqual([]);
  });

  it('compares times across time zones', () => {
    const shanghai = scan('T1', 'gate-1', '09:00:00', 'n1');
    const utc: Scan = {
      code: 'T1',
      device: 'gate-2',
      scannedAt: '2026-05-01T00:59:59Z',
      nonce: 'n2',
    };
    expect(mergeScans([shanghai, utc]).checkIns).toEqual([utc]);
  });

  it('breaks ties the same way in any order', () => {
    const a = scan('T1', 'gate-2', '09:00:00', 'n1');
    const b = scan('T1', 'gate-1', '09:00:00', 'n2');
    const c = scan('T1', 'gate-1', '09:00:00', 'n0');
    const orders = [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ];
    for (const order of orders) {
      const merged = mergeScans(order);
      expect(merged.checkIns).toEqual([c]);
      expect(merged.conflicts).toEqual([{ code: 'T1', first: c, later: [b, a] }]);
    }
  });

  it('returns nothing for no scans', () => {
    expect(mergeScans([])).toEqual({ checkIns: [], conflicts: [] });
  });
});

describe('parseTicketInput', () => {
  it('reads a signed ticket', () => {
    expect(parseTicketInput('CL1:ABCD234567:0123456789ABCDEF0123')).toEqual({
      kind: 'signed',
      code: 'ABCD234567',
      signature: '0123456789ABCDEF0123',
    });
  });

  it('normalises a typed code', () => {
    expect(parseTicketInput(' abcd 2345\n67 ')).toEqual({ kind: 'code', code: 'ABCD234567' });
    expect(parseTicketInput('ＡＢＣＤ２３４５６７')).toEqual({ kind: 'code', code: 'ABCD234567' });
  });

  it.each([
    ['empty', ''],
    ['too short', 'ABCD23456'],
    ['letter O', 'ABCD23456O'],
    ['digit 1', 'ABCD234561'],
    ['short signature', 'CL1:ABCD234567:0123456789ABCDEF012'],
    ['signature not hex', 'CL1:ABCD234567:0123456789ABCDEF012G'],
    ['unknown version', 'CL2:ABCD234567:0123456789ABCDEF0123'],
    ['a web address', 'https://example.test/ABCD234567'],
  ])('rejects %s', (_name, text) => {
    expect(parseTicketInput(text)).toEqual({ kind: 'invalid' });
  });
});

describe('ticketHashInput', () => {
  it('differs by event', () => {
    expect(ticketHashInput('e1', 'ABCD234567')).not.toBe(ticketHashInput('e2', 'ABCD234567'));
    expect(ticketHashInput('e1', 'ABCD234567')).toBe('cityleague-ticket:e1:ABCD234567');
  });
});

describe('checkInWindow', () => {
  const window = checkInWindow('2026-05-02T01:00:00.000Z', '2026-05-02T09:00:00.000Z');

  it('opens 24 hours before the start', () => {
    expect(window.opensAt.toISOString()).toBe('2026-05-01T01:00:00.000Z');
  });

  it('closes at the end', () => {
    expect(window.closesAt.toISOString()).toBe('2026-05-02T09:00:00.000Z');
  });

  it.each([
    ['2026-05-01T00:59:59.999Z', false],
    ['2026-05-01T01:00:00.000Z', true],
    ['2026-05-02T09:00:00.000Z', true],
    ['2026-05-02T09:00:00.001Z', false],
  ])('places %s inside: %s', (at, inside) => {
    expect(isInCheckInWindow(window, new Date(at))).toBe(inside);
  });
});
