import type { FastifyInstance } from 'fastify';

import { ValidationFailed, withFieldErrors, type FieldError } from './problem.js';

// Half of a UTF-16 surrogate pair without its other half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Text-direction embeddings, overrides and isolates, which can make a name display as
// something other than what it contains.
const DIRECTION_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const MAX_DEPTH = 20;

function collect(value: unknown, path: string, errors: FieldError[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
      errors.push({
        field: path,
        code: 'invalid_character',
        message: 'contains a NUL character or invalid Unicode',
      });
    } else if (DIRECTION_CONTROL.test(value)) {
      errors.push({
        field: path,
        code: 'direction_control',
        message: 'contains a text-direction control character (U+202A to U+202E, U+2066 to U+2069)',
      });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${path}/${index}`, errors, depth + 1));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      collect(key, `${path}/${key}`, errors, depth + 1);
      collect(item, `${path}/${key}`, errors, depth + 1);
    }
  }
}

function collectNonFinite(value: unknown, path: string, errors: FieldError[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      errors.push({ field: path, code: 'not_finite', message: 'must be a finite number' });
    }
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      collectNonFinite(item, `${path}/${key}`, errors, depth + 1);
    }
  }
}

/**
 * Rejects a request whose body, query string or path parameters contain a NUL character or a
 * lone surrogate with VALIDATION_FAILED. PostgreSQL can store neither in text or JSON, so they
 * would otherwise fail deep in a query as a server error. Text-direction controls are rejected
 * too, so that a name shows what it contains.
 *
 * After validation it also rejects numbers that are not finite. Ajv coerces the query value
 * `Infinity` or `1e309` to Infinity and accepts it as a number or an integer, and JSON.parse
 * reads `1e309` as Infinity, which PostgreSQL rejects for integer columns.
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors: FieldError[] = [];
    collect(request.params, '/params', errors, 0);
    collect(request.query, '/query', errors, 0);
    collect(request.body, '/body', errors, 0);
    if (errors.length > 0) throw withFieldErrors(new ValidationFailed(), errors);
  });
  app.addHook('preHandler', async (request) => {
    const errors: FieldError[] = [];
    collectNonFinite(request.params, '/params', errors, 0);
    collectNonFinite(request.query, '/query', errors, 0);
    collectNonFinite(request.body, '/body', errors, 0);
    if (errors.length > 0) throw withFieldErrors(new ValidationFailed(), errors);
  });
}
