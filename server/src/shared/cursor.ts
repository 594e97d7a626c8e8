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
 * Decodes a cursor made by `encodeCursor`; returns undefined when it is malformed, including
 * an `id` that is not a UUID.
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
    if ('id' in record && !UUID.test(String(record.id))) return undefined;
    return record as Record<K, string>;
  } catch {
    return undefined;
  }
}
