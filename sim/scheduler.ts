/**
 * The scheduler: at each step picks one enabled proposal — an actor's next kernel call or a
 * device completion — by policy. `random` is uniform over the enabled proposers (weighted by
 * kind); `pct` is probabilistic concurrency testing (Burckhardt et al.): each proposer gets a
 * random priority when first seen, the highest enabled one runs, and at d-1 change points
 * drawn up front the running proposer drops to the lowest priority; `fixed` runs the first
 * enabled proposer in a given order (tests). Every draw goes through the scheduler stream.
 */
import type { Draw } from './choices.ts';

export type SchedulerPolicy =
  | { kind: 'random' }
  | { kind: 'pct'; depth: number }
  | { kind: 'fixed'; order: readonly string[] };

export interface Candidate {
  /** Stable proposer key, e.g. "actor:reader" or "io:7". */
  readonly key: string;
  /** Relative weight under the random policy (>= 1). */
  readonly weight: number;
}

export interface Scheduler {
  /** Index into `enabled` (non-empty) of the proposal to run at `step`. */
  pick(enabled: readonly Candidate[], step: number): number;
}

export function createScheduler(policy: SchedulerPolicy, draw: Draw, eventsMax: number): Scheduler {
  switch (policy.kind) {
    case 'random':
      return randomScheduler(draw);
    case 'fixed':
      return { pick: (enabled) => fixedPick(policy.order, enabled) };
    case 'pct':
      return pctScheduler(policy.depth, draw, eventsMax);
    default:
      return assertNever(policy);
  }
}

/**
 * Uniform over the proposers, weighted by kind, through draw.weighted(). The list of weights
 * is the scheduler's own, refilled at each step rather than built anew.
 */
function randomScheduler(draw: Draw): Scheduler {
  const weights: number[] = [];
  return {
    pick(enabled) {
      // Written over, and cut only when shorter: `length = 0` drops the backing store.
      for (let k = 0; k < enabled.length; k++) weights[k] = Math.max(1, enabled[k]?.weight ?? 1);
      if (weights.length !== enabled.length) weights.length = enabled.length;
      return draw.weighted(weights);
    },
  };
}

function fixedPick(order: readonly string[], enabled: readonly Candidate[]): number {
  for (const key of order) {
    const k = enabled.findIndex((c) => c.key === key || c.key.startsWith(`${key}:`));
    if (k >= 0) return k;
  }
  return 0;
}

function pctScheduler(depth: number, draw: Draw, eventsMax: number): Scheduler {
  const priority = new Map<string, number>();
  const changePoints: number[] = [];
  for (let k = 1; k < depth; k++) changePoints.push(draw.int(Math.max(1, eventsMax)));
  changePoints.sort((a, b) => a - b);
  let lowest = 0;
  let nextChange = 0;
  return {
    pick(enabled, step) {
      // One pass, one lookup per proposer: the highest priority wins, ties to the lower key.
      let best = 0;
      let bestPriority = 0;
      let bestKey = '';
      for (let k = 0; k < enabled.length; k++) {
        const c = enabled[k];
        if (c === undefined) continue;
        let pc = priority.get(c.key);
        if (pc === undefined) {
          // New proposers get a random priority above every demoted one.
          pc = depth + draw.int(1_000_000);
          priority.set(c.key, pc);
        }
        if (k === 0 || pc > bestPriority || (pc === bestPriority && c.key < bestKey)) {
          best = k;
          bestPriority = pc;
          bestKey = c.key;
        }
      }
      while (nextChange < changePoints.length && (changePoints[nextChange] ?? Infinity) <= step) {
        nextChange++;
        const chosen = enabled[best];
        if (chosen !== undefined) priority.set(chosen.key, --lowest);
      }
      return best;
    },
  };
}

function assertNever(x: never): never {
  throw new Error(`unknown scheduler policy ${JSON.stringify(x)}`);
}
