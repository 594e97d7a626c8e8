import { sql, type Kysely } from 'kysely';

/**
 * Lets an entry count update rewrite an event row in place. Every transaction that takes or
 * releases places adds to `events.registered_count`. Before this migration the change-position
 * trigger gave each such update a new `change_txid`, an indexed column, so PostgreSQL wrote a
 * new entry into every index of `events`. Those include two GIN indexes whose expressions
 * compute the search grams of the event's texts, several milliseconds per update.
 *
 * A change of the count alone now keeps the event's change position, unless the event becomes
 * full or has places again, so partners still see when an event fills. With no indexed column
 * changed and free room on the page (the fill factor leaves 10 %), the update is a
 * heap-only tuple update and touches no index. `event_groups` gets the same room for its
 * `taken` counter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function events_set_change_txid() returns trigger language plpgsql as $$
    begin
      if new.registered_count is distinct from old.registered_count
        and (to_jsonb(new) - 'registered_count') = (to_jsonb(old) - 'registered_count')
        and (new.capacity is null
          or (new.registered_count >= new.capacity) = (old.registered_count >= old.capacity)) then
        return new;
      end if;
      new.change_txid := pg_current_xact_id();
      return new;
    end
    $$`.execute(db);
  await sql`alter table events set (fillfactor = 90)`.execute(db);
  await sql`alter table event_groups set (fillfactor = 90)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table event_groups reset (fillfactor)`.execute(db);
  await sql`alter table events reset (fillfactor)`.execute(db);
  await sql`
    create or replace function events_set_change_txid() returns trigger language plpgsql as $$
    begin
      new.change_txid := pg_current_xact_id();
      return new;
    end
    $$`.execute(db);
}
