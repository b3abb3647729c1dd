/**
 * The event vocabulary: one flat union of every kernel call and simulator decision the
 * model knows, and the one table of recipes keyed by it. A missing recipe is a compile error.
 */
import type { Recipe, RecipeTable } from './recipe.ts';
import { folioRecipes, type FolioEvent } from './folio.ts';
import { simRecipes, type SimEvent } from './sim_events.ts';
import { userMemRecipes, type UserMemEvent } from './user_mem.ts';
import { bvecqRecipes, type BvecqEvent } from './bvecq.ts';
import { bvecRecipes, type BvecEvent } from './bvec.ts';
import { iovIterRecipes, type IovIterEvent } from './iov_iter.ts';
import { iovIterInitRecipes, type IovIterInitEvent } from './iov_iter_init.ts';
import { kvecRecipes, type KvecEvent } from './iov_iter_kvec.ts';
import { bvecqPosRecipes, type BvecqPosEvent } from './bvecq_pos_events.ts';
import { bioRecipes, type BioEvent } from './bio_events.ts';
import { iovIterCopyRecipes, type IovIterCopyEvent } from './iov_iter_copy.ts';
import { iovIterExtractRecipes, type IovIterExtractEvent } from './iov_iter_extract_events.ts';
import { netfsRecipes, type NetfsEvent } from './netfs_events.ts';

export type { BvecEvent, IovIterEvent, IovIterInitEvent, KvecEvent };
export type { FolioEvent, SimEvent, UserMemEvent, BvecqEvent, BvecqPosEvent, BioEvent };
export type { IovIterCopyEvent, IovIterExtractEvent, NetfsEvent };

export type BvsimEvent =
  | FolioEvent
  | SimEvent
  | UserMemEvent
  | BvecqEvent
  | BvecEvent
  | IovIterEvent
  | IovIterInitEvent
  | KvecEvent
  | BvecqPosEvent
  | BioEvent
  | IovIterCopyEvent
  | IovIterExtractEvent
  | NetfsEvent;

export type EventType = BvsimEvent['type'];

export type EventOf<K extends EventType> = Extract<BvsimEvent, { type: K }>;

export const recipes: RecipeTable<BvsimEvent> = {
  ...folioRecipes,
  ...simRecipes,
  ...userMemRecipes,
  ...bvecqRecipes,
  ...bvecRecipes,
  ...iovIterRecipes,
  ...iovIterInitRecipes,
  ...kvecRecipes,
  ...bvecqPosRecipes,
  ...bioRecipes,
  ...iovIterCopyRecipes,
  ...iovIterExtractRecipes,
  ...netfsRecipes,
};

export const EVENT_TYPES: readonly EventType[] = Object.freeze(
  (Object.keys(recipes) as EventType[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
);

/**
 * Query events: kernel calls that read and return a value but write nothing (SPEC §2). Under
 * immutable mode they must return the very same snapshot.
 */
export const QUERY_EVENTS: readonly EventType[] = [
  'sim.note',
  'for_each_bvec',
  'for_each_mp_bvec',
  'iov_iter_npages',
  'iov_iter_single_seg_count',
  'iov_iter_alignment',
  'bio_full',
  'bio_advance_iter',
  'bio_iov_vecs_to_alloc',
  'bio_iov_bounce_nr_vecs',
  'bio_for_each_segment',
  'bio_for_each_bvec',
  'bio_for_each_segment_all',
  'bio_for_each_bvec_all',
  'bio_for_each_folio_all',
];

export function recipeFor(type: EventType): Recipe<BvsimEvent> {
  // The mapped table guarantees recipes[type] accepts EventOf<type>; TypeScript cannot
  // correlate the key with the union member, hence the one cast.
  return recipes[type] as Recipe<BvsimEvent>;
}

/**
 * Identifies the model's vocabulary in trace headers: a trace made by a model with other
 * event types or mutants says so before any step diverges.
 */
export function modelId(mutants: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const ch of [...EVENT_TYPES, '|', ...mutants].join(',')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return `bvsim-model-${(h >>> 0).toString(16).padStart(8, '0')}`;
}
