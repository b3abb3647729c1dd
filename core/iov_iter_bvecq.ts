/**
 * ITER_BVECQ: an iterator over a chain of bvecq nodes (lib/iov_iter.c, dhowells linux-fs tree
 * at 04f0429e; REFERENCE §1.6, §2.4, §2.5, §2.7; vectors/README.md §1.10). The iterator holds
 * no reference on its node, so every dereference of a freed node is a use after free
 * (`bug bvecq.use_after_free`). Positions may be unnormalised: `slot == nr_slots` after using
 * up a node, `iov_offset == bv_len` after some copies, and any slot the caller passed in.
 * `count` is the caller's budget and may legally exceed the bytes in the chain (REFERENCE
 * §1.6): walks stop at the chain end, so no `count_exceeds_data` check applies here.
 * Divergence: a walk that revisits more nodes than exist has found a cycle in the chain; the
 * kernel would spin forever, the model reports `bug bvecq.chain_cycle` and stops.
 * The first posting's advance and revert (mutant `iov_iter_bvecq_empty_not_skipped`) are in
 * iov_iter_bvecq_v1.ts; iov_iter.ts picks between the two.
 */
import type { StepCtx } from './ctx.ts';
import type { BioVec, Bvecq, BvecqId, IovIter, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { PAGE_SIZE, u16 } from './kernel_int.ts';
import { or64, sizeDiff } from './iov_iter_math.ts';

/** A position in a chain as the walkers carry it. */
export interface BvecqSpot {
  bvecq: BvecqId;
  slot: number;
}

/** Node `id` for a walk that dereferences it, or null after a use-after-free bug. */
export function bvecqNode(d: World, id: BvecqId, ctx: StepCtx): Bvecq | null {
  return lookupLive(d.bvecqs, id, ctx, 'bvecq', 'iter');
}

/** `bv[slot]` of a node, or null after reporting a read past the allocated array. */
export function bvecqSlot(q: Bvecq, id: BvecqId, slot: number, ctx: StepCtx): BioVec | null {
  const bv = q.bv[slot];
  if (bv !== undefined) return bv;
  ctx.bug('bvecq.slot_out_of_range', `bvecq ${id}: slot ${slot} read past max_slots ${q.max_slots}`);
  return null;
}

const SHORT_WALK_HOPS = 64;

/**
 * Counts node-to-node hops of one walk. A linear chain has fewer hops than nodes, so a walk
 * making more has gone round a cycle; returns false after reporting it.
 */
export function hopGuard(d: World): (ctx: StepCtx) => boolean {
  let hops = 0;
  let limit = -1;
  return (ctx) => {
    hops += 1;
    // Counting the table is linear in every node ever made, so only walks long enough to be
    // suspect pay for it.
    if (hops <= SHORT_WALK_HOPS) return true;
    if (limit < 0) limit = Object.keys(d.bvecqs).length;
    if (hops <= limit) return true;
    ctx.bug('bvecq.chain_cycle', `walk made ${hops} hops over ${limit} bvecq nodes: the chain loops`);
    return false;
  };
}

/**
 * Models iov_iter_bvecq_advance(): nothing when `count` is 0. Otherwise the loop body runs at
 * least once: at `slot >= nr_slots` it hops to slot 0 of the next node (stopping there if no
 * bytes are left, and staying put at the chain end with the residue in `iov_offset`); else it
 * stops inside a slot longer than the residue, or consumes the slot and stops when the
 * residue is exactly used up, so an exact landing rests on the following (possibly empty)
 * slot, or at `slot == nr_slots` of a used-up node. `by` is already clamped to `count`.
 */
export function bvecqAdvance(d: World, it: IovIter, by: number, ctx: StepCtx): boolean {
  if (it.count === 0) return true;
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let residue = by + it.iov_offset;
  do {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return false;
    if (slot >= q.nr_slots) {
      if (q.next === null) break;
      if (!hop(ctx)) return false;
      id = q.next;
      slot = 0;
      continue;
    }
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return false;
    if (residue < bv.len) break;
    residue -= bv.len;
    slot += 1;
  } while (residue !== 0);
  it.count -= by;
  it.iov_offset = residue;
  it.bvecq_slot = u16(slot, 'bvecq_slot', ctx);
  it.bvecq = id;
  return true;
}

/**
 * Models iov_iter_bvecq_revert(), entered with `iov_offset` already taken back: step back a
 * slot at a time, through `prev` into earlier nodes (restarting at their `nr_slots`, so empty
 * nodes are passed through), until a slot covers what is left; landing exactly on a slot
 * start gives (slot, 0). The kernel never checks `prev` for NULL: walking off the head is
 * reported as `bug iov_iter_revert.past_start`. Writes nothing; returns the new position.
 */
export function bvecqRevertWalk(
  d: World,
  it: IovIter,
  unroll: number,
  ctx: StepCtx,
): (BvecqSpot & { iov_offset: number }) | null {
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let left = unroll;
  for (;;) {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot === 0) {
      if (q.prev === null) {
        ctx.bug('iov_iter_revert.past_start', `ITER_BVECQ revert follows the NULL prev of bvecq ${id} with ${left} byte(s) still to take back`);
        return null;
      }
      if (!hop(ctx)) return null;
      id = q.prev;
      const p = bvecqNode(d, id, ctx);
      if (p === null) return null;
      slot = p.nr_slots;
      continue;
    }
    slot -= 1;
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return null;
    if (left <= bv.len) return { bvecq: id, slot, iov_offset: bv.len - left };
    left -= bv.len;
  }
}

/**
 * The ITER_BVECQ part of iov_iter_single_seg_count(): pass over used-up and empty slots
 * (hopping nodes at their end) and answer with the smaller of `count` and the remainder of the
 * first slot that still has data; 0 when `count` is 0 or the chain runs out.
 */
export function bvecqSingleSegCount(d: World, it: IovIter, ctx: StepCtx): number | null {
  if (it.count === 0) return 0;
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let offset = it.iov_offset;
  for (;;) {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) return 0;
      if (!hop(ctx)) return null;
      id = q.next;
      slot = 0;
      offset = 0;
      continue;
    }
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return null;
    if (bv.len > offset) return sizeDiff(bv.len, offset, it.count, ctx);
    slot += 1;
    offset = 0;
  }
}

/**
 * Walks the parts of the next `count` bytes, slot by slot and node by node, as
 * iov_npages_bvecq() and iov_iter_alignment_bvecq() do: `visit(bv_offset + skip, part)` for
 * each slot, stopping when `count` is used up, the chain ends, or `visit` returns false.
 * Returns false after a bug finding.
 */
function forEachPart(d: World, it: IovIter, ctx: StepCtx, visit: (start: number, part: number) => boolean): boolean {
  const hop = hopGuard(d);
  let id: BvecqId | null = it.bvecq;
  let slot = it.bvecq_slot ?? 0;
  let skip = it.iov_offset;
  let size = it.count;
  while (id !== null) {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return false;
    for (; slot < q.nr_slots; slot++) {
      const bv = bvecqSlot(q, id, slot, ctx);
      if (bv === null) return false;
      const part = sizeDiff(bv.len, skip, size, ctx);
      if (!visit(bv.offset + skip, part)) return true;
      size -= part;
      if (size === 0) return true;
      skip = 0;
    }
    slot = 0;
    if (q.next !== null && !hop(ctx)) return false;
    id = q.next;
  }
  return true;
}

/**
 * Models iov_npages_bvecq(): pages touched by each non-empty part from its in-page start,
 * capped at `maxpages` (an `int` seen as `size_t`, so a negative limit caps nothing).
 */
export function bvecqNpages(d: World, it: IovIter, maxpages: number, ctx: StepCtx): number | null {
  const cap = maxpages < 0 ? Number.MAX_SAFE_INTEGER : maxpages;
  let npages = 0;
  const ok = forEachPart(d, it, ctx, (start, part) => {
    if (part === 0) return true;
    npages += Math.ceil(((start % PAGE_SIZE) + part) / PAGE_SIZE);
    return npages < cap;
  });
  if (!ok) return null;
  return npages < cap ? npages : cap;
}

/** Models iov_iter_alignment_bvecq(): OR of the start and length of each non-empty part. */
export function bvecqAlignment(d: World, it: IovIter, ctx: StepCtx): number | null {
  if (it.count === 0) return 0;
  let res = 0;
  const ok = forEachPart(d, it, ctx, (start, part) => {
    if (part !== 0) res = or64(or64(res, start), part);
    return true;
  });
  return ok ? res : null;
}
