/**
 * Walking a bio's data (include/linux/bio.h and block/bio.c, linux-block tree at 10c5ed1d,
 * with bvec.h from vfs 307e6d55; REFERENCE §2.9, §2.10): bio_for_each_segment() and
 * bio_for_each_bvec() from a copy of `bi_iter`; the `_all` walks over bi_io_vec[0..bi_vcnt)
 * that ignore `bi_iter` (bio_for_each_bvec_all() and bio_for_each_folio_all() WARN on a clone
 * through bio_first_bvec_all(), bio_for_each_segment_all() does not); bio_truncate(); and
 * bio_release_pages() on the folio walk.
 * Divergence: on data-less ops (discard, secure erase, write zeroes) the `bi_iter` walks yield
 * nothing: the kernel would yield the entry under `bi_iter` again and again until `bi_size`
 * runs out, and its callers leave these ops out (bio_segments()).
 * Divergence: a page outside every folio is external memory here (the kernel would treat it
 * as its own order-0 folio): it is walked, but not dirtied or unpinned.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, BioVec, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { unpin_user_pages_of } from './folio.ts';
import { min, PAGE_SIZE, u32 } from './kernel_int.ts';
import { bio_flagged, bio_no_advance_iter, bio_op } from './bio_state.ts';
import { bioVecExtent, bioVecRead } from './bio_vec_table.ts';
import { bvec_iter_bvec, mp_bvec_iter_bvec, type BvecIterPos } from './bvec.ts';
import { folioForPut } from './bio_bounce_alloc.ts';
import { pageRangeSpans, writeSpans } from './iov_iter_mem.ts';
import { zeroPiece } from './data_pieces.ts';

export type BioWalkEvent =
  | { type: 'bio_for_each_segment'; bio: BioId }
  | { type: 'bio_for_each_bvec'; bio: BioId }
  | { type: 'bio_for_each_segment_all'; bio: BioId }
  | { type: 'bio_for_each_bvec_all'; bio: BioId }
  | { type: 'bio_for_each_folio_all'; bio: BioId }
  | { type: 'bio_truncate'; bio: BioId; new_size: number }
  | { type: 'bio_release_pages'; bio: BioId; mark_dirty: boolean | number };

/** One step of bio_for_each_folio_all(): a piece of folio `folio` (null: external memory). */
export interface FolioPiece {
  folio: number | null;
  head: number;
  offset: number;
  length: number;
}

/**
 * The bio_for_each_segment() / bio_for_each_bvec() loops: the single-page (or multi-page)
 * piece under a copy of `bi_iter`, stepped over with bio_advance_iter_single(). Null after a
 * bug (a read outside the table).
 */
export function bioIterWalk(d: World, id: BioId, single: boolean, ctx: StepCtx): BioVec[] | null {
  const b = d.bios[id];
  if (b === undefined || bio_no_advance_iter(b)) return [];
  const iter: BvecIterPos = { bi_size: b.bi_size, bi_idx: b.bi_idx, bi_bvec_done: b.bi_bvec_done };
  const slots = bioVecExtent(d, id)?.slots ?? 0;
  const bound = 2 * slots + 2 * Math.ceil(b.bi_size / PAGE_SIZE) + 2;
  const out: BioVec[] = [];
  for (let step = 0; iter.bi_size !== 0; step++) {
    if (step > bound) throw new Error(`bioIterWalk: bio ${id} walked past every slot without a memory error`);
    const bv = bioVecRead(d, id, iter.bi_idx, ctx);
    if (bv === null) return null;
    const piece = single ? bvec_iter_bvec(bv, iter, ctx) : mp_bvec_iter_bvec(bv, iter, ctx);
    out.push(piece);
    let done = u32(iter.bi_bvec_done + piece.len, 'bi_offset', ctx);
    if (done === bv.len) {
      done = 0;
      iter.bi_idx += 1;
    }
    iter.bi_bvec_done = done;
    iter.bi_size = u32(iter.bi_size - piece.len, 'bi_size', ctx);
  }
  return out;
}

/** bio_for_each_segment_all(): every entry of bi_io_vec[0..bi_vcnt) cut at page ends (bvec_advance). */
function segmentAll(d: World, id: BioId, ctx: StepCtx): BioVec[] | null {
  const out: BioVec[] = [];
  for (let idx = 0; idx < (d.bios[id]?.bi_vcnt ?? 0); idx++) {
    const bv = bioVecRead(d, id, idx, ctx);
    if (bv === null) return null;
    let page = bv.page === null ? null : bv.page + Math.floor(bv.offset / PAGE_SIZE);
    let offset = bv.offset % PAGE_SIZE;
    for (let done = 0; ; ) {
      const len = min(PAGE_SIZE - offset, bv.len - done);
      out.push({ page, offset, len });
      done += len;
      if (done >= bv.len) break;
      page = page === null ? null : page + 1;
      offset = 0;
    }
  }
  return out;
}

/** bio_for_each_bvec_all(): the entries of bi_io_vec[0..bi_vcnt) as they are. */
function bvecAll(d: World, id: BioId, ctx: StepCtx): BioVec[] | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  if (bio_flagged(b, 'CLONED')) ctx.warn('bio_first_bvec_all.cloned', `bio ${id}: walking all vecs of a clone`);
  const out: BioVec[] = [];
  for (let idx = 0; idx < b.bi_vcnt; idx++) {
    const bv = bioVecRead(d, id, idx, ctx);
    if (bv === null) return null;
    out.push(bv);
  }
  return out;
}

/** page_folio(): the folio holding `pfn` (freed or not), or the page alone for external memory. */
function pageFolio(d: World, pfn: number): { id: number | null; head: number; size: number } {
  const id = folioForPut(d, pfn);
  const f = id === null ? undefined : d.folios[id];
  return f === undefined ? { id: null, head: pfn, size: PAGE_SIZE } : { id, head: f.pfn, size: PAGE_SIZE * 2 ** f.order };
}

/**
 * The bio_for_each_folio_all() walk (bio_first_folio / bio_next_folio): each entry split at
 * folio ends, moving on to the physically next folio. bio_first_folio() reaches
 * bio_first_bvec_all() once per entry and once more at the end, so a clone WARNs each time.
 */
export function bioFolioWalk(d: World, id: BioId, ctx: StepCtx): FolioPiece[] | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  const out: FolioPiece[] = [];
  for (let i = 0; ; i++) {
    if (bio_flagged(b, 'CLONED')) ctx.warn('bio_first_bvec_all.cloned', `bio ${id}: walking all folios of a clone`);
    if (i >= b.bi_vcnt) return out;
    const bv = bioVecRead(d, id, i, ctx);
    if (bv === null) return null;
    if (bv.page === null) {
      ctx.bug('bio.null_page', `bio ${id}: bi_io_vec[${i}] has a NULL bv_page`);
      return null;
    }
    let f = pageFolio(d, bv.page);
    let offset = bv.offset + PAGE_SIZE * (bv.page - f.head);
    // folio_size - offset is a size_t: past the folio end it wraps and the whole entry is taken.
    let length = offset > f.size ? bv.len : min(f.size - offset, bv.len);
    for (let seg = bv.len; ; ) {
      out.push({ folio: f.id, head: f.head, offset, length });
      seg -= length;
      if (seg === 0) break;
      f = pageFolio(d, f.head + f.size / PAGE_SIZE);
      offset = 0;
      length = min(f.size, seg);
    }
  }
}

/** Pages a folio piece spans, as `(offset + length - 1) / PAGE_SIZE - offset / PAGE_SIZE + 1` in size_t. */
export function piecePages(offset: number, length: number): number {
  if (offset + length === 0) return 2 ** 52;
  return Math.floor((offset + length - 1) / PAGE_SIZE) - Math.floor(offset / PAGE_SIZE) + 1;
}

/**
 * Models bio_release_pages(): only for BIO_PAGE_PINNED, each folio piece is optionally marked
 * dirty (under the folio lock, not modelled) and unpinned by the pages it spans. Returns
 * false after a bug.
 */
export function bio_release_pages(d: World, id: BioId, mark_dirty: boolean, ctx: StepCtx): boolean {
  const b = d.bios[id];
  if (b === undefined || !bio_flagged(b, 'PAGE_PINNED')) return true;
  const pieces = bioFolioWalk(d, id, ctx);
  if (pieces === null) return false;
  for (const p of pieces) {
    const f = p.folio === null ? undefined : d.folios[p.folio];
    if (p.folio === null || f === undefined) continue;
    if (f.freed) {
      ctx.bug('folio.use_after_free', `bio ${id}: releasing a page of freed folio ${p.folio}`);
      return false;
    }
    ctx.touch('folio', p.folio);
    if (mark_dirty) f.dirty = true;
    unpin_user_pages_of(d, f.pfn, piecePages(p.offset, p.length), ctx);
    if (ctx.findings.some((x) => x.kind === 'bug')) return false;
  }
  return true;
}

/**
 * Models bio_truncate() (reached from guard_bio_eod()): a smaller `new_size` becomes `bi_size`;
 * for a READ the part past it is zeroed first, segment by segment. The table is untouched.
 */
function bio_truncate(d: World, id: BioId, newSizeIn: number, ctx: StepCtx): void {
  const b = d.bios[id];
  if (b === undefined) return;
  const new_size = u32(newSizeIn, 'new_size', ctx);
  if (new_size >= b.bi_size) return;
  if (bio_op(b) === 0) {
    const segs = bioIterWalk(d, id, true, ctx);
    if (segs === null) return;
    let done = 0;
    let truncated = false;
    for (const bv of segs) {
      if (done + bv.len > new_size) {
        const offset = truncated ? 0 : new_size - done;
        truncated = true;
        if (!zeroRange(d, id, bv, offset, ctx)) return;
      }
      done = u32(done + bv.len, 'done', ctx);
    }
  }
  b.bi_size = new_size;
  ctx.touch('bio', id);
}

/** memzero_page() on a segment from `offset`: the bytes become zeros. False after a bug. */
function zeroRange(d: World, id: BioId, bv: BioVec, offset: number, ctx: StepCtx): boolean {
  const len = bv.len - offset;
  if (len === 0) return true;
  if (bv.page === null) {
    ctx.bug('bio.null_page', `bio ${id}: zeroing through a NULL bv_page`);
    return false;
  }
  const spans = pageRangeSpans(d, bv.page, bv.offset + offset, len, ctx);
  if (spans === null) return false;
  writeSpans(spans, [zeroPiece(len)]);
  return true;
}

const vecsRet = (pieces: BioVec[] | null) => (pieces === null ? null : pieces.map((p) => ({ page: p.page, offset: p.offset, len: p.len })));

function query(walk: (d: World, id: BioId, ctx: StepCtx) => BioVec[] | null) {
  return (d: World, e: { bio: BioId }, ctx: StepCtx) => (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null ? null : vecsRet(walk(d, e.bio, ctx)));
}

export const bioWalkRecipes: RecipeTable<BioWalkEvent> = {
  bio_for_each_segment: query((d, id, ctx) => bioIterWalk(d, id, true, ctx)),
  bio_for_each_bvec: query((d, id, ctx) => bioIterWalk(d, id, false, ctx)),
  bio_for_each_segment_all: query(segmentAll),
  bio_for_each_bvec_all: query(bvecAll),
  bio_for_each_folio_all(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    const pieces = bioFolioWalk(d, e.bio, ctx);
    return pieces === null ? null : pieces.map((p) => ({ folio: p.head, offset: p.offset, length: p.length }));
  },
  bio_truncate(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    bio_truncate(d, e.bio, e.new_size, ctx);
    return null;
  },
  bio_release_pages(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    ctx.touch('bio', e.bio);
    bio_release_pages(d, e.bio, e.mark_dirty === true || e.mark_dirty === 1, ctx);
    return null;
  },
};
