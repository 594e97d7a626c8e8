import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TestProject } from 'vitest/node';
import pg from 'pg';

import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { loadDivisions } from '../divisions/division.service.js';
import { checkCaptureFolder, describeLeaks } from './log-capture.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | undefined;
    /** Folder where every test app writes its log; see log-capture.ts. */
    logCaptureFolder: string;
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Prepares the run: a folder for the apps' logs, which the teardown searches for personal
 * data, and on PostgreSQL a template database.
 */
export default async function setup(project: TestProject) {
  const logFolder = mkdtempSync(join(tmpdir(), 'cityleague-test-logs-'));
  project.provide('logCaptureFolder', logFolder);
  const dropTemplate = await createTemplate(project);

  // Runs once after all test files. A leak fails the run and keeps the logs for reading.
  return async () => {
    await dropTemplate?.();
    const leaks = checkCaptureFolder(logFolder);
    if (leaks.length > 0) {
      // Vitest 4.1 prints an error thrown by a teardown but still exits with 0, so set the code.
      console.error(describeLeaks(leaks));
      process.exitCode = 1;
      return;
    }
    rmSync(logFolder, { recursive: true, force: true });
  };
}

/**
 * With DATABASE_URL set, migrates a template database once and loads the divisions into it;
 * each test file then clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 * Without DATABASE_URL every test file opens its own in-memory PGlite.
 */
async function createTemplate(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('templateDatabase', undefined);
    return undefined;
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
