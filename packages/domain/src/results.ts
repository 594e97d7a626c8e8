/**
 * Statuses of an entrant's result: finished (完赛), did not finish (未完赛, DNF) and
 * disqualified (取消成绩, DSQ). Only finishers get a rank and a certificate.
 */
export const RESULT_STATUSES = ['finished', 'dnf', 'dsq'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const RESULT_STATUS_LABELS: Record<ResultStatus, string> = {
  finished: '完赛',
  dnf: '未完赛',
  dsq: '取消成绩',
};

/** Largest rank accepted; a city fun run has some thousands of finishers per group. */
export const MAX_RANK = 100_000;
/** Longest time accepted, in milliseconds: 99:59:59.999, beyond any one-day event. */
export const MAX_TIME_MS = (99 * 3600 + 59 * 60 + 59) * 1000 + 999;
/** Largest absolute score accepted; scores keep at most three decimal places. */
export const MAX_SCORE = 1_000_000_000;

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

const TIME_PATTERN = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$/;

/**
 * Parses a finishing time written `H:MM:SS`, `HH:MM:SS.sss` or `MM:SS.sss` (full-width colons
 * and a decimal comma are accepted) into milliseconds. Minutes and seconds must be below 60.
 */
export function parseResultTime(text: string): ParseOutcome<number> {
  const value = text
    .trim()
    .replace(/[：]/g, ':')
    .replace(/[．,，]/g, '.');
  if (value === '') return { ok: false, reason: 'empty' };
  const match = TIME_PATTERN.exec(value);
  if (!match) return { ok: false, reason: 'format' };
  const [, hoursText, minutesText, secondsText, fractionText] = match;
  const hours = Number(hoursText ?? '0');
  const minutes = Number(minutesText);
  const seconds = Number(secondsText);
  if (minutes >= 60 || seconds >= 60) return { ok: false, reason: 'range' };
  const milliseconds = Number((fractionText ?? '').padEnd(3, '0'));
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1000 + milliseconds;
  if (total === 0) return { ok: false, reason: 'range' };
  return { ok: true, value: total };
}

/**
 * Formats milliseconds as `HH:MM:SS`, or `HH:MM:SS.sss` when the milliseconds are not zero: the
 * form every screen and certificate shows. parseResultTime reads both forms back.
 */
export function formatResultTime(milliseconds: number): string {
  const pad = (value: number, length = 2) => String(value).padStart(length, '0');
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const seconds = Math.floor((milliseconds % 60_000) / 1000);
  const whole = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  const fraction = milliseconds % 1000;
  return fraction === 0 ? whole : `${whole}.${pad(fraction, 3)}`;
}

/** Parses a rank: a whole number from 1 to MAX_RANK, full-width digits accepted. */
export function parseRank(text: string): ParseOutcome<number> {
  const value = toAsciiDigits(text.trim());
  if (value === '') return { ok: false, reason: 'empty' };
  if (!/^\d{1,6}$/.test(value)) return { ok: false, reason: 'format' };
  const rank = Number(value);
  if (rank < 1 || rank > MAX_RANK) return { ok: false, reason: 'range' };
  return { ok: true, value: rank };
}

/**
 * Parses a score: a decimal number with at most three decimal places whose absolute value is
 * at most MAX_SCORE. Returns it as a canonical decimal string, because PostgreSQL's numeric
 * keeps it exactly and JavaScript numbers would not.
 */
export function parseScore(text: string): ParseOutcome<string> {
  const value = toAsciiDigits(text.trim()).replace(/[．]/g, '.');
  if (value === '') return { ok: false, reason: 'empty' };
  const match = /^(-?)(\d{1,10})(?:\.(\d{1,3}))?$/.exec(value);
  if (!match) return { ok: false, reason: 'format' };
  const [, sign, whole, fraction] = match;
  if (Math.abs(Number(value)) > MAX_SCORE) return { ok: false, reason: 'range' };
  return { ok: true, value: canonicalScore(`${sign}${whole}${fraction ? `.${fraction}` : ''}`) };
}

/** Removes leading zeros of the whole part and trailing zeros of the fraction: 095.50 → 95.5. */
export function canonicalScore(score: string): string {
  const negative = score.startsWith('-');
  const [whole = '0', fraction = ''] = score.replace(/^-/, '').split('.');
  const trimmedWhole = whole.replace(/^0+(?=\d)/, '');
  const trimmedFraction = fraction.replace(/0+$/, '');
  const body = trimmedFraction ? `${trimmedWhole}.${trimmedFraction}` : trimmedWhole;
  return negative && body !== '0' ? `-${body}` : body;
}

function toAsciiDigits(text: string): string {
  return text.replace(/[０-９]/g, (digit) => String(digit.charCodeAt(0) - 0xff10));
}

/** An entrant's result as screens, certificates and messages show it. */
export interface ResultFigures {
  status: ResultStatus;
  rank: number | null;
  timeMs: number | null;
  score: string | null;
}

/**
 * Checks that a result is consistent: a finisher has a rank, a DNF or DSQ entrant has none, and
 * a result has a time or a score, never both. Returns the reason of the first problem found.
 */
export function checkResultFigures(figures: ResultFigures): ParseOutcome<ResultFigures> {
  if (figures.status === 'finished' && figures.rank === null) {
    return { ok: false, reason: 'rank_required' };
  }
  if (figures.status !== 'finished' && figures.rank !== null) {
    return { ok: false, reason: 'rank_not_allowed' };
  }
  if (figures.timeMs !== null && figures.score !== null) {
    return { ok: false, reason: 'time_and_score' };
  }
  return { ok: true, value: figures };
}

/** Formats a result in Chinese: 第3名 · 01:02:03.456, 第2名 · 00:41:00, 第1名 · 95.5分, or 未完赛. */
export function describeResult(figures: ResultFigures): string {
  if (figures.status !== 'finished') return RESULT_STATUS_LABELS[figures.status];
  const parts = [`第${figures.rank}名`];
  if (figures.timeMs !== null) parts.push(formatResultTime(figures.timeMs));
  if (figures.score !== null) parts.push(`${figures.score}分`);
  return parts.join(' · ');
}
