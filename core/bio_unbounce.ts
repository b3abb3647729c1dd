/**
 * Finishing bounce-buffered direct I/O (block/bio.c, linux-block tree at 10c5ed1d; REFERENCE
 * §2.11): bio_iov_iter_unbounce(). A write frees its bounce folios (never the zero folio). A
 * read copies the bounce buffer in slot 0 back to the user vecs in slots 1..bi_vcnt (through an
 * ITER_BVEC over them, as the kernel builds on its stack) unless the I/O failed, in which case
 * nothing is copied and nothing dirtied; then the user pages are unpinned (marked dirty first
 * when asked) and the bounce folio is put. The copy moves provenance labels and is checked by
 * `invariant data.misplaced`; a user folio dirtied for a failed bio is
 * `invariant folio.dirtied_after_error`.
 * Divergence: the folio lock taken by folio_mark_dirty_lock() is not modelled.
 */
import type { StepCtx } from './ctx.ts';
import type { BioId, BioVec, World } from './state.ts';
import type { DataPiece } from './data.ts';
import { folio_put, unpin_user_pages_of } from './folio.ts';
import { min, PAGE_SIZE, u32 } from './kernel_int.ts';
import { bio_flagged, bio_op, REQ_OP_WRITE } from './bio_state.ts';
import { bioVecRead } from './bio_vec_table.ts';
import { bio_free_folios, folioForPut } from './bio_bounce_alloc.ts';
import { piecePages } from './bio_iter_walk.ts';
import { pageRangeSpans, readSpans, writeSpans } from './iov_iter_mem.ts';
import { checkPlacement, type PlacementPlan } from './invariants/data.ts';
import type { WindowPart } from './invariants/data_window.ts';

const bugged = (ctx: StepCtx): boolean => ctx.findings.some((f) => f.kind === 'bug');

/**
 * The data check's view of the copy: the user vecs (the bio's `vecs` view after a successful
 * bounce read) laid out flat, page by page, and the labels the bounce buffer holds now. Null
 * (the check abstains) when slot 0 does not hold a bounce buffer.
 */
function planCopyBack(d: World, id: BioId, expected: DataPiece[], src: BioVec): PlacementPlan | null {
  const b = d.bios[id];
  if (b === undefined || !b.bounce_vec || src.page === null) return null;
  const parts: WindowPart[] = [];
  let logical = 0;
  for (const v of b.vecs.slice(1)) {
    for (let at = v.offset; at < v.offset + v.len && v.page !== null; ) {
      const take = min(v.offset + v.len - at, PAGE_SIZE - (at % PAGE_SIZE));
      parts.push({ logical, len: take, where: { kind: 'page', pfn: v.page + Math.floor(at / PAGE_SIZE), offset: at % PAGE_SIZE } });
      logical += take;
      at += take;
    }
  }
  const side = { kind: 'page' as const, pfn: src.page, offset: src.offset };
  return { iter: id, what: `bio ${id} user vecs`, start: 0, dir: 'to_iter', side, parts, expected };
}

/**
 * copy_to_iter() of `len` bounce bytes into an ITER_BVEC over bi_io_vec[1..] (iterate_bvec:
 * pieces cut at page and vec ends, empty vecs passed over, no bound but the count). Returns the
 * bytes copied, or null after a bug.
 */
function copyBack(d: World, id: BioId, src: BioVec, len: number, ctx: StepCtx): number | null {
  let progress = 0;
  let skip = 0;
  for (let idx = 1; progress < len; ) {
    const bv = bioVecRead(d, id, idx, ctx);
    if (bv === null) return null;
    const offset = bv.offset + skip;
    const part = min(min(len - progress, u32(bv.len - skip, 'part', ctx)), PAGE_SIZE - (offset % PAGE_SIZE));
    if (part > 0) {
      if (bv.page === null || src.page === null) {
        ctx.bug('bio.null_page', `bio ${id}: copying through a NULL bv_page`);
        return null;
      }
      const from = pageRangeSpans(d, src.page, src.offset + progress, part, ctx);
      const to = from === null ? null : pageRangeSpans(d, bv.page, offset, part, ctx);
      if (from === null || to === null) return null;
      writeSpans(to, readSpans(from));
    }
    progress += part;
    skip += part;
    if (skip >= bv.len) {
      skip = 0;
      idx += 1;
    }
  }
  return progress;
}

/**
 * bvec_unpin() for user vec `i` (table slot 1 + i): optionally dirty its folio, then unpin
 * the pages the vec spans. Returns false after a bug.
 */
function bvec_unpin(d: World, id: BioId, i: number, mark_dirty: boolean, ctx: StepCtx): boolean {
  const bv = bioVecRead(d, id, 1 + i, ctx);
  if (bv === null) return false;
  if (bv.page === null) {
    ctx.bug('bio.null_page', `bio ${id}: unpinning bi_io_vec[${1 + i}] with a NULL bv_page`);
    return false;
  }
  const folio = folioForPut(d, bv.page);
  const f = folio === null ? undefined : d.folios[folio];
  if (folio === null || f === undefined) return true;
  if (f.freed) {
    ctx.bug('folio.use_after_free', `bio ${id}: unpinning a page of freed folio ${folio}`);
    return false;
  }
  ctx.touch('folio', folio);
  if (mark_dirty) f.dirty = true;
  unpin_user_pages_of(d, f.pfn, piecePages(bv.offset, bv.len), ctx);
  return !bugged(ctx);
}

/** Models bio_iov_iter_unbounce_read(). */
function unbounceRead(d: World, id: BioId, is_error: boolean, mark_dirty: boolean, ctx: StepCtx): void {
  const b = d.bios[id];
  const src = bioVecRead(d, id, 0, ctx);
  if (b === undefined || src === null) return;
  if (src.page === null) {
    ctx.bug('bio.null_page', `bio ${id}: bi_io_vec[0] holds no bounce buffer`);
    return;
  }
  let dirty = mark_dirty;
  if (!is_error) {
    const from = pageRangeSpans(d, src.page, src.offset, src.len, ctx);
    if (from === null) return;
    const plan = planCopyBack(d, id, readSpans(from), src);
    const copied = copyBack(d, id, src, src.len, ctx);
    if (copied === null) return;
    checkPlacement(d, plan, copied, ctx);
    if (copied !== src.len) ctx.warn('bio_iov_iter_unbounce.short_copy', `bio ${id}: copied ${copied} of ${src.len} bounce bytes back`);
  } else {
    dirty = false;
  }
  if (bio_flagged(b, 'PAGE_PINNED')) {
    if (dirty && b.bi_vcnt > 0 && b.status !== 0) {
      ctx.invariant('folio.dirtied_after_error', `bio ${id} failed (status ${b.status}) yet its user pages are marked dirty`);
    }
    for (let i = 0; i < b.bi_vcnt; i++) if (!bvec_unpin(d, id, i, dirty, ctx)) return;
  }
  const bounce = folioForPut(d, src.page);
  if (bounce !== null) folio_put(d, bounce, ctx, 'bio');
}

/**
 * Models bio_iov_iter_unbounce(): a write frees the bounce folios (bio_free_folios(), which
 * skips the zero folio); a read copies back, unpins and puts its bounce folio.
 */
export function bio_iov_iter_unbounce(d: World, id: BioId, is_error: boolean, mark_dirty: boolean, ctx: StepCtx): void {
  const b = d.bios[id];
  if (b === undefined) return;
  ctx.touch('bio', id);
  if ((bio_op(b) & REQ_OP_WRITE) !== 0) {
    bio_free_folios(d, id, ctx);
    return;
  }
  unbounceRead(d, id, is_error, mark_dirty, ctx);
}
