import { sql, type Kysely } from 'kysely';

/**
 * Records a fingerprint of every data key the server has started with, so that a key id
 * given a different key, or a hash key other than the one the stored hashes were made with,
 * stops the start instead of corrupting lookups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table data_keys (
      id text primary key,
      fingerprint text not null,
      makes_hashes boolean not null default false,
      first_used_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create unique index data_keys_one_hash_key on data_keys (makes_hashes)
    where makes_hashes`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table data_keys`.execute(db);
}
