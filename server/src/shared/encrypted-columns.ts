import type { Database } from '../db/schema.js';

/** A column of `PersonalDataCipher` ciphertexts, null where the value is missing. */
export interface EncryptedColumn {
  table: keyof Database & string;
  /** Ciphertext column. */
  column: string;
  /** Unique, sortable column that `npm run data:rekey` pages by, `id` unless named. */
  key: string;
}

/** Names an encrypted column. The types allow only tables and columns that exist. */
function encrypted<T extends keyof Database & string>(
  table: T,
  column: keyof Database[T] & string,
  key: keyof Database[T] & string = 'id' as keyof Database[T] & string,
): EncryptedColumn {
  return { table, column, key };
}

/**
 * Every column in the database that contains ciphertexts. `npm run data:rekey` re-encrypts
 * exactly these, so a table that stores personal data adds its columns here, one line each.
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  encrypted('registrations', 'phone_ciphertext'),
  encrypted('registrations', 'id_ciphertext'),
  encrypted('registrations', 'guardian_phone_ciphertext'),
  encrypted('citizens', 'phone_ciphertext'),
  encrypted('citizens', 'real_name_ciphertext'),
  encrypted('citizens', 'id_number_ciphertext'),
  encrypted('contracts', 'contact_phone_ciphertext'),
  encrypted('users', 'totp_secret'),
  encrypted('users', 'totp_pending_secret'),
  encrypted('users', 'phone_ciphertext'),
  encrypted('partners', 'contact_phone_ciphertext'),
  encrypted('partner_credentials', 'secret_ciphertext', 'key_id'),
  encrypted('webhook_endpoints', 'secret_ciphertext'),
];
// NOTE: the checked rows of contract_imports and the payloads of notification_outbox hold
// ciphertexts inside JSON, which data:rekey does not rewrite. Both are short-lived: the old key
// must stay in DATA_KEYS until those rows are committed, sent or abandoned.
