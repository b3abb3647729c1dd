/**
 * Moving a bio's iterator (include/linux/bio.h, include/linux/bvec.h, block/bio.c;
 * linux-block 10c5ed1d with bvec.h from vfs 307e6d55, where `bi_bvec_done` is named
 * `bi_offset`; REFERENCE §2.9, §2.10): bvec_iter_advance() over the bio's table,
 * bio_advance_iter(), bio_advance() with its `nbytes == bi_size` fast path, and bio_trim().
 * Divergence: integrity and crypto contexts do not exist, so __bio_advance() only advances
 * the iterator.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { u32 } from './kernel_int.ts';
import { BIO_MAX_SECTORS, REQ_ATOMIC, bio_no_advance_iter, bio_sectors } from './bio_state.ts';
import { bioVecExtent, bioVecRead } from './bio_vec_table.ts';

export type BioAdvanceEvent =
  | { type: 'bio_advance'; bio: BioId; bytes: number }
  | { type: 'bio_advance_iter'; bio: BioId; bytes: number }
  | { type: 'bio_trim'; bio: BioId; offset: number; size: number };

/** A `struct bvec_iter` value (bios copy iterators by value). */
export interface BioIter {
  bi_sector: number;
  bi_size: number;
  bi_idx: number;
  bi_bvec_done: number;
}

function iterOf(d: World, id: BioId): BioIter | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  return { bi_sector: b.bi_sector, bi_size: b.bi_size, bi_idx: b.bi_idx, bi_bvec_done: b.bi_bvec_done };
}

/**
 * Models bvec_iter_advance() over bio `id`'s `bi_io_vec`: past `bi_size` it WARNs, zeroes
 * `bi_size` and returns false; otherwise it consumes whole entries while the remainder
 * covers them, so an exact landing moves past the entry but not past a following
 * zero-length one. Returns null after a memory error reading the table.
 */
function bvec_iter_advance(d: World, id: BioId, it: BioIter, bytes: number, ctx: StepCtx): boolean | null {
  if (bytes > it.bi_size) {
    ctx.warn('bvec_iter_advance.past_end', `bio ${id}: advance by ${bytes} past bi_size ${it.bi_size}`);
    it.bi_size = 0;
    return false;
  }
  let rest = u32(bytes + it.bi_bvec_done, 'bytes', ctx);
  let idx = it.bi_idx;
  const extent = bioVecExtent(d, id) ?? { written: 0, slots: 0 };
  for (let guard = 0; rest > 0; guard++) {
    if (guard > extent.slots + 1) throw new Error('bvec_iter_advance: walked past every slot without a memory error');
    // Past the written prefix every entry is zero-length: the walk runs to the table's end.
    if (idx >= extent.written) idx = Math.max(idx, extent.slots);
    const bv = bioVecRead(d, id, idx, ctx);
    if (bv === null) return null;
    if (rest < bv.len) break;
    rest -= bv.len;
    idx++;
  }
  it.bi_size -= bytes;
  it.bi_idx = idx;
  it.bi_bvec_done = rest;
  return true;
}

/**
 * Models bio_advance_iter(): sectors move by `bytes >> 9`; data-less ops (discard, secure
 * erase, write zeroes) only shrink `bi_size` (u32, so an over-advance wraps); others walk
 * the table. Returns false after a memory error.
 */
function bio_advance_iter(d: World, id: BioId, it: BioIter, bytesIn: number, ctx: StepCtx): boolean {
  const b = d.bios[id];
  if (b === undefined) return false;
  const bytes = u32(bytesIn, 'bytes', ctx);
  it.bi_sector += Math.floor(bytes / 512);
  if (bio_no_advance_iter(b)) {
    it.bi_size = u32(it.bi_size - bytes, 'bi_size', ctx);
    return true;
  }
  return bvec_iter_advance(d, id, it, bytes, ctx) !== null;
}

/**
 * Models bio_advance(): advancing by exactly `bi_size` only zeroes `bi_size` (index and
 * offset stay); anything else goes through __bio_advance(). Returns false after a memory
 * error, leaving the bio unchanged.
 */
export function bio_advance(d: World, id: BioId, nbytesIn: number, ctx: StepCtx): boolean {
  const b = d.bios[id];
  const it = iterOf(d, id);
  if (b === undefined || it === null) return false;
  ctx.touch('bio', id);
  const nbytes = u32(nbytesIn, 'nbytes', ctx);
  if (nbytes === b.bi_size) {
    b.bi_size = 0;
    return true;
  }
  if (!bio_advance_iter(d, id, it, nbytes, ctx)) return false;
  b.bi_sector = it.bi_sector;
  b.bi_size = it.bi_size;
  b.bi_idx = it.bi_idx;
  b.bi_bvec_done = it.bi_bvec_done;
  return true;
}

/**
 * Models bio_trim() (offset and size in sectors): WARNs and does nothing for an atomic
 * write with a size, or a range outside the bio; the identity trim is a no-op; otherwise
 * the bio advances by `offset` and its size becomes `size`.
 */
function bio_trim(d: World, e: Extract<BioAdvanceEvent, { type: 'bio_trim' }>, ctx: StepCtx) {
  const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
  if (b === null) return null;
  ctx.touch('bio', e.bio);
  if ((b.opf & REQ_ATOMIC) !== 0 && e.size !== 0) {
    ctx.warn('bio_trim.atomic', `bio_trim of atomic write bio ${e.bio}`);
    return null;
  }
  if (e.offset > BIO_MAX_SECTORS || e.size > BIO_MAX_SECTORS || e.offset + e.size > bio_sectors(b)) {
    ctx.warn('bio_trim.out_of_range', `bio_trim(${e.offset}, ${e.size}) of bio ${e.bio} with ${bio_sectors(b)} sectors`);
    return null;
  }
  const size = e.size * 512;
  if (e.offset === 0 && size === b.bi_size) return null;
  if (!bio_advance(d, e.bio, e.offset * 512, ctx)) return null;
  b.bi_size = size;
  return null;
}

export const bioAdvanceRecipes: RecipeTable<BioAdvanceEvent> = {
  bio_advance(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    bio_advance(d, e.bio, e.bytes, ctx);
    return null;
  },
  // bio_advance_iter() on a copy of bi_iter: the ret is the advanced copy; the bio keeps its own.
  bio_advance_iter(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    const it = iterOf(d, e.bio);
    if (it === null || !bio_advance_iter(d, e.bio, it, e.bytes, ctx)) return null;
    return [it.bi_sector, it.bi_size, it.bi_idx, it.bi_bvec_done];
  },
  bio_trim,
};
