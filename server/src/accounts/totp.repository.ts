import { sql } from 'kysely';

import type { Executor } from '../db/database.js';

/** Finds the TOTP columns of a user, with the ciphertexts as stored. */
export async function findTotpState(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'username',
      'account_type',
      'totp_secret',
      'totp_pending_secret',
      'totp_last_step',
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Stores the encrypted secret of an enrolment in progress, replacing an earlier one. */
export async function setPendingSecret(db: Executor, userId: string, ciphertext: string) {
  await db
    .updateTable('users')
    .set({ totp_pending_secret: ciphertext })
    .where('id', '=', userId)
    .where('totp_secret', 'is', null)
    .execute();
}

/**
 * Makes the pending secret the user's TOTP secret, if it is still the one the code was checked
 * against and the user has not enrolled meanwhile. Returns whether a row changed.
 */
export async function confirmEnrolment(
  db: Executor,
  enrolment: { userId: string; pendingCiphertext: string; timeStep: number },
): Promise<boolean> {
  const rows = await db
    .updateTable('users')
    .set({
      totp_secret: sql<string>`totp_pending_secret`,
      totp_pending_secret: null,
      totp_last_step: enrolment.timeStep,
      totp_enrolled_at: sql<Date>`now()`,
    })
    .where('id', '=', enrolment.userId)
    .where('totp_secret', 'is', null)
    .where('totp_pending_secret', '=', enrolment.pendingCiphertext)
    .returning('id')
    .execute();
  return rows.length === 1;
}

/**
 * Records a time step as used, only if it is later than the last accepted one. The condition
 * and the write are one UPDATE, so of two requests with the same code exactly one succeeds.
 * Returns whether the step was accepted.
 */
export async function acceptTimeStep(
  db: Executor,
  userId: string,
  timeStep: number,
): Promise<boolean> {
  const rows = await db
    .updateTable('users')
    .set({ totp_last_step: timeStep })
    .where('id', '=', userId)
    .where('totp_secret', 'is not', null)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', timeStep)]))
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** Removes a user's TOTP secret, pending secret and last step. */
export async function clearTotp(db: Executor, userId: string) {
  await db
    .updateTable('users')
    .set({
      totp_secret: null,
      totp_pending_secret: null,
      totp_last_step: null,
      totp_enrolled_at: null,
    })
    .where('id', '=', userId)
    .execute();
}
