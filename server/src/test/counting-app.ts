import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';

import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import type { TestContext } from './harness.js';

/** An app on the test context's database that counts the statements it sends. */
export interface CountingApp {
  app: FastifyInstance;
  /** Number of statements sent so far, transactions' included. */
  queries(): number;
}

/**
 * Builds one more app on the context's database whose handle counts every statement, so that
 * a test can tell whether a request read the database. Close it with `app.close()`.
 */
export async function buildCountingApp(
  ctx: TestContext,
  overrides: Partial<Config> = {},
): Promise<CountingApp> {
  let count = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      count += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const app = await buildApp({ ...ctx.config, ...overrides }, ctx.db.withPlugin(counter));
  return { app, queries: () => count };
}
