/**
 * iov_iter_extract_bvecs() (lib/iov_iter.c, linux-block-trial at 828bcbca; REFERENCE §0
 * EXTRACT-BVECS, §2.8): hch's move of __bio_iov_iter_get_pages() out of the bio code. It
 * checks the alignment, extracts one run of pages (into the tail of the caller's bio_vec
 * array, so there is no allocation) and coalesces pages that are consecutive in one folio
 * into single bio_vecs (get_contig_folio_len), appended at `nr_vecs`. Pins taken on UBUF
 * pages stay with the bio_vecs.
 * Divergence: zone-device pgmaps are not modelled (every page has the same one), so the
 * coalescing loop never stops early and nothing is reverted or unpinned afterwards.
 */
import type { StepCtx } from './ctx.ts';
import type { BioVec, IovIter, World } from './state.ts';
import { arrayIndex } from './iov_iter_bvec.ts';
import { kvecAt } from './iov_iter_kvec.ts';
import { iov_iter_alignment } from './iov_iter_npages.ts';
import { iov_iter_extract_pages } from './iov_iter_extract.ts';
import { folioOfPfn } from './lookup.ts';
import { EFAULT, EINVAL } from './errno.ts';
import { min, PAGE_SIZE, u16, u32 } from './kernel_int.ts';

/** The result: bytes (or a negative errno), the new `*nr_vecs`, and the bio_vecs appended. */
export interface ExtractedBvecs {
  size: number;
  nr_vecs: number;
  bv: BioVec[];
}

/** The folio a page belongs to as an identity and its pages; a page outside every folio is its own. */
function folioSpan(d: World, page: number | null): { key: string; head: number; pages: number } {
  if (page === null) return { key: 'null', head: 0, pages: 1 };
  const id = folioOfPfn(d, page);
  const f = id === null ? undefined : d.folios[id];
  return f === undefined ? { key: `p${page}`, head: page, pages: 1 } : { key: `f${id}`, head: f.pfn, pages: 2 ** f.order };
}

/**
 * Models get_contig_folio_len(): how many bytes from `pages[i]` (in-page `offset`, at most
 * `left`) stay inside the first page's folio on consecutive pages, and how many pages that is.
 */
function get_contig_folio_len(d: World, pages: readonly (number | null)[], i: number, left: number, offset: number): { len: number; nr: number } {
  const first = pages[i] ?? null;
  const folio = folioSpan(d, first);
  let contig = min(PAGE_SIZE - offset, left);
  const folioOffset = PAGE_SIZE * ((first ?? 0) - folio.head) + offset;
  const len = min(folio.pages * PAGE_SIZE - folioOffset, left);
  left -= contig;
  const maxPages = Math.ceil((offset + len) / PAGE_SIZE);
  let k = 1;
  for (; k < maxPages; k++) {
    const page = pages[i + k] ?? null;
    const prev = pages[i + k - 1] ?? null;
    if (page === null || prev === null || folioSpan(d, page).key !== folio.key || page !== prev + 1) break;
    const next = min(PAGE_SIZE, left);
    contig += next;
    left -= next;
  }
  return { len: contig, nr: k };
}

/**
 * The alignment test at the top of iov_iter_extract_bvecs(): for ITER_UBUF and ITER_KVEC the
 * current segment's address and length, otherwise iov_iter_alignment(); the mask is an
 * `unsigned`. Returns whether it fails, or null after a bug.
 */
function misaligned(d: World, it: IovIter, mem_align_mask: number, ctx: StepCtx): boolean | null {
  const mask = u32(mem_align_mask, 'mem_align_mask', ctx);
  let bits: number | null;
  if (it.iter_type === 'ITER_UBUF') {
    bits = ((it.ubuf ?? 0) + it.iov_offset) % 2 ** 32 | it.count % 2 ** 32;
  } else if (it.iter_type === 'ITER_KVEC') {
    const kv = kvecAt(d, it.kvec ?? -1, arrayIndex(it), ctx, 'iov_iter_extract_bvecs');
    if (kv === null) return null;
    bits = (kv.offset + it.iov_offset) % 2 ** 32 | (kv.len - it.iov_offset) % 2 ** 32;
  } else {
    bits = iov_iter_alignment(d, it, ctx);
    if (bits === null) return null;
    bits %= 2 ** 32;
  }
  return (bits & mask) !== 0;
}

/**
 * Models iov_iter_extract_bvecs(): -EINVAL when misaligned; otherwise one extraction of at
 * most `max_size` bytes into `max_vecs - nr_vecs` pages (both `unsigned short`), -EFAULT if it
 * got nothing, then one bio_vec per run of consecutive pages of one folio. Returns null after
 * a bug.
 */
export function iov_iter_extract_bvecs(
  d: World,
  it: IovIter,
  max_size: number,
  nr_vecs: number,
  max_vecs: number,
  mem_align_mask: number,
  ctx: StepCtx,
): ExtractedBvecs | null {
  const entries_left = u16(max_vecs - nr_vecs, 'entries_left', ctx);
  const bad = misaligned(d, it, mem_align_mask, ctx);
  if (bad === null) return null;
  if (bad) return { size: -EINVAL, nr_vecs, bv: [] };
  const r = iov_iter_extract_pages(d, it, max_size, entries_left, { alloc: false, fail: false }, ctx);
  if (r === null) return null;
  if (typeof r === 'number') return { size: r, nr_vecs, bv: [] };
  if (r.len === 0) return { size: -EFAULT, nr_vecs, bv: [] };
  const bv: BioVec[] = [];
  let offset = r.offset0 ?? 0;
  let i = 0;
  for (let left = r.len; left > 0; ) {
    const run = get_contig_folio_len(d, r.pages, i, left, offset);
    bv.push({ page: r.pages[i] ?? null, offset, len: run.len });
    i += run.nr;
    offset = 0;
    left -= run.len;
  }
  return { size: r.len, nr_vecs: u16(nr_vecs + bv.length, 'nr_vecs', ctx), bv };
}
