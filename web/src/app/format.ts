/** Business time zone: every date on screen is shown in Shanghai time. */
const TIME_ZONE = 'Asia/Shanghai';

const PARTS_FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface ShanghaiParts {
  year: string;
  month: string;
  day: string;
  weekday: string;
  hour: string;
  minute: string;
}

function shanghaiParts(date: Date): ShanghaiParts {
  const parts: Record<string, string> = {};
  for (const part of PARTS_FORMAT.formatToParts(date)) parts[part.type] = part.value;
  return {
    year: parts.year ?? '',
    month: parts.month ?? '',
    day: parts.day ?? '',
    weekday: parts.weekday ?? '',
    hour: parts.hour ?? '',
    minute: parts.minute ?? '',
  };
}

function formatDay(parts: ShanghaiParts, withYear: boolean): string {
  const day = `${parts.month}月${parts.day}日 ${parts.weekday}`;
  return withYear ? `${parts.year}年${day}` : day;
}

/**
 * Formats an ISO timestamp as Shanghai time, e.g. "12月5日 周六 09:00". The year is added
 * when it differs from the current Shanghai year.
 */
export function formatDateTime(iso: string, now: Date = new Date()): string {
  const parts = shanghaiParts(new Date(iso));
  const withYear = parts.year !== shanghaiParts(now).year;
  return `${formatDay(parts, withYear)} ${parts.hour}:${parts.minute}`;
}

/**
 * Formats a time range in Shanghai time; the end shows only its clock time when both ends
 * fall on the same day, e.g. "12月5日 周六 09:00–17:00".
 */
export function formatRange(startIso: string, endIso: string, now: Date = new Date()): string {
  const start = shanghaiParts(new Date(startIso));
  const end = shanghaiParts(new Date(endIso));
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day;
  if (sameDay) return `${formatDateTime(startIso, now)}–${end.hour}:${end.minute}`;
  return `${formatDateTime(startIso, now)} 至 ${formatDateTime(endIso, now)}`;
}

/** Returns a Shanghai calendar day as YYYY-MM-DD, today unless another instant is given. */
export function shanghaiDate(date: Date = new Date()): string {
  const parts = shanghaiParts(date);
  return `${parts.year}-${parts.month.padStart(2, '0')}-${parts.day.padStart(2, '0')}`;
}

/** Returns a team size rule, e.g. "每队 2 人" or "每队 2–4 人"; empty when the group sets none. */
export function teamSizeText(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return min === max ? `每队 ${min} 人` : `每队 ${min}–${max} 人`;
  if (min !== null) return `每队至少 ${min} 人`;
  if (max !== null) return `每队至多 ${max} 人`;
  return '';
}
