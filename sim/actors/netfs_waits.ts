/**
 * Questions the waiting netfs actors ask of the world. A wait's predicate runs at every step
 * for as long as its actor waits, so these are plain loops: a closure handed to every() is an
 * allocation per call, and across a campaign those were a sizeable share of its garbage.
 */
import type { World } from '../../core/index.ts';

/** Whether every request of `reqs` has been freed. */
export function allFreed(w: World, reqs: readonly number[]): boolean {
  for (const id of reqs) if (w.rreqs[id]?.freed !== true) return false;
  return true;
}

/** Whether no subrequest of `subreqs` is in flight (the stream is quiescent). */
export function noneInProgress(w: World, subreqs: readonly number[]): boolean {
  for (const id of subreqs) if (w.subreqs[id]?.flags.in_progress === true) return false;
  return true;
}
