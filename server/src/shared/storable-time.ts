/** Earliest and latest instants that the platform stores: the years 0001 to 9999 in UTC. */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Checks that milliseconds since the epoch fall in the years 0001 to 9999 (UTC). */
export function isStorableTime(time: number): boolean {
  return Number.isFinite(time) && time >= EARLIEST && time <= LATEST;
}

/** A calendar day, YYYY-MM-DD. */
const DAY = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/**
 * Checks that a text is a day of the calendar from 0001-01-01 to 9999-12-31. PostgreSQL has no
 * year 0000 and rejects a day such as 02-30 with an error.
 */
export function isStorableDay(text: string): boolean {
  if (!DAY.test(text) || text.startsWith('0000')) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** An RFC 3339 date and time: day, time with optional fraction, and Z or an offset. */
const DATE_TIME =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;

/**
 * Checks that a text is an RFC 3339 date and time that PostgreSQL stores as the same instant.
 * The day must be real and in the years 0001 to 9999, as written and in UTC. Hours go to 23,
 * minutes and seconds to 59, and the offset to 15:59, which is PostgreSQL's limit.
 */
export function isStorableDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, day, hours, minutes, seconds, , , , offsetHours, offsetMinutes] = match;
  if (!isStorableDay(day!)) return false;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return false;
  if (offsetHours !== undefined && (Number(offsetHours) > 15 || Number(offsetMinutes) > 59)) {
    return false;
  }
  return isStorableTime(Date.parse(text.replace(' ', 'T').toUpperCase()));
}
