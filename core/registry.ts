/**
 * The event vocabulary: one flat union of every kernel call and simulator decision the
 * model knows, and the one table of recipes keyed by it. A missing recipe is a compile error.
 */
import type { Recipe, RecipeTable } from './recipe.ts';
import { folioRecipes, type FolioEvent } from './folio.ts';
import { simRecipes, type SimEvent } from './sim_events.ts';
import { userMemRecipes, type UserMemEvent } from './user_mem.ts';
import { bvecqRecipes, type BvecqEvent } from './bvecq.ts';

export type { FolioEvent, SimEvent, UserMemEvent, BvecqEvent };

export type BvsimEvent =
  | FolioEvent
  | SimEvent
  | UserMemEvent
  | BvecqEvent;

export type EventType = BvsimEvent['type'];

export type EventOf<K extends EventType> = Extract<BvsimEvent, { type: K }>;

export const recipes: RecipeTable<BvsimEvent> = {
  ...folioRecipes,
  ...simRecipes,
  ...userMemRecipes,
  ...bvecqRecipes,
};

export const EVENT_TYPES: readonly EventType[] = Object.freeze(
  (Object.keys(recipes) as EventType[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
);

export function recipeFor(type: EventType): Recipe<BvsimEvent> {
  // The mapped table guarantees recipes[type] accepts EventOf<type>; TypeScript cannot
  // correlate the key with the union member, hence the one cast.
  return recipes[type] as Recipe<BvsimEvent>;
}
