/**
 * The flat view of an iterator's window for the data-placement checker (SPEC §3
 * `data.misplaced`). It deliberately shares no code with the iterator walkers: it lays the
 * window out as it was set up (from `origin`), as one straight line of bytes, and answers
 * "which physical bytes are logical positions [from, from + len)". Walks over published slots
 * only, never mutate anything and report nothing; where the window as set up can no longer be
 * read (a node gone from the table, an unnormalised start) the answer is null and the checker
 * abstains.
 */
import type { IovIter, World } from '../state.ts';
import { PAGE_SIZE } from '../kernel_int.ts';

/** Where a run of window bytes lives: part of one page, of one kbuf. */
export type WindowWhere = { kind: 'page'; pfn: number; offset: number } | { kind: 'kbuf'; buf: number; offset: number };

/** `len` window bytes from logical position `logical`, all in one place. */
export interface WindowPart {
  logical: number;
  len: number;
  where: WindowWhere;
}

/** Parts collected so far for the logical range [from, end); `pos` is where the walk is. */
interface Clip {
  readonly parts: WindowPart[];
  pos: number;
  readonly from: number;
  readonly end: number;
}

const done = (c: Clip): boolean => c.pos >= c.end;

/**
 * Moves `pos` over `len` window bytes; returns where the part inside the range starts in
 * them, or -1 when none is (its end is `clipEnd`). No callback: it runs for every element.
 */
function span(c: Clip, len: number): number {
  const lo = Math.max(c.from, c.pos) - c.pos;
  const hi = Math.min(c.end, c.pos + len) - c.pos;
  c.pos += len;
  return hi > lo ? lo : -1;
}

/** The end, in the bytes just spanned, of the part inside the range (after a span() that found one). */
function clipEnd(c: Clip, len: number): number {
  return Math.min(c.end, c.pos) - (c.pos - len);
}

/** Lays `len` bytes of a page range (starting `offset` bytes into page `page`), page by page. */
function clipPages(c: Clip, page: number, offset: number, len: number): void {
  const lo = span(c, len);
  if (lo < 0) return;
  let at = offset + lo;
  let logical = c.pos - len + lo;
  for (let left = clipEnd(c, len) - lo; left > 0; ) {
    const take = Math.min(left, PAGE_SIZE - (at % PAGE_SIZE));
    c.parts.push({ logical, len: take, where: { kind: 'page', pfn: page + Math.floor(at / PAGE_SIZE), offset: at % PAGE_SIZE } });
    at += take;
    left -= take;
    logical += take;
  }
}

/** Lays `len` bytes of kbuf `buf` from `offset`. */
function clipKbuf(c: Clip, buf: number, offset: number, len: number): void {
  const lo = span(c, len);
  if (lo >= 0) c.parts.push({ logical: c.pos - len + lo, len: clipEnd(c, len) - lo, where: { kind: 'kbuf', buf, offset: offset + lo } });
}

/** ITER_BVEC and ITER_KVEC: elements from the origin index to the (fixed) window end. */
function arrayWindow(d: World, it: IovIter, clip: Clip): boolean {
  const bvec = it.iter_type === 'ITER_BVEC';
  const elems = bvec ? d.bvecs[it.bvec ?? -1]?.bv : d.kvecs[it.kvec ?? -1]?.iov;
  if (elems === undefined) return false;
  const end = ((bvec ? it.bvec_index : it.kvec_index) ?? 0) + (it.nr_segs ?? 0);
  for (let k = it.origin.index; k < end && !done(clip); k++) {
    const el = elems[k];
    if (el === undefined) return true;
    if ('buf' in el) clipKbuf(clip, el.buf, el.offset, el.len);
    else if (!pageRun(clip, el.page, el.offset, el.len)) return true;
  }
  return true;
}

/** Lays one bio_vec; false when it names no page for its bytes (the window ends there). */
function pageRun(clip: Clip, page: number | null, offset: number, len: number): boolean {
  if (page === null) return len === 0;
  clipPages(clip, page, offset, len);
  return true;
}

/**
 * ITER_BVECQ: published slots from the origin on, node after node along `next`. The origin
 * offset applies to the first published slot at or after the origin slot, as the kernel's
 * walkers carry an in-slot offset across a node hop.
 */
function bvecqWindow(d: World, it: IovIter, clip: Clip): boolean {
  let id = it.origin.bvecq;
  let slot = it.origin.index;
  let skip = it.origin.offset;
  // A looping chain is reported by the walkers; here it only has to end the layout. Counting
  // the table is linear in every node ever made, so only a long walk pays for it.
  let nodesMax = Infinity;
  for (let hops = 0; id !== null && !done(clip); hops++) {
    if (hops === 64) nodesMax = Object.keys(d.bvecqs).length;
    const q = d.bvecqs[id];
    if (q === undefined || hops > nodesMax) return false;
    for (; slot < q.nr_slots && !done(clip); slot++) {
      const bv = q.bv[slot];
      if (bv === undefined || skip > bv.len) return false;
      if (!pageRun(clip, bv.page, bv.offset + skip, bv.len - skip)) return true;
      skip = 0;
    }
    id = q.next;
    slot = 0;
  }
  return true;
}

/** ITER_UBUF: user pages from `ubuf`, up to the first unmapped page or faulting byte. */
function ubufWindow(d: World, it: IovIter, clip: Clip): boolean {
  const base = it.ubuf ?? 0;
  const limit = d.user.fault === null ? Infinity : d.user.fault - base;
  while (!done(clip) && clip.pos < limit) {
    const u = base + clip.pos;
    const pfn = d.user.pages[Math.floor(u / PAGE_SIZE)];
    if (pfn === undefined) break;
    clipPages(clip, pfn, u % PAGE_SIZE, Math.min(PAGE_SIZE - (u % PAGE_SIZE), limit - clip.pos));
  }
  return true;
}

/**
 * The window parts holding logical bytes [from, from + len), in order; they stop early where
 * the window does. Null when the checker must abstain: a negative position (an over-revert,
 * reported on its own), ITER_DISCARD (nothing lands anywhere), or a window that can no longer
 * be laid out.
 */
export function flatWindow(d: World, it: IovIter, from: number, len: number): WindowPart[] | null {
  if (from < 0) return null;
  const clip: Clip = { parts: [], pos: 0, from, end: from + len };
  let ok: boolean;
  switch (it.iter_type) {
    case 'ITER_BVEC':
    case 'ITER_KVEC':
      ok = arrayWindow(d, it, clip);
      break;
    case 'ITER_BVECQ':
      ok = bvecqWindow(d, it, clip);
      break;
    case 'ITER_UBUF':
      ok = ubufWindow(d, it, clip);
      break;
    case 'ITER_DISCARD':
      ok = false;
      break;
  }
  return ok ? clip.parts : null;
}
