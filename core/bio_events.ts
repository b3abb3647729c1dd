/**
 * The block-layer slice of the event vocabulary: bio lifetime, adding pages, advancing,
 * cloning and splitting, chaining and completion, the simulated device, filling bios from
 * iterators, walking them, and bounce-buffered direct I/O, gathered into one union and one
 * recipe table for the registry.
 */
import type { RecipeTable } from './recipe.ts';
import { bioLifeRecipes, type BioLifeEvent } from './bio.ts';
import { bioAddRecipes, type BioAddEvent } from './bio_add.ts';
import { bioAdvanceRecipes, type BioAdvanceEvent } from './bio_advance.ts';
import { bioSplitRecipes, type BioSplitEvent } from './bio_split.ts';
import { bioChainRecipes, type BioChainEvent } from './bio_chain.ts';
import { blkdevRecipes, type BlkdevEvent } from './blkdev.ts';
import { bioIovIterRecipes, type BioIovIterEvent } from './bio_iov_iter.ts';
import { bioWalkRecipes, type BioWalkEvent } from './bio_iter_walk.ts';
import { bioBounceAllocRecipes, type BioBounceAllocEvent } from './bio_bounce_alloc.ts';
import { bioBounceRecipes, type BioBounceEvent } from './bio_bounce.ts';

export type { BioLifeEvent, BioAddEvent, BioAdvanceEvent, BioSplitEvent, BioChainEvent, BlkdevEvent };
export type { BioIovIterEvent, BioWalkEvent, BioBounceAllocEvent, BioBounceEvent };

export type BioEvent =
  | BioLifeEvent
  | BioAddEvent
  | BioAdvanceEvent
  | BioSplitEvent
  | BioChainEvent
  | BlkdevEvent
  | BioIovIterEvent
  | BioWalkEvent
  | BioBounceAllocEvent
  | BioBounceEvent;

export const bioRecipes: RecipeTable<BioEvent> = {
  ...bioLifeRecipes,
  ...bioAddRecipes,
  ...bioAdvanceRecipes,
  ...bioSplitRecipes,
  ...bioChainRecipes,
  ...blkdevRecipes,
  ...bioIovIterRecipes,
  ...bioWalkRecipes,
  ...bioBounceAllocRecipes,
  ...bioBounceRecipes,
};
