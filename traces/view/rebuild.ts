/**
 * Rebuilding the state at any step of a viewed trace from the nearest checkpoint, by
 * running the mutable engine on a private copy — the page's time travel. Stepping forward
 * by one (the slider dragged, the arrow keys) continues from the last state shown instead
 * of going back to the checkpoint.
 */
import { stepMutable, type ModelOptions, type World } from '../../core/index.ts';
import type { ViewData } from './data.ts';

export interface ShownState {
  /** The state after step `i` (after none when `i` is -1). Valid until the next `at()`. */
  readonly world: World;
  /** The state before step `i`: a copy the caller may keep. */
  readonly before: World;
}

export interface Rebuilder {
  at(i: number): ShownState;
}

export function createRebuilder(data: ViewData): Rebuilder {
  const opts: ModelOptions = { mutants: data.mutants };
  const every = data.checkpointEvery;
  let cache: { applied: number; world: World } | null = null;

  const advance = (world: World, from: number, to: number): void => {
    for (let j = from; j < to; j++) {
      const step = data.steps[j];
      if (step === undefined) throw new Error(`rebuild: no step ${j}`);
      stepMutable(world, step.event, j, opts);
    }
  };

  return {
    at(i) {
      if (!Number.isInteger(i) || i < -1 || i >= data.steps.length) throw new Error(`rebuild: step ${i} out of range`);
      const target = i + 1; // events applied for the state after step i
      if (cache === null || cache.applied > i || i - cache.applied > every) {
        const c = Math.min(Math.floor(Math.max(i, 0) / every), data.checkpoints.length - 1);
        const checkpoint = data.checkpoints[c];
        if (checkpoint === undefined) throw new Error('rebuild: the view has no checkpoint');
        cache = { applied: c * every, world: structuredClone(checkpoint) };
      }
      advance(cache.world, cache.applied, Math.max(target - 1, cache.applied));
      const before = structuredClone(cache.world);
      advance(cache.world, Math.max(target - 1, cache.applied), target);
      cache.applied = Math.max(target, cache.applied);
      return { world: cache.world, before };
    },
  };
}
