/**
 * Building blocks for event schemas. Ids, sizes and counts are non-negative integers up to
 * 2^53-1 (SPEC §2); objects are strict, so an unknown field is an error that names it.
 */
import { z } from 'zod';

export const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const size = id;
export const nullableId = id.nullable();
export const bool = z.boolean();

/** A strict object schema for one event type. */
export function event<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...shape });
}

/** What the trace layer knows about one event type: its schema, an example line and a summary. */
export interface EventSpec<E> {
  readonly schema: z.ZodType<E>;
  readonly example: E;
  readonly doc: string;
}

export type SpecTable<E extends { type: string }> = {
  [K in E['type']]-?: EventSpec<Extract<E, { type: K }>>;
};

export const bioVecSchema = z.strictObject({ page: nullableId, offset: size, len: size });
