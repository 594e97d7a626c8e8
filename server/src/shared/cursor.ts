/** Encodes a page position as an opaque cursor string. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Row ids are UUIDs, which PostgreSQL rejects with an error in any other form. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
