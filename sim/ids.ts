/**
 * Fresh object ids and page frames for actors. Ids are never reused (tombstones keep theirs);
 * PFNs come from a bump allocator that keeps every folio naturally aligned, as the page
 * allocator does, starting high above the user-memory and zero-page frames.
 */

export type IdKind = 'folio' | 'bvecq' | 'bvec' | 'kvec' | 'kbuf' | 'iter' | 'biter' | 'bio' | 'pos' | 'io' | 'rreq' | 'subreq';

export interface IdAllocator {
  next(kind: IdKind): number;
  /** The head PFN for a new folio of `order`. */
  pfn(order: number): number;
}

export const FIRST_KERNEL_PFN = 1 << 20;

export function createIdAllocator(): IdAllocator {
  const counters: Partial<Record<IdKind, number>> = {};
  let nextPfn = FIRST_KERNEL_PFN;
  return {
    next(kind) {
      const id = counters[kind] ?? 1;
      counters[kind] = id + 1;
      return id;
    },
    pfn(order) {
      const span = 2 ** order;
      const head = Math.ceil(nextPfn / span) * span;
      nextPfn = head + span;
      return head;
    },
  };
}
