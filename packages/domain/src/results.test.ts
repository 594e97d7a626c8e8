import { describe, expect, it } from 'vitest';

import {
  canonicalScore,
  checkResultFigures,
  describeResult,
  formatResultTime,
  MAX_TIME_MS,
  parseRank,
  parseResultTime,
  parseScore,
} from './results.js';

describe('parseResultTime', () => {
  it.each([
    ['1:02:03', 3_723_000],
    ['01:02:03.456', 3_723_456],
    ['01:02:03.4', 3_723_400],
    ['02:03.05', 123_050],
    ['01：02：03．5', 3_723_500],
    ['99:59:59.999', MAX_TIME_MS],
    [' 00:00:01 ', 1000],
  ])('%j is %d ms', (text, expected) => {
    expect(parseResultTime(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['abc', 'format'],
    ['1:2:3', 'format'],
    ['01:60:00', 'range'],
    ['01:00:60', 'range'],
    ['00:00:00', 'range'],
    ['100:00:00', 'format'],
    ['01:02:03.4567', 'format'],
  ])('%j is rejected as %s', (text, reason) => {
    expect(parseResultTime(text)).toEqual({ ok: false, reason });
  });
});

describe('formatResultTime', () => {
  it.each([
    [3_723_456, '01:02:03.456'],
    [1000, '00:00:01'],
    [2_460_000, '00:41:00'],
    [1001, '00:00:01.001'],
    [MAX_TIME_MS, '99:59:59.999'],
  ])('%d ms is %s', (milliseconds, expected) => {
    expect(formatResultTime(milliseconds)).toBe(expected);
  });

  it('round-trips a parsed time', () => {
    const parsed = parseResultTime('12:34:56.789');
    expect(parsed.ok && formatResultTime(parsed.value)).toBe('12:34:56.789');
    const whole = parseResultTime('00:41:00.000');
    expect(whole.ok && formatResultTime(whole.value)).toBe('00:41:00');
  });
});

describe('parseRank', () => {
  it.each([
    ['1', 1],
    ['１２', 12],
    ['100000', 100_000],
  ])('%j is %d', (text, expected) => {
    expect(parseRank(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['0', 'range'],
    ['100001', 'range'],
    ['-1', 'format'],
    ['1.5', 'format'],
    ['第一', 'format'],
  ])('%j is rejected as %s', (text, reason) => {
    expect(parseRank(text)).toEqual({ ok: false, reason });
  });
});

describe('parseScore', () => {
  it.each([
    ['95.5', '95.5'],
    ['095.50', '95.5'],
    ['-3', '-3'],
    ['０.125', '0.125'],
    ['1000000000', '1000000000'],
  ])('%j is %s', (text, expected) => {
    expect(parseScore(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['1.2345', 'format'],
    ['1e3', 'format'],
    ['1000000001', 'range'],
  ])('%j is rejected as %s', (text, reason) => {
    expect(parseScore(text)).toEqual({ ok: false, reason });
  });

  it('keeps zero without a sign', () => {
    expect(canonicalScore('-0.00')).toBe('0');
  });
});

describe('checkResultFigures', () => {
  it('requires a rank of a finisher', () => {
    const outcome = checkResultFigures({
      status: 'finished',
      rank: null,
      timeMs: 1000,
      score: null,
    });
    expect(outcome).toEqual({ ok: false, reason: 'rank_required' });
  });

  it('rejects a rank of a DNF entrant', () => {
    const outcome = checkResultFigures({ status: 'dnf', rank: 3, timeMs: null, score: null });
    expect(outcome).toEqual({ ok: false, reason: 'rank_not_allowed' });
  });

  it('rejects a time and a score together', () => {
    const outcome = checkResultFigures({ status: 'finished', rank: 1, timeMs: 1, score: '2' });
    expect(outcome).toEqual({ ok: false, reason: 'time_and_score' });
  });

  it('accepts a DSQ entrant without figures', () => {
    const figures = { status: 'dsq' as const, rank: null, timeMs: null, score: null };
    expect(checkResultFigures(figures)).toEqual({ ok: true, value: figures });
  });
});

describe('describeResult', () => {
  it.each([
    [{ status: 'finished', rank: 3, timeMs: 3_723_456, score: null }, '第3名 · 01:02:03.456'],
    [{ status: 'finished', rank: 1, timeMs: null, score: '95.5' }, '第1名 · 95.5分'],
    [{ status: 'finished', rank: 2, timeMs: null, score: null }, '第2名'],
    [{ status: 'dnf', rank: null, timeMs: null, score: null }, '未完赛'],
    [{ status: 'dsq', rank: null, timeMs: 5000, score: null }, '取消成绩'],
  ] as const)('%j reads %s', (figures, expected) => {
    expect(describeResult(figures)).toBe(expected);
  });
});
