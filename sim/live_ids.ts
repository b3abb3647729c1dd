/**
 * The objects of one kind a run has not yet seen freed, without walking the world's table. A
 * table keeps every tombstone, so a walk at every step costs the whole run's history; this
 * list grows by the ids issued since the last call and loses those freed since, so its cost
 * stays with what is alive (plus ids issued and never used, such as spare subrequests).
 * Exact only because every id of the kind comes from the run's allocator and a freed object
 * never comes back.
 */
import type { World } from '../core/index.ts';
import type { IdAllocator, IdKind } from './ids.ts';

/** Ascending ids of `kind` issued so far whose object is not freed (or not yet created). */
export type LiveIds = (w: World) => readonly number[];

/**
 * Counts the steps a run has applied. Only a step frees an object, so with no step applied
 * and no id issued since the last call, the list is the same: the device and every netfs
 * actor waiting on replies ask for it at each step.
 */
export interface StepClock {
  applied: number;
}

export function liveIds(ids: IdAllocator, kind: IdKind, freed: (w: World, id: number) => boolean, clock: StepClock): LiveIds {
  const open: number[] = [];
  let next = 1;
  let seenAt = -1;
  const live = (w: World, id: number): boolean => !freed(w, id);
  return (w) => {
    const end = ids.issued(kind);
    if (clock.applied === seenAt && next === end) return open;
    seenAt = clock.applied;
    for (; next < end; next++) open.push(next);
    return keepInto(open, w, open, live);
  };
}

/**
 * The ids of `ids` that `keep` accepts, in order, written over `out` (which may be `ids`
 * itself) and returned: the lists asked for at every step are rewritten, not made anew.
 */
export function keepInto(out: number[], w: World, ids: readonly number[], keep: (w: World, id: number) => boolean): number[] {
  let n = 0;
  for (const id of ids) if (keep(w, id)) out[n++] = id;
  // Setting the length is a runtime call even when it does not change.
  if (out.length !== n) out.length = n;
  return out;
}

export const liveSubreqs = (ids: IdAllocator, clock: StepClock): LiveIds => liveIds(ids, 'subreq', (w, id) => w.subreqs[id]?.freed === true, clock);
export const liveIos = (ids: IdAllocator, clock: StepClock): LiveIds => liveIds(ids, 'io', (w, id) => w.ios[id]?.freed === true, clock);
