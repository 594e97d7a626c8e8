import { Type } from 'typebox';

/** Builds a string schema limited to a fixed list of values, typed as their union. */
export function StringEnum<T extends string>(values: readonly T[], options: object = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** Allows null besides the schema's values. */
export function Nullable<T extends Parameters<typeof Type.Union>[0][number]>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
