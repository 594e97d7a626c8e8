import { checkMobile, maskMobile } from '@cityleague/domain';

import { recordAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-context.js';
import type { Db } from '../db/database.js';
import { ValidationFailed, withFieldErrors } from '../http/problem.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import type { Principal } from './account.repository.js';

/** Returns the masked mobile number that the user's alert SMS go to, or null when none is set. */
export async function getAlertPhone(db: Db, user: Principal) {
  const row = await db
    .selectFrom('users')
    .select('phone_masked')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  return { phoneMasked: row.phone_masked };
}

/**
 * Sets the mobile number that the user's alert SMS go to, or removes it when `input` is null. The number is
 * stored encrypted beside its keyed hash and masked copy; the audit entry names neither. Raises
 * VALIDATION_FAILED with the checker's reason for a number that is not a mainland mobile.
 */
export async function setAlertPhone(
  db: Db,
  cipher: PersonalDataCipher,
  user: Principal,
  input: string | null,
  actor: AuditActor,
) {
  const checked = input === null ? null : checkMobile(input);
  if (checked && !checked.ok) {
    throw withFieldErrors(new ValidationFailed(), [
      {
        field: 'phone',
        code: checked.reason,
        message: `is not a valid mainland mobile number (${checked.reason})`,
      },
    ]);
  }
  const columns = checked
    ? {
        phone_ciphertext: cipher.encrypt(checked.value),
        phone_hash: cipher.hash(checked.value),
        phone_masked: maskMobile(checked.value),
      }
    : { phone_ciphertext: null, phone_hash: null, phone_masked: null };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set(columns).where('id', '=', user.id).execute();
    await recordAudit(trx, {
      ...actor,
      action: 'account.phone_changed',
      entityType: 'user',
      entityId: user.id,
      detail: { phoneSet: input !== null },
    });
  });
  return { phoneMasked: columns.phone_masked };
}
