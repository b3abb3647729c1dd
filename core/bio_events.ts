/**
 * The block-layer slice of the event vocabulary: bio lifetime, adding pages, advancing,
 * cloning and splitting, chaining and completion, and the simulated device, gathered into
 * one union and one recipe table for the registry.
 */
import type { RecipeTable } from './recipe.ts';
import { bioLifeRecipes, type BioLifeEvent } from './bio.ts';
import { bioAddRecipes, type BioAddEvent } from './bio_add.ts';
import { bioAdvanceRecipes, type BioAdvanceEvent } from './bio_advance.ts';
import { bioSplitRecipes, type BioSplitEvent } from './bio_split.ts';
import { bioChainRecipes, type BioChainEvent } from './bio_chain.ts';
import { blkdevRecipes, type BlkdevEvent } from './blkdev.ts';

export type { BioLifeEvent, BioAddEvent, BioAdvanceEvent, BioSplitEvent, BioChainEvent, BlkdevEvent };

export type BioEvent = BioLifeEvent | BioAddEvent | BioAdvanceEvent | BioSplitEvent | BioChainEvent | BlkdevEvent;

export const bioRecipes: RecipeTable<BioEvent> = {
  ...bioLifeRecipes,
  ...bioAddRecipes,
  ...bioAdvanceRecipes,
  ...bioSplitRecipes,
  ...bioChainRecipes,
  ...blkdevRecipes,
};
