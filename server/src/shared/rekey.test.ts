import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { register } from '../registrations/registration.service.js';
import {
  createAccount,
  createTestContext,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';
import { PersonalDataCipher, type DataKeyRing } from './personal-data.js';
import { rekeyAll } from './rekey.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const RING_K1: DataKeyRing = { activeKeyId: 'k1', hashKeyId: 'k1', keys: new Map([['k1', K1]]) };
const RING_K2: DataKeyRing = {
  activeKeyId: 'k2',
  hashKeyId: 'k1',
  keys: new Map([
    ['k2', K2],
    ['k1', K1],
  ]),
};
const cipherK1 = new PersonalDataCipher(RING_K1);
const cipherK2 = new PersonalDataCipher(RING_K2);

let ctx: TestContext;
let organiser: string;
let phoneSerial = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'rk.bureau',
    accountType: 'district_bureau',
    divisionCode: '310104',
  });
  organiser = await signIn(ctx.app, 'rk.bureau');
});

afterAll(async () => {
  await ctx?.close();
});

/** Publishes an event and registers `count` people in it with `cipher`; returns their phones. */
async function seedRegistrations(cipher: PersonalDataCipher, count: number) {
  const event = await publishNewEvent(ctx.app, organiser, undefined, {
    level: 'district',
    section: 'brand_event',
    capacity: count + 5,
  });
  const phones: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = `1380013${String(5000 + phoneSerial++).padStart(4, '0')}`;
    await register(ctx.db, cipher, event.id, { name: '测试用户', phone, channel: 'web' });
    phones.push(phone);
  }
  return { eventId: event.id as string, phones };
}

async function rowsOf(eventId: string) {
  return ctx.db
    .selectFrom('registrations')
    .select(['id', 'phone_ciphertext', 'phone_hash', 'phone_masked'])
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

async function countNotUnder(keyId: string): Promise<number> {
  const rows = await ctx.db.selectFrom('registrations').select('phone_ciphertext').execute();
  return rows.filter((row) => !row.phone_ciphertext.startsWith(`v2:${keyId}:`)).length;
}

describe('encrypted column registry', () => {
  it('lists the registration phone column', () => {
    expect(ENCRYPTED_COLUMNS).toContainEqual({
      table: 'registrations',
      column: 'phone_ciphertext',
      key: 'id',
    });
  });

  it('names only columns that hold ciphertexts', async () => {
    const { eventId } = await seedRegistrations(cipherK1, 1);
    for (const target of ENCRYPTED_COLUMNS) {
      const row = await ctx.db
        .selectFrom(target.table)
        .select(target.column as never)
        .where(target.column as never, 'is not', null)
        .executeTakeFirst();
      if (row === undefined) continue;
      const value = Object.values(row as Record<string, string>)[0] ?? '';
      expect(value, `${target.table}.${target.column}`).toMatch(/^v[12]:/);
    }
    expect(eventId).toBeTruthy();
  });
});

describe('rekeyAll', () => {
  it('moves every row to the active key, keeping values and hashes', async () => {
    const { eventId, phones } = await seedRegistrations(cipherK1, 12);
    const before = await rowsOf(eventId);
    expect(before.every((row) => row.phone_ciphertext.startsWith('v2:k1:'))).toBe(true);

    // Rows of the old key still decrypt with the rotated ring before rekeying.
    for (const [i, row] of before.entries()) {
      expect(cipherK2.decrypt(row.phone_ciphertext)).toBe(phones[i]);
    }

    const [counts] = await rekeyAll(ctx.db, cipherK2, { batchSize: 5 });
    expect(counts?.failedIds).toEqual([]);
    expect(counts?.changed).toBe(0);
    expect(counts?.rekeyed).toBe(counts?.found);
    expect(await countNotUnder('k2')).toBe(0);

    const after = await rowsOf(eventId);
    for (const [i, row] of after.entries()) {
      expect(row.phone_ciphertext).toMatch(/^v2:k2:/);
      expect(cipherK2.decrypt(row.phone_ciphertext)).toBe(phones[i]);
      expect(row.phone_hash).toBe(before[i]?.phone_hash);
      expect(row.phone_hash).toBe(cipherK1.hash(phones[i]!));
      expect(row.phone_masked).toBe(before[i]?.phone_masked);
    }
  });

  it('finds duplicates by hash after rotation', async () => {
    const { eventId, phones } = await seedRegistrations(cipherK1, 2);
    await rekeyAll(ctx.db, cipherK2);
    await expect(
      register(ctx.db, cipherK2, eventId, { name: '测试用户', phone: phones[0]!, channel: 'web' }),
    ).rejects.toMatchObject({ code: 'REG_ALREADY_REGISTERED' });
    const row = await ctx.db
      .selectFrom('registrations')
      .select('id')
      .where('phone_hash', '=', cipherK2.hash(phones[1]!))
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    expect(row).toBeDefined();
  });

  it('does nothing on a second run', async () => {
    await seedRegistrations(cipherK1, 3);
    await rekeyAll(ctx.db, cipherK2);
    const snapshot = await ctx.db
      .selectFrom('registrations')
      .select(['id', 'phone_ciphertext'])
      .orderBy('id')
      .execute();
    const [again] = await rekeyAll(ctx.db, cipherK2);
    expect(again).toEqual({
      table: 'registrations',
      column: 'phone_ciphertext',
      found: 0,
      rekeyed: 0,
      changed: 0,
      failedIds: [],
    });
    const unchanged = await ctx.db
      .selectFrom('registrations')
      .select(['id', 'phone_ciphertext'])
      .orderBy('id')
      .execute();
    expect(unchanged).toEqual(snapshot);
  });

  it('resumes after a run that stopped half-way', async () => {
    await rekeyAll(ctx.db, cipherK2);
    await seedRegistrations(cipherK1, 14);
    expect(await countNotUnder('k2')).toBe(14);

    // A cipher that fails on its eighth row, as a killed process would stop mid-batch.
    let calls = 0;
    const crashing = new PersonalDataCipher(RING_K2);
    crashing.rekey = (sealed: string) => {
      calls += 1;
      if (calls === 8) throw new Error('process stopped');
      return cipherK2.rekey(sealed);
    };
    await expect(rekeyAll(ctx.db, crashing, { batchSize: 5 })).rejects.toThrow('process stopped');
    // The first batch committed, the second did not.
    expect(await countNotUnder('k2')).toBe(9);

    const [resumed] = await rekeyAll(ctx.db, cipherK2, { batchSize: 5 });
    expect(resumed?.found).toBe(9);
    expect(resumed?.rekeyed).toBe(9);
    expect(await countNotUnder('k2')).toBe(0);
  });

  it('writes nothing on a dry run', async () => {
    await rekeyAll(ctx.db, cipherK2);
    await seedRegistrations(cipherK1, 4);
    const [counts] = await rekeyAll(ctx.db, cipherK2, { dryRun: true, batchSize: 3 });
    expect(counts?.found).toBe(4);
    expect(counts?.rekeyed).toBe(0);
    expect(await countNotUnder('k2')).toBe(4);
  });

  it('reports and skips rows that fail to decrypt', async () => {
    await rekeyAll(ctx.db, cipherK2);
    const { eventId, phones } = await seedRegistrations(cipherK1, 3);
    const rows = await rowsOf(eventId);
    const broken = rows[1]!;
    const sealed = broken.phone_ciphertext;
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAA=') ? 'BBB=' : 'AAA=');
    await ctx.db
      .updateTable('registrations')
      .set({ phone_ciphertext: tampered })
      .where('id', '=', broken.id)
      .execute();

    const [counts] = await rekeyAll(ctx.db, cipherK2);
    expect(counts?.found).toBe(3);
    expect(counts?.rekeyed).toBe(2);
    expect(counts?.failedIds).toEqual([broken.id]);
    const after = await rowsOf(eventId);
    expect(after[1]?.phone_ciphertext).toBe(tampered);
    expect(cipherK2.decrypt(after[0]!.phone_ciphertext)).toBe(phones[0]);
    expect(cipherK2.decrypt(after[2]!.phone_ciphertext)).toBe(phones[2]);
    expect(JSON.stringify(counts)).not.toContain(phones[1]!);

    // Restore the row so that later tests see only decryptable data.
    await ctx.db
      .updateTable('registrations')
      .set({ phone_ciphertext: cipherK2.encrypt(phones[1]!) })
      .where('id', '=', broken.id)
      .execute();
  });

  it('moves each row once when two runs overlap', async () => {
    await rekeyAll(ctx.db, cipherK2);
    const { eventId, phones } = await seedRegistrations(cipherK1, 30);
    const results = await Promise.all([
      rekeyAll(ctx.db, cipherK2, { batchSize: 4 }),
      rekeyAll(ctx.db, cipherK2, { batchSize: 7 }),
      rekeyAll(ctx.db, cipherK2, { batchSize: 10 }),
    ]);
    const counts = results.map(([first]) => first!);
    const rekeyed = counts.reduce((sum, c) => sum + c.rekeyed, 0);
    // A row read by two runs is written by one: the other finds its ciphertext changed.
    expect(rekeyed).toBe(30);
    expect(counts.every((c) => c.found === c.rekeyed + c.changed)).toBe(true);
    expect(await countNotUnder('k2')).toBe(0);
    const after = await rowsOf(eventId);
    for (const [i, row] of after.entries()) {
      expect(cipherK2.decrypt(row.phone_ciphertext)).toBe(phones[i]);
    }
  });
});
