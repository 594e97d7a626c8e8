import { createHash, randomBytes, randomInt } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';
import {
  PASSWORD_HISTORY_SIZE,
  PASSWORD_MIN_CLASSES,
  PASSWORD_MIN_LENGTH,
  checkPassword,
  filingScopes,
  checkCreditCode,
  menusFor,
  requiresTotp,
  type AccountType,
  type IdentifierProblem,
  type PasswordRule,
} from '@cityleague/domain';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import type { PendingStep } from '../db/schema.js';
import { isUniqueViolation } from '../db/database.js';
import { DivisionUnknownInInput } from '../divisions/division.errors.js';
import { findDivision } from '../divisions/division.service.js';
import { withFieldErrors } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import {
  AccountDisabled,
  CreditCodeTaken,
  InvalidCreditCode,
  InvalidCredentials,
  InvalidScope,
  UsernameTaken,
  WeakPassword,
  WrongPassword,
} from './account.errors.js';
import * as repository from './account.repository.js';
import type { Principal } from './account.repository.js';

// A hash of a random password, verified when the username is unknown so that a wrong
// username costs as much time as a wrong password.
const DUMMY_HASH = hash(randomBytes(16).toString('hex'));

/** Failed sign-ins of one username, within SIGN_IN_WINDOW_MINUTES, that lock it. */
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MINUTES = 15;
export const SIGN_IN_LOCK_MINUTES = 15;

/** English text of each password rule, for the field errors of ACC_WEAK_PASSWORD. */
export const PASSWORD_RULE_TEXT: Record<PasswordRule, string> = {
  too_short: `must be at least ${PASSWORD_MIN_LENGTH} characters long`,
  classes: `must mix at least ${PASSWORD_MIN_CLASSES} of lower-case letters, upper-case letters, digits and symbols`,
  contains_username: 'must not contain the username',
  reused: `must differ from the last ${PASSWORD_HISTORY_SIZE} passwords of the account`,
};

/** Hashes a password with argon2id at the library's default cost. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Derives the stored session id from the cookie token, so a leaked table grants nothing. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new session: the cookie token, its expiry and the signed-in user. */
export interface OpenedSession {
  token: string;
  principal: Principal;
  expiresAt: Date;
}

/** Opens a session; `pendingStep` is the sign-in step it still misses, null when complete. */
export async function openSession(
  trx: Executor,
  session: { userId: string; ip: string; hours: number; pendingStep?: PendingStep | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = await repository.insertSession(trx, {
    id: sessionIdOf(token),
    userId: session.userId,
    ip: session.ip,
    hours: session.hours,
    pendingStep: session.pendingStep ?? null,
  });
  return { token, expiresAt };
}

/**
 * Returns the step a first-factor sign-in (password or portal) still misses: the one-time code
 * for an enrolled user, the enrolment for an account type that requires TOTP, nothing otherwise.
 */
export function pendingStepAfterPassword(user: {
  account_type: string;
  totpEnrolled: boolean;
}): PendingStep | null {
  if (user.totpEnrolled) return 'totp';
  return requiresTotp(user.account_type as AccountType) ? 'totp_enrolment' : null;
}

/**
 * Checks a username and password and opens a session, which waits for the one-time code or
 * the TOTP enrolment when the user needs one (see pendingStepAfterPassword). Five failures for one username
 * (compared without case) within 15 minutes lock it for 15 minutes, on the database clock.
 * A locked username, an unknown one and a wrong password all raise the same
 * ACC_INVALID_CREDENTIALS after verifying one argon2 hash, so that neither the response nor
 * its timing distinguishes them. A disabled account with the right password raises
 * ACC_ACCOUNT_DISABLED.
 *
 * For an enrolled user the password alone does not clear the failure count: wrong one-time
 * codes count towards the same lockout, and only a complete sign-in clears it.
 */
export async function signIn(
  db: Db,
  input: {
    username: string;
    password: string;
    ip: string;
    userAgent?: string | null;
    sessionHours: number;
  },
): Promise<OpenedSession> {
  const username = input.username.trim();
  const throttleKey = username.toLowerCase();
  const credentials = await repository.findCredentials(db, username);
  const locked = await repository.isSignInLocked(db, throttleKey);
  const valid = credentials
    ? await verify(credentials.password_hash, input.password)
    : (await verify(await DUMMY_HASH, input.password), false);
  if (!credentials || !valid || locked) {
    let reason = 'locked';
    if (!locked) reason = credentials ? 'wrong_password' : 'unknown_username';
    await recordFailedSignIn(db, {
      username,
      throttleKey,
      userId: credentials?.id ?? null,
      ip: input.ip,
      userAgent: input.userAgent ?? null,
      reason,
      counted: !locked,
    });
    throw new InvalidCredentials();
  }
  if (credentials.disabled_at !== null) {
    await recordFailedSignIn(db, {
      username,
      throttleKey,
      userId: credentials.id,
      ip: input.ip,
      userAgent: input.userAgent ?? null,
      reason: 'disabled',
      counted: false,
    });
    throw new AccountDisabled();
  }

  // NOTE: a session waiting for its second factor has the same lifetime and idle limit as a
  // complete one (SESSION_HOURS, SESSION_IDLE_MINUTES). It reaches only the TOTP routes.
  const pendingStep = pendingStepAfterPassword(credentials);
  const session = await db.transaction().execute(async (trx) => {
    await repository.lockThrottleKey(trx, throttleKey);
    if (pendingStep !== 'totp') await repository.resetSignInFailures(trx, throttleKey);
    const opened = await openSession(trx, {
      userId: credentials.id,
      ip: input.ip,
      hours: input.sessionHours,
      pendingStep,
    });
    await recordAudit(trx, {
      actorUserId: credentials.id,
      actorIp: input.ip,
      userAgent: input.userAgent ?? null,
      action: 'session.created',
      entityType: 'user',
      entityId: credentials.id,
      detail: { pendingStep },
    });
    return opened;
  });
  const principal = await repository.findPrincipal(db, credentials.id);
  if (!principal) throw new InvalidCredentials();
  return { ...session, principal: { ...principal, pendingStep } };
}

/**
 * Records a failed sign-in (a wrong password or one-time code) with its IP and an audit
 * entry, and locks the username when this failure is the fifth counted one within the window.
 * Attempts made while locked are recorded with `counted` false, so they neither extend the
 * lock nor count towards the next one. Returns whether this failure started a lock.
 */
export async function recordFailedSignIn(
  db: Db,
  failure: {
    username: string;
    throttleKey: string;
    userId: string | null;
    ip: string;
    userAgent: string | null;
    reason: string;
    counted: boolean;
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await repository.lockThrottleKey(trx, failure.throttleKey);
    await repository.insertSignInFailure(trx, {
      username: failure.throttleKey,
      ip: failure.ip,
      counted: failure.counted,
    });
    let lockStarted = false;
    if (failure.counted) {
      const failures = await repository.countRecentSignInFailures(
        trx,
        failure.throttleKey,
        SIGN_IN_WINDOW_MINUTES,
      );
      if (failures >= SIGN_IN_MAX_FAILURES) {
        await repository.lockSignIn(trx, failure.throttleKey, SIGN_IN_LOCK_MINUTES);
        lockStarted = true;
      }
    }
    // The caller is not authenticated, so the entry names no actor: the account whose
    // sign-in failed is the object, and the username as typed is in the detail.
    await recordAudit(trx, {
      actorUserId: null,
      organisationId: null,
      actorIp: failure.ip,
      userAgent: failure.userAgent,
      outcome: 'failure',
      action: 'session.failed',
      entityType: failure.userId ? 'user' : 'username',
      entityId: failure.userId ?? failure.throttleKey,
      detail: { username: failure.username, reason: failure.reason, lockStarted },
    });
    return lockStarted;
  });
}

/** Ends a session and audits it; a missing session is already ended and is not audited. */
export async function signOut(
  db: Db,
  token: string,
  client: { ip: string; userAgent?: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const userId = await repository.deleteSession(trx, sessionIdOf(token));
    if (userId === undefined) return;
    await recordAudit(trx, {
      actorUserId: userId,
      actorIp: client.ip,
      userAgent: client.userAgent ?? null,
      action: 'session.ended',
      entityType: 'user',
      entityId: userId,
    });
  });
}

/**
 * Returns the principal of a live session, or undefined when the session is missing, past
 * its absolute expiry or idle for longer than `idleMinutes`. Updates the session's
 * last-seen time at most once a minute, to spare writes.
 */
export async function principalOf(
  db: Db,
  token: string,
  idleMinutes: number,
): Promise<Principal | undefined> {
  const sessionId = sessionIdOf(token);
  const found = await repository.findPrincipalBySession(db, sessionId, idleMinutes);
  if (!found) return undefined;
  const { stale, ...principal } = found;
  if (stale) await repository.touchSession(db, sessionId);
  return principal;
}

/** Tells whether a password matches any of the hashes. */
async function matchesAny(hashes: string[], password: string): Promise<boolean> {
  for (const stored of hashes) {
    if (await verify(stored, password)) return true;
  }
  return false;
}

/**
 * Replaces the user's password after checking the current one and the password policy, then
 * ends every session of the user, the current one included, and opens a new one for the
 * caller. Raises ACC_WRONG_PASSWORD or ACC_WEAK_PASSWORD with a field error per failed rule.
 */
export async function changePassword(
  db: Db,
  input: {
    userId: string;
    currentPassword: string;
    newPassword: string;
    ip: string;
    userAgent?: string | null;
    sessionHours: number;
  },
): Promise<OpenedSession> {
  const credentials = await repository.findCredentialsById(db, input.userId);
  if (!credentials) throw new InvalidCredentials();
  if (!(await verify(credentials.password_hash, input.currentPassword))) {
    throw new WrongPassword();
  }

  // The history normally contains the current hash; accounts made before it existed have none.
  const history = await repository.findPasswordHistory(db, input.userId, PASSWORD_HISTORY_SIZE);
  const recent = [...new Set([credentials.password_hash, ...history])];
  const reused = await matchesAny(recent, input.newPassword);
  const failed = checkPassword(input.newPassword, { username: credentials.username, reused });
  if (failed.length > 0) {
    throw withFieldErrors(
      new WeakPassword(),
      failed.map((rule) => ({
        field: 'newPassword',
        code: rule,
        message: PASSWORD_RULE_TEXT[rule],
      })),
    );
  }

  const passwordHash = await hashPassword(input.newPassword);
  const session = await db.transaction().execute(async (trx) => {
    await repository.updatePassword(trx, input.userId, passwordHash);
    await repository.addPasswordHistory(trx, {
      id: uuidv7(),
      userId: input.userId,
      passwordHash,
      keep: PASSWORD_HISTORY_SIZE,
    });
    await repository.deleteSessionsOfUser(trx, input.userId);
    const opened = await openSession(trx, {
      userId: input.userId,
      ip: input.ip,
      hours: input.sessionHours,
    });
    await recordAudit(trx, {
      actorUserId: input.userId,
      actorIp: input.ip,
      userAgent: input.userAgent ?? null,
      action: 'password.changed',
      entityType: 'user',
      entityId: input.userId,
    });
    return opened;
  });
  const principal = await repository.findPrincipal(db, input.userId);
  if (!principal) throw new InvalidCredentials();
  return { ...session, principal };
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
    // A session that waits for its second factor gets no menus: the console shows that step.
    menus: principal.pendingStep ? [] : menusFor(accountType),
    filing: principal.pendingStep ? [] : [...filingScopes(accountType)],
    mustChangePassword: principal.mustChangePassword,
    pendingStep: principal.pendingStep,
    totp: { enrolled: principal.totpEnrolled, required: requiresTotp(accountType) },
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
  operator: 'city',
  security_officer: 'city',
};

export interface NewAccount {
  username: string;
  password: string;
  displayName: string;
  accountType: AccountType;
  divisionCode: string;
  organisationName: string;
  creditCode?: string;
  /** Whether the user must replace the password at first sign-in; true unless set false. */
  mustChangePassword?: boolean;
}

/** English text of each credit code problem, for the field error of ORG_INVALID_CREDIT_CODE. */
const CREDIT_CODE_PROBLEM_TEXT: Record<IdentifierProblem, string> = {
  empty: 'is empty',
  length: 'must be 18 characters long',
  character: 'is not a digit or an upper-case letter other than I, O, S, V and Z',
  prefix: 'has an invalid prefix',
  birth_date: 'has an invalid date',
  region: 'must be a digit of the division code (positions 3 to 8)',
  check_character: 'is not the check character that the first 17 characters give',
};

/**
 * Checks a unified social credit code with the domain rules and returns it normalised
 * (half-width, upper case, without spaces). Raises ORG_INVALID_CREDIT_CODE with one field
 * error that names the failed rule and, where there is one, the 1-based position.
 */
export function normaliseCreditCode(input: string): string {
  const result = checkCreditCode(input);
  if (result.ok) return result.value;
  const text = CREDIT_CODE_PROBLEM_TEXT[result.reason];
  const message =
    result.position === undefined
      ? `the credit code ${text}`
      : `position ${result.position}: the character ${text}`;
  throw withFieldErrors(new InvalidCreditCode(input), [
    { field: 'creditCode', code: result.reason, message },
  ]);
}

/** The audit entry of a new account: `account.created` unless a caller names another action. */
export interface AccountAudit {
  action: string;
  detail?: Record<string, unknown>;
  /**
   * The operator who made the account, or 'self' when the new account made itself (portal
   * self-registration); null for commands and the demo seed.
   */
  actorUserId?: string | null;
  actorIp?: string | null;
}

/** The division and password hash that insertAccountWithOrganisation stores. */
export interface CheckedAccount {
  account: NewAccount;
  divisionCode: string;
  creditCode: string | null;
  passwordHash: string;
}

/**
 * Checks what does not need the transaction: the division exists (DIV_UNKNOWN) and suits the
 * account type (the city for city-wide types, a district for a district bureau, a street for a
 * street; ACC_INVALID_SCOPE otherwise), and the credit code is valid. Hashes the password.
 */
export async function checkNewAccount(db: Executor, account: NewAccount): Promise<CheckedAccount> {
  const level = SCOPE_LEVEL[account.accountType];
  const division = await findDivision(db, account.divisionCode);
  if (!division) throw new DivisionUnknownInInput(account.divisionCode);
  if (division.level !== level) {
    throw new InvalidScope(account.accountType, level, account.divisionCode);
  }
  const creditCode =
    account.creditCode === undefined ? null : normaliseCreditCode(account.creditCode);
  const passwordHash = await hashPassword(account.password);
  return { account, divisionCode: division.code, creditCode, passwordHash };
}

/**
 * Inserts a checked account, its organisation, its first password history entry and an
 * audit entry in the caller's transaction. Returns the new user's id. A duplicate username
 * or credit code surfaces as the database's unique violation; see translateUniqueViolation.
 */
export async function insertAccountWithOrganisation(
  trx: Executor,
  checked: CheckedAccount,
  options: { audit?: AccountAudit; presetNumber?: number } = {},
): Promise<string> {
  const { account, divisionCode, creditCode, passwordHash } = checked;
  const organisationId = uuidv7();
  const userId = uuidv7();
  await repository.insertOrganisation(trx, {
    id: organisationId,
    name: account.organisationName,
    credit_code: creditCode,
    division_code: divisionCode,
  });
  await repository.insertUser(trx, {
    id: userId,
    username: account.username,
    password_hash: passwordHash,
    display_name: account.displayName,
    account_type: account.accountType,
    organisation_id: organisationId,
    division_code: divisionCode,
    must_change_password: account.mustChangePassword ?? true,
    preset_number: options.presetNumber ?? null,
  });
  await repository.addPasswordHistory(trx, {
    id: uuidv7(),
    userId,
    passwordHash,
    keep: PASSWORD_HISTORY_SIZE,
  });
  await recordAudit(trx, {
    actorUserId:
      options.audit?.actorUserId === 'self' ? userId : (options.audit?.actorUserId ?? null),
    actorIp: options.audit?.actorIp ?? null,
    action: options.audit?.action ?? 'account.created',
    entityType: 'user',
    entityId: userId,
    detail: {
      accountType: account.accountType,
      divisionCode,
      ...options.audit?.detail,
    },
  });
  return userId;
}

/**
 * Turns a unique violation of the username or the credit code into ACC_USERNAME_TAKEN or
 * ORG_CREDIT_CODE_TAKEN; returns any other error unchanged.
 */
export function translateUniqueViolation(error: unknown, checked: CheckedAccount): unknown {
  if (isUniqueViolation(error, 'users_username_key')) {
    return new UsernameTaken(checked.account.username);
  }
  if (isUniqueViolation(error, 'organisations_credit_code_key')) {
    return withFieldErrors(new CreditCodeTaken(checked.creditCode ?? ''), [
      { field: 'creditCode', code: 'taken', message: 'is already used by another organisation' },
    ]);
  }
  return error;
}

/**
 * Creates an organisation and its first console account, checking that the division suits
 * the account type and that the credit code, when given, is valid (ORG_INVALID_CREDIT_CODE)
 * and used by no other organisation (ORG_CREDIT_CODE_TAKEN). Returns the new user's id.
 */
export async function createAccountWithOrganisation(
  db: Db,
  account: NewAccount,
  audit?: AccountAudit,
): Promise<string> {
  const checked = await checkNewAccount(db, account);
  try {
    return await db
      .transaction()
      .execute(async (trx) => insertAccountWithOrganisation(trx, checked, { audit }));
  } catch (error) {
    throw translateUniqueViolation(error, checked);
  }
}

const PASSWORD_ALPHABETS = [
  'abcdefghijkmnpqrstuvwxyz',
  'ABCDEFGHJKLMNPQRSTUVWXYZ',
  '23456789',
  '!@#%*-_=+',
];

/**
 * Generates a random 16-character initial password that meets the password policy for this
 * username, from alphabets without look-alike characters (no l, o, I, O, 0 or 1).
 */
export function generateInitialPassword(username: string): string {
  const alphabet = PASSWORD_ALPHABETS.join('');
  for (;;) {
    let password = '';
    for (let i = 0; i < 16; i += 1) password += alphabet[randomInt(alphabet.length)];
    if (checkPassword(password, { username }).length === 0) return password;
  }
}

/**
 * Creates an organisation and its first console account with a random initial password that
 * the user must change at first sign-in, as the account:create command does. Returns the
 * user's id and the password, which is shown once and stored only as a hash.
 */
export async function createAccountWithInitialPassword(
  db: Db,
  account: Omit<NewAccount, 'password' | 'mustChangePassword'>,
  audit?: AccountAudit,
): Promise<{ userId: string; password: string }> {
  const password = generateInitialPassword(account.username);
  const userId = await createAccountWithOrganisation(
    db,
    { ...account, password, mustChangePassword: true },
    audit,
  );
  return { userId, password };
}

/** Returns the unified social credit code of an organisation, or null when it has none. */
export async function organisationCreditCode(
  db: Executor,
  organisationId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('organisations')
    .select('credit_code')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  return row?.credit_code ?? null;
}
