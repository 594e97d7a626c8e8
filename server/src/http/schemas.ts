import { Type } from 'typebox';

/** Builds a string schema limited to a fixed list of values, typed as their union. */
export function StringEnum<T extends string>(values: readonly T[], options: object = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}
