import { sql } from 'kysely';

import type { Executor } from '../db/database.js';

/** Returns the credential with its partner, while the credential has not expired. */
export async function findLiveCredential(db: Executor, keyId: string) {
  return db
    .selectFrom('partner_credentials')
    .innerJoin('partners', 'partners.id', 'partner_credentials.partner_id')
    .select([
      'partner_credentials.key_id',
      'partner_credentials.secret_ciphertext',
      'partners.id as partner_id',
      'partners.name',
      'partners.organisation_id',
      'partners.scopes',
      'partners.status',
      'partners.rate_limit_per_minute',
    ])
    .where('partner_credentials.key_id', '=', keyId)
    .where((eb) =>
      eb.or([
        eb('partner_credentials.expires_at', 'is', null),
        eb('partner_credentials.expires_at', '>', sql<Date>`now()`),
      ]),
    )
    .executeTakeFirst();
}

/** Records a nonce of a key; returns false when the key already used it. */
export async function claimNonce(db: Executor, keyId: string, nonce: string): Promise<boolean> {
  const inserted = await db
    .insertInto('partner_nonces')
    .values({ key_id: keyId, nonce })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Deletes nonces older than the signature window, which can no longer be replayed. */
export async function pruneNonces(db: Executor, olderThanSeconds: number): Promise<void> {
  await db
    .deleteFrom('partner_nonces')
    .where('seen_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .execute();
}

export async function findPartner(db: Executor, id: string) {
  return db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCredentials(db: Executor, partnerId: string) {
  return db
    .selectFrom('partner_credentials')
    .select(['key_id', 'created_at', 'expires_at'])
    .where('partner_id', '=', partnerId)
    .orderBy('created_at', 'desc')
    .orderBy('key_id')
    .execute();
}
