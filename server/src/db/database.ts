import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';

import { PGlitePool } from './pglite-pool.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** A database handle or an open transaction: what repositories accept. */
export type Executor = Db | Trx;

// Keep bigint counts and timestamps as JavaScript values that JSON can carry.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseOptions {
  /** PostgreSQL connection string; without it an embedded PGlite database is used. */
  url?: string;
  /** Folder for the PGlite data files; undefined keeps PGlite in memory. */
  dataDir?: string;
  poolSize?: number;
  /**
   * Called when an idle PostgreSQL connection fails, for example when the server ends it.
   * The pool drops that connection and opens a new one on demand.
   */
  onIdleError?: (error: Error) => void;
}

/** Opens PostgreSQL when a URL is given, otherwise PGlite on disk or in memory. */
export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 20 });
    pool.on('error', options.onIdleError ?? (() => {}));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await pglite.waitReady;
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) });
}

/**
 * Opens the database the configuration names: PostgreSQL at DATABASE_URL, or else PGlite in
 * DATA_DIR/pglite, creating that folder when it is missing.
 */
export async function openConfiguredDatabase(
  config: { databaseUrl: string | undefined; dataDir: string },
  onIdleError?: (error: Error) => void,
): Promise<Db> {
  if (config.databaseUrl) return openDatabase({ url: config.databaseUrl, onIdleError });
  const dataDir = join(config.dataDir, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  return openDatabase({ dataDir });
}

/** Tells whether the database completes a trivial query. */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** Tells whether an error is a unique-constraint violation, optionally of one constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (record.code !== '23505') return false;
  if (constraint === undefined) return true;
  if (record.constraint === constraint) return true;
  return typeof record.message === 'string' && record.message.includes(`"${constraint}"`);
}
