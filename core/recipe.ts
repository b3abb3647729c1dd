/** The shape of a recipe and of a per-subsystem recipe table. */
import type { StepCtx } from './ctx.ts';
import type { JsonValue } from './json.ts';
import type { World } from './state.ts';

export type Ret = JsonValue;

/**
 * An immer recipe for one kernel call: mutates the draft as the C mutates memory and returns
 * the call's result. It checks before its first write so a rejection leaves state untouched,
 * never returns a replacement state, and keeps no reference to state past the call.
 */
export type Recipe<E> = (d: World, e: E, ctx: StepCtx) => Ret;

export type RecipeTable<E extends { type: string }> = {
  [K in E['type']]-?: Recipe<Extract<E, { type: K }>>;
};
