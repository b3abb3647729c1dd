/**
 * Setting up an `iov_iter` (lib/iov_iter.c and include/linux/uio.h, dhowells linux-fs tree at
 * 04f0429e / 4e8d7654; REFERENCE §1.6, §2.3). Each initialiser overwrites the whole struct, as
 * the kernel's compound-literal assignment does, so re-initialising an existing iterator id is
 * legal (iterators live in caller memory and are never freed). A direction with bits other than
 * READ/WRITE WARNs and is still stored in the `bool data_source`, so any non-zero value makes a
 * source iterator. No initialiser validates its memory against `count`.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BvecId, BvecqId, IovIter, IterId, KvecId, World } from './state.ts';
import { lookupAny } from './lookup.ts';
import { u16, u32 } from './kernel_int.ts';

export type IovIterInitEvent =
  | { type: 'iov_iter_bvec'; iter: IterId; direction: number; bvec: BvecId; start: number; nr_segs: number; count: number }
  | { type: 'iov_iter_kvec'; iter: IterId; direction: number; kvec: KvecId; start: number; nr_segs: number; count: number }
  | { type: 'iov_iter_bvec_queue'; iter: IterId; direction: number; bvecq: BvecqId; slot: number; offset: number; count: number }
  | { type: 'iov_iter_ubuf'; iter: IterId; direction: number; start: number; len: number; nofault: boolean | number }
  | { type: 'iov_iter_discard'; iter: IterId; direction: number; count: number };

/** A zeroed iterator of `iter_type`, as `(struct iov_iter){ ... }` leaves unnamed fields. */
function blankIter(iter_type: IovIter['iter_type'], data_source: boolean, count: number): IovIter {
  return {
    iter_type,
    data_source,
    nofault: false,
    count,
    iov_offset: 0,
    nr_segs: null,
    bvec: null,
    bvec_index: null,
    kvec: null,
    kvec_index: null,
    bvecq: null,
    bvecq_slot: null,
    ubuf: null,
    consumed: 0,
    origin: { bvecq: null, index: 0, offset: 0 },
  };
}

/** The direction check shared by the initialisers: WARN on stray bits, then the bool store. */
function dataSource(direction: number, ctx: StepCtx): boolean {
  const dir = u32(direction, 'direction', ctx);
  if ((dir & ~1) !== 0) ctx.warn('iov_iter.bad_direction', `direction ${dir} has bits other than READ/WRITE`);
  return dir !== 0;
}

/** Rejects an array window [start, start + nr_segs) that names elements never created. */
function checkWindow(length: number, start: number, nr_segs: number, ctx: StepCtx, what: string): boolean {
  if (start + nr_segs <= length) return true;
  ctx.reject('nr_segs', `window [${start}, ${start + nr_segs}) passes the end of ${what} (${length} elements)`);
  return false;
}

function install(d: World, id: IterId, it: IovIter, ctx: StepCtx): null {
  d.iters[id] = it;
  ctx.touch('iter', id);
  return null;
}

export const iovIterInitRecipes: RecipeTable<IovIterInitEvent> = {
  /** iov_iter_bvec(): `bvec` points at element `start` of the array; `iov_offset` 0. */
  iov_iter_bvec(d, e, ctx) {
    const arr = lookupAny(d.bvecs, e.bvec, ctx, 'bvec', 'bvec');
    if (arr === null || !checkWindow(arr.bv.length, e.start, e.nr_segs, ctx, `bvec ${e.bvec}`)) return null;
    const it = blankIter('ITER_BVEC', dataSource(e.direction, ctx), e.count);
    it.bvec = e.bvec;
    it.bvec_index = e.start;
    it.nr_segs = e.nr_segs;
    it.origin.index = e.start;
    return install(d, e.iter, it, ctx);
  },
  /** iov_iter_kvec(): as iov_iter_bvec() over a kvec[]. */
  iov_iter_kvec(d, e, ctx) {
    const arr = lookupAny(d.kvecs, e.kvec, ctx, 'kvec', 'kvec');
    if (arr === null || !checkWindow(arr.iov.length, e.start, e.nr_segs, ctx, `kvec ${e.kvec}`)) return null;
    const it = blankIter('ITER_KVEC', dataSource(e.direction, ctx), e.count);
    it.kvec = e.kvec;
    it.kvec_index = e.start;
    it.nr_segs = e.nr_segs;
    it.origin.index = e.start;
    return install(d, e.iter, it, ctx);
  },
  /**
   * iov_iter_bvec_queue(): takes no reference and dereferences nothing, so a freed node is
   * accepted here and only reported when a later walk touches it. `first_slot` lands in the
   * u16 `bvecq_slot` and `offset` arrives as an `unsigned int`; both may be unnormalised
   * (`slot == nr_slots`, `offset == bv_len`).
   */
  iov_iter_bvec_queue(d, e, ctx) {
    if (lookupAny(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq') === null) return null;
    const it = blankIter('ITER_BVECQ', dataSource(e.direction, ctx), e.count);
    it.bvecq = e.bvecq;
    it.bvecq_slot = u16(u32(e.slot, 'first_slot', ctx), 'bvecq_slot', ctx);
    it.iov_offset = u32(e.offset, 'offset', ctx);
    it.origin = { bvecq: e.bvecq, index: it.bvecq_slot, offset: it.iov_offset };
    return install(d, e.iter, it, ctx);
  },
  /**
   * iov_iter_ubuf() followed by the caller's store to `nofault`: user memory from user
   * offset `start` (the model's stand-in for the address; the base is page-aligned).
   */
  iov_iter_ubuf(d, e, ctx) {
    const it = blankIter('ITER_UBUF', dataSource(e.direction, ctx), e.len);
    it.ubuf = e.start;
    it.nr_segs = 1;
    it.nofault = e.nofault === true || e.nofault === 1;
    return install(d, e.iter, it, ctx);
  },
  /** iov_iter_discard(): only a READ iterator is allowed; anything else is its BUG_ON. */
  iov_iter_discard(d, e, ctx) {
    const dir = u32(e.direction, 'direction', ctx);
    if (dir !== 0) {
      ctx.bug('iov_iter_discard.bad_direction', `iov_iter_discard with direction ${dir}, not READ`);
      return null;
    }
    const it = blankIter('ITER_DISCARD', false, e.count);
    it.nr_segs = 0;
    return install(d, e.iter, it, ctx);
  },
};
