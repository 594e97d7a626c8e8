import type { FastifyRequest } from 'fastify';

import { throwIfFieldErrors, type FieldError } from './problem.js';

const MAX_DEPTH = 20;

/** The parts of a JSON Schema that the type check reads. TypeBox schemas are plain JSON Schema. */
interface TypedSchema {
  type?: unknown;
  properties?: Record<string, TypedSchema>;
  items?: TypedSchema;
}

function hasJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    // Ajv itself rejects a fraction where the schema expects an integer.
    case 'number':
    case 'integer':
      return typeof value === 'number';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function collect(
  schema: TypedSchema,
  value: unknown,
  path: string[],
  errors: FieldError[],
  depth: number,
): void {
  if (value === undefined || depth > MAX_DEPTH) return;
  if (typeof schema.type === 'string' && !hasJsonType(value, schema.type)) {
    errors.push({
      field: path.join('.') || 'body',
      code: 'type',
      message: `must be ${schema.type}`,
    });
    return;
  }
  if (schema.properties && hasJsonType(value, 'object')) {
    const object = value as Record<string, unknown>;
    for (const [key, property] of Object.entries(schema.properties)) {
      if (Object.hasOwn(object, key))
        collect(property, object[key], [...path, key], errors, depth + 1);
    }
  }
  if (schema.items && Array.isArray(value)) {
    value.forEach((item, index) => {
      collect(schema.items!, item, [...path, String(index)], errors, depth + 1);
    });
  }
}

/**
 * Rejects a JSON body value whose type is not the one its route's body schema names, with
 * VALIDATION_FAILED and a `type` field error for each, as Ajv reports a type mismatch. The app
 * adds it to every route's preValidation hooks, so it checks the body before Ajv's type
 * coercion, which the app keeps on (`coerceTypes: 'array'`) because query strings and path
 * parameters need it. Without the hook Ajv turns the JSON number 13800000000 into the string "13800000000" and "true" into
 * true. Properties under `anyOf`, `oneOf` or a `Record` of unknown values are not checked.
 */
export async function rejectCoercedBodyTypes(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema?.body as TypedSchema | undefined;
  if (!schema) return;
  const errors: FieldError[] = [];
  collect(schema, request.body, [], errors, 0);
  throwIfFieldErrors(errors);
}
