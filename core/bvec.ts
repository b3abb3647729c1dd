/**
 * `bio_vec` arrays and the standalone `struct bvec_iter` (include/linux/bvec.h, dhowells
 * linux-fs tree at 9ae3e018; REFERENCE §1.2, §1.3, §2.9; vectors/README.md §1.5, §1.10).
 * A `bvec_array` is a `bio_vec[]` in memory; a `biter` walks it the way bios walk their
 * vector table. Reading an element outside the array is the out-of-bounds read the kernel
 * would make (`bug bvec_array.out_of_bounds`); the iterator never owns the array.
 * Divergence: the field the block tree renamed `bi_offset` keeps its old name `bi_bvec_done`,
 * as in the tree the reference vectors were computed from.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BiterId, BioVec, BvecId, BvecIter, World } from './state.ts';
import { checkNewId } from './lookup.ts';
import { min, PAGE_SIZE, u32, type WrapLog } from './kernel_int.ts';

export type BvecEvent =
  | { type: 'bvec_array'; bvec: BvecId; bv: BioVec[] }
  | {
      type: 'bvec_iter_init';
      biter: BiterId;
      bvec: BvecId;
      bi_size: number;
      bi_idx: number;
      bi_bvec_done: number;
      bi_sector: number;
    }
  | { type: 'bvec_iter_advance'; biter: BiterId; bytes: number }
  | { type: 'bvec_iter_advance_single'; biter: BiterId; bytes: number }
  | { type: 'for_each_bvec'; biter: BiterId }
  | { type: 'for_each_mp_bvec'; biter: BiterId };

/** The three moving fields of a `struct bvec_iter` (`bi_sector` is the bio wrappers' business). */
export interface BvecIterPos {
  bi_size: number;
  bi_idx: number;
  bi_bvec_done: number;
}

/**
 * Element `idx` of bio_vec array `bvec`, or null after reporting the out-of-bounds read.
 * `what` names the reader for the finding's detail.
 */
export function bvecAt(d: World, bvec: BvecId, idx: number, ctx: StepCtx, what: string): BioVec | null {
  const arr = d.bvecs[bvec];
  if (arr === undefined) throw new Error(`bvec array ${bvec} vanished: ids are checked at init`);
  const bv = idx >= 0 ? arr.bv[idx] : undefined;
  if (bv !== undefined) return bv;
  ctx.bug('bvec_array.out_of_bounds', `${what} reads bvec ${bvec}[${idx}] of an array of ${arr.bv.length}`);
  return null;
}

/**
 * The multi-page view mp_bvec_iter_bvec(): the element's page unadjusted, `bv_offset` plus
 * `bi_bvec_done` (may reach past the first page), and what is left of the element capped by
 * `bi_size`. Both sums are `unsigned int` in C and wrap as such.
 */
export function mp_bvec_iter_bvec(bv: BioVec, iter: BvecIterPos, log: WrapLog): BioVec {
  const offset = u32(bv.offset + iter.bi_bvec_done, 'mp_bvec_iter_offset', log);
  const len = min(iter.bi_size, u32(bv.len - iter.bi_bvec_done, 'mp_bvec_iter_len', log));
  return { page: bv.page, offset, len };
}

/** The single-page view bvec_iter_bvec(): the multi-page piece cut at its first page end. */
export function bvec_iter_bvec(bv: BioVec, iter: BvecIterPos, log: WrapLog): BioVec {
  const mp = mp_bvec_iter_bvec(bv, iter, log);
  const offset = mp.offset % PAGE_SIZE;
  const page = mp.page === null ? null : mp.page + Math.floor(mp.offset / PAGE_SIZE);
  return { page, offset, len: min(mp.len, PAGE_SIZE - offset) };
}

/**
 * Models bvec_iter_advance() in include/linux/bvec.h. More than `bi_size` WARNs, zeroes
 * `bi_size` and returns false without moving. Otherwise the walk stops once the bytes run
 * out, so an exact landing rests on the next index even when that bvec is empty; advance(0)
 * never moves, because the loop needs non-zero bytes. Returns null after a bug finding.
 * Divergence: WARN_ONCE is reported every time its condition holds, not once per boot.
 */
export function bvec_iter_advance(d: World, it: BvecIter, bytes: number, ctx: StepCtx): boolean | null {
  if (bytes > it.bi_size) {
    ctx.warn('bvec_iter_advance.past_end', `advance by ${bytes} with bi_size ${it.bi_size}`);
    it.bi_size = 0;
    return false;
  }
  let idx = it.bi_idx;
  let done = u32(bytes + it.bi_bvec_done, 'bytes', ctx);
  while (done !== 0) {
    const bv = bvecAt(d, it.bvec, idx, ctx, 'bvec_iter_advance');
    if (bv === null) return null;
    if (done < bv.len) break;
    done -= bv.len;
    idx = u32(idx + 1, 'bi_idx', ctx);
  }
  it.bi_size -= bytes;
  it.bi_idx = idx;
  it.bi_bvec_done = done;
  return true;
}

/**
 * Models bvec_iter_advance_single(): the caller promises `bytes` stays inside the current
 * bvec; finishing it exactly (including `bytes == 0` on an empty bvec) moves to the next
 * index. `bi_size` is an `unsigned int` and wraps if the promise is broken.
 * Returns false after a bug finding (the current element lies outside the array).
 */
function advanceSingle(d: World, bvec: BvecId, it: BvecIterPos, bytes: number, ctx: StepCtx): boolean {
  const bv = bvecAt(d, bvec, it.bi_idx, ctx, 'bvec_iter_advance_single');
  if (bv === null) return false;
  let done = u32(it.bi_bvec_done + bytes, 'bi_bvec_done', ctx);
  let idx = it.bi_idx;
  if (done === bv.len) {
    done = 0;
    idx = u32(idx + 1, 'bi_idx', ctx);
  }
  it.bi_bvec_done = done;
  it.bi_idx = idx;
  it.bi_size = u32(it.bi_size - bytes, 'bi_size', ctx);
  return true;
}

/**
 * Models the for_each_bvec() / for_each_mp_bvec() loops: from a copy of the iterator, yield
 * the single-page (or whole-element) piece under it and step over it with
 * bvec_iter_advance_single() until `bi_size` is 0. An empty bvec inside the range yields a
 * `len: 0` piece. The iterator itself does not move. Returns null after a bug finding.
 */
function for_each(d: World, it: BvecIter, single: boolean, ctx: StepCtx): BioVec[] | null {
  const iter: BvecIterPos = { bi_size: it.bi_size, bi_idx: it.bi_idx, bi_bvec_done: it.bi_bvec_done };
  const pieces: BioVec[] = [];
  while (iter.bi_size !== 0) {
    const bv = bvecAt(d, it.bvec, iter.bi_idx, ctx, single ? 'for_each_bvec' : 'for_each_mp_bvec');
    if (bv === null) return null;
    const piece = single ? bvec_iter_bvec(bv, iter, ctx) : mp_bvec_iter_bvec(bv, iter, ctx);
    pieces.push(piece);
    if (!advanceSingle(d, it.bvec, iter, piece.len, ctx)) return null;
  }
  return pieces;
}

function lookupBiter(d: World, id: BiterId, ctx: StepCtx): BvecIter | null {
  const it = d.biters[id];
  if (it === undefined) return ctx.reject('biter', `biter ${id} was never created`);
  return it;
}

const piecesRet = (pieces: BioVec[] | null) =>
  pieces === null ? null : pieces.map((p) => ({ page: p.page, offset: p.offset, len: p.len }));

export const bvecRecipes: RecipeTable<BvecEvent> = {
  bvec_array(d, e, ctx) {
    if (!checkNewId(d.bvecs, e.bvec, ctx, 'bvec', 'bvec')) return null;
    const bv = e.bv.map((b) => ({
      page: b.page,
      offset: u32(b.offset, 'bv_offset', ctx),
      len: u32(b.len, 'bv_len', ctx),
    }));
    d.bvecs[e.bvec] = { bv };
    return null;
  },
  bvec_iter_init(d, e, ctx) {
    if (!checkNewId(d.biters, e.biter, ctx, 'biter', 'biter')) return null;
    if (d.bvecs[e.bvec] === undefined) return ctx.reject('bvec', `bvec ${e.bvec} was never created`);
    d.biters[e.biter] = {
      bvec: e.bvec,
      bi_sector: e.bi_sector,
      bi_size: u32(e.bi_size, 'bi_size', ctx),
      bi_idx: u32(e.bi_idx, 'bi_idx', ctx),
      bi_bvec_done: u32(e.bi_bvec_done, 'bi_bvec_done', ctx),
    };
    ctx.touch('biter', e.biter);
    return null;
  },
  bvec_iter_advance(d, e, ctx) {
    const it = lookupBiter(d, e.biter, ctx);
    if (it === null) return null;
    ctx.touch('biter', e.biter);
    return bvec_iter_advance(d, it, u32(e.bytes, 'bytes', ctx), ctx);
  },
  bvec_iter_advance_single(d, e, ctx) {
    const it = lookupBiter(d, e.biter, ctx);
    if (it === null) return null;
    const next: BvecIterPos = { bi_size: it.bi_size, bi_idx: it.bi_idx, bi_bvec_done: it.bi_bvec_done };
    if (!advanceSingle(d, it.bvec, next, u32(e.bytes, 'bytes', ctx), ctx)) return null;
    it.bi_size = next.bi_size;
    it.bi_idx = next.bi_idx;
    it.bi_bvec_done = next.bi_bvec_done;
    ctx.touch('biter', e.biter);
    return null;
  },
  for_each_bvec(d, e, ctx) {
    const it = lookupBiter(d, e.biter, ctx);
    return it === null ? null : piecesRet(for_each(d, it, true, ctx));
  },
  for_each_mp_bvec(d, e, ctx) {
    const it = lookupBiter(d, e.biter, ctx);
    return it === null ? null : piecesRet(for_each(d, it, false, ctx));
  },
};
