import { sql, type Kysely } from 'kysely';

/**
 * Counts entries imported from an offline entries workbook (channel `import`) as on-site on the
 * dashboards, beside those typed in the console and taken at the venue. They are paper
 * sign-ups, and the catch-all of `dashboard_channel_class` counted them as online.
 *
 * The channel counters of the events with imported entries are recounted. The rollup triggers
 * of migration 0040 queue the change of each fact row, so the division sums follow.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceChannelClass(db, ['on_site', 'console', 'import']);
  await recountImportChannels(db);
}

/** Restores the channel classes of 0021 and recounts the same events. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await replaceChannelClass(db, ['on_site', 'console']);
  await recountImportChannels(db);
}

async function replaceChannelClass(db: Kysely<unknown>, onSite: string[]): Promise<void> {
  await sql`
    create or replace function dashboard_channel_class(channel text) returns text
    language sql immutable as $$
      select case
        when channel in (${sql.raw(onSite.map((channel) => `'${channel}'`).join(', '))})
          then 'on_site'
        when channel = 'partner' then 'partner'
        else 'online'
      end
    $$`.execute(db);
}

async function recountImportChannels(db: Kysely<unknown>): Promise<void> {
  await sql`
    update dashboard_event_facts f set
      online = c.online, on_site = c.on_site, partner = c.partner
    from (
      select event_id,
        count(*) filter (where status = 'active'
          and dashboard_channel_class(channel) = 'online')::integer as online,
        count(*) filter (where status = 'active'
          and dashboard_channel_class(channel) = 'on_site')::integer as on_site,
        count(*) filter (where status = 'active'
          and dashboard_channel_class(channel) = 'partner')::integer as partner
      from registrations
      where event_id in (select event_id from registrations where channel = 'import')
      group by event_id
    ) c
    where c.event_id = f.event_id
      and (f.online, f.on_site, f.partner) is distinct from (c.online, c.on_site, c.partner)`.execute(
    db,
  );
}
