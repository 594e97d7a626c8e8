import { sql, type Kysely } from 'kysely';

/**
 * Adds the documents attached to an event's filing and the chat-group QR codes shown to
 * registered citizens. The files live on disk under DOCUMENTS_DIR, named by the row's id; the
 * rows hold what the file was checked to be.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_documents (
      id uuid primary key,
      event_id uuid not null references events (id),
      category text not null check (category in
        ('safety_plan', 'competition_rules', 'medical_cover', 'insurance', 'other')),
      file_name text not null check (char_length(file_name) between 1 and 200),
      content_type text not null,
      size_bytes bigint not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      uploaded_by uuid not null references users (id),
      uploaded_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index event_documents_event on event_documents (event_id, id)`.execute(db);

  await sql`
    create table event_chat_groups (
      id uuid primary key,
      event_id uuid not null references events (id),
      label text not null check (char_length(label) between 1 and 20),
      content_type text not null,
      size_bytes bigint not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      uploaded_by uuid not null references users (id),
      uploaded_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index event_chat_groups_event on event_chat_groups (event_id, id)`.execute(db);
}

/** Drops both tables; the files on disk stay where they are. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists event_chat_groups`.execute(db);
  await sql`drop table if exists event_documents`.execute(db);
}
