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
      return { pick: (enabled) => draw.weighted(enabled.map((c) => Math.max(1, c.weight))) };
    case 'fixed':
      return { pick: (enabled) => fixedPick(policy.order, enabled) };
    case 'pct':
      return pctScheduler(policy.depth, draw, eventsMax);
    default:
      return assertNever(policy);
  }
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
      for (const c of enabled) {
        // New proposers get a random priority above every demoted one.
        if (!priority.has(c.key)) priority.set(c.key, depth + draw.int(1_000_000));
      }
      let best = 0;
      for (const [k, c] of enabled.entries()) {
        const bestKey = enabled[best]?.key ?? '';
        const pc = priority.get(c.key) ?? 0;
        const pb = priority.get(bestKey) ?? 0;
        if (pc > pb || (pc === pb && c.key < bestKey)) best = k;
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
