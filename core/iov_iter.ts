/**
 * Moving an `iov_iter` and asking it questions (lib/iov_iter.c and include/linux/uio.h,
 * dhowells linux-fs tree at 04f0429e / 4e8d7654; REFERENCE §2.3–§2.5, §2.7): advance,
 * revert, truncate, reexpand and the queries, for ITER_UBUF, ITER_BVEC, ITER_KVEC,
 * ITER_BVECQ and ITER_DISCARD. The per-type walks live in iov_iter_bvec.ts and
 * iov_iter_bvecq.ts; this file holds the kernel's dispatchers and the recipes.
 * The model also keeps `consumed` (bytes advanced minus bytes reverted since setup), which
 * the kernel does not have, to tell a revert past the setup position (`invariant
 * iov_iter.over_revert`) even when the kernel silently walks into earlier memory.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { IovIter, IterId, World } from './state.ts';
import { MAX_RW_COUNT } from './kernel_int.ts';
import { arrayAdvance, arrayRevertWalk, arraySetPosition } from './iov_iter_bvec.ts';
import { bvecqAdvance, bvecqRevertWalk } from './iov_iter_bvecq.ts';
import { bvecqAdvance_v1, bvecqRevertWalk_v1, MUTANT_BVECQ_EMPTY } from './iov_iter_bvecq_v1.ts';
import { iov_iter_alignment, iov_iter_npages, iov_iter_single_seg_count } from './iov_iter_npages.ts';
import { reportOverRevert } from './invariants/iov_iter.ts';

export type IovIterEvent =
  | { type: 'iov_iter_advance'; iter: IterId; bytes: number }
  | { type: 'iov_iter_revert'; iter: IterId; bytes: number }
  | { type: 'iov_iter_truncate'; iter: IterId; count: number }
  | { type: 'iov_iter_reexpand'; iter: IterId; count: number }
  | { type: 'iov_iter_npages'; iter: IterId; maxpages: number }
  | { type: 'iov_iter_single_seg_count'; iter: IterId }
  | { type: 'iov_iter_alignment'; iter: IterId };

/** The iterator `id`, rejecting an id no initialiser ever set up. */
export function lookupIter(d: World, id: IterId, ctx: StepCtx): IovIter | null {
  const it = d.iters[id];
  if (it === undefined) return ctx.reject('iter', `iter ${id} was never initialised`);
  return it;
}

/**
 * Models iov_iter_advance(): `size` is first clamped to `count`, then ITER_UBUF moves its
 * offset, the array and chain types walk, and ITER_DISCARD only counts down. Returns false
 * after a bug finding, with the iterator unchanged.
 */
export function iov_iter_advance(d: World, it: IovIter, size: number, ctx: StepCtx): boolean {
  const n = it.count < size ? it.count : size;
  switch (it.iter_type) {
    case 'ITER_UBUF':
      it.iov_offset += n;
      it.count -= n;
      break;
    case 'ITER_BVEC':
    case 'ITER_KVEC':
      if (!arrayAdvance(d, it, n, ctx)) return false;
      break;
    case 'ITER_BVECQ':
      if (!(ctx.mutant(MUTANT_BVECQ_EMPTY) ? bvecqAdvance_v1 : bvecqAdvance)(d, it, n, ctx)) return false;
      break;
    case 'ITER_DISCARD':
      it.count -= n;
      break;
    default:
      return assertNever(it.iter_type);
  }
  it.consumed += n;
  return true;
}

/**
 * Models iov_iter_revert(): 0 does nothing; more than MAX_RW_COUNT WARNs and changes nothing
 * (the guard against a wrong-sign unroll). Otherwise `count` grows by the full amount, and
 * ITER_DISCARD stops there; an amount within `iov_offset` only shrinks it; beyond that
 * ITER_UBUF hits its BUG() and the other types walk backwards with no lower bound, a walk
 * off the front being `bug iov_iter_revert.past_start`. Returns false after a bug finding,
 * with the iterator unchanged.
 */
export function iov_iter_revert(d: World, id: IterId, it: IovIter, unroll: number, ctx: StepCtx): boolean {
  if (unroll === 0) return true;
  if (unroll > MAX_RW_COUNT) {
    ctx.warn('iov_iter_revert.too_large', `revert by ${unroll} > MAX_RW_COUNT`);
    return true;
  }
  if (it.iter_type !== 'ITER_DISCARD') {
    if (unroll <= it.iov_offset) it.iov_offset -= unroll;
    else if (!revertWalk(d, it, unroll - it.iov_offset, ctx)) return false;
  }
  it.count += unroll;
  it.consumed -= unroll;
  reportOverRevert(id, it, unroll, ctx);
  return true;
}

/** The backward walk past the current element; writes the new position or reports a bug. */
function revertWalk(d: World, it: IovIter, rest: number, ctx: StepCtx): boolean {
  switch (it.iter_type) {
    case 'ITER_UBUF':
      ctx.bug('iov_iter_revert.past_start', `ITER_UBUF revert goes ${rest} byte(s) before the start of the buffer`);
      return false;
    case 'ITER_BVEC':
    case 'ITER_KVEC': {
      const pos = arrayRevertWalk(d, it, rest, ctx);
      if (pos === null) return false;
      arraySetPosition(it, pos);
      return true;
    }
    case 'ITER_BVECQ': {
      const pos = (ctx.mutant(MUTANT_BVECQ_EMPTY) ? bvecqRevertWalk_v1 : bvecqRevertWalk)(d, it, rest, ctx);
      if (pos === null) return false;
      it.bvecq = pos.bvecq;
      it.bvecq_slot = pos.slot;
      it.iov_offset = pos.iov_offset;
      return true;
    }
    case 'ITER_DISCARD':
      return true;
    default:
      return assertNever(it.iter_type);
  }
}

function assertNever(x: never): never {
  throw new Error(`unknown iterator type ${String(x)}`);
}

export const iovIterRecipes: RecipeTable<IovIterEvent> = {
  iov_iter_advance(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    iov_iter_advance(d, it, e.bytes, ctx);
    return null;
  },
  iov_iter_revert(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    iov_iter_revert(d, e.iter, it, e.bytes, ctx);
    return null;
  },
  /** iov_iter_truncate(): `count` drops to the limit only if it was larger (a u64 compare). */
  iov_iter_truncate(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    if (it.count > e.count) it.count = e.count;
    return null;
  },
  /** iov_iter_reexpand(): `count` becomes the value, unchecked against the data. */
  iov_iter_reexpand(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    it.count = e.count;
    return null;
  },
  iov_iter_npages(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    return it === null ? null : iov_iter_npages(d, it, e.maxpages, ctx);
  },
  iov_iter_single_seg_count(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    return it === null ? null : iov_iter_single_seg_count(d, it, ctx);
  },
  iov_iter_alignment(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    return it === null ? null : iov_iter_alignment(d, it, ctx);
  },
};
