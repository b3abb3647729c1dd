/**
 * Page extraction from an iterator (lib/iov_iter.c, dhowells linux-fs tree at 04f0429e, which
 * matches linux-block-trial at 828bcbca here; REFERENCE §1.1, §2.8): iov_iter_extract_pages()
 * for ITER_UBUF, ITER_KVEC, ITER_BVEC, ITER_BVECQ (iov_iter_extract_bvecq.ts) and
 * ITER_DISCARD, and iov_iter_extract_will_pin(). One call returns one virtually contiguous run:
 * every page but the first starts at offset 0 and every page but the last is full. Only
 * ITER_UBUF pins (pin_user_pages_fast semantics of vectors/README.md §4.2: whole pages in
 * order, up to the first unmapped or faulting page, -EFAULT if none; each pin adds 1 to its
 * folio's `pincount`); the others list pages and take neither a reference nor a pin.
 * Divergence: FOLL_WRITE, FOLL_NOFAULT and ITER_ALLOW_P2PDMA change nothing, since a user page
 * here is either mapped or faults for good; the page array's allocation fails only when the
 * event says so (`fail`).
 */
import type { StepCtx } from './ctx.ts';
import type { IovIter, World } from './state.ts';
import { iov_iter_advance } from './iov_iter.ts';
import { arrayIndex } from './iov_iter_bvec.ts';
import { bvecAt, bvec_iter_bvec, type BvecIterPos } from './bvec.ts';
import { kvecAt } from './iov_iter_kvec.ts';
import { iov_iter_extract_bvecq_pages } from './iov_iter_extract_bvecq.ts';
import { folioOfPfn } from './lookup.ts';
import { pageSpan } from './iov_iter_mem.ts';
import { sizeDiff } from './iov_iter_math.ts';
import { EFAULT, ENOMEM } from './errno.ts';
import { MAX_RW_COUNT, min, PAGE_SIZE, u32 } from './kernel_int.ts';

/** A successful extraction: bytes, the in-page offset of the first byte, the pages (PFNs). */
export interface ExtractedPages {
  len: number;
  /** Null when the kernel left `*offset0` unset (nothing was looked at). */
  offset0: number | null;
  /** A NULL `bv_page` (plus an index) stays null. */
  pages: (number | null)[];
}

/** How the caller passes the page array: allocated by the kernel (`alloc`), which may `fail`. */
export interface PageArray {
  alloc: boolean;
  fail: boolean;
}

/** Extraction result: pages, a negative errno, or null after a bug finding. */
export type ExtractResult = ExtractedPages | number | null;

/**
 * Models want_pages_array(): the pages the run can touch, capped at `maxpages`; none is the
 * caller's mistake (WARN). 0 makes the caller return -ENOMEM (also for a failed allocation).
 */
export function want_pages_array(size: number, start: number, maxpages: number, arr: PageArray, ctx: StepCtx): number {
  const count = min(Math.ceil((size + start) / PAGE_SIZE), maxpages);
  if (count === 0) ctx.warn('want_pages_array.no_pages', `no page wanted for ${size} byte(s) at offset ${start} (maxpages ${maxpages})`);
  if (arr.alloc && arr.fail && count > 0) return 0;
  return count;
}

/**
 * pin_user_pages_fast() on the user pages from page index `first`: the PFNs pinned, in order,
 * stopping at the first unmapped page or one holding a faulting byte. Only checks; the caller
 * applies the pins with pinPages() once nothing else can fail.
 */
function pinnable(d: World, first: number, nr: number): number[] {
  const out: number[] = [];
  for (let j = first; j < first + nr; j++) {
    const pfn = d.user.pages[j];
    if (pfn === undefined) break;
    if (d.user.fault !== null && (j + 1) * PAGE_SIZE > d.user.fault) break;
    out.push(pfn);
  }
  return out;
}

/** Adds one pin per page to its folio (gup's FOLL_PIN on a large folio); false after a bug. */
export function pinPages(d: World, pfns: readonly number[], ctx: StepCtx): boolean {
  for (const pfn of pfns) {
    if (pageSpan(d, pfn, 0, 0, ctx) === null) return false;
  }
  for (const pfn of pfns) {
    const id = folioOfPfn(d, pfn);
    const f = id === null ? undefined : d.folios[id];
    if (id === null || f === undefined) continue;
    f.pincount += 1;
    ctx.touch('folio', id);
  }
  return true;
}

/**
 * Models iov_iter_extract_user_pages() for ITER_UBUF: pins the pages under the next `maxsize`
 * bytes (at most `maxpages`), then advances by what the pinned pages cover.
 */
function extract_user_pages(d: World, it: IovIter, maxsize: number, maxpages: number, arr: PageArray, ctx: StepCtx): ExtractResult {
  const addr = (it.ubuf ?? 0) + it.iov_offset;
  const offset = addr % PAGE_SIZE;
  const nr = want_pages_array(maxsize, offset, maxpages, arr, ctx);
  if (nr === 0) return -ENOMEM;
  const pages = pinnable(d, Math.floor(addr / PAGE_SIZE), nr);
  if (pages.length === 0) return -EFAULT;
  if (!pinPages(d, pages, ctx)) return null;
  const len = min(maxsize, pages.length * PAGE_SIZE - offset);
  return iov_iter_advance(d, it, len, ctx) ? { len, offset0: offset, pages } : null;
}

/**
 * Models iov_iter_extract_kvec_pages(): passes over empty kvecs (moving the iterator past
 * them), then lists the pages behind the current one from its in-page offset.
 * Divergence: the pages are the kbuf's `pages` (its base is page-aligned); a kbuf that was
 * given none cannot be extracted from, which is a malformed trace (rejection).
 */
function extract_kvec_pages(d: World, it: IovIter, maxsize: number, maxpages: number, arr: PageArray, ctx: StepCtx): ExtractResult {
  let idx = arrayIndex(it);
  let nr_segs = it.nr_segs ?? 0;
  let skip = it.iov_offset;
  for (;;) {
    if (nr_segs === 0) return { len: 0, offset0: null, pages: [] };
    const kv = kvecAt(d, it.kvec ?? -1, idx, ctx, 'iov_iter_extract_kvec_pages');
    if (kv === null) return null;
    const size = sizeDiff(kv.len, skip, maxsize, ctx);
    if (size !== 0) return kvecRun(d, it, { idx, nr_segs, skip, size, buf: kv.buf, kaddr: kv.offset + skip }, maxpages, arr, ctx);
    idx += 1;
    nr_segs -= 1;
    skip = 0;
  }
}

/** The second half of iov_iter_extract_kvec_pages(), once a non-empty kvec was found. */
function kvecRun(
  d: World,
  it: IovIter,
  at: { idx: number; nr_segs: number; skip: number; size: number; buf: number; kaddr: number },
  maxpages: number,
  arr: PageArray,
  ctx: StepCtx,
): ExtractResult {
  const backing = d.kbufs[at.buf]?.pages;
  if (backing === undefined) return ctx.reject('iter', `kbuf ${at.buf} has no backing pages to extract (give kbuf_alloc its pages)`);
  const offset = at.kaddr % PAGE_SIZE;
  it.kvec_index = at.idx;
  it.nr_segs = at.nr_segs;
  it.iov_offset = at.skip;
  const nr = want_pages_array(at.size, offset, maxpages, arr, ctx);
  if (nr === 0) return -ENOMEM;
  const pages: number[] = [];
  for (let k = 0; k < nr; k++) {
    const pfn = backing[Math.floor(at.kaddr / PAGE_SIZE) + k];
    if (pfn === undefined) throw new Error(`kbuf ${at.buf}: a kvec inside it reaches past its backing pages`);
    pages.push(pfn);
  }
  const len = min(at.size, nr * PAGE_SIZE - offset);
  return iov_iter_advance(d, it, len, ctx) ? { len, offset0: offset, pages } : null;
}

/**
 * Models iov_iter_extract_bvec_pages(): steps off a used-up current bvec first, then takes
 * single-page pieces across bvecs (bvec_iter_bvec) while they join up: it stops before a
 * piece that starts inside its page, after a piece that does not reach its page end, or at
 * `maxpages` (sized from the in-bvec skip, not the in-page offset).
 */
function extract_bvec_pages(d: World, it: IovIter, maxsize: number, maxpages: number, arr: PageArray, ctx: StepCtx): ExtractResult {
  if ((it.nr_segs ?? 0) === 0) return { len: 0, offset0: null, pages: [] };
  const cur = bvecAt(d, it.bvec ?? -1, arrayIndex(it), ctx, 'iov_iter_extract_bvec_pages');
  if (cur === null) return null;
  if (it.iov_offset === cur.len) {
    it.iov_offset = 0;
    it.nr_segs = (it.nr_segs ?? 0) - 1;
    it.bvec_index = arrayIndex(it) + 1;
  }
  const base = arrayIndex(it);
  const bi: BvecIterPos = { bi_idx: 0, bi_size: u32(maxsize, 'bi_size', ctx), bi_bvec_done: it.iov_offset };
  const nr = want_pages_array(maxsize, it.iov_offset, maxpages, arr, ctx);
  if (nr === 0) return -ENOMEM;
  const out: ExtractedPages = { len: 0, offset0: null, pages: [] };
  while (bi.bi_size !== 0 && bi.bi_idx < (it.nr_segs ?? 0)) {
    const el = bvecAt(d, it.bvec ?? -1, base + bi.bi_idx, ctx, 'iov_iter_extract_bvec_pages');
    if (el === null) return null;
    const piece = bvec_iter_bvec(el, bi, ctx);
    if (out.pages.length > 0 && piece.offset !== 0) break;
    if (out.pages.length === 0) out.offset0 = piece.offset;
    out.pages.push(piece.page);
    out.len += piece.len;
    if (out.pages.length >= nr || piece.offset + piece.len !== PAGE_SIZE) break;
    bi.bi_bvec_done = u32(bi.bi_bvec_done + piece.len, 'bi_bvec_done', ctx);
    if (bi.bi_bvec_done === el.len) {
      bi.bi_bvec_done = 0;
      bi.bi_idx += 1;
    }
    bi.bi_size = u32(bi.bi_size - piece.len, 'bi_size', ctx);
  }
  return iov_iter_advance(d, it, out.len, ctx) ? out : null;
}

/**
 * Models iov_iter_extract_pages(): `maxsize` is capped by `count` and MAX_RW_COUNT (0 returns
 * 0 and touches nothing), then the type's extractor runs; ITER_DISCARD has no pages
 * (-EFAULT). `maxpages` is an `unsigned int`.
 */
export function iov_iter_extract_pages(d: World, it: IovIter, maxsize: number, maxpages: number, arr: PageArray, ctx: StepCtx): ExtractResult {
  const size = min(min(maxsize, it.count), MAX_RW_COUNT);
  const pages = u32(maxpages, 'maxpages', ctx);
  if (size === 0) return { len: 0, offset0: null, pages: [] };
  switch (it.iter_type) {
    case 'ITER_UBUF':
      return extract_user_pages(d, it, size, pages, arr, ctx);
    case 'ITER_KVEC':
      return extract_kvec_pages(d, it, size, pages, arr, ctx);
    case 'ITER_BVEC':
      return extract_bvec_pages(d, it, size, pages, arr, ctx);
    case 'ITER_BVECQ':
      return iov_iter_extract_bvecq_pages(d, it, size, pages, arr, ctx);
    case 'ITER_DISCARD':
      return -EFAULT;
  }
}

/** Models iov_iter_extract_will_pin(): true only for user-backed iterators. */
export function iov_iter_extract_will_pin(it: IovIter): boolean {
  return it.iter_type === 'ITER_UBUF';
}
