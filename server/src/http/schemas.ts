import { containsEmoji } from '@cityleague/domain';
import { Type, type TStringOptions } from 'typebox';

import { isStorableDateTime, isStorableDay } from '../shared/storable-time.js';

/** Builds a string schema limited to a fixed list of values, typed as their union. */
export function StringEnum<T extends string>(values: readonly T[], options: object = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** Allows null besides the schema's values. */
export function Nullable<T extends Parameters<typeof Type.Union>[0][number]>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/**
 * Builds a string schema for a formal name or address, which must not contain emoji (the
 * `noEmoji` keyword, reported with the field error code `noEmoji`).
 */
export function FormalText(options: TStringOptions) {
  return Type.String({ ...options, noEmoji: true } as TStringOptions);
}

interface KeywordValidator {
  (schema: boolean, data: unknown): boolean;
  errors?: { keyword: string; message: string; params: object }[];
}

const validateNoEmoji: KeywordValidator = (enabled, data) => {
  if (!enabled || typeof data !== 'string' || !containsEmoji(data)) return true;
  validateNoEmoji.errors = [{ keyword: 'noEmoji', message: 'must not contain emoji', params: {} }];
  return false;
};

/**
 * Registers the `noEmoji` keyword with the request validator (an Ajv 8 plugin for Fastify's
 * `ajv.plugins` option). Only request schemas use it.
 */
export function noEmojiKeyword<T extends { addKeyword(definition: never): unknown }>(ajv: T): T {
  // Typed structurally, because the Ajv 8 that Fastify bundles is not a dependency here.
  const addKeyword = ajv.addKeyword as (definition: object) => unknown;
  addKeyword.call(ajv, {
    keyword: 'noEmoji',
    type: 'string',
    schemaType: 'boolean',
    errors: true,
    validate: validateNoEmoji,
  });
  return ajv;
}

/**
 * Replaces the request validator's `date-time` and `date` formats with checks of what
 * PostgreSQL stores, for Fastify's `ajv.onCreate` option. The standard formats accept the year
 * 0000, which made the query fail instead of the request.
 */
export function storableTimeFormats<T extends { addFormat(name: string, format: never): unknown }>(
  ajv: T,
): T {
  const addFormat = ajv.addFormat as (name: string, format: object) => unknown;
  addFormat.call(ajv, 'date-time', { type: 'string', validate: isStorableDateTime });
  addFormat.call(ajv, 'date', { type: 'string', validate: isStorableDay });
  return ajv;
}
