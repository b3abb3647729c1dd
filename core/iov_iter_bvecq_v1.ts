/**
 * The ITER_BVECQ walkers of the first posting of "iov_iter: Add a segmented queue of
 * bio_vec[]" ([PATCH 12/26], 2026-03-26; REFERENCE §3 item 7), kept exactly so that the mutant
 * `iov_iter_bvecq_empty_not_skipped` re-creates the bug the v5 changelog lists as "empty
 * bvecqs mishandled": each walker hops to the next node once and then reads that node's slot
 * 0 without checking that it is published, so an empty node's stale or not-yet-published
 * `bv[0]` is taken for data; extract_bvecq_to_sg() is not limited by `count` either.
 * (iterate_bvecq's version lives with the other walkers in
 * iov_iter_iterate.ts.) Each runs instead of its fixed counterpart when the flag is on.
 * A read past `max_slots` is `bug bvecq.slot_out_of_range`; a hop through a NULL `next` or
 * `prev`, which the kernel would dereference, is `bug iov_iter.null_bvecq`.
 */
import type { StepCtx } from './ctx.ts';
import type { BioVec, Bvecq, BvecqId, IovIter, World } from './state.ts';
import type { ExtractResult, PageArray } from './iov_iter_extract.ts';
import { bvecqNode, bvecqSlot, hopGuard, type BvecqSpot } from './iov_iter_bvecq.ts';
import { ENOMEM } from './errno.ts';
import { min, PAGE_SIZE, sizeSub, u16, u32 } from './kernel_int.ts';

export const MUTANT_BVECQ_EMPTY = 'iov_iter_bvecq_empty_not_skipped';

/** Follows a link the v1 code dereferences unchecked; null after the NULL-pointer bug. */
function follow(d: World, q: Bvecq, id: BvecqId, link: 'next' | 'prev', ctx: StepCtx, what: string): BvecqId | null {
  const to = q[link];
  if (to !== null) return to;
  ctx.bug('iov_iter.null_bvecq', `${what} follows the NULL ${link} of bvecq ${id}`);
  return null;
}

/**
 * iov_iter_bvecq_advance() at [PATCH 12/26]: hops once if parked past the node's slots, then
 * consumes slots, hopping (when there is a next node) each time a node's slots run out, and
 * reading whatever `bv[slot]` holds even when the node it hopped to is empty.
 */
export function bvecqAdvance_v1(d: World, it: IovIter, by: number, ctx: StepCtx): boolean {
  if (it.count === 0) return true;
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let q = bvecqNode(d, id, ctx);
  if (q === null) return false;
  if (slot >= q.nr_slots) {
    const next = follow(d, q, id, 'next', ctx, 'iov_iter_bvecq_advance');
    if (next === null || !hop(ctx)) return false;
    id = next;
    slot = 0;
  }
  let residue = by + it.iov_offset;
  do {
    q = bvecqNode(d, id, ctx);
    if (q === null) return false;
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return false;
    if (residue < bv.len) break;
    residue -= bv.len;
    slot += 1;
    if (slot >= q.nr_slots && q.next !== null) {
      if (!hop(ctx)) return false;
      id = q.next;
      slot = 0;
    }
  } while (residue !== 0);
  it.count -= by;
  it.iov_offset = residue;
  it.bvecq_slot = u16(slot, 'bvecq_slot', ctx);
  it.bvecq = id;
  return true;
}

/**
 * iov_iter_bvecq_revert() at [PATCH 12/26]: on slot 0 it steps to the previous node's
 * `nr_slots` and then always decrements, so an empty previous node makes the (unsigned) slot
 * wrap and the next read fall far past the array.
 */
export function bvecqRevertWalk_v1(d: World, it: IovIter, unroll: number, ctx: StepCtx): (BvecqSpot & { iov_offset: number }) | null {
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  for (let left = unroll; ; ) {
    let q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot === 0) {
      const prev = follow(d, q, id, 'prev', ctx, 'iov_iter_bvecq_revert');
      if (prev === null || !hop(ctx)) return null;
      id = prev;
      q = bvecqNode(d, id, ctx);
      if (q === null) return null;
      slot = q.nr_slots;
    }
    slot = u32(slot - 1, 'slot', ctx);
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return null;
    if (left <= bv.len) return { bvecq: id, slot, iov_offset: bv.len - left };
    left -= bv.len;
  }
}

/** One step of the v1 extraction walks: the slot under the cursor, or null after a bug. */
interface Cursor {
  id: BvecqId;
  slot: number;
  offset: number;
}

/** Moves past a used-up slot, hopping once at a node end; false at the chain end. */
function nextSlot(d: World, c: Cursor, q: Bvecq, hop: (ctx: StepCtx) => boolean, ctx: StepCtx): boolean | null {
  c.offset = 0;
  c.slot += 1;
  if (c.slot < q.nr_slots) return true;
  if (q.next === null) return false;
  if (!hop(ctx)) return null;
  c.id = q.next;
  c.slot = 0;
  return true;
}

/** The count half of iov_iter_extract_bvecq_pages() at [PATCH 12/26]. */
function countRun_v1(d: World, it: IovIter, start: Cursor, maxsize: number, maxpages: number, ctx: StepCtx): number | null {
  const hop = hopGuard(d);
  const c: Cursor = { ...start };
  let count = 0;
  let extracted = 0;
  do {
    const q = bvecqNode(d, c.id, ctx);
    const bv = q === null ? null : bvecqSlot(q, c.id, c.slot, ctx);
    if (q === null || bv === null) return null;
    const blen = bv.page === null ? 0 : bv.len;
    if (extracted > 0 && bv.offset % PAGE_SIZE !== 0) break;
    if (c.offset < blen) {
      const part = min(maxsize - extracted, blen - c.offset);
      count += Math.ceil((((bv.offset + c.offset) % PAGE_SIZE) + blen) / PAGE_SIZE);
      c.offset += part;
      extracted += part;
      if ((bv.offset + blen) % PAGE_SIZE !== 0) break;
    }
    if (c.offset >= blen) {
      const more = nextSlot(d, c, q, hop, ctx);
      if (more === null) return null;
      if (!more) {
        if (extracted < it.count) ctx.warn('iov_iter_extract_bvecq_pages.chain_end', `chain ends after ${extracted} of ${it.count} byte(s)`);
        break;
      }
    }
  } while (count < maxpages && extracted < maxsize);
  return min(maxpages, count);
}

/**
 * iov_iter_extract_bvecq_pages() at [PATCH 12/26]: hops once (WARN and 0 at the chain end)
 * before counting, but transcribes from the iterator's own slot with no hop, and writes one
 * page per piece even past the array it sized (`bug iov_iter_extract_bvecq_pages.pages_overflow`).
 */
export function extract_bvecq_pages_v1(d: World, it: IovIter, maxsize: number, maxpages: number, arr: PageArray, ctx: StepCtx): ExtractResult {
  const head = bvecqNode(d, it.bvecq ?? -1, ctx);
  if (head === null) return null;
  let start: Cursor = { id: it.bvecq ?? -1, slot: it.bvecq_slot ?? 0, offset: it.iov_offset };
  if (start.slot >= head.nr_slots) {
    if (head.next === null) {
      ctx.warn('iov_iter_extract_bvecq_pages.chain_end', `iterator parked at the end of the chain (bvecq ${start.id})`);
      return { len: 0, offset0: null, pages: [] };
    }
    start = { id: head.next, slot: 0, offset: it.iov_offset };
  }
  const nr = countRun_v1(d, it, start, maxsize, maxpages, ctx);
  if (nr === null) return null;
  if (arr.alloc && arr.fail && nr > 0) return -ENOMEM;
  return transcribe_v1(d, it, maxsize, nr, arr.alloc ? nr : maxpages, ctx);
}

/** The transcription half; `room` is the size of the page array it writes into. */
function transcribe_v1(d: World, it: IovIter, maxsize: number, nr: number, room: number, ctx: StepCtx): ExtractResult {
  const hop = hopGuard(d);
  const c: Cursor = { id: it.bvecq ?? -1, slot: it.bvecq_slot ?? 0, offset: it.iov_offset };
  const out: { len: number; offset0: number | null; pages: (number | null)[] } = { len: 0, offset0: null, pages: [] };
  do {
    const q = bvecqNode(d, c.id, ctx);
    const bv = q === null ? null : bvecqSlot(q, c.id, c.slot, ctx);
    if (q === null || bv === null) return null;
    const blen = bv.page === null ? 0 : bv.len;
    if (c.offset < blen) {
      const poff = (bv.offset + c.offset) % PAGE_SIZE;
      const part = min(min(maxsize - out.len, blen - c.offset), PAGE_SIZE - poff);
      if (out.pages.length >= room) {
        ctx.bug('iov_iter_extract_bvecq_pages.pages_overflow', `page ${out.pages.length} written into a page array of ${room}`);
        return null;
      }
      if (out.len === 0) out.offset0 = poff;
      out.pages.push(bv.page === null ? null : bv.page + Math.floor((bv.offset + c.offset) / PAGE_SIZE));
      c.offset += part;
      out.len += part;
    }
    if (c.offset >= blen) {
      const more = nextSlot(d, c, q, hop, ctx);
      if (more === null) return null;
      if (!more) {
        if (out.len < it.count) ctx.warn('iov_iter_extract_bvecq_pages.chain_end', `chain ends after ${out.len} of ${it.count} byte(s)`);
        break;
      }
    }
  } while (out.pages.length < nr && out.len < maxsize);
  it.bvecq = c.id;
  it.bvecq_slot = u16(c.slot, 'bvecq_slot', ctx);
  it.iov_offset = c.offset;
  it.count -= out.len;
  it.consumed += out.len;
  return out;
}

/**
 * extract_bvecq_to_sg() at [PATCH 12/26]: hops once (WARN and 0 at the chain end), is not
 * limited by `count`, and after each used-up slot hops to the next node without checking
 * that it has a published slot. A NULL page counts as an empty slot.
 */
export function extract_bvecq_to_sg_v1(d: World, it: IovIter, maxsize: number, sg_max: number, ctx: StepCtx): { len: number; sg: BioVec[] } | null {
  const head = bvecqNode(d, it.bvecq ?? -1, ctx);
  if (head === null) return null;
  const c: Cursor = { id: it.bvecq ?? -1, slot: it.bvecq_slot ?? 0, offset: it.iov_offset };
  if (c.slot >= head.nr_slots) {
    if (head.next === null) {
      ctx.warn('extract_bvecq_to_sg.chain_end', `iterator parked at the end of the chain (bvecq ${c.id})`);
      return { len: 0, sg: [] };
    }
    c.id = head.next;
    c.slot = 0;
  }
  const hop = hopGuard(d);
  const sg: BioVec[] = [];
  let ret = 0;
  do {
    const q = bvecqNode(d, c.id, ctx);
    const bv = q === null ? null : bvecqSlot(q, c.id, c.slot, ctx);
    if (q === null || bv === null) return null;
    const blen = bv.page === null ? 0 : bv.len;
    if (c.offset < blen) {
      const part = min(maxsize - ret, blen - c.offset);
      sg.push({ page: bv.page, offset: u32(bv.offset + c.offset, 'sg offset', ctx), len: part });
      sg_max -= 1;
      c.offset += part;
      ret += part;
    }
    if (c.offset >= blen) {
      const more = nextSlot(d, c, q, hop, ctx);
      if (more === null) return null;
      if (!more) {
        if (ret < it.count) ctx.warn('extract_bvecq_to_sg.chain_end', `chain ends after ${ret} of ${it.count} byte(s)`);
        break;
      }
    }
  } while (sg_max > 0 && ret < maxsize);
  it.bvecq = c.id;
  it.bvecq_slot = u16(c.slot, 'bvecq_slot', ctx);
  it.iov_offset = c.offset;
  // Not limited by count, so the size_t count can wrap; the model records it and stops at 0.
  it.count = sizeSub(it.count, ret, 'count', ctx);
  it.consumed += ret;
  return { len: ret, sg };
}
