import { createHash, randomBytes } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';
import { filingScopes, menusFor, type AccountType } from '@cityleague/domain';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { findDivision } from '../divisions/division.service.js';
import { uuidv7 } from '../shared/ids.js';
import { InvalidCredentials, InvalidScope, UsernameTaken } from './account.errors.js';
import * as repository from './account.repository.js';
import type { Principal } from './account.repository.js';

// A hash of a random password, verified when the username is unknown so that a wrong
// username costs as much time as a wrong password.
const DUMMY_HASH = hash(randomBytes(16).toString('hex'));

/** Hashes a password with argon2id at the library's default cost. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Derives the stored session id from the cookie token, so a leaked table grants nothing. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Checks a username and password and opens a session; returns the cookie token. */
export async function signIn(
  db: Db,
  input: { username: string; password: string; ip: string; sessionHours: number },
): Promise<{ token: string; principal: Principal; expiresAt: Date }> {
  const credentials = await repository.findCredentials(db, input.username.trim());
  const valid = credentials
    ? await verify(credentials.password_hash, input.password)
    : (await verify(await DUMMY_HASH, input.password), false);
  if (!credentials || !valid) throw new InvalidCredentials();

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.sessionHours * 3600_000);
  await db.transaction().execute(async (trx) => {
    await repository.insertSession(trx, {
      id: sessionIdOf(token),
      userId: credentials.id,
      ip: input.ip,
      expiresAt,
    });
    await recordAudit(trx, {
      actorUserId: credentials.id,
      actorIp: input.ip,
      action: 'session.created',
      entityType: 'user',
      entityId: credentials.id,
    });
  });
  const principal = await repository.findPrincipal(db, credentials.id);
  if (!principal) throw new InvalidCredentials();
  return { token, principal, expiresAt };
}

/** Ends a session; a missing session is already ended. */
export async function signOut(db: Db, token: string): Promise<void> {
  await repository.deleteSession(db, sessionIdOf(token));
}

/** Returns the principal of a live session, or undefined. */
export async function principalOf(db: Db, token: string): Promise<Principal | undefined> {
  return repository.findPrincipalBySession(db, sessionIdOf(token));
}

/** Describes the signed-in user with the menus and filing scopes the console renders. */
export function describeMe(principal: Principal) {
  const accountType = principal.accountType as AccountType;
  return {
    user: {
      id: principal.id,
      username: principal.username,
      displayName: principal.displayName,
      accountType,
      divisionCode: principal.divisionCode,
      divisionName: principal.divisionName,
      organisation: { id: principal.organisationId, name: principal.organisationName },
    },
    menus: menusFor(accountType),
    filing: [...filingScopes(accountType)],
  };
}

/** The division level each account type's scope must have. */
const SCOPE_LEVEL: Record<AccountType, 'city' | 'district' | 'street'> = {
  sports_bureau: 'city',
  committee: 'city',
  contractor: 'city',
  community_association: 'city',
  district_bureau: 'district',
  street: 'street',
};

export interface NewAccount {
  username: string;
  password: string;
  displayName: string;
  accountType: AccountType;
  divisionCode: string;
  organisationName: string;
  creditCode?: string;
}

/**
 * Creates an organisation and its first console account, checking that the division suits
 * the account type (the city for city-wide types, a district for a district bureau, a street
 * for a street). Returns the new user's id.
 */
export async function createAccountWithOrganisation(db: Db, account: NewAccount): Promise<string> {
  const level = SCOPE_LEVEL[account.accountType];
  const division = await findDivision(db, account.divisionCode);
  if (!division || division.level !== level) {
    throw new InvalidScope(account.accountType, level, account.divisionCode);
  }

  const passwordHash = await hashPassword(account.password);
  const organisationId = uuidv7();
  const userId = uuidv7();
  try {
    await db.transaction().execute(async (trx) => {
      await repository.insertOrganisation(trx, {
        id: organisationId,
        name: account.organisationName,
        credit_code: account.creditCode ?? null,
        division_code: division.code,
      });
      await repository.insertUser(trx, {
        id: userId,
        username: account.username,
        password_hash: passwordHash,
        display_name: account.displayName,
        account_type: account.accountType,
        organisation_id: organisationId,
        division_code: division.code,
      });
      await recordAudit(trx, {
        actorUserId: null,
        actorIp: null,
        action: 'account.created',
        entityType: 'user',
        entityId: userId,
        detail: { accountType: account.accountType, divisionCode: division.code },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_username_key')) throw new UsernameTaken(account.username);
    throw error;
  }
  return userId;
}
