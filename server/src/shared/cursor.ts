import { sql, type RawBuilder } from 'kysely';

/** Encodes a page position as an opaque cursor string. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Row ids are UUIDs, which PostgreSQL rejects with an error in any other form. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An instant as `toISOString` writes it for years 0001 to 9999, which PostgreSQL accepts. */
const INSTANT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;

/**
 * Checks that a text is an instant as `toISOString` writes it, which PostgreSQL reads as the
 * same time. Cursors that carry a `toISOString` time check it before a query uses it.
 */
export function isInstant(text: string): boolean {
  if (!INSTANT.test(text) || text.startsWith('0000')) return false;
  // An impossible day such as 02-30 parses to another day, so it does not come back the same.
  const time = Date.parse(text);
  return Number.isFinite(time) && new Date(time).toISOString() === text;
}

/**
 * Selects a timestamptz column as UTC text to the microsecond, such as
 * `2026-03-01T02:00:00.123456Z`, for a cursor: a JavaScript Date keeps milliseconds only, and a
 * position without the rest would skip the rows later in the same millisecond. `T` is
 * `string | null` for a nullable column.
 */
export function microsecondInstantOf<T extends string | null = string>(
  column: string,
): RawBuilder<T> {
  return sql<T>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** An instant as `microsecondInstantOf` writes it. The group is its part to the millisecond. */
const MICROSECOND_INSTANT =
  /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3})[0-9]{3}Z$/;

/**
 * Checks that a text is an instant as `microsecondInstantOf` writes it for years 0001 to 9999,
 * which PostgreSQL reads as the same time. Impossible dates such as 02-30, which PostgreSQL
 * rejects with an error, and hour 24, which it reads as the next day, fail the check.
 */
export function isMicrosecondInstant(text: string): boolean {
  const match = MICROSECOND_INSTANT.exec(text);
  return match !== null && isInstant(`${match[1]}Z`);
}

/** A non-negative integer in decimal digits without a sign or leading zeros. */
const DECIMAL_INTEGER = /^(?:0|[1-9][0-9]*)$/;

/**
 * Checks that a text is a non-negative integer of at most `maximum` as `String(number)` and
 * PostgreSQL's integer output write it. A `maximum` within the range of the column's type keeps
 * PostgreSQL from raising an out-of-range error on the value.
 */
export function isDecimalInteger(text: string, maximum: bigint): boolean {
  return DECIMAL_INTEGER.test(text) && BigInt(text) <= maximum;
}

/**
 * Decodes a cursor made by `encodeCursor`. Returns undefined when it is malformed, including
 * an `id` that is not a UUID and a value with U+0000, which PostgreSQL text cannot contain.
 */
export function decodeCursor<K extends string>(
  cursor: string,
  keys: readonly K[],
): Record<K, string> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    if (!keys.every((key) => typeof record[key] === 'string')) return undefined;
    if (keys.some((key) => (record[key] as string).includes('\u0000'))) return undefined;
    if ('id' in record && !UUID.test(String(record.id))) return undefined;
    return record as Record<K, string>;
  } catch {
    return undefined;
  }
}
