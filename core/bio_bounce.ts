/**
 * Bounce-buffered direct I/O (block/bio.c, linux-block tree at 10c5ed1d, hch's 2026 series;
 * REFERENCE §2.11, §3 item 6): bio_iov_iter_bounce() for writes (bounce folios filled from
 * the iterator, reverted on a short copy, aligned down to `minsize`) and for reads (one bounce
 * folio in slot 0, the user fragments extracted into slots 1.., pinned for user memory and
 * counted alone by `bi_vcnt`); bio_iov_iter_unbounce() is in bio_unbounce.ts. The copies move
 * provenance labels and are checked by `invariant data.misplaced`.
 * Mutants: `bounce_read_folio_leak` (before "block: fix folio leak in
 * bio_iov_iter_bounce_read()": the folio is not put when the first extraction fails),
 * `bounce_write_no_revert` (before "block: revert the iov_iter after a short copy in
 * bio_iov_iter_bounce_write()"), `bounce_write_ignores_nofault` (before "block: respect
 * iov_iter::nofault flag in bio_iov_iter_bounce_write()": always the copy that may fault).
 * Divergence: a user page is mapped or faults for good, so the atomic and the faulting copy
 * move the same bytes; what differs is that the faulting one enters the fault handler, which
 * a `nofault` caller forbids: the model reports that as `invariant bounce.fault_under_nofault`.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, IovIter, IterId, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { lookupIter, iov_iter_revert } from './iov_iter.ts';
import { iov_iter_extract_will_pin } from './iov_iter_extract.ts';
import { iov_iter_extract_bvecs } from './iov_iter_extract_bvecs.ts';
import { copy_folio_from_iter_atomic, copy_page_from_iter } from './iov_iter_copy.ts';
import { folio_put } from './folio.ts';
import { min, u16, u32 } from './kernel_int.ts';
import { bio_op, bio_set_flag, REQ_OP_WRITE } from './bio_state.ts';
import { bioVecRead, bioVecWrite, refreshVecs } from './bio_vec_table.ts';
import { bio_iov_iter_align_down } from './bio_iov_iter.ts';
import {
  allocsUsed,
  applyBounceFolios,
  bio_free_folios,
  checkNewFolios,
  folio_alloc_greedy,
  folioForPut,
  installBounceFolio,
  planBounceFolios,
  SZ_1M,
  type AllocCursor,
  type BouncePlan,
  type GotFolio,
} from './bio_bounce_alloc.ts';
import { bio_iov_iter_unbounce } from './bio_unbounce.ts';
import { EFAULT, ENOMEM } from './errno.ts';

export type BioBounceEvent =
  | { type: 'bio_iov_iter_bounce'; bio: BioId; iter: IterId; maxlen: number; minsize: number; allocs: (number | null)[] }
  | { type: 'bio_iov_iter_unbounce'; bio: BioId; is_error: boolean | number; mark_dirty: boolean | number };

export const MUTANT_BOUNCE_READ_FOLIO_LEAK = 'bounce_read_folio_leak';
export const MUTANT_BOUNCE_WRITE_NO_REVERT = 'bounce_write_no_revert';
export const MUTANT_BOUNCE_WRITE_IGNORES_NOFAULT = 'bounce_write_ignores_nofault';

/** The arguments both directions share. */
interface BounceCall {
  bio: BioId;
  iter: IterId;
  it: IovIter;
  minsize: number;
}

/**
 * copy_folio_from_iter_atomic() under `nofault`, copy_folio_from_iter() otherwise (the mutant
 * always takes the latter). Into the folio holding `page`, from its first byte.
 */
function copyIntoFolio(d: World, c: BounceCall, page: number, len: number, ctx: StepCtx): number | null {
  const folio = folioForPut(d, page);
  const head = folio === null ? page : (d.folios[folio]?.pfn ?? page);
  if (c.it.nofault && !ctx.mutant(MUTANT_BOUNCE_WRITE_IGNORES_NOFAULT)) return copy_folio_from_iter_atomic(d, c.iter, c.it, head, 0, len, ctx);
  const copied = copy_page_from_iter(d, c.iter, c.it, head, 0, len, ctx);
  if (copied !== null && copied < len && c.it.nofault && c.it.iter_type === 'ITER_UBUF') {
    ctx.invariant('bounce.fault_under_nofault', `iter ${c.iter}: a copy that may fault took a fault on a nofault iterator after ${copied} of ${len} bytes`);
  }
  return copied;
}

/**
 * The copy loop of bio_iov_iter_bounce_write(): each vec's length from the iterator into its
 * folio. A short copy reverts the iterator by everything copied, frees the folios and fails
 * with -EFAULT; otherwise the bio is aligned down to `minsize`. Null after a bug.
 */
function fillBounceFolios(d: World, c: BounceCall, ctx: StepCtx): number | null {
  const b = d.bios[c.bio];
  if (b === undefined) return null;
  const countBefore = c.it.count;
  let total_copied = 0;
  for (let i = 0; i < b.bi_vcnt; i++) {
    const bv = bioVecRead(d, c.bio, i, ctx);
    if (bv === null) return null;
    if (bv.page === null) {
      ctx.bug('bio.null_page', `bio ${c.bio}: bi_io_vec[${i}] has a NULL bv_page`);
      return null;
    }
    const copied = copyIntoFolio(d, c, bv.page, bv.len, ctx);
    if (copied === null) return null;
    total_copied += copied;
    if (copied < bv.len) {
      if (!ctx.mutant(MUTANT_BOUNCE_WRITE_NO_REVERT) && !iov_iter_revert(d, c.iter, c.it, total_copied, ctx)) return null;
      if (!bio_free_folios(d, c.bio, ctx)) return null;
      if (c.it.count !== countBefore) {
        ctx.invariant('bounce.copy_short_not_reverted', `iter ${c.iter}: bounce write failed with -EFAULT but left the iterator ${countBefore - c.it.count} byte(s) advanced`);
      }
      return -EFAULT;
    }
  }
  return bio_iov_iter_align_down(d, c.bio, c.iter, c.it, b.bi_vcnt - 1, u32(c.minsize - 1, 'len_align_mask', ctx), ctx);
}

/** Models bio_iov_iter_bounce_write() once its folios are planned: add them, then fill them. */
function bio_iov_iter_bounce_write(d: World, c: BounceCall, plan: BouncePlan, ctx: StepCtx): number | null {
  if (!applyBounceFolios(d, c.bio, plan, ctx)) return null;
  if (plan.ret !== 0) return plan.ret;
  return fillBounceFolios(d, c, ctx);
}

/**
 * The extraction loop of bio_iov_iter_bounce_read(): user fragments go to bi_io_vec[1..]
 * (`bi_max_vecs - 1` slots, an unsigned short), `bi_size` adds up, until `len` is covered or
 * the vecs run out. Returns 0 to go on, the error of a first extraction that failed, or null.
 */
function extractUserVecs(d: World, c: BounceCall, lenIn: number, ctx: StepCtx): number | null {
  const b = d.bios[c.bio];
  if (b === undefined) return null;
  let len = lenIn;
  for (let round = 0; ; round++) {
    if (round > 65536) throw new Error('bio_iov_iter_bounce_read: the extraction loop did not end');
    const r = iov_iter_extract_bvecs(d, c.it, len, b.bi_vcnt, u16(b.bi_max_vecs - 1, 'max_vecs', ctx), 0, ctx);
    if (r === null) return null;
    if (r.size <= 0) return b.bi_vcnt === 0 ? r.size : 0;
    for (const [k, bv] of r.bv.entries()) if (!bioVecWrite(d, c.bio, 1 + b.bi_vcnt + k, bv, ctx)) return null;
    b.bi_vcnt = r.nr_vecs;
    len -= r.size;
    b.bi_size = u32(b.bi_size + r.size, 'bi_size', ctx);
    refreshVecs(d, c.bio);
    if (len === 0 || b.bi_vcnt >= b.bi_max_vecs - 1) return 0;
  }
}

/**
 * Models bio_iov_iter_bounce_read() once its folio is planned: -ENOMEM without one; the user
 * fragments; slot 0 set to the bounce folio for `bi_size`; BIO_PAGE_PINNED for user memory;
 * align down to `minsize` (the last user vec is bi_io_vec[bi_vcnt]); slot 0 trimmed to match.
 * The folio is put on each failure (except under the leak mutant's first-extraction failure).
 */
function bio_iov_iter_bounce_read(d: World, c: BounceCall, got: GotFolio | null, size: number, ctx: StepCtx): number | null {
  const b = d.bios[c.bio];
  if (b === undefined) return null;
  if (got === null) return -ENOMEM;
  installBounceFolio(d, got, ctx);
  const ex = extractUserVecs(d, c, size, ctx);
  if (ex === null) return null;
  if (ex !== 0) {
    if (!ctx.mutant(MUTANT_BOUNCE_READ_FOLIO_LEAK)) folio_put(d, got.pfn, ctx, 'bio');
    return ex;
  }
  if (!bioVecWrite(d, c.bio, 0, { page: got.pfn, offset: 0, len: b.bi_size }, ctx)) return null;
  if (iov_iter_extract_will_pin(c.it)) bio_set_flag(b, 'PAGE_PINNED');
  const ret = bio_iov_iter_align_down(d, c.bio, c.iter, c.it, b.bi_vcnt, u32(c.minsize - 1, 'len_align_mask', ctx), ctx);
  if (ret === null) return null;
  if (ret !== 0) {
    folio_put(d, got.pfn, ctx, 'bio');
    return ret;
  }
  if (!bioVecWrite(d, c.bio, 0, { page: got.pfn, offset: 0, len: b.bi_size }, ctx)) return null;
  b.bounce_vec = true;
  refreshVecs(d, c.bio);
  return 0;
}

/**
 * Models bio_iov_iter_bounce(): dispatches on op_is_write(). The allocator outcomes are planned
 * and checked first (a rejection leaves the state untouched), then the direction runs.
 */
function bio_iov_iter_bounce(d: World, e: Extract<BioBounceEvent, { type: 'bio_iov_iter_bounce' }>, ctx: StepCtx): number | null {
  const it = lookupIter(d, e.iter, ctx);
  if (it === null) return null;
  const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
  if (b === null) return null;
  const cur: AllocCursor = { allocs: e.allocs, next: 0 };
  const c: BounceCall = { bio: e.bio, iter: e.iter, it, minsize: e.minsize };
  if ((bio_op(b) & REQ_OP_WRITE) !== 0) {
    const plan = planBounceFolios(b, e.bio, min(e.maxlen, it.count), e.minsize, cur, ctx);
    if (plan === null || !allocsUsed(cur, ctx) || !checkNewFolios(d, plan.chunks, ctx)) return null;
    touchCall(d, c, ctx);
    return bio_iov_iter_bounce_write(d, c, plan, ctx);
  }
  const g = folio_alloc_greedy(cur, min(min(it.count, e.maxlen), SZ_1M), e.minsize, ctx);
  if (g === null || !allocsUsed(cur, ctx) || !checkNewFolios(d, g.folio === null ? [] : [g.folio], ctx)) return null;
  touchCall(d, c, ctx);
  return bio_iov_iter_bounce_read(d, c, g.folio, g.size, ctx);
}

/** Marks the bio and iterator touched; a new bounce starts with no bounce buffer in slot 0. */
function touchCall(d: World, c: BounceCall, ctx: StepCtx): void {
  ctx.touch('bio', c.bio);
  ctx.touch('iter', c.iter);
  const b = d.bios[c.bio];
  if (b !== undefined && b.bounce_vec) {
    b.bounce_vec = false;
    refreshVecs(d, c.bio);
  }
}

export const bioBounceRecipes: RecipeTable<BioBounceEvent> = {
  bio_iov_iter_bounce,
  bio_iov_iter_unbounce(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    bio_iov_iter_unbounce(d, e.bio, e.is_error === true || e.is_error === 1, e.mark_dirty === true || e.mark_dirty === 1, ctx);
    return null;
  },
};
