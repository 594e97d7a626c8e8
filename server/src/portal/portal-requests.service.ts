import { translateUniqueViolation, type CheckedAccount } from '../accounts/account.service.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import { accountOf, createRegisteredAccount } from './portal-registration.service.js';
import {
  PortalReasonRequired,
  PortalRequestNotFound,
  PortalRequestNotPending,
} from './portal.errors.js';
import * as repository from './portal.repository.js';

/** Lists registration requests in a status for the operator, oldest first. */
export async function listRequests(db: Db, status: 'pending' | 'approved' | 'rejected') {
  const rows = await repository.listRegistrations(db, status);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    creditCode: row.credit_code,
    organisationName: row.organisation_name,
    accountType: row.account_type,
    divisionCode: row.division_code,
    divisionName: row.division_name,
    rejectReason: row.reject_reason,
    submittedAt: new Date(row.updated_at).toISOString(),
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
  }));
}

async function lockPending(trx: Parameters<typeof repository.lockRegistration>[0], id: string) {
  const registration = await repository.lockRegistration(trx, id);
  if (!registration) throw new PortalRequestNotFound(id);
  if (registration.status !== 'pending' || registration.password_hash === null) {
    throw new PortalRequestNotPending(id);
  }
  return { ...registration, password_hash: registration.password_hash };
}

/**
 * Approves a pending registration: creates the account with the password the applicant set,
 * linked to the applicant's portal subject. Raises PORTAL_REQUEST_NOT_PENDING when another
 * operator decided first and ORG_CREDIT_CODE_TAKEN when the credit code got an account since.
 */
export async function approveRequest(
  db: Db,
  input: { id: string; operatorId: string; ip: string },
): Promise<{ userId: string }> {
  let checked: CheckedAccount | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const registration = await lockPending(trx, input.id);
      checked = accountOf(registration, registration.password_hash);
      const userId = await createRegisteredAccount(trx, registration, checked, {
        actorUserId: input.operatorId,
        actorIp: input.ip,
      });
      await repository.updateRegistration(
        trx,
        registration.id,
        {
          status: 'approved',
          user_id: userId,
          decided_by: input.operatorId,
          token_hash: null,
          password_hash: null,
        },
        { decided: true },
      );
      await recordAudit(trx, {
        actorUserId: input.operatorId,
        actorIp: input.ip,
        action: 'portal.registration_approved',
        entityType: 'portal_registration',
        entityId: registration.id,
        detail: { userId, accountType: registration.account_type },
      });
      return { userId };
    });
  } catch (error) {
    throw checked ? translateUniqueViolation(error, checked) : error;
  }
}

/**
 * Rejects a pending registration with a reason, which the registration page shows at the
 * applicant's next portal log-in, where the applicant may correct and submit it again. The
 * stored password hash is deleted.
 */
export async function rejectRequest(
  db: Db,
  input: { id: string; operatorId: string; ip: string; reason: string },
): Promise<void> {
  const reason = input.reason.trim();
  if (reason === '') throw new PortalReasonRequired();
  await db.transaction().execute(async (trx) => {
    const registration = await lockPending(trx, input.id);
    await repository.updateRegistration(
      trx,
      registration.id,
      {
        status: 'rejected',
        reject_reason: reason,
        decided_by: input.operatorId,
        password_hash: null,
      },
      { decided: true },
    );
    await recordAudit(trx, {
      actorUserId: input.operatorId,
      actorIp: input.ip,
      action: 'portal.registration_rejected',
      entityType: 'portal_registration',
      entityId: registration.id,
      detail: { reason },
    });
  });
}
