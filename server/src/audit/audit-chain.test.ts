import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest, MIGRATIONS } from '../db/migrate.js';
import * as initial from '../db/migrations/0001-initial.js';
import { createTestContext, type TestContext } from '../test/harness.js';
import { archiveAuditEntries } from './audit-archive.js';
import {
  appendAuditEntry,
  lockAuditChain,
  recordAudit,
  type AuditEntry,
} from './audit.repository.js';
import { verifyArchiveFile, verifyAuditChain } from './audit-verify.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const DAY = 24 * 3600_000;

function entry(index: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actorUserId: null,
    actorIp: '127.0.0.1',
    action: 'event.updated',
    entityType: 'event',
    entityId: `event-${index}`,
    detail: { index, nested: { b: 2, a: [1, 'x', null] } },
    userAgent: 'vitest',
    changes: { capacity: { before: index, after: index + 1 } },
    ...overrides,
  };
}

async function countEntries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Runs a statement as the superuser with the append-only trigger switched off. */
async function withoutGuard(db: Db, statement: ReturnType<typeof sql>) {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(trx);
    await statement.execute(trx);
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(trx);
  });
}

describe('audit chain', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('verifies after sequential and concurrent writes', async () => {
    const before = await countEntries(ctx.db);
    for (let i = 0; i < 40; i += 1) {
      await ctx.db.transaction().execute((trx) => recordAudit(trx, entry(i)));
    }
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ctx.db.transaction().execute((trx) => recordAudit(trx, entry(100 + i))),
      ),
    );
    await recordAudit(ctx.db, entry(999, { detail: undefined, changes: undefined }));

    const result = await verifyAuditChain(ctx.db, { batchSize: 7 });
    expect(result).toMatchObject({ ok: true, count: before + 91 });
    const seqs = await ctx.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    expect(new Set(seqs.map((row) => row.seq)).size).toBe(seqs.length);
  });

  it('stores the fields the hash covers', async () => {
    await recordAudit(ctx.db, entry(1, { outcome: 'failure', organisationId: null }));
    const row = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(row.user_agent).toBe('vitest');
    expect(row.outcome).toBe('failure');
    expect(row.changes).toEqual({ capacity: { before: 1, after: 2 } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.at.getTime() % 1).toBe(0);
  });

  it('rejects update, delete and truncate', async () => {
    const target = await ctx.db
      .selectFrom('audit_log')
      .select('seq')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirstOrThrow();
    await expect(
      ctx.db
        .updateTable('audit_log')
        .set({ action: 'event.created' })
        .where('seq', '=', target.seq)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      ctx.db.deleteFrom('audit_log').where('seq', '=', target.seq).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(
      sql`update audit_checkpoints set file_name = 'x'`.execute(ctx.db),
    ).resolves.toBeDefined(); // no rows: the row trigger does not fire
    await expect(sql`truncate audit_checkpoints`.execute(ctx.db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it('finds a tampered entry by its seq', async () => {
    const rows = await ctx.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    const target = rows[Math.floor(rows.length / 2)]!.seq;
    await withoutGuard(
      ctx.db,
      sql`update audit_log set detail = '{"index": -1}' where seq = ${target}`,
    );

    const result = await verifyAuditChain(ctx.db, { batchSize: 10 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.broken.seq).toBe(target);
    expect(result.broken.field).toBe('hash');
    expect(result.broken.expected).not.toBe(result.broken.stored);
  });

  it('finds a re-hashed entry at the next link', async () => {
    const broken = await verifyAuditChain(ctx.db);
    if (broken.ok) throw new Error('expected the tampered chain of the previous test');
    // An attacker who also rewrites the stored hash breaks the link of the next entry.
    await withoutGuard(
      ctx.db,
      sql`update audit_log set hash = ${broken.broken.expected} where seq = ${broken.broken.seq}`,
    );
    const result = await verifyAuditChain(ctx.db);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.broken.seq).toBeGreaterThan(broken.broken.seq);
    expect(result.broken.field).toBe('prev_hash');
  });
});

describe.runIf(onPostgres)('audit chain lock on PostgreSQL', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
  });

  /**
   * Starts transaction A, appends in it and keeps it open; then runs transaction B. Without
   * the lock B reads the same head as A, and the chain forks.
   */
  async function interleave(lock: boolean) {
    let appendedInA!: () => void;
    const aAppended = new Promise<void>((resolve) => (appendedInA = resolve));
    let commitA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
    const append = async (trx: Parameters<typeof appendAuditEntry>[0], index: number) => {
      if (lock) await lockAuditChain(trx);
      await appendAuditEntry(trx, entry(index));
    };
    const a = ctx.db.transaction().execute(async (trx) => {
      await append(trx, 1);
      appendedInA();
      await aMayCommit;
    });
    await aAppended;
    let bDone = false;
    const b = ctx.db
      .transaction()
      .execute((trx) => append(trx, 2))
      .then(() => (bDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bFinishedWhileAOpen = bDone;
    commitA();
    await Promise.all([a, b]);
    return bFinishedWhileAOpen;
  }

  it('forks without the lock', async () => {
    const bFinishedWhileAOpen = await interleave(false);
    expect(bFinishedWhileAOpen).toBe(true);
    const result = await verifyAuditChain(ctx.db);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.broken.field).toBe('prev_hash');
  });

  it('serialises appends with the lock', async () => {
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(ctx.db);
    await sql`delete from audit_log`.execute(ctx.db);
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(ctx.db);

    const bFinishedWhileAOpen = await interleave(true);
    expect(bFinishedWhileAOpen).toBe(false);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ctx.db.transaction().execute((trx) => recordAudit(trx, entry(i))),
      ),
    );
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, count: 52 });
  });
});

describe('audit archive', () => {
  let ctx: TestContext;
  let outDir: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    outDir = await mkdtemp(join(tmpdir(), 'audit-archive-'));
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('moves only old entries and keeps both parts verifiable', async () => {
    const start = Date.now() - 200 * DAY;
    await ctx.db.transaction().execute(async (trx) => {
      await lockAuditChain(trx);
      for (let i = 0; i < 25; i += 1) {
        await appendAuditEntry(trx, entry(i), { at: new Date(start + i * 1000) });
      }
      // 100 days old: inside the retention, so it stays.
      await appendAuditEntry(trx, entry(25), { at: new Date(Date.now() - 100 * DAY) });
    });
    for (let i = 26; i < 30; i += 1) await recordAudit(ctx.db, entry(i));
    const before = await countEntries(ctx.db);
    expect(before).toBe(30);

    await expect(archiveAuditEntries(ctx.db, { retentionDays: 185, outDir })).rejects.toThrow(
      /at least 186/,
    );
    const result = await archiveAuditEntries(ctx.db, { retentionDays: 186, outDir });
    expect(result.archived).toBe(25);
    expect(result.throughSeq).toBe(25);

    // 30 - 25 archived + 1 entry recording the archiving.
    expect(await countEntries(ctx.db)).toBe(6);
    const remaining = await ctx.db.selectFrom('audit_log').select(['seq', 'action']).execute();
    expect(Math.min(...remaining.map((row) => row.seq))).toBe(26);
    expect(remaining.filter((row) => row.action === 'audit.archived')).toHaveLength(1);
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, count: 6 });

    const file = await verifyArchiveFile(result.file!);
    expect(file).toMatchObject({ ok: true, count: 25, lastSeq: 25 });
    expect(file.header?.startSeq).toBe(0);
    expect(await readdir(outDir)).toHaveLength(1);

    const checkpoint = await ctx.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(Number(checkpoint.through_seq)).toBe(25);
    expect(Number(checkpoint.archived_count)).toBe(25);
    expect(checkpoint.through_hash).toBe(file.ok ? file.lastHash : '');

    expect(await archiveAuditEntries(ctx.db, { retentionDays: 186, outDir })).toEqual({
      archived: 0,
    });
  });

  it('finds a tampered or truncated archive file', async () => {
    const [name] = await readdir(outDir);
    const lines = gunzipSync(await readFile(join(outDir, name!)))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    const tampered = lines.map((line, index) =>
      index === 4 ? line.replace('"index":3', '"index":33') : line,
    );
    expect(tampered[4]).not.toBe(lines[4]);
    const tamperedFile = join(outDir, 'tampered.jsonl.gz');
    await writeFile(tamperedFile, gzipSync(`${tampered.join('\n')}\n`));
    const result = await verifyArchiveFile(tamperedFile);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.broken).toMatchObject({ seq: 4, field: 'hash' });

    const truncatedFile = join(outDir, 'truncated.jsonl.gz');
    await writeFile(truncatedFile, gzipSync(`${lines.slice(0, -1).join('\n')}\n`));
    await expect(verifyArchiveFile(truncatedFile)).rejects.toThrow(/truncated/);
  });

  it('rejects a checkpoint over recent entries', async () => {
    const newest = await ctx.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await expect(
      ctx.db
        .insertInto('audit_checkpoints')
        .values({
          id: '018f0000-0000-7000-8000-000000000001',
          through_seq: newest.seq,
          through_hash: newest.hash,
          archived_count: 6,
          file_name: 'forged.jsonl.gz',
          file_sha256: '0'.repeat(64),
        })
        .execute(),
    ).rejects.toThrow(/younger than 186 days/);
    await expect(
      ctx.db.deleteFrom('audit_log').where('seq', '=', newest.seq).execute(),
    ).rejects.toThrow(/append-only/);
  });
});

// The test migrates a new embedded database all the way, down and up again.
describe('audit chain migration', { timeout: 120_000 }, () => {
  it('chains entries written before it', async () => {
    const db = await openDatabase({});
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => ({ '0001-initial': initial }) },
    });
    await migrator.migrateToLatest();
    for (let i = 0; i < 5; i += 1) {
      await sql`
        insert into audit_log (id, at, actor_ip, action, entity_type, entity_id, detail)
        values (gen_random_uuid(), now() - make_interval(secs => ${10 - i}), '127.0.0.1',
                ${i === 2 ? 'session.failed' : 'event.created'}, 'event', ${`e${i}`},
                ${JSON.stringify({ i, name: '测试' })})`.execute(db);
    }
    await migrateToLatest(db);

    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 5 });
    const failed = await db
      .selectFrom('audit_log')
      .select(['seq', 'outcome'])
      .where('action', '=', 'session.failed')
      .executeTakeFirstOrThrow();
    expect(failed).toEqual({ seq: 3, outcome: 'failure' });
    await recordAudit(db, entry(6));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 6 });

    // Down and up again: the columns go, and the migration chains the entries anew.
    const all = new Migrator({
      db,
      provider: {
        getMigrations: async () => MIGRATIONS,
      },
    });
    const down = await all.migrateTo('0004-platform-roles');
    expect(down.error).toBeUndefined();
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'audit_log'`.execute(
      db,
    );
    expect(columns.rows.map((row) => row.column_name)).not.toContain('hash');
    await sql`delete from audit_log where action = 'event.updated'`.execute(db);
    const up = await all.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 5 });

    await db.destroy();
  });
});
