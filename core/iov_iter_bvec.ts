/**
 * The array-backed iterators, ITER_BVEC and ITER_KVEC (lib/iov_iter.c, dhowells linux-fs tree
 * at 04f0429e; REFERENCE §2.4, §2.5, §2.7). The kernel walks a `bio_vec[]` and a `kvec[]` with
 * the same code shape (the kvec helpers are the iovec ones), so one set of walkers serves both;
 * they differ only where the kernel does: what counts as an element's start address and
 * whether empty elements are skipped by the queries.
 * The iterator's window is [index, index + nr_segs); advance and revert move both ends of
 * that pair together, so the window end never moves.
 */
import type { StepCtx } from './ctx.ts';
import type { IovIter, World } from './state.ts';
import { bvecAt } from './bvec.ts';
import { kvecAt } from './iov_iter_kvec.ts';
import { PAGE_SIZE, u32 } from './kernel_int.ts';
import { or64, sizeDiff } from './iov_iter_math.ts';

/** One element as the walkers need it: its length and the start address the queries use. */
interface ArrayElem {
  len: number;
  /** `bv_offset` for a bio_vec; the kvec's address (its offset into the kbuf) for a kvec. */
  base: number;
}

export function arrayIndex(it: IovIter): number {
  const idx = it.iter_type === 'ITER_BVEC' ? it.bvec_index : it.kvec_index;
  if (idx === null || it.nr_segs === null) throw new Error(`${it.iter_type} iterator without an array position`);
  return idx;
}

/** Element `idx` of the iterator's array, or null after an out-of-bounds bug. */
function elemAt(d: World, it: IovIter, idx: number, ctx: StepCtx, what: string): ArrayElem | null {
  if (it.iter_type === 'ITER_BVEC') {
    const bv = bvecAt(d, it.bvec ?? -1, idx, ctx, what);
    return bv === null ? null : { len: bv.len, base: bv.offset };
  }
  const kv = kvecAt(d, it.kvec ?? -1, idx, ctx, what);
  return kv === null ? null : { len: kv.len, base: kv.offset };
}

function setIndex(it: IovIter, idx: number): void {
  if (it.iter_type === 'ITER_BVEC') it.bvec_index = idx;
  else it.kvec_index = idx;
}

/**
 * Models iov_iter_bvec_advance() and iov_iter_iovec_advance(): nothing when `count` is 0;
 * otherwise walk from the current element while the residue covers it, so empty elements
 * are always stepped over and an exact landing moves to the next element with offset 0.
 * `size` is already clamped to `count`. The walk never leaves the window.
 */
export function arrayAdvance(d: World, it: IovIter, size: number, ctx: StepCtx): boolean {
  if (it.count === 0) return true;
  const start = arrayIndex(it);
  const end = start + (it.nr_segs ?? 0);
  let residue = size + it.iov_offset;
  let idx = start;
  for (; idx < end; idx++) {
    const el = elemAt(d, it, idx, ctx, 'iov_iter_advance');
    if (el === null) return false;
    if (residue < el.len) break;
    residue -= el.len;
  }
  it.count -= size;
  it.iov_offset = residue;
  it.nr_segs = (it.nr_segs ?? 0) - (idx - start);
  setIndex(it, idx);
  return true;
}

/**
 * The backward walk of iov_iter_revert() for ITER_BVEC / ITER_KVEC, entered once `unroll`
 * exceeds `iov_offset` (`unroll` is what is left after taking `iov_offset` back). Each step
 * moves to the previous element and raises `nr_segs`; the first element long enough takes
 * the rest. There is no lower bound in the kernel: stepping before element 0 reads before the
 * array, reported as `bug iov_iter_revert.past_start`. Writes nothing; returns the new
 * position or null after a bug.
 */
export function arrayRevertWalk(
  d: World,
  it: IovIter,
  unroll: number,
  ctx: StepCtx,
): { index: number; nr_segs: number; iov_offset: number } | null {
  let idx = arrayIndex(it);
  let nr_segs = it.nr_segs ?? 0;
  let left = unroll;
  for (;;) {
    idx -= 1;
    if (idx < 0) {
      ctx.bug('iov_iter_revert.past_start', `${it.iter_type} revert walks before element 0 with ${left} byte(s) still to take back`);
      return null;
    }
    nr_segs += 1;
    const el = elemAt(d, it, idx, ctx, 'iov_iter_revert');
    if (el === null) return null;
    if (left <= el.len) return { index: idx, nr_segs, iov_offset: el.len - left };
    left -= el.len;
  }
}

/** Writes a revert position computed by arrayRevertWalk(). */
export function arraySetPosition(it: IovIter, pos: { index: number; nr_segs: number; iov_offset: number }): void {
  setIndex(it, pos.index);
  it.nr_segs = pos.nr_segs;
  it.iov_offset = pos.iov_offset;
}

/**
 * The array part of iov_iter_single_seg_count(): with more than one element left, the
 * smaller of `count` and what remains of the current element (0 for an empty one);
 * otherwise `count`.
 */
export function arraySingleSegCount(d: World, it: IovIter, ctx: StepCtx): number | null {
  if ((it.nr_segs ?? 0) <= 1) return it.count;
  const el = elemAt(d, it, arrayIndex(it), ctx, 'iov_iter_single_seg_count');
  if (el === null) return null;
  return sizeDiff(el.len, it.iov_offset, it.count, ctx);
}

/**
 * Models bvec_npages() and iov_npages(): for each element part up to `count`, the pages it
 * touches from its in-page start; past `maxpages` the answer is `maxpages`. A bio_vec part
 * of length 0 still counts ceil(in-page offset / PAGE_SIZE) pages (bvec_npages has no
 * empty check); iov_npages skips empty kvecs. The walk does not stop at the window end, so
 * a `count` larger than the data reads past it (and past the array: a bug).
 */
export function arrayNpages(d: World, it: IovIter, maxpages: number, ctx: StepCtx): number | null {
  const skipEmpty = it.iter_type === 'ITER_KVEC';
  let size = it.count;
  let skip = it.iov_offset;
  let npages = 0;
  for (let idx = arrayIndex(it); size !== 0; idx++, skip = 0) {
    const el = elemAt(d, it, idx, ctx, 'iov_iter_npages');
    if (el === null) return null;
    const offs = (el.base + skip) % PAGE_SIZE;
    const len = sizeDiff(el.len, skip, size, ctx);
    if (skipEmpty && len === 0) continue;
    size -= len;
    npages += Math.ceil((offs + len) / PAGE_SIZE);
    if (npages > maxpages) return maxpages;
  }
  return npages;
}

/**
 * Models iov_iter_alignment_bvec() and iov_iter_alignment_iovec(): OR of every part's start
 * and length up to `count`. Both loops run at least once, so even an empty iterator reads
 * its current element.
 */
export function arrayAlignment(d: World, it: IovIter, ctx: StepCtx): number | null {
  return it.iter_type === 'ITER_BVEC' ? bvecAlignment(d, it, ctx) : kvecAlignment(d, it, ctx);
}

/** The bio_vec variant works in `unsigned int`: the skip, the element remainder and the result. */
function bvecAlignment(d: World, it: IovIter, ctx: StepCtx): number | null {
  let size = it.count;
  let skip = u32(it.iov_offset, 'skip', ctx);
  let res = 0;
  let idx = arrayIndex(it);
  do {
    const el = elemAt(d, it, idx, ctx, 'iov_iter_alignment');
    if (el === null) return null;
    let len = u32(el.len - skip, 'bv_len - skip', ctx);
    res = (res | u32(el.base + skip, 'bv_offset + skip', ctx)) >>> 0;
    if (len > size) len = size;
    res = (res | len) >>> 0;
    size -= len;
    idx += 1;
    skip = 0;
  } while (size !== 0);
  return res;
}

/** The kvec (iovec) variant works in `unsigned long` and passes over empty parts. */
function kvecAlignment(d: World, it: IovIter, ctx: StepCtx): number | null {
  let size = it.count;
  let skip = it.iov_offset;
  let res = 0;
  let idx = arrayIndex(it);
  do {
    const el = elemAt(d, it, idx, ctx, 'iov_iter_alignment');
    if (el === null) return null;
    if (el.len !== skip) {
      res = or64(res, el.base + skip);
      const len = sizeDiff(el.len, skip, size, ctx);
      res = or64(res, len);
      size -= len;
    }
    idx += 1;
    skip = 0;
  } while (size !== 0);
  return res;
}
