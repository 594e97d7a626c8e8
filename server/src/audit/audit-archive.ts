import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';

import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import { uuidv7 } from '../shared/ids.js';
import { lockAuditChain, recordAudit } from './audit.repository.js';
import {
  chainStart,
  ChainWalker,
  readEntries,
  verifyArchiveFile,
  type ArchiveHeader,
} from './audit-verify.js';

/** Days that audit entries stay in the database at least; the checkpoint trigger enforces it. */
export const MIN_RETENTION_DAYS = 186;

const BATCH_SIZE = 1000;

export interface ArchiveResult {
  archived: number;
  /** The archive file, absent when no entry was old enough. */
  file?: string;
  throughSeq?: number;
}

/**
 * Moves audit entries older than `retentionDays` (at least 186) to a gzip JSON-lines file.
 * It writes and verifies the file first. Then one transaction records a checkpoint with the
 * last archived seq and hash, deletes exactly the archived entries and audits the archiving,
 * so the remaining chain verifies from the checkpoint. A broken chain stops it before anything
 * is deleted.
 */
export async function archiveAuditEntries(
  db: Db,
  options: { retentionDays: number; outDir: string },
): Promise<ArchiveResult> {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < MIN_RETENTION_DAYS) {
    throw new Error(
      `Retention must be a whole number of days, at least ${MIN_RETENTION_DAYS}; got ${options.retentionDays}`,
    );
  }
  const start = await chainStart(db);
  const through = await lastArchivableEntry(db, start.seq, options.retentionDays);
  if (!through) return { archived: 0 };

  await mkdir(options.outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(options.outDir, `audit-${start.seq + 1}-${through.seq}-${stamp}.jsonl.gz`);
  const header = await writeArchiveFile(db, file, start, through);

  const checked = await verifyArchiveFile(file);
  if (!checked.ok || checked.count !== header.count) {
    await rm(file, { force: true });
    throw new Error(`Archive file ${file} failed verification; no entry was deleted`);
  }
  const fileSha256 = await sha256OfFile(file);

  await db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    await trx
      .insertInto('audit_checkpoints')
      .values({
        id: uuidv7(),
        through_seq: header.throughSeq,
        through_hash: header.throughHash,
        archived_count: header.count,
        file_name: basename(file),
        file_sha256: fileSha256,
      })
      .execute();
    const deleted = await trx
      .deleteFrom('audit_log')
      .where('seq', '>', start.seq)
      .where('seq', '<=', header.throughSeq)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== header.count) {
      throw new Error(
        `Deleted ${deleted.numDeletedRows} audit entries but archived ${header.count}; rolled back`,
      );
    }
    await recordAudit(trx, {
      actorUserId: null,
      actorIp: null,
      action: 'audit.archived',
      entityType: 'audit_log',
      entityId: String(header.throughSeq),
      detail: {
        fromSeq: start.seq + 1,
        throughSeq: header.throughSeq,
        count: header.count,
        file: basename(file),
        sha256: fileSha256,
        retentionDays: options.retentionDays,
      },
    });
  });
  return { archived: header.count, file, throughSeq: header.throughSeq };
}

/**
 * Returns the newest entry after `afterSeq` such that it and every entry before it are older
 * than the retention on the database clock.
 */
async function lastArchivableEntry(db: Db, afterSeq: number, retentionDays: number) {
  const { rows } = await sql<{ seq: string | number | null }>`
    select max(seq) as seq from audit_log
    where seq > ${afterSeq}
      and at < now() - make_interval(days => ${retentionDays})
      and seq < coalesce(
        (select min(seq) from audit_log
         where seq > ${afterSeq} and at >= now() - make_interval(days => ${retentionDays})),
        9223372036854775807)`.execute(db);
  const seq = rows[0]?.seq;
  return seq === null || seq === undefined ? undefined : { seq: Number(seq) };
}

/** Writes the entries after `start` through `through` to a gzip file, checking the chain. */
async function writeArchiveFile(
  db: Db,
  file: string,
  start: { seq: number; hash: string },
  through: { seq: number },
): Promise<ArchiveHeader> {
  const walker = new ChainWalker(start);
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(partial, { flags: 'wx' }));
  for (;;) {
    const batch = await readEntries(db, walker.lastSeq, BATCH_SIZE, through.seq);
    const lines: string[] = [];
    for (const entry of batch) {
      if (!walker.check(entry)) {
        gzip.destroy();
        await written.catch(() => {});
        await rm(partial, { force: true });
        const broken = walker.broken!;
        throw new Error(
          `Audit chain is broken at seq ${broken.seq} (${broken.field}); run audit:verify, nothing was archived`,
        );
      }
      lines.push(`${JSON.stringify(entry)}\n`);
    }
    if (lines.length > 0 && !gzip.write(lines.join(''))) await once(gzip, 'drain');
    if (batch.length < BATCH_SIZE) break;
  }
  gzip.end();
  await written;

  const header: ArchiveHeader = {
    format: 'cityleague-audit-archive',
    version: 1,
    startSeq: start.seq,
    startHash: start.hash,
    count: walker.count,
    throughSeq: walker.lastSeq,
    throughHash: walker.lastHash,
  };
  // The header goes first, but its count is known only at the end: it becomes a gzip member
  // of its own in front of the entries, and gunzip reads both members as one stream.
  const out = createWriteStream(file, { flags: 'wx' });
  out.write(gzipSync(`${JSON.stringify(header)}\n`));
  await pipeline(createReadStream(partial), out);
  await rm(partial);
  return header;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
