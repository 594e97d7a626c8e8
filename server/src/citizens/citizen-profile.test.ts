import { residentIdCheckCharacter } from '@cityleague/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, expectProblem, type TestContext } from '../test/harness.js';
import { signInCitizen } from './citizen-test-support.js';

let ctx: TestContext;
let cookie: string;
const PHONE = '13800138050';

/** Completes the first 17 digits of a fake ID number with its check character. */
function fakeId(first17: string): string {
  return first17 + residentIdCheckCharacter(first17);
}

// Born 1990-03-07; the 17th digit 3 is odd, so male.
const MALE_ID = fakeId('31010419900307123');
// Born 2001-12-25; the 17th digit 4 is even, so female.
const FEMALE_ID = fakeId('31011520011225004');

beforeAll(async () => {
  ctx = await createTestContext();
  cookie = await signInCitizen(ctx.app, PHONE, '198.51.100.50');
});

afterAll(async () => {
  await ctx.close();
});

function putProfile(payload: object, headers: Record<string, string> = { cookie }) {
  return ctx.app.inject({ method: 'PUT', url: '/api/citizen/profile', payload, headers });
}

async function storedRow() {
  return ctx.db
    .selectFrom('citizens')
    .selectAll()
    .select(sql<string | null>`birth_date::text`.as('birth_text'))
    .where('phone_hash', '=', ctx.app.cipher.hash(PHONE))
    .executeTakeFirstOrThrow();
}

describe('citizen profile', () => {
  it('derives gender and birth date from the ID number', async () => {
    const response = await putProfile({ realName: '测试用户', idNumber: MALE_ID, idConsent: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      phone: PHONE,
      phoneMasked: '138****8050',
      realName: '测试用户',
      realNameMasked: '测***',
      idNumberMasked: `3101**********${MALE_ID.slice(14)}`,
      gender: 'male',
      birthDate: '1990-03-07',
    });
    expect(response.json().idConsentAt).toEqual(expect.any(String));

    const me = await ctx.app.inject({ method: 'GET', url: '/api/citizen/me', headers: { cookie } });
    expect(me.json()).toEqual(response.json());
  });

  it('stores no plaintext number, name or ID number', async () => {
    await putProfile({ realName: '测试用户', idNumber: MALE_ID, idConsent: true });
    const row = await storedRow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(PHONE);
    expect(stored).not.toContain(MALE_ID);
    expect(stored).not.toContain('测试用户');
    expect(row.id_number_hash).toBe(ctx.app.cipher.hash(MALE_ID));
    expect(ctx.app.cipher.decrypt(row.id_number_ciphertext!)).toBe(MALE_ID);
    expect(ctx.app.cipher.decrypt(row.phone_ciphertext)).toBe(PHONE);

    const { rows } = await sql<{ dump: string }>`
      select concat_ws('|',
        (select string_agg(o::text, '|') from notification_outbox o),
        (select string_agg(s::text, '|') from sms_codes s),
        (select string_agg(a::text, '|') from audit_log a),
        (select string_agg(d.phone_hash || d.phone_masked, '|') from dev_sms_messages d)) as dump
    `.execute(ctx.db);
    const dump = rows[0]?.dump ?? '';
    expect(dump).not.toContain(PHONE);
    expect(dump).not.toContain(MALE_ID);
  });

  it('normalises a lower-case x and full-width digits', async () => {
    const withX = fakeId('11010519491231002');
    expect(withX.endsWith('X')).toBe(true);
    const typed = Array.from(withX.toLowerCase(), (character) =>
      /\d/.test(character) ? String.fromCharCode(character.charCodeAt(0) + 0xfee0) : character,
    ).join('');
    const response = await putProfile({ realName: '测试用户', idNumber: typed, idConsent: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ birthDate: '1949-12-31', gender: 'female' });
    expect((await storedRow()).id_number_hash).toBe(ctx.app.cipher.hash(withX));
  });

  it('rejects an ID number with a wrong check character', async () => {
    const valid = fakeId('31010419900307123');
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const problem = expectProblem(
      await putProfile({ realName: '测试用户', idNumber: wrong, idConsent: true }),
      400,
      'CIT_INVALID_ID_NUMBER',
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'idNumber', code: 'check_character' }),
    ]);
  });

  it.each([
    ['31010419900230123', 'birth_date'],
    ['3101041990030712', 'length'],
  ])('rejects ID number %s… as %s', async (digits, reason) => {
    const idNumber = digits.length === 17 ? fakeId(digits) : digits;
    const problem = expectProblem(
      await putProfile({ realName: '测试用户', idNumber, idConsent: true }),
      400,
      'CIT_INVALID_ID_NUMBER',
    );
    expect(problem.errors?.[0]?.code).toBe(reason);
  });

  it('needs consent to store an ID number', async () => {
    await putProfile({ realName: '测试用户', idNumber: null });
    for (const consent of [false, undefined]) {
      expectProblem(
        await putProfile({ realName: '测试用户', idNumber: FEMALE_ID, idConsent: consent }),
        400,
        'CIT_ID_CONSENT_REQUIRED',
      );
    }
    const row = await storedRow();
    expect(row.id_number_ciphertext).toBeNull();
    expect(row.id_consent_at).toBeNull();
  });

  it('keeps the stored ID number when idNumber is absent', async () => {
    await putProfile({ realName: '测试用户', idNumber: FEMALE_ID, idConsent: true });
    const response = await putProfile({ realName: '测试甲' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      realName: '测试甲',
      gender: 'female',
      birthDate: '2001-12-25',
      idNumberMasked: `3101**********${FEMALE_ID.slice(14)}`,
    });
  });

  it('removes the ID number and its consent when idNumber is null', async () => {
    await putProfile({ realName: '测试用户', idNumber: FEMALE_ID, idConsent: true });
    const response = await putProfile({
      realName: '测试用户',
      idNumber: null,
      gender: 'male',
      birthDate: '1985-06-01',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      idNumberMasked: null,
      idConsentAt: null,
      gender: 'male',
      birthDate: '1985-06-01',
    });
    const row = await storedRow();
    expect(row.id_number_hash).toBeNull();
    expect(row.birth_text).toBe('1985-06-01');
  });

  it('rejects gender and birth date that contradict the ID number', async () => {
    const problem = expectProblem(
      await putProfile({
        realName: '测试用户',
        idNumber: MALE_ID,
        idConsent: true,
        gender: 'female',
        birthDate: '1990-03-08',
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'gender', code: 'id_number_mismatch' }),
      expect.objectContaining({ field: 'birthDate', code: 'id_number_mismatch' }),
    ]);
  });

  it('accepts gender and birth date that repeat the ID number', async () => {
    const response = await putProfile({
      realName: '测试用户',
      idNumber: MALE_ID,
      idConsent: true,
      gender: 'male',
      birthDate: '1990-03-07',
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it.each(['1990-02-30', '1899-12-31', '1901-01-01', '2999-01-01', '19900101'])(
    'rejects birth date %s',
    async (birthDate) => {
      const problem = expectProblem(
        await putProfile({ realName: '测试用户', idNumber: null, birthDate }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'birthDate' })]);
    },
  );

  it.each([
    ['', 'empty'],
    ['张', 'length'],
    ['张三123', 'character'],
  ])('rejects real name %j as %s', async (realName, reason) => {
    const problem = expectProblem(await putProfile({ realName }), 400, 'CIT_INVALID_NAME');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'realName', code: reason })]);
  });

  it('rejects unknown fields and genders', async () => {
    expectProblem(
      await putProfile({ realName: '测试用户', phone: '13800138999' }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await putProfile({ realName: '测试用户', gender: 'other' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('writes nothing on a rejected update', async () => {
    await putProfile({ realName: '测试用户', idNumber: MALE_ID, idConsent: true });
    const before = await storedRow();
    await putProfile({ realName: '测试乙', idNumber: FEMALE_ID, idConsent: false });
    await putProfile({ realName: '测试乙', gender: 'female' });
    const after = await storedRow();
    expect(after.real_name_ciphertext).toBe(before.real_name_ciphertext);
    expect(after.id_number_hash).toBe(before.id_number_hash);
    expect(after.gender).toBe('male');
  });

  it('needs a citizen session', async () => {
    expectProblem(await putProfile({ realName: '测试用户' }, {}), 401, 'CIT_SESSION_REQUIRED');
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/citizen/me' }),
      401,
      'CIT_SESSION_REQUIRED',
    );
  });

  it('records profile updates in the audit log without personal data', async () => {
    await putProfile({ realName: '测试用户', idNumber: MALE_ID, idConsent: true });
    const rows = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'citizen.profile_updated')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(MALE_ID);
    expect(text).not.toContain('测试用户');
  });
});
