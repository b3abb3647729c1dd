/**
 * The engine under every byte mover: iterate_and_advance() (include/linux/iov_iter.h; the
 * ITER_BVECQ walker as merged with "iov_iter: Add a segmented queue of bio_vec[]", REFERENCE
 * §2.6). It hands the next bytes of an iterator to a step function one segment at a time
 * (a page piece for ITER_BVEC/ITER_BVECQ, a whole element part for ITER_KVEC, the whole
 * range for ITER_UBUF) and then moves the iterator by what the steps took. A step returns
 * how many bytes of its segment it did NOT process; a short step ends the walk.
 * Where the walk leaves the iterator differs from iov_iter_advance(): ITER_BVEC and ITER_KVEC
 * stop on an empty element that follows the last byte, and ITER_BVECQ stops with
 * `iov_offset == bv_len` when the bytes run out exactly at a slot end.
 * A non-empty piece whose page is NULL is `bug iov_iter.null_page` (kmap of a NULL page).
 */
import type { StepCtx } from './ctx.ts';
import type { IovIter, KbufId, World } from './state.ts';
import { bvecAt } from './bvec.ts';
import { kvecAt } from './iov_iter_kvec.ts';
import { arrayIndex } from './iov_iter_bvec.ts';
import { bvecqNode, bvecqSlot, hopGuard } from './iov_iter_bvecq.ts';
import { min, PAGE_SIZE, u16 } from './kernel_int.ts';
import { sizeDiff } from './iov_iter_math.ts';
import { MUTANT_BVECQ_EMPTY } from './iov_iter_bvecq_v1.ts';

/** A piece of memory handed to a step: part of one page, of one kbuf, or of user memory. */
export type IterSegment =
  | { kind: 'page'; page: number | null; offset: number; len: number }
  | { kind: 'kbuf'; buf: KbufId; offset: number; len: number }
  | { kind: 'user'; uoff: number; len: number };

/** Processes `seg` (`progress` bytes were done before it); returns the bytes left undone. */
export type IterStep = (seg: IterSegment, progress: number) => number;

/** Calls `step`, checking the contract our own callers must keep. */
function runStep(step: IterStep, seg: IterSegment, progress: number): number {
  const remain = step(seg, progress);
  if (!Number.isInteger(remain) || remain < 0 || remain > seg.len) {
    throw new Error(`step returned ${remain} for a segment of ${seg.len} bytes`);
  }
  return remain;
}

function pageSegment(page: number | null, offset: number, len: number, ctx: StepCtx): IterSegment | null {
  if (page === null && len > 0) {
    ctx.bug('iov_iter.null_page', `a ${len}-byte piece at offset ${offset} maps a NULL bv_page`);
    return null;
  }
  return { kind: 'page', page: page === null ? null : page + Math.floor(offset / PAGE_SIZE), offset: offset % PAGE_SIZE, len };
}

/**
 * iterate_bvec(): page by page. An element is left as soon as its last byte is taken, so when
 * the bytes run out there the walk rests on the next element, even an empty one.
 */
function iterate_bvec(d: World, it: IovIter, len: number, step: IterStep, ctx: StepCtx): number | null {
  const start = arrayIndex(it);
  let idx = start;
  let skip = it.iov_offset;
  let progress = 0;
  do {
    const bv = bvecAt(d, it.bvec ?? -1, idx, ctx, 'iterate_bvec');
    if (bv === null) return null;
    const offset = bv.offset + skip;
    const part = sizeDiff(bv.len, skip, min(len, PAGE_SIZE - (offset % PAGE_SIZE)), ctx);
    const seg = pageSegment(bv.page, offset, part, ctx);
    if (seg === null) return null;
    const remain = runStep(step, seg, progress);
    const consumed = part - remain;
    len -= consumed;
    progress += consumed;
    skip += consumed;
    if (skip >= bv.len) {
      skip = 0;
      idx += 1;
    }
    if (remain !== 0) break;
  } while (len !== 0);
  it.nr_segs = (it.nr_segs ?? 0) - (idx - start);
  it.bvec_index = idx;
  it.iov_offset = skip;
  it.count -= progress;
  return progress;
}

/** iterate_kvec(): one step per non-empty element part; a finished element is left at once. */
function iterate_kvec(d: World, it: IovIter, len: number, step: IterStep, ctx: StepCtx): number | null {
  const start = arrayIndex(it);
  let idx = start;
  let skip = it.iov_offset;
  let progress = 0;
  do {
    const kv = kvecAt(d, it.kvec ?? -1, idx, ctx, 'iterate_kvec');
    if (kv === null) return null;
    const part = sizeDiff(kv.len, skip, len, ctx);
    if (part !== 0) {
      const remain = runStep(step, { kind: 'kbuf', buf: kv.buf, offset: kv.offset + skip, len: part }, progress);
      const consumed = part - remain;
      progress += consumed;
      skip += consumed;
      len -= consumed;
      if (skip < kv.len) break;
    }
    idx += 1;
    skip = 0;
  } while (len !== 0);
  it.nr_segs = (it.nr_segs ?? 0) - (idx - start);
  it.kvec_index = idx;
  it.iov_offset = skip;
  it.count -= progress;
  return progress;
}

/**
 * iterate_bvecq(): hops used-up nodes (a hop keeps the in-slot skip), passes empty slots
 * without a step, and stops where the bytes run out, even at a slot's end.
 */
function iterate_bvecq(d: World, it: IovIter, len: number, step: IterStep, ctx: StepCtx): number | null {
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let skip = it.iov_offset;
  let progress = 0;
  walk: do {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) break;
      if (!hop(ctx)) return null;
      id = q.next;
      slot = 0;
      continue;
    }
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return null;
    let offset = bv.offset + skip;
    let plen = sizeDiff(bv.len, skip, len, ctx);
    while (plen > 0) {
      const seg = pageSegment(bv.page, offset, min(plen, PAGE_SIZE - (offset % PAGE_SIZE)), ctx);
      if (seg === null) return null;
      const remain = runStep(step, seg, progress);
      const consumed = seg.len - remain;
      progress += consumed;
      skip += consumed;
      len -= consumed;
      if (len === 0 || remain !== 0) break walk;
      offset += consumed;
      plen -= consumed;
    }
    skip = 0;
    slot += 1;
  } while (len !== 0);
  it.bvecq_slot = u16(slot, 'bvecq_slot', ctx);
  it.bvecq = id;
  it.iov_offset = skip;
  it.count -= progress;
  return progress;
}

/**
 * iterate_bvecq() at [PATCH 12/26] (mutant `iov_iter_bvecq_empty_not_skipped`, see
 * iov_iter_bvecq_v1.ts): hops once if parked at the node's end, then takes one page piece per
 * round, moving to the next slot as soon as one is used up and hopping to the next node without
 * checking that it holds a published slot, so an empty node's `bv[0]` is read as data.
 */
function iterate_bvecq_v1(d: World, it: IovIter, len: number, step: IterStep, ctx: StepCtx): number | null {
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let skip = it.iov_offset;
  let progress = 0;
  const head = bvecqNode(d, id, ctx);
  if (head === null) return null;
  if (slot === head.nr_slots) {
    if (head.next === null) {
      ctx.bug('iov_iter.null_bvecq', `iterate_bvecq follows the NULL next of bvecq ${id}`);
      return null;
    }
    id = head.next;
    slot = 0;
  }
  do {
    const q = bvecqNode(d, id, ctx);
    const bv = q === null ? null : bvecqSlot(q, id, slot, ctx);
    if (q === null || bv === null) return null;
    const offset = bv.offset + skip;
    const seg = pageSegment(bv.page, offset, sizeDiff(bv.len, skip, min(PAGE_SIZE - (offset % PAGE_SIZE), len), ctx), ctx);
    if (seg === null) return null;
    const remain = runStep(step, seg, progress);
    const consumed = seg.len - remain;
    len -= consumed;
    progress += consumed;
    skip += consumed;
    if (skip >= bv.len) {
      skip = 0;
      slot += 1;
      if (slot >= q.nr_slots) {
        if (q.next === null) break;
        if (!hop(ctx)) return null;
        id = q.next;
        slot = 0;
      }
    }
    if (remain !== 0) break;
  } while (len !== 0);
  it.bvecq_slot = u16(slot, 'bvecq_slot', ctx);
  it.bvecq = id;
  it.iov_offset = skip;
  it.count -= progress;
  return progress;
}

/**
 * Models iterate_and_advance(): clamps `len` to `count`, does nothing for 0, then runs the
 * type's walker. ITER_UBUF is one step over the whole range; ITER_DISCARD takes everything
 * without a step. Returns the progress, or null after a bug finding.
 */
export function iterate_and_advance(d: World, it: IovIter, len: number, step: IterStep, ctx: StepCtx): number | null {
  const n = it.count < len ? it.count : len;
  if (n === 0) return 0;
  let progress: number | null;
  switch (it.iter_type) {
    case 'ITER_UBUF': {
      const remain = runStep(step, { kind: 'user', uoff: (it.ubuf ?? 0) + it.iov_offset, len: n }, 0);
      progress = n - remain;
      it.iov_offset += progress;
      it.count -= progress;
      break;
    }
    case 'ITER_BVEC':
      progress = iterate_bvec(d, it, n, step, ctx);
      break;
    case 'ITER_KVEC':
      progress = iterate_kvec(d, it, n, step, ctx);
      break;
    case 'ITER_BVECQ':
      progress = (ctx.mutant(MUTANT_BVECQ_EMPTY) ? iterate_bvecq_v1 : iterate_bvecq)(d, it, n, step, ctx);
      break;
    case 'ITER_DISCARD':
      progress = n;
      it.count -= n;
      break;
  }
  if (progress !== null) it.consumed += progress;
  return progress;
}

/**
 * The segments the next `n` bytes of the iterator cover, in order, without moving it: the
 * walk runs on a detached copy of the iterator. Returns null after a bug finding.
 */
export function iov_iter_peek(d: World, it: IovIter, n: number, ctx: StepCtx): IterSegment[] | null {
  const scratch: IovIter = { ...it };
  const segs: IterSegment[] = [];
  const progress = iterate_and_advance(d, scratch, n, (seg) => {
    segs.push(seg);
    return 0;
  }, ctx);
  return progress === null ? null : segs;
}
