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

export function liveIds(ids: IdAllocator, kind: IdKind, freed: (w: World, id: number) => boolean, clock?: StepClock): LiveIds {
  const open: number[] = [];
  let next = 1;
  let seenAt = -1;
  return (w) => {
    const end = ids.issued(kind);
    if (clock !== undefined && clock.applied === seenAt && next === end) return open;
    seenAt = clock?.applied ?? -1;
    for (; next < end; next++) open.push(next);
    let k = 0;
    for (const id of open) if (!freed(w, id)) open[k++] = id;
    // Setting the length is a runtime call even when it does not change.
    if (k !== open.length) open.length = k;
    return open;
  };
}

export const liveSubreqs = (ids: IdAllocator, clock?: StepClock): LiveIds => liveIds(ids, 'subreq', (w, id) => w.subreqs[id]?.freed === true, clock);
export const liveIos = (ids: IdAllocator, clock?: StepClock): LiveIds => liveIds(ids, 'io', (w, id) => w.ios[id]?.freed === true, clock);
