/**
 * The memory the byte movers touch, as provenance: a page's bytes live in its folio's `data`
 * at the page's offset in the folio, a kbuf's in its own `data`, user bytes in the user folios
 * through the user mapping. Touching a page whose folio was freed is a use after free
 * (`bug folio.use_after_free`), touching a freed kbuf likewise (`bug kbuf.use_after_free`),
 * and reaching past a kbuf's end an out-of-bounds access (`bug kbuf.out_of_bounds`). A page
 * outside every folio is external memory: it may be read and written, but its bytes are not
 * tracked (they read as unknown).
 */
import type { StepCtx } from './ctx.ts';
import type { DataRun, FolioId, World } from './state.ts';
import type { IterSegment } from './iov_iter_iterate.ts';
import { readData, type DataPiece } from './data.ts';
import { piecesLen, slicePieces, unknownPiece, writeDataIfChanged } from './data_pieces.ts';
import { folioOfPfn, ORDER_SPAN } from './lookup.ts';
import { kbufLive } from './iov_iter_kvec.ts';
import { userAccessible } from './user_mem.ts';
import { MAX_PAGE_ORDER, PAGE_SIZE } from './kernel_int.ts';

/** `len` bytes of one holder from `at`: its provenance runs, or null when untracked. */
export interface Span {
  runs: DataRun[] | null;
  at: number;
  len: number;
}

/** The freed folio whose pages include `pfn`, or null. */
function freedFolioOf(d: World, pfn: number): FolioId | null {
  for (let order = 0; order <= MAX_PAGE_ORDER; order++) {
    const id = d.pfn_folio[pfn - (pfn % (ORDER_SPAN[order] ?? 1))];
    const f = id === undefined ? undefined : d.folios[id];
    if (f !== undefined && f.order === order && f.freed) return id ?? null;
  }
  return null;
}

/** Bytes [offset, offset + len) of page `pfn` (within that page); null after a bug. */
export function pageSpan(d: World, pfn: number, offset: number, len: number, ctx: StepCtx): Span | null {
  const id = folioOfPfn(d, pfn);
  const f = id === null ? undefined : d.folios[id];
  if (f !== undefined) return { runs: f.data, at: (pfn - f.pfn) * PAGE_SIZE + offset, len };
  const freed = freedFolioOf(d, pfn);
  if (freed !== null) {
    ctx.bug('folio.use_after_free', `page ${pfn} of folio ${freed} accessed after the folio was freed (event ${ctx.i})`);
    return null;
  }
  return { runs: null, at: 0, len };
}

/** Bytes [offset, offset + len) of kbuf `buf` (known to exist); null after a bug. */
export function kbufSpan(d: World, buf: number, offset: number, len: number, ctx: StepCtx): Span | null {
  const b = kbufLive(d, buf, ctx);
  if (b === null) return null;
  if (offset + len > b.size) {
    ctx.bug('kbuf.out_of_bounds', `access to kbuf ${buf} bytes [${offset}, ${offset + len}) past its ${b.size}-byte end`);
    return null;
  }
  return { runs: b.data, at: offset, len };
}

/** The user bytes [uoff, uoff + len) (all accessible), page by page; null after a bug. */
function userSpans(d: World, uoff: number, len: number, ctx: StepCtx): Span[] | null {
  const spans: Span[] = [];
  for (let done = 0; done < len; ) {
    const u = uoff + done;
    const take = Math.min(len - done, PAGE_SIZE - (u % PAGE_SIZE));
    const pfn = d.user.pages[Math.floor(u / PAGE_SIZE)];
    if (pfn === undefined) throw new Error(`user offset ${u} was reported accessible but is unmapped`);
    const s = pageSpan(d, pfn, u % PAGE_SIZE, take, ctx);
    if (s === null) return null;
    spans.push(s);
    done += take;
  }
  return spans;
}

/**
 * The memory of one iterator segment: the spans a step may touch and how many of the
 * segment's bytes they cover (less than `len` only for user memory, which stops at the first
 * fault, byte-granular as raw_copy_{to,from}_user). Null after a bug.
 */
export function segmentSpans(d: World, seg: IterSegment, ctx: StepCtx): { spans: Span[]; ok: number } | null {
  if (seg.len === 0) return { spans: [], ok: 0 };
  switch (seg.kind) {
    case 'page': {
      if (seg.page === null) throw new Error('a NULL page reached a step: the walkers report it first');
      const s = pageSpan(d, seg.page, seg.offset, seg.len, ctx);
      return s === null ? null : { spans: [s], ok: seg.len };
    }
    case 'kbuf': {
      const s = kbufSpan(d, seg.buf, seg.offset, seg.len, ctx);
      return s === null ? null : { spans: [s], ok: seg.len };
    }
    case 'user': {
      const ok = userAccessible(d, seg.uoff, seg.len);
      const spans = userSpans(d, seg.uoff, ok, ctx);
      return spans === null ? null : { spans, ok };
    }
  }
}

/** The labels held by `spans`, in order; untracked memory reads as unknown. */
export function readSpans(spans: readonly Span[]): DataPiece[] {
  const out: DataPiece[] = [];
  for (const s of spans) {
    if (s.runs === null) out.push(unknownPiece(s.len));
    else if (spans.length === 1) return readData(s.runs, s.at, s.len);
    else for (const p of readData(s.runs, s.at, s.len)) out.push(p);
  }
  return out;
}

/** Writes `pieces` (as long as the spans together) across `spans`; untracked spans take nothing. */
export function writeSpans(spans: readonly Span[], pieces: readonly DataPiece[]): void {
  const only = spans.length === 1 ? spans[0] : undefined;
  // The usual case, one span taking all the pieces, needs no slice of them.
  if (only !== undefined && only.runs !== null && piecesLen(pieces) === only.len) {
    writeDataIfChanged(only.runs, only.at, pieces);
    return;
  }
  let pos = 0;
  for (const s of spans) {
    if (s.runs !== null) writeDataIfChanged(s.runs, s.at, slicePieces(pieces, pos, s.len));
    pos += s.len;
  }
}

/**
 * The spans of bytes [offset, offset + len) of a page range starting at page `pfn`, page by
 * page (`offset` may exceed a page, as with a compound page); null after a bug.
 */
export function pageRangeSpans(d: World, pfn: number, offset: number, len: number, ctx: StepCtx): Span[] | null {
  const spans: Span[] = [];
  for (let done = 0; done < len; ) {
    const at = offset + done;
    const take = Math.min(len - done, PAGE_SIZE - (at % PAGE_SIZE));
    const s = pageSpan(d, pfn + Math.floor(at / PAGE_SIZE), at % PAGE_SIZE, take, ctx);
    if (s === null) return null;
    spans.push(s);
    done += take;
  }
  return spans;
}
