import { randomBytes } from 'node:crypto';

import type { TestProject } from 'vitest/node';
import pg from 'pg';

import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { loadDivisions } from '../divisions/division.service.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | undefined;
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * With DATABASE_URL set, migrates a template database once and loads the divisions into it;
 * each test file then clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 * Without DATABASE_URL every test file opens its own in-memory PGlite.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('templateDatabase', undefined);
    return;
  }
  const name = `cityleague_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);

  const db = await openDatabase({ url: withDatabase(url, name), poolSize: 2 });
  await migrateToLatest(db);
  await loadDivisions(db);
  await db.destroy();
  project.provide('templateDatabase', name);

  return async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
