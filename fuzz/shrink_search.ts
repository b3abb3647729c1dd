/**
 * The search moves both shrinking stages share: the candidate budget, the acceptance rule
 * (same first finding, kind and id — never "any failure") and two greedy passes, deleting
 * chunks of a list and lowering one number. Every pass proposes candidates in a fixed order
 * and has no randomness, so the same input always shrinks to the same bytes.
 */
import type { Finding } from '../core/index.ts';

/** `plateau` ends stage 1 alone (stage 2 then starts); the others end the shrink. */
export type StopReason = 'done' | 'should-stop' | 'candidates' | 'plateau';

export interface ShrinkProgress {
  readonly stage: 1 | 2;
  /** Candidates run so far, in both stages. */
  readonly tried: number;
  readonly accepted: number;
  /** Events in the current smallest trace. */
  readonly events: number;
  /** Whether the candidate just run was accepted. */
  readonly improved: boolean;
  /** The candidate's first finding (null: none, rejected by the model, or the simulator threw). */
  readonly first: Finding | null;
}

/** What `shouldStop` is told: the stage asking, and whether stage 2 is still to come after it. */
export interface StopQuery {
  readonly stage: 1 | 2;
  readonly stageTwoFollows: boolean;
}

export interface ShrinkBudget {
  /**
   * Asked before every candidate; tools/ puts its wall clock here, and may stop stage 1 early
   * (at a share of the budget) so that stage 2 gets time too.
   */
  readonly shouldStop: (q: StopQuery) => boolean;
  readonly candidatesMax: number;
  readonly onProgress: (p: ShrinkProgress) => void;
}

/**
 * The part of a time budget stage 1 may use when stage 2 comes after it: re-running the actors
 * is the slow stage, and stage 2 is what makes a trace hand-readable.
 */
export const STAGE_ONE_SHARE = 0.5;

/**
 * The `shouldStop` of a wall-clock budget: stage 1 stops at its share when stage 2 follows,
 * stage 2 at the whole budget. `elapsedMs` is the caller's clock (fuzz/ keeps none).
 */
export function budgetStop(elapsedMs: () => number, budgetMs: number): (q: StopQuery) => boolean {
  return (q) => elapsedMs() >= (q.stageTwoFollows ? budgetMs * STAGE_ONE_SHARE : budgetMs);
}

/** The running count of one shrink, shared by its stages. */
export interface SearchCtx {
  readonly budget: ShrinkBudget;
  readonly target: Finding;
  stage: 1 | 2;
  stageTwoFollows: boolean;
  tried: number;
  accepted: number;
  stop: StopReason | null;
  /** Candidates that threw inside the simulator: rejected, counted, the first message kept. */
  crashes: number;
  firstCrash: string | null;
}

export function searchCtx(budget: ShrinkBudget, target: Finding): SearchCtx {
  return { budget, target, stage: 1, stageTwoFollows: false, tried: 0, accepted: 0, stop: null, crashes: 0, firstCrash: null };
}

/** Takes one candidate from the budget; false (and the reason recorded) once it is spent. */
export function spend(ctx: SearchCtx): boolean {
  if (ctx.stop !== null) return false;
  if (ctx.tried >= ctx.budget.candidatesMax) ctx.stop = 'candidates';
  else if (ctx.budget.shouldStop({ stage: ctx.stage, stageTwoFollows: ctx.stageTwoFollows })) ctx.stop = 'should-stop';
  if (ctx.stop !== null) return false;
  ctx.tried++;
  return true;
}

/** Moves to stage 2; a stop that `shouldStop` or a plateau gave stage 1 alone is asked again. */
export function enterStageTwo(ctx: SearchCtx): void {
  ctx.stage = 2;
  ctx.stageTwoFollows = false;
  if (ctx.stop === 'should-stop' || ctx.stop === 'plateau') ctx.stop = null;
}

/** The acceptance rule of both stages: the first finding has the target's kind and id. */
export function sameFinding(a: Pick<Finding, 'kind' | 'id'> | undefined, target: Pick<Finding, 'kind' | 'id'>): boolean {
  return a !== undefined && a.kind === target.kind && a.id === target.id;
}

/**
 * Deletes chunks of the list `get()` returns — sizes halving from the largest power of two
 * down to single items, each size swept from the back. Later items usually refer to earlier
 * ones (a put to its alloc), so going backwards frees the earlier ones within one sweep.
 * `attempt` runs a candidate list and, if it is accepted, makes it the new current list.
 */
export function deleteChunks<T>(ctx: SearchCtx, get: () => readonly T[], attempt: (candidate: T[]) => boolean): boolean {
  let any = false;
  for (let size = highestPowerOfTwo(get().length); size >= 1 && ctx.stop === null; size = Math.floor(size / 2)) {
    let end = get().length;
    while (end > 0 && ctx.stop === null) {
      const cur = get();
      const lo = Math.max(0, end - size);
      if (attempt([...cur.slice(0, lo), ...cur.slice(end)])) any = true;
      // Accepted or not, the chunk before this one is next; an accepted run may have changed length.
      end = Math.min(lo, get().length);
    }
  }
  return any;
}

/**
 * Deletes two items that are not next to each other (adjacent pairs are deleteChunks' size-2
 * sweep): a position stepped and later advanced, where either alone is needed to keep the
 * other's story and both together are not. Later pairs first, as in deleteChunks; after an
 * accepted pair the sweep goes on over the shorter list. Quadratic: only for short lists.
 */
export function deletePairs<T>(ctx: SearchCtx, get: () => readonly T[], attempt: (candidate: T[]) => boolean): boolean {
  let any = false;
  for (let i = get().length - 1; i >= 2 && ctx.stop === null; i--) {
    for (let j = Math.min(i, get().length) - 2; j >= 0 && ctx.stop === null; j--) {
      const cur = get();
      if (i >= cur.length) break;
      if (attempt(cur.filter((_, k) => k !== i && k !== j))) {
        any = true;
        break;
      }
    }
  }
  return any;
}

/**
 * Lowers a non-negative integer `value` towards `min`: `min` itself first, then a binary
 * search between the last value refused and the last accepted (each probe halves the gap,
 * the last is "minus one"). `attempt(x)` runs the candidate with x and keeps it if accepted.
 */
export function lowerValue(ctx: SearchCtx, value: number, min: number, attempt: (x: number) => boolean): boolean {
  if (value <= min || ctx.stop !== null) return false;
  if (attempt(min)) return true;
  let lo = min + 1;
  let hi = value;
  let any = false;
  // At most ~53 probes: the gap halves each time.
  while (lo < hi && ctx.stop === null) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (attempt(mid)) {
      hi = mid;
      any = true;
    } else {
      lo = mid + 1;
    }
  }
  return any;
}

function highestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return n === 0 ? 0 : p;
}

/** Lexicographic comparison of two size keys (shorter trace first, then fewer/smaller choices...). */
export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const d = (a[k] ?? 0) - (b[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
