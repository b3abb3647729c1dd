/**
 * Adding pages to a bio (block/bio.c, linux-block tree at 10c5ed1d; REFERENCE §2.10, §3
 * items 2 and 19): bio_add_page() with multi-page merging into the last bvec when the new
 * range is physically contiguous with it, __bio_add_page() appending without checks beyond
 * its WARNs, the folio variants, and bio_full().
 * Divergence: pages are PFNs in one flat memory map, so `struct page` arithmetic equals PFN
 * arithmetic and no zone-device pgmap, P2PDMA or Xen check ever refuses a merge.
 * Mutant `bio_size_overflow` re-creates the add path before "block: fix .bi_size overflow"
 * (79d08f89bb1b): no `bi_size` check in bio_add_page(), and bio_full() tests `bi_vcnt` only.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, FolioId, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { BIO_MAX_SIZE, PAGE_SIZE, s32, u16, u32 } from './kernel_int.ts';
import { bio_flagged, type Bio } from './bio_state.ts';
import { bioVecRead, bioVecWrite, refreshVecs } from './bio_vec_table.ts';

export type BioAddEvent =
  | { type: 'bio_add_page'; bio: BioId; page: number; len: number; offset: number }
  | { type: '__bio_add_page'; bio: BioId; page: number; len: number; offset: number }
  | { type: 'bio_add_folio'; bio: BioId; folio: FolioId; len: number; offset: number }
  | { type: 'bio_add_folio_nofail'; bio: BioId; folio: FolioId; len: number; offset: number }
  | { type: 'bio_full'; bio: BioId; len: number };

export const MUTANT_BIO_SIZE_OVERFLOW = 'bio_size_overflow';

/** Models bio_full(): no free vector slot, or `len` more bytes would pass BIO_MAX_SIZE. */
export function bio_full(b: Bio, len: number, ctx: StepCtx): boolean {
  if (b.bi_vcnt >= b.bi_max_vecs) return true;
  if (ctx.mutant(MUTANT_BIO_SIZE_OVERFLOW)) return false;
  return b.bi_size > BIO_MAX_SIZE - len;
}

/** Adds `len` to `bi_size` as the u32 field does; a wrap is the `bio.size_overflow` finding. */
function growSize(b: Bio, id: BioId, len: number, ctx: StepCtx): void {
  const sum = b.bi_size + len;
  if (sum > BIO_MAX_SIZE) ctx.invariant('bio.size_overflow', `bio ${id}: bi_size ${b.bi_size} + ${len} passes BIO_MAX_SIZE and wraps`);
  b.bi_size = u32(sum, 'bi_size', ctx);
}

/**
 * Models __bio_add_page(): WARNs on a clone and on a full bio, then writes the next slot
 * regardless, as the kernel does (on a clone that slot is in the source's table).
 */
export function __bio_add_page(d: World, id: BioId, page: number, len: number, off: number, ctx: StepCtx): void {
  const b = d.bios[id];
  if (b === undefined) return;
  ctx.touch('bio', id);
  if (bio_flagged(b, 'CLONED')) ctx.warn('__bio_add_page.cloned', `__bio_add_page on cloned bio ${id}`);
  if (bio_full(b, len, ctx)) ctx.warn('__bio_add_page.full', `__bio_add_page on full bio ${id} (bi_vcnt ${b.bi_vcnt}, bi_size ${b.bi_size}, len ${len})`);
  if (!bioVecWrite(d, id, b.bi_vcnt, { page, offset: off, len }, ctx)) return;
  growSize(b, id, len, ctx);
  b.bi_vcnt = u16(b.bi_vcnt + 1, 'bi_vcnt', ctx);
  refreshVecs(d, id);
}

/**
 * Models bvec_try_merge_page(): the new range must start at the physical byte right after
 * the last bvec's end. Returns whether it merged (the bvec then grew by `len`).
 */
function bvec_try_merge_page(d: World, id: BioId, page: number, len: number, off: number, ctx: StepCtx): boolean | null {
  const b = d.bios[id];
  if (b === undefined) return false;
  const last = b.bi_vcnt - 1;
  const bv = bioVecRead(d, id, last, ctx);
  if (bv === null) return null;
  if (bv.page === null) return false;
  if (bv.page * PAGE_SIZE + bv.offset + bv.len !== page * PAGE_SIZE + off) return false;
  const grown = bv.len + len;
  // growSize() reports a wrapping bi_size; a bvec can also wrap alone once bi_size has been advanced.
  if (grown > BIO_MAX_SIZE && b.bi_size + len <= BIO_MAX_SIZE) ctx.invariant('bio.size_overflow', `bio ${id}: bv_len ${bv.len} + ${len} wraps the u32 bv_len`);
  return bioVecWrite(d, id, last, { page: bv.page, offset: bv.offset, len: u32(grown, 'bv_len', ctx) }, ctx) ? true : null;
}

/**
 * Models bio_add_page(): refuses (returning 0) a clone or a zero length with a WARN, and a
 * length that would take `bi_size` past BIO_MAX_SIZE silently; merges into the last bvec
 * when contiguous, else appends if a slot is free. The `int` return makes a length of
 * 2^31 or more negative.
 */
export function bio_add_page(d: World, id: BioId, page: number, lenIn: number, offIn: number, ctx: StepCtx): number | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  const len = u32(lenIn, 'len', ctx);
  const off = u32(offIn, 'offset', ctx);
  ctx.touch('bio', id);
  if (bio_flagged(b, 'CLONED')) {
    ctx.warn('bio_add_page.cloned', `bio_add_page on cloned bio ${id}`);
    return 0;
  }
  if (len === 0) {
    ctx.warn('bio_add_page.zero_len', `bio_add_page of 0 bytes to bio ${id}`);
    return 0;
  }
  if (!ctx.mutant(MUTANT_BIO_SIZE_OVERFLOW) && b.bi_size > BIO_MAX_SIZE - len) return 0;
  if (b.bi_vcnt > 0) {
    const merged = bvec_try_merge_page(d, id, page, len, off, ctx);
    if (merged === null) return null;
    if (merged) {
      growSize(b, id, len, ctx);
      return s32(len, 'ret', ctx);
    }
  }
  if (b.bi_vcnt >= b.bi_max_vecs) return 0;
  __bio_add_page(d, id, page, len, off, ctx);
  return s32(len, 'ret', ctx);
}

/** The PFN and in-page offset of byte `off` of a folio, as folio_page() and `% PAGE_SIZE` give. */
function folioPage(d: World, folio: FolioId, off: number, ctx: StepCtx): { page: number; off: number } | null {
  const f = lookupLive(d.folios, folio, ctx, 'folio', 'folio');
  if (f === null) return null;
  return { page: f.pfn + Math.floor(off / PAGE_SIZE), off: off % PAGE_SIZE };
}

export const bioAddRecipes: RecipeTable<BioAddEvent> = {
  bio_add_page(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    return bio_add_page(d, e.bio, e.page, e.len, e.offset, ctx);
  },
  __bio_add_page(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    __bio_add_page(d, e.bio, e.page, u32(e.len, 'len', ctx), u32(e.offset, 'offset', ctx), ctx);
    return null;
  },
  // bio_add_folio(): refuses more than BIO_MAX_SIZE; success is bio_add_page()'s int being > 0.
  bio_add_folio(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    const at = folioPage(d, e.folio, e.offset, ctx);
    if (at === null) return null;
    if (e.len > BIO_MAX_SIZE) return false;
    const ret = bio_add_page(d, e.bio, at.page, e.len, at.off, ctx);
    return ret === null ? null : ret > 0;
  },
  // bio_add_folio_nofail(): WARNs past BIO_MAX_SIZE, then adds the length truncated to u32.
  bio_add_folio_nofail(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    const at = folioPage(d, e.folio, e.offset, ctx);
    if (at === null) return null;
    if (e.len > BIO_MAX_SIZE) ctx.warn('bio_add_folio_nofail.too_large', `bio_add_folio_nofail of ${e.len} bytes to bio ${e.bio}`);
    __bio_add_page(d, e.bio, at.page, u32(e.len, 'len', ctx), at.off, ctx);
    return null;
  },
  bio_full(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    return bio_full(b, u32(e.len, 'len', ctx), ctx);
  },
};
