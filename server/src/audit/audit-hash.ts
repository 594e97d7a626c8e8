import { createHash } from 'node:crypto';

/** The previous hash of the first entry of a chain that no checkpoint precedes. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag inside every hash input, so that a later serialisation can coexist. */
const HASH_VERSION = 'cityleague-audit-v1';

/** Before and after values of each changed field, keyed by field name. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/** The fields of an audit entry that its hash covers, as stored. */
export interface ChainedEntry {
  seq: number;
  id: string;
  at: Date;
  actorUserId: string | null;
  /** The acting partner platform; entries without one hash as they did before it existed. */
  actorPartnerId?: string | null;
  organisationId: string | null;
  actorIp: string | null;
  userAgent: string | null;
  action: string;
  entityType: string;
  entityId: string;
  outcome: string;
  detail: Record<string, unknown>;
  changes: AuditChanges | null;
  prevHash: string;
}

/**
 * Sorts object keys recursively after a JSON round trip, so that a value serialises the same
 * before it is stored and after jsonb, which reorders keys, returns it.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = canonical((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}

/** Serialises a JSON value with sorted keys and without undefined members. */
export function canonicalJson(value: unknown): string {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
  return JSON.stringify(canonical(plain));
}

/**
 * Computes the SHA-256 (hex) of an entry: a JSON array of the version tag, every stored field
 * in a fixed order and the previous entry's hash. `at` enters as an ISO string with
 * milliseconds, the precision at which it is stored. The acting partner's id follows the
 * user id only when it is set, so entries without a partner keep their original hash input.
 */
export function entryHash(entry: ChainedEntry): string {
  const input = canonicalJson([
    HASH_VERSION,
    entry.seq,
    entry.id,
    entry.at.toISOString(),
    entry.actorUserId,
    ...(entry.actorPartnerId ? [entry.actorPartnerId] : []),
    entry.organisationId,
    entry.actorIp,
    entry.userAgent,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.outcome,
    entry.detail,
    entry.changes,
    entry.prevHash,
  ]);
  return createHash('sha256').update(input, 'utf8').digest('hex');
}
