import { createHash, randomBytes } from 'node:crypto';

import { checkCreditCode } from '@cityleague/domain';

import { findPrincipal } from '../accounts/account.repository.js';
import { AccountDisabled } from '../accounts/account.errors.js';
import {
  openSession,
  pendingStepAfterPassword,
  type OpenedSession,
} from '../accounts/account.service.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import { withFieldErrors } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import { PortalClient, type PortalIdentity } from './portal.client.js';
import {
  PortalAccountNotEligible,
  PortalInvalidCreditCode,
  PortalLoginExpired,
  PortalStateMismatch,
  PortalSubjectMismatch,
} from './portal.errors.js';
import * as repository from './portal.repository.js';

/** Cookie of a portal log-in between the redirect to the portal and the callback. */
export const LOGIN_COOKIE = 'portal_login';
/** Cookie that lets the browser continue a registration after the callback. */
export const REGISTRATION_COOKIE = 'portal_registration';
/** Minutes a user has to finish the portal's log-in pages. */
export const LOGIN_MINUTES = 10;
/** Minutes a registration cookie stays valid after the portal log-in. */
export const REGISTRATION_MINUTES = 30;

/** Account types that may sign in through the portal; the others use their password only. */
const PORTAL_ACCOUNT_TYPES = new Set([
  'contractor',
  'district_bureau',
  'community_association',
  'street',
]);

/** Derives the stored id of a cookie token, so that a leaked table grants nothing. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Starts a portal log-in: stores the state, nonce and PKCE verifier under the hash of a new
 * cookie token for LOGIN_MINUTES and returns the token and the portal's authorization URL.
 */
export async function startLogin(db: Db, client: PortalClient) {
  // Each start stores a row for LOGIN_MINUTES, and the next start deletes the expired ones. The
  // route limits how many starts one client address makes per minute.
  const checks = PortalClient.newChecks();
  const url = await client.authorizationUrl(checks);
  const token = newToken();
  await repository.deleteExpiredLogins(db);
  await repository.insertLogin(db, { id: tokenHash(token), ...checks, minutes: LOGIN_MINUTES });
  return { token, url };
}

/** The result of a callback: a session, or a registration for the browser to continue. */
export type CallbackOutcome =
  | { kind: 'session'; session: OpenedSession; linked: boolean }
  | { kind: 'registration'; token: string; registrationId: string };

/** Checks the credit code claim; raises PORTAL_INVALID_CREDIT_CODE naming the failed rule. */
function checkedCreditCode(identity: PortalIdentity): string {
  const result = checkCreditCode(identity.creditCode);
  if (result.ok) return result.value;
  const position = result.position === undefined ? '' : ` at position ${result.position}`;
  throw withFieldErrors(new PortalInvalidCreditCode(), [
    {
      field: 'creditCode',
      code: result.reason,
      message: `fails the ${result.reason} rule${position}`,
    },
  ]);
}

/**
 * Finishes a portal log-in at the callback. The log-in stored for the cookie is used once,
 * the returned state must match it, and the code is redeemed with its PKCE verifier. An
 * account linked to the portal subject is then signed in. Failing that, an account of the
 * organisation with the claimed credit code that is linked to no subject gets linked and
 * signed in. Otherwise the organisation's open registration is continued, or a new one
 * started.
 */
export async function completeLogin(
  db: Db,
  client: PortalClient,
  input: { loginToken: string | undefined; query: URLSearchParams; ip: string; hours: number },
): Promise<CallbackOutcome> {
  const login = input.loginToken
    ? await repository.takeLogin(db, tokenHash(input.loginToken))
    : undefined;
  if (!login) throw new PortalLoginExpired();
  if (input.query.get('state') !== login.state) throw new PortalStateMismatch();

  const identity = await client.identify(input.query, {
    state: login.state,
    nonce: login.nonce,
    codeVerifier: login.code_verifier,
  });
  const creditCode = checkedCreditCode(identity);

  return db.transaction().execute(async (trx) => {
    const bySubject = await repository.findUserBySubject(trx, identity.subject);
    if (bySubject) return signInLinked(trx, bySubject, identity, input);

    const byCreditCode = await repository.findUserByCreditCode(trx, creditCode);
    if (byCreditCode) {
      if (byCreditCode.portal_subject !== null) throw new PortalSubjectMismatch();
      return linkAndSignIn(trx, byCreditCode, identity, input);
    }
    return continueRegistration(trx, { ...identity, creditCode }, input.ip);
  });
}

/** Opens a session for a user in the caller's transaction, with the principal it shows. */
export async function sessionForUser(
  trx: Executor,
  userId: string,
  input: { ip: string; hours: number },
): Promise<OpenedSession> {
  const user = await trx
    .selectFrom('users')
    .select(['account_type', 'totp_enrolled_at', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new PortalLoginExpired();
  if (user.disabled_at !== null) throw new AccountDisabled();
  // The portal replaces the password, not the second factor.
  const pendingStep = pendingStepAfterPassword({
    account_type: user.account_type,
    totpEnrolled: user.totp_enrolled_at !== null,
  });
  const opened = await openSession(trx, { userId, ip: input.ip, hours: input.hours, pendingStep });
  const principal = await findPrincipal(trx, userId);
  if (!principal) throw new PortalLoginExpired();
  return { ...opened, principal };
}

async function signInLinked(
  trx: Executor,
  user: { id: string; account_type: string },
  identity: PortalIdentity,
  input: { ip: string; hours: number },
): Promise<CallbackOutcome> {
  if (!PORTAL_ACCOUNT_TYPES.has(user.account_type)) {
    throw new PortalAccountNotEligible(user.account_type);
  }
  const session = await sessionForUser(trx, user.id, input);
  await recordAudit(trx, {
    actorUserId: user.id,
    actorIp: input.ip,
    action: 'portal.signed_in',
    entityType: 'user',
    entityId: user.id,
    detail: { subject: identity.subject },
  });
  return { kind: 'session', session, linked: false };
}

async function linkAndSignIn(
  trx: Executor,
  user: { id: string; account_type: string },
  identity: PortalIdentity,
  input: { ip: string; hours: number },
): Promise<CallbackOutcome> {
  if (!PORTAL_ACCOUNT_TYPES.has(user.account_type)) {
    throw new PortalAccountNotEligible(user.account_type);
  }
  // A concurrent callback may have linked the account since it was read.
  if (!(await repository.linkSubject(trx, user.id, identity.subject))) {
    throw new PortalSubjectMismatch();
  }
  const session = await sessionForUser(trx, user.id, input);
  await recordAudit(trx, {
    actorUserId: user.id,
    actorIp: input.ip,
    action: 'portal.linked',
    entityType: 'user',
    entityId: user.id,
    detail: { subject: identity.subject },
  });
  return { kind: 'session', session, linked: true };
}

async function continueRegistration(
  trx: Executor,
  identity: PortalIdentity,
  ip: string,
): Promise<CallbackOutcome> {
  const token = newToken();
  const id = uuidv7();
  const inserted = await repository.insertRegistration(
    trx,
    {
      id,
      subject: identity.subject,
      credit_code: identity.creditCode,
      organisation_name: identity.organisationName,
      status: 'started',
      token_hash: tokenHash(token),
    },
    REGISTRATION_MINUTES,
  );
  if (inserted) {
    await recordAudit(trx, {
      actorUserId: null,
      actorIp: ip,
      action: 'portal.registration_started',
      entityType: 'portal_registration',
      entityId: id,
      detail: { subject: identity.subject, creditCode: identity.creditCode },
    });
    return { kind: 'registration', token, registrationId: id };
  }

  const open = await repository.findOpenRegistration(trx, identity.creditCode);
  if (!open) throw new PortalLoginExpired();
  await repository.setRegistrationToken(trx, open.id, {
    hash: tokenHash(token),
    minutes: REGISTRATION_MINUTES,
    subject: identity.subject,
  });
  await recordAudit(trx, {
    actorUserId: null,
    actorIp: ip,
    action: 'portal.registration_resumed',
    entityType: 'portal_registration',
    entityId: open.id,
    detail: { subject: identity.subject, status: open.status },
  });
  return { kind: 'registration', token, registrationId: open.id };
}

/** Records a failed callback with its error code, so that the audit trail shows every step. */
export async function recordLoginFailure(db: Db, failure: { code: string; ip: string }) {
  await recordAudit(db, {
    actorUserId: null,
    actorIp: failure.ip,
    action: 'portal.login_failed',
    entityType: 'portal_login',
    entityId: 'callback',
    detail: { code: failure.code },
  });
}
