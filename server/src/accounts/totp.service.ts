import { requiresTotp, type AccountType } from '@cityleague/domain';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import {
  SessionRequired,
  TotpAlreadyEnrolled,
  TotpCodeUsed,
  TotpEnrolmentNotStarted,
  TotpInvalidCode,
  TotpNotEnrolled,
  TotpNotPending,
  TotpRequired,
} from './account.errors.js';
import * as accounts from './account.repository.js';
import type { Principal } from './account.repository.js';
import {
  openSession,
  recordFailedSignIn,
  sessionIdOf,
  type OpenedSession,
} from './account.service.js';
import * as repository from './totp.repository.js';

/** Issuer shown by authenticator apps beside the username. */
export const TOTP_ISSUER = '城市业余联赛';

// One 30-second step either side of the server's clock, for phones whose clocks drift.
const TOTP_TOLERANCE_SECONDS = 30;

/** The secret, otpauth URI and QR code that the console shows once to enrol an authenticator app. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** The caller of a TOTP use case: its principal, session cookie token and IP. */
export interface TotpCaller {
  principal: Principal;
  token: string;
  ip: string;
  userAgent?: string | null;
}

/** Returns the time step of a valid code for the secret, or undefined for a wrong code. */
async function timeStepOf(secret: string, code: string): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({ secret, token: code, epochTolerance: TOTP_TOLERANCE_SECONDS });
  // The functional API types the result for HOTP and TOTP alike; only TOTP sets timeStep.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

function describeStep(principal: Principal): string {
  if (principal.pendingStep === 'totp') return 'the one-time code (POST /api/session/totp)';
  if (principal.pendingStep === 'totp_enrolment') return 'the TOTP enrolment';
  return 'nothing: it is already complete';
}

/**
 * Generates a TOTP secret for the caller, stores it encrypted as the pending secret and returns
 * it with its otpauth URI and a QR code. The enrolment takes effect only when confirmed with a
 * code. Starting again replaces the pending secret.
 */
export async function startEnrolment(
  db: Db,
  cipher: PersonalDataCipher,
  principal: Principal,
): Promise<TotpEnrolment> {
  if (principal.pendingStep === 'totp') throw new TotpNotPending(describeStep(principal));
  const state = await repository.findTotpState(db, principal.id);
  if (!state) throw new SessionRequired();
  if (state.totp_secret !== null) throw new TotpAlreadyEnrolled();

  const secret = generateSecret();
  await repository.setPendingSecret(db, principal.id, cipher.encrypt(secret));
  const otpauthUri = generateURI({ issuer: TOTP_ISSUER, label: principal.username, secret });
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { margin: 1, width: 240 });
  return { secret, otpauthUri, qrCodeDataUrl };
}

/**
 * Confirms the pending enrolment with a code of the new secret. Raises ACC_TOTP_INVALID_CODE
 * for a wrong code. When the session was waiting for the enrolment, ends it and returns a new,
 * complete session. Otherwise returns undefined, and the session stays as it is.
 */
export async function confirmEnrolment(
  db: Db,
  cipher: PersonalDataCipher,
  caller: TotpCaller & { code: string; sessionHours: number },
): Promise<OpenedSession | undefined> {
  const { principal } = caller;
  if (principal.pendingStep === 'totp') throw new TotpNotPending(describeStep(principal));
  const state = await repository.findTotpState(db, principal.id);
  if (!state) throw new SessionRequired();
  if (state.totp_secret !== null) throw new TotpAlreadyEnrolled();
  if (state.totp_pending_secret === null) throw new TotpEnrolmentNotStarted();

  const timeStep = await timeStepOf(cipher.decrypt(state.totp_pending_secret), caller.code);
  if (timeStep === undefined) {
    await recordAudit(db, {
      actorUserId: principal.id,
      actorIp: caller.ip,
      action: 'totp.enrolment_failed',
      entityType: 'user',
      entityId: principal.id,
      detail: { reason: 'wrong_code' },
    });
    throw new TotpInvalidCode();
  }

  const completes = principal.pendingStep === 'totp_enrolment';
  return db.transaction().execute(async (trx) => {
    const confirmed = await repository.confirmEnrolment(trx, {
      userId: principal.id,
      pendingCiphertext: state.totp_pending_secret ?? '',
      timeStep,
    });
    // Another request confirmed or replaced the pending secret since it was read.
    if (!confirmed) throw new TotpEnrolmentNotStarted();
    await recordAudit(trx, {
      actorUserId: principal.id,
      actorIp: caller.ip,
      action: 'totp.enrolled',
      entityType: 'user',
      entityId: principal.id,
      detail: { before: { totpEnrolled: false }, after: { totpEnrolled: true } },
    });
    if (!completes) return undefined;
    await accounts.deleteSession(trx, sessionIdOf(caller.token));
    const opened = await openSession(trx, {
      userId: principal.id,
      ip: caller.ip,
      hours: caller.sessionHours,
    });
    return {
      ...opened,
      principal: { ...principal, totpEnrolled: true, pendingStep: null },
    };
  });
}

/**
 * Completes a sign-in that waits for the one-time code. A wrong code counts as a failed
 * sign-in towards the lockout. The failure that starts a lock, and any attempt while locked,
 * also ends the waiting session. A code whose time step is not later than the last accepted
 * one raises ACC_TOTP_CODE_USED. The check and the write are one conditional UPDATE, so two
 * parallel requests with one code cannot both pass. On success the waiting session is
 * replaced by a new, complete one.
 */
export async function verifySignInCode(
  db: Db,
  cipher: PersonalDataCipher,
  caller: TotpCaller & { code: string; sessionHours: number },
): Promise<OpenedSession> {
  const { principal } = caller;
  if (principal.pendingStep !== 'totp') throw new TotpNotPending(describeStep(principal));
  const sessionId = sessionIdOf(caller.token);
  const throttleKey = principal.username.toLowerCase();
  const failure = {
    username: principal.username,
    throttleKey,
    userId: principal.id,
    ip: caller.ip,
    userAgent: caller.userAgent ?? null,
  };

  if (await accounts.isSignInLocked(db, throttleKey)) {
    await recordFailedSignIn(db, { ...failure, reason: 'locked', counted: false });
    await accounts.deleteSession(db, sessionId);
    throw new TotpInvalidCode();
  }
  const state = await repository.findTotpState(db, principal.id);
  // The operator reset the TOTP, which also ended this session, since it was loaded.
  if (!state?.totp_secret) throw new SessionRequired();

  const timeStep = await timeStepOf(cipher.decrypt(state.totp_secret), caller.code);
  if (timeStep === undefined) {
    const lockStarted = await recordFailedSignIn(db, {
      ...failure,
      reason: 'wrong_totp',
      counted: true,
    });
    if (lockStarted) await accounts.deleteSession(db, sessionId);
    throw new TotpInvalidCode();
  }

  const opened = await db.transaction().execute(async (trx) => {
    await accounts.lockThrottleKey(trx, throttleKey);
    if (!(await repository.acceptTimeStep(trx, principal.id, timeStep))) return undefined;
    await accounts.resetSignInFailures(trx, throttleKey);
    await accounts.deleteSession(trx, sessionId);
    const session = await openSession(trx, {
      userId: principal.id,
      ip: caller.ip,
      hours: caller.sessionHours,
    });
    await recordAudit(trx, {
      actorUserId: principal.id,
      actorIp: caller.ip,
      action: 'session.totp_verified',
      entityType: 'user',
      entityId: principal.id,
    });
    return session;
  });
  if (!opened) {
    await recordFailedSignIn(db, { ...failure, reason: 'totp_reused', counted: false });
    throw new TotpCodeUsed();
  }
  return { ...opened, principal: { ...principal, pendingStep: null } };
}

/**
 * Removes the caller's TOTP after checking a current code, for account types that may sign
 * in without it. Raises ACC_TOTP_REQUIRED for the types that must keep it.
 */
export async function removeTotp(
  db: Db,
  cipher: PersonalDataCipher,
  caller: TotpCaller & { code: string },
): Promise<void> {
  const { principal } = caller;
  const accountType = principal.accountType as AccountType;
  if (requiresTotp(accountType)) throw new TotpRequired(accountType);
  const state = await repository.findTotpState(db, principal.id);
  if (!state?.totp_secret) throw new TotpNotEnrolled();

  const timeStep = await timeStepOf(cipher.decrypt(state.totp_secret), caller.code);
  if (timeStep === undefined) throw new TotpInvalidCode();
  await db.transaction().execute(async (trx) => {
    if (!(await repository.acceptTimeStep(trx, principal.id, timeStep))) throw new TotpCodeUsed();
    await repository.clearTotp(trx, principal.id);
    await recordAudit(trx, {
      actorUserId: principal.id,
      actorIp: caller.ip,
      action: 'totp.removed',
      entityType: 'user',
      entityId: principal.id,
      detail: { before: { totpEnrolled: true }, after: { totpEnrolled: false } },
    });
  });
}
