/**
 * Fresh object ids and page frames for actors. Ids are never reused (tombstones keep theirs);
 * PFNs come from a bump allocator that keeps every folio naturally aligned, as the page
 * allocator does, starting high above the user-memory and zero-page frames. User folios (what
 * `sim.user_map` backs the user buffer with) get frames of their own below the kernel's, so
 * the two never overlap.
 */

export type IdKind = 'folio' | 'bvecq' | 'bvec' | 'kvec' | 'kbuf' | 'iter' | 'biter' | 'bio' | 'pos' | 'io' | 'rreq' | 'subreq';

export interface IdAllocator {
  next(kind: IdKind): number;
  /** The id `next(kind)` would give: every id of that kind below it has been given out. */
  issued(kind: IdKind): number;
  /** The head PFN for a new folio of `order`. */
  pfn(order: number): number;
  /** The head PFN for a new user folio of `order` (below FIRST_KERNEL_PFN). */
  userPfn(order: number): number;
}

export const FIRST_KERNEL_PFN = 1 << 20;
/** Above the zero page and the low frames hand-written traces use for user memory. */
export const FIRST_USER_PFN = 1 << 12;

function bump(next: number, order: number): { head: number; next: number } {
  const span = 2 ** order;
  const head = Math.ceil(next / span) * span;
  return { head, next: head + span };
}

export function createIdAllocator(): IdAllocator {
  const counters: Partial<Record<IdKind, number>> = {};
  let nextPfn = FIRST_KERNEL_PFN;
  let nextUserPfn = FIRST_USER_PFN;
  return {
    next(kind) {
      const id = counters[kind] ?? 1;
      counters[kind] = id + 1;
      return id;
    },
    issued: (kind) => counters[kind] ?? 1,
    pfn(order) {
      const b = bump(nextPfn, order);
      nextPfn = b.next;
      return b.head;
    },
    userPfn(order) {
      const b = bump(nextUserPfn, order);
      // Running into the kernel's frames would make the model reject a map: our bug, not the kernel's.
      if (b.next > FIRST_KERNEL_PFN) throw new Error(`user frames exhausted (order ${order} at pfn ${b.head})`);
      nextUserPfn = b.next;
      return b.head;
    },
  };
}
