/**
 * Simulator events that belong to the model itself: a free-text note, and the quiescence
 * point after which every object must be back to its owner's baseline (leak checks).
 */
import type { RecipeTable } from './recipe.ts';
import { checkQuiescence } from './invariants/index.ts';

export type SimEvent = { type: 'sim.note'; text: string } | { type: 'sim.quiesce' };

export const simRecipes: RecipeTable<SimEvent> = {
  'sim.note'() {
    return null;
  },
  'sim.quiesce'(d, _e, ctx) {
    checkQuiescence(d, ctx);
    return null;
  },
};
