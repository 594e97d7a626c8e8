import { sql } from 'kysely';

import type { Executor } from '../db/database.js';

/** The channel of a rejected entry: 'web', 'console' or 'partner' with the pushing partner. */
export interface EntryChannel {
  channel: string;
  partnerId: string | null;
}

/**
 * Records an entry rejected because the same ID number already has a live entry for the
 * event through another channel (another partner, or the league's own web and console).
 * Returns the channel of the existing entry, or undefined when no such entry exists or it came
 * through the same channel, in which case nothing is recorded.
 */
export async function recordCrossChannelDuplicate(
  db: Executor,
  eventId: string,
  idHash: string,
  attempt: EntryChannel,
): Promise<EntryChannel | undefined> {
  const result = await sql<{ channel: string; partner_id: string | null }>`
    with existing as (
      select id, channel, partner_id from registrations
      where event_id = ${eventId} and id_hash = ${idHash} and status <> 'cancelled'
        and (channel, partner_id) is distinct from (${attempt.channel}, ${attempt.partnerId}::uuid)
        and (channel = 'partner' or ${attempt.channel} = 'partner')
      limit 1
    ), recorded as (
      insert into registration_duplicates (id, event_id, id_hash, attempted_channel,
        attempted_partner_id, existing_registration_id, existing_channel, existing_partner_id)
      select gen_random_uuid(), ${eventId}, ${idHash}, ${attempt.channel}, ${attempt.partnerId},
        existing.id, existing.channel, existing.partner_id
      from existing
      returning existing_channel as channel, existing_partner_id as partner_id
    )
    select channel, partner_id from recorded`.execute(db);
  const row = result.rows[0];
  return row ? { channel: row.channel, partnerId: row.partner_id } : undefined;
}
