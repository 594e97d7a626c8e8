import { isPlatformAccountType, PASSWORD_HISTORY_SIZE, type AccountType } from '@cityleague/domain';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { uuidv7 } from '../shared/ids.js';
import { PlatformAccountProtected, UserNotFound } from './account.errors.js';
import * as accounts from './account.repository.js';
import {
  createAccountWithInitialPassword,
  generateInitialPassword,
  hashPassword,
  type NewAccount,
} from './account.service.js';
import * as repository from './operator-accounts.repository.js';
import { generatePresetStreetAccounts } from './preset-street-accounts.service.js';
import { presetWorkbookBytes } from './preset-street-workbook.js';
import { clearTotp } from './totp.repository.js';

/** The operator acting, for the audit entries. */
export interface OperatorActor {
  userId: string;
  ip: string;
}

/** Lists one page of the operator's account list, in username order. */
export async function listAccounts(
  db: Db,
  filters: Omit<repository.AccountListQuery, 'afterUsername' | 'limit'> & {
    cursor?: string;
    limit: number;
  },
) {
  let afterUsername: string | undefined;
  if (filters.cursor !== undefined) {
    const position = decodeCursor(filters.cursor, ['username'] as const);
    if (!position) throw new InvalidCursor();
    afterUsername = position.username;
  }
  const rows = await repository.listAccounts(db, {
    accountType: filters.accountType,
    divisionCode: filters.divisionCode,
    search: filters.search?.trim() || undefined,
    afterUsername,
    limit: filters.limit + 1,
  });
  const items = rows.slice(0, filters.limit).map(({ disabledAt, createdAt, ...row }) => ({
    ...row,
    accountType: row.accountType as AccountType,
    disabled: disabledAt !== null,
    createdAt: new Date(createdAt).toISOString(),
  }));
  const last = items.at(-1);
  const nextCursor =
    rows.length > filters.limit && last ? encodeCursor({ username: last.username }) : null;
  return { items, nextCursor };
}

/**
 * Loads the account an operator acts on. Raises ACC_USER_NOT_FOUND, and
 * ACC_PLATFORM_ACCOUNT_PROTECTED for operator and security officer accounts: an operator who
 * could reset them could take over the security officer's audit access or another operator's
 * account, so they are managed only with the account:create command on the server.
 */
async function loadManagedUser(db: Executor, userId: string) {
  const user = await repository.findManagedUser(db, userId);
  if (!user) throw new UserNotFound(userId);
  if (isPlatformAccountType(user.account_type as AccountType)) {
    throw new PlatformAccountProtected();
  }
  return user;
}

/**
 * Creates a business account and its organisation with a random initial password, returned
 * once, that the user must change at first sign-in. Platform accounts are rejected with
 * ACC_PLATFORM_ACCOUNT_PROTECTED.
 */
export async function createAccount(
  db: Db,
  actor: OperatorActor,
  account: Omit<NewAccount, 'password' | 'mustChangePassword'>,
) {
  if (isPlatformAccountType(account.accountType)) throw new PlatformAccountProtected();
  return createAccountWithInitialPassword(db, account, {
    action: 'account.created',
    actorUserId: actor.userId,
    actorIp: actor.ip,
  });
}

/**
 * Replaces an account's password with a random initial password, returned once, that the user
 * must change at the next sign-in, and ends every session of the account. TOTP stays as it
 * is, so the operator who sees the password still cannot sign in as an enrolled user.
 */
export async function resetPassword(db: Db, actor: OperatorActor, userId: string) {
  const user = await loadManagedUser(db, userId);
  const password = generateInitialPassword(user.username);
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await repository.setInitialPassword(trx, userId, passwordHash);
    await accounts.addPasswordHistory(trx, {
      id: uuidv7(),
      userId,
      passwordHash,
      keep: PASSWORD_HISTORY_SIZE,
    });
    await accounts.deleteSessionsOfUser(trx, userId);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'account.password_reset',
      entityType: 'user',
      entityId: userId,
      detail: {
        before: { mustChangePassword: user.must_change_password },
        after: { mustChangePassword: true },
      },
    });
  });
  return { password };
}

/** Lifts a sign-in lock and stops counting the account's earlier failures. */
export async function unlock(db: Db, actor: OperatorActor, userId: string) {
  const user = await loadManagedUser(db, userId);
  const throttleKey = user.username.toLowerCase();
  await db.transaction().execute(async (trx) => {
    await accounts.lockThrottleKey(trx, throttleKey);
    const locked = await accounts.isSignInLocked(trx, throttleKey);
    await accounts.resetSignInFailures(trx, throttleKey);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'account.unlocked',
      entityType: 'user',
      entityId: userId,
      detail: { before: { locked }, after: { locked: false } },
    });
  });
}

/**
 * Removes an account's TOTP and ends its sessions, for a user who lost the authenticator. An
 * account type that requires TOTP enrols again at its next sign-in.
 */
export async function resetTotp(db: Db, actor: OperatorActor, userId: string) {
  const user = await loadManagedUser(db, userId);
  await db.transaction().execute(async (trx) => {
    await clearTotp(trx, userId);
    await accounts.deleteSessionsOfUser(trx, userId);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'totp.reset',
      entityType: 'user',
      entityId: userId,
      detail: { before: { totpEnrolled: user.totpEnrolled }, after: { totpEnrolled: false } },
    });
  });
}

/** Disables an account and ends its sessions, or enables it again. */
export async function setDisabled(db: Db, actor: OperatorActor, userId: string, disabled: boolean) {
  const user = await loadManagedUser(db, userId);
  const wasDisabled = user.disabled_at !== null;
  await db.transaction().execute(async (trx) => {
    await repository.setDisabled(trx, userId, disabled);
    if (disabled) await accounts.deleteSessionsOfUser(trx, userId);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: disabled ? 'account.disabled' : 'account.enabled',
      entityType: 'user',
      entityId: userId,
      detail: { before: { disabled: wasDisabled }, after: { disabled } },
    });
  });
}

/**
 * Creates the preset street accounts that are missing and returns their workbook, the only
 * place their initial passwords appear. The workbook is built before the transaction
 * commits, so a failure to build it creates no account.
 */
export async function generatePresetStreetWorkbook(db: Db, actor: OperatorActor) {
  let workbook: Buffer | undefined;
  const result = await generatePresetStreetAccounts(db, {
    actor,
    beforeCommit: async (created) => {
      workbook = await presetWorkbookBytes(created);
    },
  });
  if (!workbook) throw new Error('The preset workbook was not built');
  return { workbook, created: result.created.length, skipped: result.skipped };
}
