/**
 * Filling a bio from an iov_iter (block/bio.c and include/linux/bio.h, linux-block tree at
 * 10c5ed1d; REFERENCE §2.10, §3 items 2 and 15): bio_iov_iter_get_pages() with its ITER_BVEC
 * fast path (bio_iov_iter_set(): the bio adopts the iterator's bio_vec array and becomes a
 * clone of it) and its extraction loop (iov_iter_extract_bvecs() straight into `bi_io_vec`,
 * pinning user memory), bio_iov_iter_align_down(), bio_iov_vecs_to_alloc() and
 * bio_iov_bounce_nr_vecs().
 * Divergence: the non-debug build is modelled (as the reference vectors were computed), so the
 * fast path checks only the first segment's offset against `mem_align_mask` and ignores
 * `len_align_mask`; P2PDMA pages do not exist, so REQ_NOMERGE is never set.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, IovIter, IterId, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { lookupIter, iov_iter_advance, iov_iter_revert } from './iov_iter.ts';
import { arrayIndex } from './iov_iter_bvec.ts';
import { iov_iter_npages } from './iov_iter_npages.ts';
import { iov_iter_extract_will_pin } from './iov_iter_extract.ts';
import { iov_iter_extract_bvecs } from './iov_iter_extract_bvecs.ts';
import { unpin_user_pages_of } from './folio.ts';
import { BIO_MAX_VECS, min, U16_MAX, u16, u32 } from './kernel_int.ts';
import { bio_clear_flag, bio_flagged, bio_set_flag, REQ_OP_WRITE } from './bio_state.ts';
import { bioVecRead, bioVecWrite, detachUser, refreshVecs } from './bio_vec_table.ts';
import { bio_full } from './bio_add.ts';
import { bio_release_pages } from './bio_iter_walk.ts';
import { EFAULT, EINVAL, EIO } from './errno.ts';

export type BioIovIterEvent =
  | { type: 'bio_iov_iter_get_pages'; bio: BioId; iter: IterId; maxlen: number; mem_align_mask: number; len_align_mask: number }
  | { type: 'bio_iov_iter_align_down'; bio: BioId; iter: IterId; mask: number }
  | { type: 'bio_iov_vecs_to_alloc'; iter: IterId; max: number }
  | { type: 'bio_iov_bounce_nr_vecs'; iter: IterId; op: number };

const bugged = (ctx: StepCtx): boolean => ctx.findings.some((f) => f.kind === 'bug');

/**
 * Models bio_iov_iter_align_down(): trims `bi_size & mask` bytes off the end, reverting the
 * iterator by as much, dropping whole trailing entries from table index `last` down (one
 * unpin_user_page() per dropped entry when pinned, however many pages it spans: REFERENCE §3
 * item 15) and shortening the last one kept. -EFAULT once no entry is left; null after a bug.
 */
export function bio_iov_iter_align_down(d: World, id: BioId, iterId: IterId, it: IovIter, last: number, maskIn: number, ctx: StepCtx): number | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  let nbytes = (b.bi_size & u32(maskIn, 'len_align_mask', ctx)) >>> 0;
  if (nbytes === 0) return 0;
  ctx.touch('bio', id);
  if (!iov_iter_revert(d, iterId, it, nbytes, ctx)) return null;
  b.bi_size -= nbytes;
  for (let k = last; ; k--) {
    const bv = bioVecRead(d, id, k, ctx);
    if (bv === null) return null;
    if (nbytes < bv.len) {
      bioVecWrite(d, id, k, { page: bv.page, offset: bv.offset, len: bv.len - nbytes }, ctx);
      return 0;
    }
    if (bio_flagged(b, 'PAGE_PINNED')) {
      if (bv.page === null) {
        ctx.bug('bio.null_page', `bio ${id}: unpinning bi_io_vec[${k}] with a NULL bv_page`);
        return null;
      }
      unpin_user_pages_of(d, bv.page, 1, ctx);
      if (bugged(ctx)) return null;
    }
    b.bi_vcnt = u16(b.bi_vcnt - 1, 'bi_vcnt', ctx);
    refreshVecs(d, id);
    if (b.bi_vcnt === 0) return -EFAULT;
    nbytes -= bv.len;
  }
}

/**
 * Models bio_iov_iter_set(): for ITER_BVEC the bio points its `bi_io_vec` at the iterator's
 * current element, takes its offset and count (a u32 `bi_size`) and is marked BIO_CLONED; a
 * bio with vecs of its own WARNs and is changed all the same. False for other types.
 */
function bio_iov_iter_set(d: World, id: BioId, it: IovIter, ctx: StepCtx): boolean {
  const b = d.bios[id];
  if (b === undefined || it.iter_type !== 'ITER_BVEC' || it.bvec === null) return false;
  if (b.bi_max_vecs !== 0) ctx.warn('bio_iov_iter_set.has_vecs', `bio ${id} has ${b.bi_max_vecs} vecs of its own`);
  detachUser(d, b, id);
  b.bi_io_vec = { bio: null, bvec: it.bvec, at: arrayIndex(it) };
  b.bi_idx = 0;
  b.bi_bvec_done = it.iov_offset;
  b.bi_size = u32(it.count, 'bi_size', ctx);
  bio_set_flag(b, 'CLONED');
  refreshVecs(d, id);
  return true;
}

/** The ITER_BVEC fast path after bio_iov_iter_set(): first-offset check, clamp, advance. */
function adoptBvec(d: World, id: BioId, it: IovIter, maxlen: number, mem_align_mask: number, ctx: StepCtx): number | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  const first = bioVecRead(d, id, 0, ctx);
  if (first === null) return null;
  const offset = u32(first.offset + b.bi_bvec_done, 'mp_bvec_iter_offset', ctx);
  if ((offset & u32(mem_align_mask, 'mem_align_mask', ctx)) !== 0) return -EINVAL;
  b.bi_size = min(b.bi_size, u32(maxlen, 'maxlen', ctx));
  return iov_iter_advance(d, it, b.bi_size, ctx) ? 0 : null;
}

/**
 * The extraction loop of bio_iov_iter_get_pages(): iov_iter_extract_bvecs() appends to
 * `bi_io_vec` until the iterator is empty or the bio full. -EINVAL releases every page and
 * fails; another error fails only if nothing was added. Returns 0 to go on to the align down,
 * a negative errno, or null after a bug.
 */
function extractLoop(d: World, id: BioId, it: IovIter, maxlen: number, mem_align_mask: number, ctx: StepCtx): number | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  for (let round = 0; ; round++) {
    // Each round adds at least one vec or ends the loop, and bi_vcnt is a u16.
    if (round > U16_MAX) throw new Error('bio_iov_iter_get_pages: the extraction loop did not end');
    const r = iov_iter_extract_bvecs(d, it, u32(maxlen - b.bi_size, 'maxlen', ctx), b.bi_vcnt, b.bi_max_vecs, mem_align_mask, ctx);
    if (r === null) return null;
    if (r.size <= 0) {
      if (r.size === -EINVAL) {
        if (!bio_release_pages(d, id, false, ctx)) return null;
        bio_clear_flag(b, 'PAGE_PINNED');
        b.bi_vcnt = 0;
        refreshVecs(d, id);
      }
      return b.bi_vcnt === 0 ? r.size : 0;
    }
    for (const [k, bv] of r.bv.entries()) if (!bioVecWrite(d, id, b.bi_vcnt + k, bv, ctx)) return null;
    b.bi_vcnt = r.nr_vecs;
    b.bi_size = u32(b.bi_size + r.size, 'bi_size', ctx);
    refreshVecs(d, id);
    if (it.count === 0 || bio_full(b, 0, ctx)) return 0;
  }
}

/**
 * Models bio_iov_iter_get_pages(): WARN and -EIO on a clone; the ITER_BVEC fast path; else the
 * extraction loop (BIO_PAGE_PINNED first when the iterator pins) and the align down to
 * `len_align_mask`. Returns 0 or a negative errno, null after a bug.
 */
function bio_iov_iter_get_pages(d: World, e: Extract<BioIovIterEvent, { type: 'bio_iov_iter_get_pages' }>, it: IovIter, ctx: StepCtx): number | null {
  const b = d.bios[e.bio];
  if (b === undefined) return null;
  ctx.touch('bio', e.bio);
  ctx.touch('iter', e.iter);
  if (bio_flagged(b, 'CLONED')) {
    ctx.warn('bio_iov_iter_get_pages.cloned', `bio ${e.bio} is a clone`);
    return -EIO;
  }
  if (bio_iov_iter_set(d, e.bio, it, ctx)) return adoptBvec(d, e.bio, it, e.maxlen, e.mem_align_mask, ctx);
  if (iov_iter_extract_will_pin(it)) bio_set_flag(b, 'PAGE_PINNED');
  const r = extractLoop(d, e.bio, it, e.maxlen, e.mem_align_mask, ctx);
  if (r !== 0) return r;
  return bio_iov_iter_align_down(d, e.bio, e.iter, it, b.bi_vcnt - 1, e.len_align_mask, ctx);
}

/** The bio and iterator an event names: rejections for ids never created, a bug for a freed bio. */
function lookupBoth(d: World, e: { bio: BioId; iter: IterId }, ctx: StepCtx): IovIter | null {
  const it = lookupIter(d, e.iter, ctx);
  if (it === null) return null;
  return lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null ? null : it;
}

export const bioIovIterRecipes: RecipeTable<BioIovIterEvent> = {
  bio_iov_iter_get_pages(d, e, ctx) {
    const it = lookupBoth(d, e, ctx);
    return it === null ? null : bio_iov_iter_get_pages(d, e, it, ctx);
  },
  // The static helper called on its own, as the reference vectors do, with bv = &bi_io_vec[bi_vcnt - 1].
  bio_iov_iter_align_down(d, e, ctx) {
    const it = lookupBoth(d, e, ctx);
    const b = d.bios[e.bio];
    if (it === null || b === undefined) return null;
    ctx.touch('iter', e.iter);
    return bio_iov_iter_align_down(d, e.bio, e.iter, it, b.bi_vcnt - 1, e.mask, ctx);
  },
  // bio_iov_vecs_to_alloc(): an ITER_BVEC is adopted whole, so it needs no vecs.
  bio_iov_vecs_to_alloc(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    return it.iter_type === 'ITER_BVEC' ? 0 : iov_iter_npages(d, it, e.max, ctx);
  },
  // bio_iov_bounce_nr_vecs(): a read needs one more vec, for the bounce buffer itself.
  bio_iov_bounce_nr_vecs(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    const write = (e.op & REQ_OP_WRITE) !== 0;
    const n = iov_iter_npages(d, it, write ? BIO_MAX_VECS : BIO_MAX_VECS - 1, ctx);
    return n === null ? null : u16(write ? n : n + 1, 'nr_vecs', ctx);
  },
};
