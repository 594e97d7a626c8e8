import { creditCodeCheckCharacter } from '@cityleague/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, type TestContext } from '../test/harness.js';
import { createAccountWithOrganisation, type NewAccount } from './account.service.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

/** Builds a fake but well-formed credit code of a Xuhui organisation, from a 5-character serial. */
function creditCode(serial: string): string {
  const first17 = `91310104MA1${serial}0`;
  return first17 + creditCodeCheckCharacter(first17);
}

function account(username: string, code?: string): NewAccount {
  return {
    username,
    password: 'Initial@2026pw',
    displayName: '张三',
    accountType: 'district_bureau',
    divisionCode: '310104',
    organisationName: `${username} 单位`,
    creditCode: code,
  };
}

interface CatalogueError {
  code: string;
  statusCode: number;
  fieldErrors?: { field: string; code: string; message: string }[];
}

async function failureOf(promise: Promise<unknown>): Promise<CatalogueError> {
  try {
    await promise;
  } catch (error) {
    return error as CatalogueError;
  }
  throw new Error('Expected the call to fail');
}

async function storedCreditCode(username: string) {
  const row = await ctx.db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select('organisations.credit_code')
    .where('users.username', '=', username)
    .executeTakeFirst();
  return row?.credit_code;
}

describe('organisation credit code', () => {
  it('stores a valid code', async () => {
    const code = creditCode('FL001');
    await createAccountWithOrganisation(ctx.db, account('cc.valid', code));
    expect(await storedCreditCode('cc.valid')).toBe(code);
  });

  it('normalises case, spaces and full width', async () => {
    const code = creditCode('FL002');
    const typed = ` ${code.slice(0, 9).toLowerCase()} ${code.slice(9).replace('1', '１')}`;
    await createAccountWithOrganisation(ctx.db, account('cc.normalised', typed));
    expect(await storedCreditCode('cc.normalised')).toBe(code);
  });

  it('stores null without a code', async () => {
    await createAccountWithOrganisation(ctx.db, account('cc.none'));
    expect(await storedCreditCode('cc.none')).toBeNull();
  });

  it('rejects a wrong check character at position 18', async () => {
    const code = creditCode('FL003');
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const error = await failureOf(
      createAccountWithOrganisation(ctx.db, account('cc.check', wrong)),
    );
    expect(error.code).toBe('ORG_INVALID_CREDIT_CODE');
    expect(error.statusCode).toBe(400);
    expect(error.fieldErrors).toHaveLength(1);
    expect(error.fieldErrors?.[0]?.field).toBe('creditCode');
    expect(error.fieldErrors?.[0]?.code).toBe('check_character');
    expect(error.fieldErrors?.[0]?.message).toMatch(/^position 18: /);
  });

  it('names the position of a bad character', async () => {
    const code = creditCode('FL004');
    const wrong = `${code.slice(0, 4)}I${code.slice(5)}`;
    const error = await failureOf(createAccountWithOrganisation(ctx.db, account('cc.char', wrong)));
    expect(error.code).toBe('ORG_INVALID_CREDIT_CODE');
    expect(error.fieldErrors?.[0]?.code).toBe('character');
    expect(error.fieldErrors?.[0]?.message).toMatch(/^position 5: /);
  });

  it('names a letter in the division code', async () => {
    const wrong = creditCode('FL005').replace(/^913101/, '9131A1');
    const error = await failureOf(
      createAccountWithOrganisation(ctx.db, account('cc.region', wrong)),
    );
    expect(error.fieldErrors?.[0]?.code).toBe('region');
    expect(error.fieldErrors?.[0]?.message).toMatch(/^position 5: /);
  });

  it('rejects a short code without a position', async () => {
    const error = await failureOf(
      createAccountWithOrganisation(ctx.db, account('cc.short', '91310104MA1')),
    );
    expect(error.code).toBe('ORG_INVALID_CREDIT_CODE');
    expect(error.fieldErrors?.[0]?.code).toBe('length');
    expect(error.fieldErrors?.[0]?.message).not.toMatch(/position/);
  });

  it('creates nothing for an invalid code', async () => {
    await failureOf(createAccountWithOrganisation(ctx.db, account('cc.nothing', 'X')));
    const user = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'cc.nothing')
      .executeTakeFirst();
    expect(user).toBeUndefined();
  });

  it('rejects a code of another organisation', async () => {
    const code = creditCode('FL006');
    await createAccountWithOrganisation(ctx.db, account('cc.first', code));
    const error = await failureOf(
      createAccountWithOrganisation(ctx.db, account('cc.second', code.toLowerCase())),
    );
    expect(error.code).toBe('ORG_CREDIT_CODE_TAKEN');
    expect(error.statusCode).toBe(409);
    expect(error.fieldErrors?.[0]?.field).toBe('creditCode');
    expect(await storedCreditCode('cc.second')).toBeUndefined();
  });

  it('still reports a taken username', async () => {
    const error = await failureOf(
      createAccountWithOrganisation(ctx.db, account('cc.first', creditCode('FL007'))),
    );
    expect(error.code).toBe('ACC_USERNAME_TAKEN');
  });
});
