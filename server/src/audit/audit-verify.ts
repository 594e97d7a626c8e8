import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

import type { Executor } from '../db/database.js';
import { entryHash, GENESIS_HASH, type AuditChanges, type ChainedEntry } from './audit-hash.js';

/** An entry as stored, with its hash: a database row or a line of an archive file. */
export interface StoredEntry extends ChainedEntry {
  hash: string;
}

/** The first entry whose link or hash does not match, as verification reports it. */
export interface BrokenLink {
  seq: number;
  id: string;
  /** `prev_hash`: the entry does not link to the one before it; `hash`: its content changed. */
  field: 'prev_hash' | 'hash' | 'seq';
  expected: string;
  stored: string;
}

export type VerifyResult =
  | { ok: true; count: number; lastSeq: number; lastHash: string }
  | { ok: false; count: number; broken: BrokenLink };

/** Walks entries in seq order from a starting hash and stops at the first broken link. */
export class ChainWalker {
  count = 0;
  lastSeq: number;
  lastHash: string;
  broken: BrokenLink | undefined;

  constructor(start: { seq: number; hash: string }) {
    this.lastSeq = start.seq;
    this.lastHash = start.hash;
  }

  /** Checks the next entry; returns false once a link is broken. */
  check(entry: StoredEntry): boolean {
    if (this.broken) return false;
    const base = { seq: entry.seq, id: entry.id };
    if (entry.seq <= this.lastSeq) {
      this.broken = {
        ...base,
        field: 'seq',
        expected: `> ${this.lastSeq}`,
        stored: `${entry.seq}`,
      };
    } else if (entry.prevHash !== this.lastHash) {
      this.broken = {
        ...base,
        field: 'prev_hash',
        expected: this.lastHash,
        stored: entry.prevHash,
      };
    } else {
      const expected = entryHash(entry);
      if (expected !== entry.hash) {
        this.broken = { ...base, field: 'hash', expected, stored: entry.hash };
      }
    }
    if (this.broken) return false;
    this.count += 1;
    this.lastSeq = entry.seq;
    this.lastHash = entry.hash;
    return true;
  }

  result(): VerifyResult {
    if (this.broken) return { ok: false, count: this.count, broken: this.broken };
    return { ok: true, count: this.count, lastSeq: this.lastSeq, lastHash: this.lastHash };
  }
}

/** Maps an audit_log row to the stored entry that its hash covers. */
export function storedEntryOf(row: {
  seq: number | string;
  id: string;
  at: Date | string;
  actor_user_id: string | null;
  /** Absent from archive files written before partners could act. */
  actor_partner_id?: string | null;
  organisation_id: string | null;
  actor_ip: string | null;
  user_agent: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  outcome: string;
  detail: Record<string, unknown>;
  changes: AuditChanges | null;
  prev_hash: string;
  hash: string;
}): StoredEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: new Date(row.at),
    actorUserId: row.actor_user_id,
    actorPartnerId: row.actor_partner_id ?? null,
    organisationId: row.organisation_id,
    actorIp: row.actor_ip,
    userAgent: row.user_agent,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    outcome: row.outcome,
    detail: row.detail,
    changes: row.changes,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Returns where the stored chain starts: the last checkpoint, or seq 0 and the genesis hash. */
export async function chainStart(db: Executor): Promise<{ seq: number; hash: string }> {
  const checkpoint = await db
    .selectFrom('audit_checkpoints')
    .select(['through_seq', 'through_hash'])
    .orderBy('through_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!checkpoint) return { seq: 0, hash: GENESIS_HASH };
  return { seq: Number(checkpoint.through_seq), hash: checkpoint.through_hash };
}

/** Reads stored entries with seq above `afterSeq`, up to `limit`, in seq order. */
export async function readEntries(
  db: Executor,
  afterSeq: number,
  limit: number,
  throughSeq = Number.MAX_SAFE_INTEGER,
): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', throughSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(storedEntryOf);
}

/**
 * Verifies the audit chain in the database from the last checkpoint, reading `batchSize`
 * entries at a time in seq order. Returns the count checked, or the first broken link.
 */
export async function verifyAuditChain(
  db: Executor,
  options: { batchSize?: number } = {},
): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? 1000;
  const walker = new ChainWalker(await chainStart(db));
  for (;;) {
    const batch = await readEntries(db, walker.lastSeq, batchSize);
    for (const entry of batch) {
      if (!walker.check(entry)) return walker.result();
    }
    if (batch.length < batchSize) return walker.result();
  }
}

/** The first line of an archive file. */
export interface ArchiveHeader {
  format: 'cityleague-audit-archive';
  version: 1;
  /** Seq and hash of the entry before the first archived one (seq 0 and zeros at genesis). */
  startSeq: number;
  startHash: string;
  count: number;
  throughSeq: number;
  throughHash: string;
}

/** Parses one archive line back into a stored entry. */
export function entryOfArchiveLine(line: string): StoredEntry {
  const parsed = JSON.parse(line) as Omit<StoredEntry, 'at'> & { at: string };
  return { ...parsed, at: new Date(parsed.at) };
}

/**
 * Verifies a gzip JSON-lines archive file: the header, the chain of every entry from the
 * header's start hash, and the count and last hash that the header states.
 */
export async function verifyArchiveFile(
  path: string,
): Promise<VerifyResult & { header: ArchiveHeader | undefined }> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()) });
  let header: ArchiveHeader | undefined;
  let walker: ChainWalker | undefined;
  for await (const line of lines) {
    if (line === '') continue;
    if (!header) {
      header = JSON.parse(line) as ArchiveHeader;
      if (header.format !== 'cityleague-audit-archive' || header.version !== 1) {
        throw new Error(`${path} is not a cityleague audit archive (version 1)`);
      }
      walker = new ChainWalker({ seq: header.startSeq, hash: header.startHash });
      continue;
    }
    if (!walker!.check(entryOfArchiveLine(line))) break;
  }
  if (!header || !walker) throw new Error(`${path} has no archive header`);
  const result = walker.result();
  if (result.ok && (result.count !== header.count || result.lastHash !== header.throughHash)) {
    throw new Error(
      `${path} contains ${result.count} entries through seq ${result.lastSeq}, but its header ` +
        `states ${header.count} through seq ${header.throughSeq}: the file is truncated`,
    );
  }
  return { ...result, header };
}
