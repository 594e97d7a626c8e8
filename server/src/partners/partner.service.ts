import { randomBytes } from 'node:crypto';

import { checkMobile, maskMobile } from '@cityleague/domain';

import { normaliseCreditCode } from '../accounts/account.service.js';
import { insertOrganisation } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import { isUniqueViolation, type Db, type Executor } from '../db/database.js';
import { ValidationFailed, withFieldErrors } from '../http/problem.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { CredentialNotFound, PartnerNameTaken, PartnerNotFound } from './partner.errors.js';
import * as repository from './partner.repository.js';

/** Scopes a partner may hold in the open API. */
export const PARTNER_SCOPES = [
  'events:read',
  'events:write',
  'registrations:read',
  'registrations:write',
] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/** Hours an old credential keeps working after a rotation, unless the operator sets another. */
export const DEFAULT_OVERLAP_HOURS = 24;
export const MAX_OVERLAP_HOURS = 168;

const CITY = '3101';

export interface Actor {
  userId: string;
  ip: string | null;
}

export interface NewPartner {
  name: string;
  creditCode: string;
  contactName: string;
  contactPhone: string;
  scopes: PartnerScope[];
  rateLimitPerMinute: number;
}

/** A new credential; the secret is returned once and stored only encrypted. */
export interface IssuedCredential {
  keyId: string;
  secret: string;
}

function normalisePhone(input: string): string {
  const phone = checkMobile(input);
  if (phone.ok) return phone.value;
  throw withFieldErrors(new ValidationFailed(), [
    { field: 'contactPhone', code: phone.reason, message: 'is not a valid mainland mobile number' },
  ]);
}

async function issueCredential(
  trx: Executor,
  cipher: PersonalDataCipher,
  partnerId: string,
): Promise<IssuedCredential> {
  const credential = {
    keyId: `pk_${randomBytes(8).toString('hex')}`,
    secret: randomBytes(32).toString('base64url'),
  };
  await trx
    .insertInto('partner_credentials')
    .values({
      key_id: credential.keyId,
      partner_id: partnerId,
      secret_ciphertext: cipher.encrypt(credential.secret),
    })
    .execute();
  return credential;
}

/** Shapes a partner row for the operator's screens, the phone masked. */
function toPartnerView(
  row: NonNullable<Awaited<ReturnType<typeof repository.findPartner>>>,
  credentials: Awaited<ReturnType<typeof repository.listCredentials>>,
) {
  return {
    id: row.id,
    name: row.name,
    organisationId: row.organisation_id,
    contactName: row.contact_name,
    contactPhoneMasked: row.contact_phone_masked,
    scopes: row.scopes as PartnerScope[],
    rateLimitPerMinute: row.rate_limit_per_minute,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    credentials: credentials.map((credential) => ({
      keyId: credential.key_id,
      createdAt: new Date(credential.created_at).toISOString(),
      expiresAt:
        credential.expires_at === null ? null : new Date(credential.expires_at).toISOString(),
    })),
  };
}

export type PartnerView = ReturnType<typeof toPartnerView>;

/** Reads one partner with its credentials' key ids and validity; raises PTN_NOT_FOUND. */
export async function describePartner(db: Executor, id: string): Promise<PartnerView> {
  const row = await repository.findPartner(db, id);
  if (!row) throw new PartnerNotFound(id);
  return toPartnerView(row, await repository.listCredentials(db, id));
}

/** Lists every partner by name, with its credentials. */
export async function listPartners(db: Executor): Promise<PartnerView[]> {
  const rows = await db.selectFrom('partners').selectAll().orderBy('name').execute();
  return Promise.all(
    rows.map(async (row) => toPartnerView(row, await repository.listCredentials(db, row.id))),
  );
}

/**
 * Registers a partner platform with its first credential. The partner owns the organisation
 * of its credit code, and the organisation is created when the league does not know it yet.
 * Events the partner files belong to that organisation.
 */
export async function createPartner(
  db: Db,
  cipher: PersonalDataCipher,
  input: NewPartner,
  actor: Actor,
): Promise<{ partner: PartnerView; credential: IssuedCredential }> {
  const creditCode = normaliseCreditCode(input.creditCode);
  const phone = normalisePhone(input.contactPhone);
  const id = uuidv7();
  try {
    const credential = await db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('organisations')
        .select('id')
        .where('credit_code', '=', creditCode)
        .executeTakeFirst();
      const organisationId = existing?.id ?? uuidv7();
      if (!existing) {
        await insertOrganisation(trx, {
          id: organisationId,
          name: input.name,
          credit_code: creditCode,
          division_code: CITY,
        });
      }
      await trx
        .insertInto('partners')
        .values({
          id,
          name: input.name,
          organisation_id: organisationId,
          contact_name: input.contactName,
          contact_phone_ciphertext: cipher.encrypt(phone),
          contact_phone_hash: cipher.hash(phone),
          contact_phone_masked: maskMobile(phone),
          scopes: [...new Set(input.scopes)],
          rate_limit_per_minute: input.rateLimitPerMinute,
        })
        .execute();
      const issued = await issueCredential(trx, cipher, id);
      await recordAudit(trx, {
        actorUserId: actor.userId,
        actorIp: actor.ip,
        action: 'partner.created',
        entityType: 'partner',
        entityId: id,
        detail: {
          scopes: input.scopes,
          rateLimitPerMinute: input.rateLimitPerMinute,
          keyId: issued.keyId,
        },
      });
      return issued;
    });
    return { partner: await describePartner(db, id), credential };
  } catch (error) {
    if (isUniqueViolation(error, 'partners_name_key')) throw new PartnerNameTaken(input.name);
    if (isUniqueViolation(error, 'partners_organisation_id_key')) {
      throw withFieldErrors(new ValidationFailed(), [
        { field: 'creditCode', code: 'taken', message: 'already belongs to another partner' },
      ]);
    }
    throw error;
  }
}

export interface PartnerChanges {
  contactName?: string;
  contactPhone?: string;
  scopes?: PartnerScope[];
  rateLimitPerMinute?: number;
  status?: 'active' | 'suspended';
}

/** Changes a partner's contact, scopes, rate limit or status, auditing before and after. */
export async function updatePartner(
  db: Db,
  cipher: PersonalDataCipher,
  id: string,
  changes: PartnerChanges,
  actor: Actor,
): Promise<PartnerView> {
  const phone =
    changes.contactPhone === undefined ? undefined : normalisePhone(changes.contactPhone);
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('partners')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new PartnerNotFound(id);
    const after = {
      contact_name: changes.contactName ?? before.contact_name,
      scopes: changes.scopes ? [...new Set(changes.scopes)] : before.scopes,
      rate_limit_per_minute: changes.rateLimitPerMinute ?? before.rate_limit_per_minute,
      status: changes.status ?? before.status,
    };
    await trx
      .updateTable('partners')
      .set({
        ...after,
        ...(phone === undefined
          ? {}
          : {
              contact_phone_ciphertext: cipher.encrypt(phone),
              contact_phone_hash: cipher.hash(phone),
              contact_phone_masked: maskMobile(phone),
            }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'partner.updated',
      entityType: 'partner',
      entityId: id,
      detail: {
        before: {
          scopes: before.scopes,
          rateLimitPerMinute: before.rate_limit_per_minute,
          status: before.status,
        },
        after: {
          scopes: after.scopes,
          rateLimitPerMinute: after.rate_limit_per_minute,
          status: after.status,
        },
        contactChanged: changes.contactName !== undefined || phone !== undefined,
      },
    });
  });
  return describePartner(db, id);
}

/**
 * Issues a new credential. Every credential that was still current keeps working for
 * `overlapHours` more, so the partner can switch without a failed request.
 */
export async function rotateCredential(
  db: Db,
  cipher: PersonalDataCipher,
  partnerId: string,
  overlapHours: number,
  actor: Actor,
): Promise<{ partner: PartnerView; credential: IssuedCredential }> {
  const credential = await db.transaction().execute(async (trx) => {
    const partner = await trx
      .selectFrom('partners')
      .select('id')
      .where('id', '=', partnerId)
      .forUpdate()
      .executeTakeFirst();
    if (!partner) throw new PartnerNotFound(partnerId);
    const expiresAt = new Date(Date.now() + overlapHours * 3600_000);
    const retired = await trx
      .updateTable('partner_credentials')
      .set({ expires_at: expiresAt })
      .where('partner_id', '=', partnerId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', expiresAt)]))
      .returning('key_id')
      .execute();
    const issued = await issueCredential(trx, cipher, partnerId);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'partner.credential_rotated',
      entityType: 'partner',
      entityId: partnerId,
      detail: {
        keyId: issued.keyId,
        retiredKeyIds: retired.map((row) => row.key_id),
        overlapHours,
      },
    });
    return issued;
  });
  return { partner: await describePartner(db, partnerId), credential };
}

/** Ends a credential at once, for a leaked secret. */
export async function revokeCredential(
  db: Db,
  partnerId: string,
  keyId: string,
  actor: Actor,
): Promise<PartnerView> {
  await db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('partner_credentials')
      .set({ expires_at: new Date() })
      .where('partner_id', '=', partnerId)
      .where('key_id', '=', keyId)
      .returning('key_id')
      .executeTakeFirst();
    if (!revoked) throw new CredentialNotFound(keyId);
    await recordAudit(trx, {
      actorUserId: actor.userId,
      actorIp: actor.ip,
      action: 'partner.credential_revoked',
      entityType: 'partner',
      entityId: partnerId,
      detail: { keyId },
    });
  });
  return describePartner(db, partnerId);
}
