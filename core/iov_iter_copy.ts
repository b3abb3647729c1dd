/**
 * The byte movers of lib/iov_iter.c and include/linux/uio.h (dhowells linux-fs tree at
 * 04f0429e / 4e8d7654; REFERENCE §2.6): copy_to_iter(), copy_from_iter(), their `_full`
 * forms, iov_iter_zero(), copy_page_to_iter(), copy_page_from_iter() and
 * copy_folio_from_iter_atomic(). Each runs on iterate_and_advance(), so the iterator ends
 * where the kernel's copy leaves it; the bytes moved are provenance labels (core/data.ts), so
 * every byte keeps its origin. Kernel memory never faults; user memory stops a copy at its
 * first inaccessible byte.
 * Every copy is checked by `invariant data.misplaced` (invariants/data.ts).
 * Divergence: the user-copy fault injection (should_fail_usercopy) is not modelled, and
 * `nofault` changes nothing for a copy: a user page here is either mapped or faults for good.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { IovIter, IterId, KbufId, World } from './state.ts';
import type { DataPiece } from './data.ts';
import { iterate_and_advance } from './iov_iter_iterate.ts';
import { iov_iter_revert, lookupIter } from './iov_iter.ts';
import { kbufSpan, pageRangeSpans, readSpans, segmentSpans, writeSpans } from './iov_iter_mem.ts';
import { zeroPiece } from './data_pieces.ts';
import { checkPlacement, planPlacement, type KernelSide } from './invariants/data.ts';
import { folioAt } from './lookup.ts';
import { INT_MAX, min, PAGE_SIZE } from './kernel_int.ts';

export type IovIterCopyEvent =
  | { type: 'copy_to_iter'; iter: IterId; bytes: number; buf: KbufId; offset: number }
  | { type: 'copy_from_iter'; iter: IterId; bytes: number; buf: KbufId; offset: number }
  | { type: 'copy_to_iter_full'; iter: IterId; bytes: number; buf: KbufId; offset: number }
  | { type: 'copy_from_iter_full'; iter: IterId; bytes: number; buf: KbufId; offset: number }
  | { type: 'iov_iter_zero'; iter: IterId; bytes: number }
  | { type: 'copy_page_to_iter'; iter: IterId; page: number; offset: number; bytes: number }
  | { type: 'copy_page_from_iter'; iter: IterId; page: number; offset: number; bytes: number };

/** Reads `len` bytes of the kernel side at `progress`; null after a bug. */
type SideReader = (progress: number, len: number) => DataPiece[] | null;
/** Writes labels to the kernel side at `progress`; false after a bug. */
type SideWriter = (progress: number, pieces: DataPiece[]) => boolean;

/** The kernel side as the movers read and write it, from `from` bytes into it. */
function sideAccess(d: World, side: KernelSide, from: number, ctx: StepCtx): { read: SideReader; write: SideWriter } {
  const spans = (progress: number, len: number) => {
    const at = from + progress;
    if (side.kind === 'kbuf') {
      const s = kbufSpan(d, side.buf, side.offset + at, len, ctx);
      return s === null ? null : [s];
    }
    if (side.kind === 'page') return pageRangeSpans(d, side.pfn, side.offset + at, len, ctx);
    return [];
  };
  return {
    read(progress, len) {
      if (side.kind === 'zero') return [zeroPiece(len)];
      const s = spans(progress, len);
      return s === null ? null : readSpans(s);
    },
    write(progress, pieces) {
      let len = 0;
      for (const p of pieces) len += p.len;
      const s = spans(progress, len);
      if (s === null) return false;
      writeSpans(s, pieces);
      return true;
    },
  };
}

/**
 * iterate_and_advance() with the copy-out steps (memcpy_to_iter, copy_to_user_iter,
 * zero_to_iter, clear_user): each segment of the iterator receives the kernel side's bytes
 * from `progress` on. Returns the bytes moved, or null after a bug.
 */
function moveToIter(d: World, it: IovIter, bytes: number, read: SideReader, ctx: StepCtx): number | null {
  return iterate_and_advance(d, it, bytes, (seg, progress) => {
    const dst = segmentSpans(d, seg, ctx);
    if (dst === null) return seg.len;
    const pieces = read(progress, dst.ok);
    if (pieces === null) return seg.len;
    writeSpans(dst.spans, pieces);
    return seg.len - dst.ok;
  }, ctx);
}

/** iterate_and_advance() with the copy-in steps (memcpy_from_iter, copy_from_user_iter). */
function moveFromIter(d: World, it: IovIter, bytes: number, write: SideWriter, ctx: StepCtx): number | null {
  return iterate_and_advance(d, it, bytes, (seg, progress) => {
    const src = segmentSpans(d, seg, ctx);
    if (src === null) return seg.len;
    if (!write(progress, readSpans(src.spans))) return seg.len;
    return seg.len - src.ok;
  }, ctx);
}

/** Models _copy_to_iter(): WARN and 0 for a source iterator, else the copy-out walk. */
function _copy_to_iter(d: World, it: IovIter, bytes: number, read: SideReader, ctx: StepCtx): number | null {
  if (it.data_source) {
    ctx.warn('copy_to_iter.wrong_direction', `copy into an ITER_SOURCE iterator (${it.iter_type})`);
    return 0;
  }
  return moveToIter(d, it, bytes, read, ctx);
}

/** Models _copy_from_iter(): WARN and 0 for a destination iterator, else the copy-in walk. */
function _copy_from_iter(d: World, it: IovIter, bytes: number, write: SideWriter, ctx: StepCtx): number | null {
  if (!it.data_source) {
    ctx.warn('copy_from_iter.wrong_direction', `copy out of an ITER_DEST iterator (${it.iter_type})`);
    return 0;
  }
  return moveFromIter(d, it, bytes, write, ctx);
}

/**
 * The run-time half of check_copy_size() that every copy_{to,from}_iter() call makes: more
 * than INT_MAX bytes WARNs and copies nothing. (The object-size half needs a size the compiler
 * knows; an overrun of the kbuf shows up as `bug kbuf.out_of_bounds` when it happens.)
 */
function check_copy_size(bytes: number, ctx: StepCtx): boolean {
  if (bytes <= INT_MAX) return true;
  ctx.warn('check_copy_size.too_large', `copy of ${bytes} bytes > INT_MAX`);
  return false;
}

/** Runs `copy` between the data-placement plan and its check. */
function checked(d: World, id: IterId, it: IovIter, bytes: number, dir: 'to_iter' | 'from_iter', side: KernelSide, ctx: StepCtx, copy: () => number | null): number | null {
  // The placement check is a per-event check: it costs more than the copy it watches.
  if (ctx.opts.eventChecks === false) return copy();
  const plan = planPlacement(d, id, it, min(bytes, it.count), dir, side);
  const copied = copy();
  if (copied !== null) checkPlacement(d, plan, copied, ctx);
  return copied;
}

/** Models copy_to_iter(): `bytes` of the kernel side into the iterator; returns the count moved. */
export function copy_to_iter(d: World, id: IterId, it: IovIter, bytes: number, side: KernelSide, ctx: StepCtx): number | null {
  if (!check_copy_size(bytes, ctx)) return 0;
  return checked(d, id, it, bytes, 'to_iter', side, ctx, () => _copy_to_iter(d, it, bytes, sideAccess(d, side, 0, ctx).read, ctx));
}

/** Models copy_from_iter(): `bytes` of the iterator into the kernel side. */
export function copy_from_iter(d: World, id: IterId, it: IovIter, bytes: number, side: KernelSide, ctx: StepCtx): number | null {
  if (!check_copy_size(bytes, ctx)) return 0;
  return checked(d, id, it, bytes, 'from_iter', side, ctx, () => _copy_from_iter(d, it, bytes, sideAccess(d, side, 0, ctx).write, ctx));
}

/**
 * Models copy_to_iter_full() / copy_from_iter_full(): a short copy is reverted and the
 * answer is false. Returns null after a bug. The iterator is worked on as a detached copy and
 * only the fields that end up different are stored, so a copy that is undone entirely leaves
 * the state untouched (the same snapshot, as for any step that changes nothing).
 */
function copyFull(d: World, id: IterId, it: IovIter, bytes: number, copy: (scratch: IovIter) => number | null, ctx: StepCtx): boolean | null {
  const scratch: IovIter = { ...it };
  const copied = copy(scratch);
  const ok = copied === null ? null : copied === bytes ? true : iov_iter_revert(d, id, scratch, copied, ctx) ? false : null;
  // A plain store: Object.assign() of a computed-key object per field costs more than the copy.
  const into = it as unknown as Record<string, unknown>;
  for (const k of Object.keys(scratch) as (keyof IovIter)[]) {
    if (k !== 'origin' && scratch[k] !== it[k]) into[k] = scratch[k];
  }
  return ok;
}

/** Models iov_iter_zero(): zeroes into the iterator, with no direction check at all. */
export function iov_iter_zero(d: World, id: IterId, it: IovIter, bytes: number, ctx: StepCtx): number | null {
  const side: KernelSide = { kind: 'zero' };
  return checked(d, id, it, bytes, 'to_iter', side, ctx, () => moveToIter(d, it, bytes, sideAccess(d, side, 0, ctx).read, ctx));
}

/**
 * page_copy_sane(): the range must fit the compound page holding `pfn` (a page outside every
 * folio is a single page); otherwise WARN and copy nothing.
 */
function page_copy_sane(d: World, pfn: number, offset: number, n: number, ctx: StepCtx): boolean {
  const v = n + offset;
  if (v <= PAGE_SIZE) return true;
  const f = folioAt(d, pfn);
  const head = f === null ? pfn : f.pfn;
  const size = f === null ? PAGE_SIZE : PAGE_SIZE * 2 ** f.order;
  if (v + (pfn - head) * PAGE_SIZE <= size) return true;
  ctx.warn('page_copy_sane.out_of_range', `page ${pfn}: bytes [${offset}, ${v}) pass the end of its ${size}-byte compound page`);
  return false;
}

/**
 * The page-at-a-time loop of copy_page_to_iter() / copy_page_from_iter(): one
 * _copy_{to,from}_iter() call per page piece, stopping when all is done or a call moves
 * nothing; a short call is followed by another from where it stopped.
 */
function pageLoop(offset: number, bytes: number, call: (at: number, n: number) => number | null): number | null {
  let res = 0;
  let at = offset;
  for (let left = bytes; ; ) {
    const n = call(at, min(left, PAGE_SIZE - (at % PAGE_SIZE)));
    if (n === null) return null;
    res += n;
    left -= n;
    if (left === 0 || n === 0) return res;
    at += n;
  }
}

/**
 * Models copy_page_to_iter(): after page_copy_sane(), a WARN and 0 for a source iterator,
 * then the page loop.
 */
export function copy_page_to_iter(d: World, id: IterId, it: IovIter, pfn: number, offset: number, bytes: number, ctx: StepCtx): number | null {
  if (!page_copy_sane(d, pfn, offset, bytes, ctx)) return 0;
  if (it.data_source) {
    ctx.warn('copy_page_to_iter.wrong_direction', `copy into an ITER_SOURCE iterator (${it.iter_type})`);
    return 0;
  }
  const side: KernelSide = { kind: 'page', pfn, offset };
  return checked(d, id, it, bytes, 'to_iter', side, ctx, () =>
    pageLoop(offset, bytes, (at, n) => _copy_to_iter(d, it, n, sideAccess(d, side, at - offset, ctx).read, ctx)),
  );
}

/** Models copy_page_from_iter(): page_copy_sane(), then the page loop (each call checks the direction). */
export function copy_page_from_iter(d: World, id: IterId, it: IovIter, pfn: number, offset: number, bytes: number, ctx: StepCtx): number | null {
  if (!page_copy_sane(d, pfn, offset, bytes, ctx)) return 0;
  const side: KernelSide = { kind: 'page', pfn, offset };
  return checked(d, id, it, bytes, 'from_iter', side, ctx, () =>
    pageLoop(offset, bytes, (at, n) => _copy_from_iter(d, it, n, sideAccess(d, side, at - offset, ctx).write, ctx)),
  );
}

/**
 * Models copy_folio_from_iter_atomic(): page_copy_sane(), a WARN and 0 for a destination
 * iterator, then one copy-in walk with page faults disabled (HIGHMEM is off, so the folio is
 * mapped whole and one walk covers the range; a second pass after a short one would move 0).
 */
export function copy_folio_from_iter_atomic(d: World, id: IterId, it: IovIter, pfn: number, offset: number, bytes: number, ctx: StepCtx): number | null {
  if (!page_copy_sane(d, pfn, offset, bytes, ctx)) return 0;
  if (!it.data_source) {
    ctx.warn('copy_folio_from_iter_atomic.wrong_direction', `copy out of an ITER_DEST iterator (${it.iter_type})`);
    return 0;
  }
  const side: KernelSide = { kind: 'page', pfn, offset };
  return checked(d, id, it, bytes, 'from_iter', side, ctx, () => moveFromIter(d, it, bytes, sideAccess(d, side, 0, ctx).write, ctx));
}

/** The iterator and kbuf an event names, rejecting ids never created. */
function lookupBuf(d: World, e: { iter: IterId; buf: KbufId }, ctx: StepCtx): IovIter | null {
  const it = lookupIter(d, e.iter, ctx);
  if (it === null) return null;
  if (d.kbufs[e.buf] === undefined) return ctx.reject('buf', `kbuf ${e.buf} was never created`);
  ctx.touch('iter', e.iter);
  return it;
}

const kbufSide = (e: { buf: KbufId; offset: number }): KernelSide => ({ kind: 'kbuf', buf: e.buf, offset: e.offset });

export const iovIterCopyRecipes: RecipeTable<IovIterCopyEvent> = {
  copy_to_iter(d, e, ctx) {
    const it = lookupBuf(d, e, ctx);
    return it === null ? null : copy_to_iter(d, e.iter, it, e.bytes, kbufSide(e), ctx);
  },
  copy_from_iter(d, e, ctx) {
    const it = lookupBuf(d, e, ctx);
    return it === null ? null : copy_from_iter(d, e.iter, it, e.bytes, kbufSide(e), ctx);
  },
  copy_to_iter_full(d, e, ctx) {
    const it = lookupBuf(d, e, ctx);
    return it === null ? null : copyFull(d, e.iter, it, e.bytes, (s) => copy_to_iter(d, e.iter, s, e.bytes, kbufSide(e), ctx), ctx);
  },
  copy_from_iter_full(d, e, ctx) {
    const it = lookupBuf(d, e, ctx);
    return it === null ? null : copyFull(d, e.iter, it, e.bytes, (s) => copy_from_iter(d, e.iter, s, e.bytes, kbufSide(e), ctx), ctx);
  },
  iov_iter_zero(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    return iov_iter_zero(d, e.iter, it, e.bytes, ctx);
  },
  copy_page_to_iter(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    return copy_page_to_iter(d, e.iter, it, e.page, e.offset, e.bytes, ctx);
  },
  copy_page_from_iter(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    return copy_page_from_iter(d, e.iter, it, e.page, e.offset, e.bytes, ctx);
  },
};
