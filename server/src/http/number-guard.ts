import { isPlainDecimal } from '@cityleague/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { ValidationFailed, withFieldErrors, type FieldError } from './problem.js';

const MAX_DEPTH = 20;

/** A string of the request that Ajv would coerce to a number although it is not plain decimal. */
interface LooseNumber {
  /** The location of the string: 'query', 'params' or 'body', then the keys down to it. */
  path: string[];
  text: string;
}

const looseNumbers = new WeakMap<FastifyRequest, LooseNumber[]>();

/**
 * Tells whether Ajv's type coercion turns a string into a number or an integer: it does so for
 * any non-empty string `s` with `s == +s`, which is any string that Number() reads as a number.
 * Infinity and 1e309 are left to the text guard's check for numbers that are not finite.
 */
function coercible(text: string): boolean {
  return text !== '' && Number.isFinite(Number(text));
}

function collect(value: unknown, path: string[], found: LooseNumber[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (coercible(value) && !isPlainDecimal(value)) found.push({ path, text: value });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, [...path, String(index)], found, depth + 1));
    return;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      collect(item, [...path, key], found, depth + 1);
    }
  }
}

function valueAt(root: unknown, path: string[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Tells whether validation turned the string into a number. With `coerceTypes: 'array'` a lone
 * query value for an array of numbers becomes a one-element array, so that counts too.
 */
function becameNumber(value: unknown): boolean {
  if (typeof value === 'number') return true;
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'number';
}

/**
 * Rejects a request in which a string became a number during validation although it is not
 * plain decimal digits, with VALIDATION_FAILED and a `type` field error for each. Ajv's type
 * coercion (`coerceTypes`) reads `0x7EA` as 2026, `1e2` as 100 and ` 7 ` as 7, in the query
 * string, the path and JSON bodies alike. Strings that stay strings, such as a search text of
 * `0x10`, are not affected.
 */
export function installNumberGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found: LooseNumber[] = [];
    collect(request.params, ['params'], found, 0);
    collect(request.query, ['query'], found, 0);
    collect(request.body, ['body'], found, 0);
    if (found.length > 0) looseNumbers.set(request, found);
  });
  app.addHook('preHandler', async (request) => {
    const found = looseNumbers.get(request);
    if (!found) return;
    const roots: Record<string, unknown> = {
      params: request.params,
      query: request.query,
      body: request.body,
    };
    const errors: FieldError[] = found
      .filter(({ path }) => becameNumber(valueAt(roots[path[0]!], path.slice(1))))
      .map(({ path }) => ({
        field: path.slice(1).join('.'),
        code: 'type',
        message: 'must be a number in plain decimal digits, such as 2026 or 2.5',
      }));
    if (errors.length > 0) throw withFieldErrors(new ValidationFailed(), errors);
  });
}
