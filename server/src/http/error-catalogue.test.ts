import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERROR_MESSAGES } from '../../../web/src/lib/messages.js';
import { createTestContext, type TestContext } from '../test/harness.js';
import { errorCatalogue } from './problem.js';

let ctx: TestContext;

beforeAll(async () => {
  // Building the app loads every module, and with it every error definition.
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

describe('error catalogue', () => {
  it('has a Chinese message for every code', () => {
    const codes = [...errorCatalogue().keys()];
    expect(codes.length).toBeGreaterThan(30);
    const missing = codes.filter((code) => !ERROR_MESSAGES[code]);
    expect(missing).toEqual([]);
  });

  it('uses client or server error statuses only', () => {
    for (const [code, status] of errorCatalogue()) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });
});
