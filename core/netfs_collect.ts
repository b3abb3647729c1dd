/**
 * Read collection: netfs_read_unlock_folios(), netfs_clear_unread(), netfs_collect_read_results()
 * and netfs_read_collection() (fs/netfs/read_collect.c; cursor design at 871d0fe2, rolling design
 * as merged with "netfs: Switch folioq to bvecq"). The collector works strictly from the front of
 * the stream: it raises `collected_to` to the front's `start + transferred`, clears the tail of a
 * finished short read at EOF, unlocks folios that are wholly collected in file order, removes
 * finished fronts, stalls at one still in progress and hands a NEED_RETRY front to retry.
 * Divergence: notes the read path does not use (COPY_TO_CACHE, the pgpriv2 path, decryption)
 * are left out, and retry is a separate event (netfs_retry_reads) run once no subrequest is in
 * progress, which is what the kernel's collector waits for before retrying.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, IovIter, World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId } from './netfs_state.ts';
import { listSubreq } from './netfs_state.ts';
import { netfs_unlock_read_folio, netfs_unlock_abandoned_read_pages, slotFolio } from './netfs_unlock.ts';
import { netfs_put_request, netfs_put_subrequest } from './netfs_terminate.ts';
import { rolling_buffer_delete_spent } from './netfs_buffer.ts';
import { netfs_reset_iter, stackBvecqIter, STACK_ITER } from './netfs_iter.ts';
import { bvecq_pos_move, liveNode, readSlot } from './bvecq_pos.ts';
import { bvecq_delete_spent } from './bvecq_buffer.ts';
import { iov_iter_advance } from './iov_iter.ts';
import { iov_iter_zero } from './iov_iter_copy.ts';
import { PAGE_SIZE } from './kernel_int.ts';
import { netfs_dio_read_complete } from './netfs_direct_read.ts';

/**
 * One folio step of the unlock walk: `wait` if the folio is not wholly collected (the walk
 * stops on it), `more` once unlocked, `last` once unlocked when it reaches `collected_to`.
 */
function unlockStep(d: World, rid: RreqId, r: NetfsRequest, bq: BvecqId, slot: number, ctx: StepCtx): 'wait' | 'more' | 'last' | null {
  const q = liveNode(d, bq, ctx, 'netfs_read_unlock_folios');
  const bv = q === null ? null : readSlot(q, bq, slot, ctx, 'netfs_read_unlock_folios');
  if (bv === null) return null;
  const id = slotFolio(d, r, bv.page, ctx);
  const lf = id === null ? undefined : r.folios.find((f) => f.folio === id);
  if (id === null || lf === undefined) return null;
  r.front_folio_order = folioOrder(lf.size);
  const fend = lf.pos + lf.size;
  // The mutant unlocks a folio as soon as its first byte is collected.
  const limit = ctx.mutant('netfs_unlock_uncollected_folio') ? lf.pos + 1 : fend;
  if (r.collected_to < limit) return 'wait';
  if (!netfs_unlock_read_folio(d, rid, r, id, 'collected', ctx)) return null;
  bv.page = null;
  ctx.touch('bvecq', bq);
  r.cleaned_to = fend;
  return fend >= r.collected_to ? 'last' : 'more';
}

function folioOrder(size: number): number {
  let order = 0;
  while (PAGE_SIZE * 2 ** order < size) order++;
  return order;
}

/**
 * Cursor design: walks from `collect_cursor`, deleting spent nodes with bvecq_delete_spent()
 * (never the last) and re-reading the slot from the cursor afterwards; under mutant
 * `netfs_collect_stale_slot` the caller keeps its old slot number, the bug "callers of
 * bvecq_delete_spent not updating the slot" of the bvecq series v5 changelog.
 */
function unlockCursor(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): boolean {
  let bq = r.collect_cursor.bvecq;
  let slot = r.collect_cursor.slot;
  if (bq === null) throw new Error(`rreq ${rid}: collecting without a collect cursor`);
  for (let n = 0; ; n++) {
    if (n > r.folios.length * 2 + 2) throw new Error('netfs_read_unlock_folios: walk without end');
    const q = liveNode(d, bq, ctx, 'netfs_read_unlock_folios');
    if (q === null) return false;
    if (slot >= q.nr_slots) {
      r.collect_cursor.slot = slot;
      const more = bvecq_delete_spent(d, r.collect_cursor, ctx);
      if (more === null) return false;
      if (!more) {
        r.front_folio_order = 0;
        return true;
      }
      bq = r.collect_cursor.bvecq ?? bq;
      if (!ctx.mutant('netfs_collect_stale_slot')) slot = r.collect_cursor.slot;
    }
    const step = unlockStep(d, rid, r, bq, slot, ctx);
    if (step === null) return false;
    if (step === 'wait') break;
    slot++;
    if (step === 'last') break;
  }
  if (!bvecq_pos_move(d, r.collect_cursor, bq, ctx)) return false;
  r.collect_cursor.slot = slot;
  return true;
}

/**
 * Rolling design: walks from the buffer's tail at `first_tail_slot`; a node is deleted with
 * rolling_buffer_delete_spent() as soon as its last folio is unlocked (never the last node).
 */
function unlockRolling(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): boolean {
  const buf = r.buffer;
  if (buf === null || buf.tail === null) throw new Error(`rreq ${rid}: collecting without a rolling buffer`);
  let bq: BvecqId = buf.tail;
  let slot = buf.first_tail_slot;
  const spent = (): 'gone' | 'next' | null => {
    const next = rolling_buffer_delete_spent(d, r, ctx);
    if (next === null) return null;
    if (next === 'last') return 'gone';
    bq = next;
    slot = 0;
    return 'next';
  };
  const q0 = liveNode(d, bq, ctx, 'netfs_read_unlock_folios');
  if (q0 === null) return false;
  if (slot >= q0.nr_slots) {
    const s = spent();
    if (s !== 'next') {
      r.front_folio_order = 0;
      return s !== null;
    }
  }
  for (let n = 0; ; n++) {
    if (n > r.folios.length + 2) throw new Error('netfs_read_unlock_folios: walk without end');
    const step = unlockStep(d, rid, r, bq, slot, ctx);
    if (step === null) return false;
    if (step === 'wait') break;
    slot++;
    const q = liveNode(d, bq, ctx, 'netfs_read_unlock_folios');
    if (q === null) return false;
    if (slot >= q.nr_slots) {
      const s = spent();
      if (s === null) return false;
      if (s === 'gone') break;
    }
    if (step === 'last') break;
  }
  buf.first_tail_slot = slot;
  return true;
}

/** netfs_read_unlock_folios(): nothing to do unless something past `cleaned_to` was collected. */
function netfs_read_unlock_folios(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): boolean {
  if (r.cleaned_to >= r.collected_to) return true;
  return r.design === 'cursor' ? unlockCursor(d, rid, r, ctx) : unlockRolling(d, rid, r, ctx);
}

/**
 * netfs_clear_unread(): zeroes the untransferred tail of a short read. Cursor design: a local
 * iterator over `content`, advanced by `transferred`; rolling design: the subrequest's own
 * `io_iter` after netfs_reset_iter(). HIT_EOF is set if the read reached the end of file.
 */
function netfs_clear_unread(d: World, r: NetfsRequest, s: NetfsSubrequest, ctx: StepCtx): boolean {
  if (r.design === 'cursor') {
    const it: IovIter = stackBvecqIter(s.content, s.len);
    if (!iov_iter_advance(d, it, s.transferred, ctx)) return false;
    if (iov_iter_zero(d, STACK_ITER, it, s.len, ctx) === null) return false;
  } else {
    if (!netfs_reset_iter(d, s, ctx)) return false;
    const it = d.iters[s.io_iter];
    if (it === undefined || iov_iter_zero(d, s.io_iter, it, it.count, ctx) === null) return false;
  }
  if (s.start + s.transferred >= r.i_size) s.flags.hit_eof = true;
  return true;
}

/** What one pass over the fronts found (the kernel's `notes`). */
interface Notes {
  hit_pending: boolean;
  made_progress: boolean;
  need_retry: boolean;
}

/**
 * Collects one front subrequest: clears a finished short tail, raises `collected_to`, abandons
 * a failed range, unlocks what is now wholly collected. Returns whether the front is done with
 * (false: stalled in progress or waiting for retry), or null after a bug.
 */
function collectFront(d: World, rid: RreqId, r: NetfsRequest, s: NetfsSubrequest, notes: Notes, ctx: StepCtx): boolean | null {
  const stream = r.stream;
  if (stream.collected_to < s.start) stream.collected_to = s.start;
  notes.hit_pending = s.flags.in_progress;
  let transferred = s.transferred;
  const fsize = PAGE_SIZE * 2 ** r.front_folio_order;
  if (!notes.hit_pending && s.error === 0 && transferred < s.len && (s.flags.hit_eof || s.flags.clear_tail)) {
    if (!netfs_clear_unread(d, r, s, ctx)) return null;
    transferred = s.transferred = s.len;
  }
  if (!notes.hit_pending && transferred > s.len) {
    ctx.invariant('netfs.transferred_exceeds_len', `rreq ${rid}: front subreq at ${s.start} claims ${transferred} of ${s.len} byte(s)`);
  }
  stream.collected_to = s.start + transferred;
  r.collected_to = stream.collected_to;
  if (s.flags.failed) {
    r.abandon_to = s.start + s.len;
    transferred = s.transferred = s.len;
  }
  // A DIO read's buffer is the caller's pages: there is no folio to unlock.
  if (r.origin === 'readahead' && s.start + transferred >= r.cleaned_to + fsize && !netfs_read_unlock_folios(d, rid, r, ctx)) return null;
  if (notes.hit_pending) return false;
  if (s.flags.failed) {
    if (!stream.failed) {
      stream.error = s.error;
      r.error = s.error;
      r.flags.failed = true;
      stream.failed = true;
    }
  } else if (s.flags.need_retry) {
    stream.need_retry = true;
    notes.need_retry = true;
    notes.made_progress = true;
    return false;
  } else if (!r.flags.short_transfer) {
    // The fronts are contiguous from the request's start, so what was transferred is where
    // this one ends; counted so, the bytes a retried subrequest was rebased past (cursor
    // design) are not lost from a DIO read's result.
    if (!stream.failed) stream.transferred = s.start + transferred - r.start;
    if (s.transferred < s.len) r.flags.short_transfer = true;
  }
  notes.made_progress = true;
  return true;
}

/**
 * Models netfs_collect_read_results(): collects fronts until one stalls, reassessing while
 * progress is made. Returns `retry` when a NEED_RETRY front was reached, or null after a bug.
 */
function netfs_collect_read_results(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): 'done' | 'retry' | null {
  for (let pass = 0; ; pass++) {
    if (pass > r.stream.subrequests.length + r.folios.length + 4) throw new Error('netfs_collect_read_results: no end to reassessing');
    const notes: Notes = { hit_pending: false, made_progress: false, need_retry: false };
    for (;;) {
      const front = r.stream.subrequests[0];
      if (front === undefined) break;
      const s = listSubreq(d, front, ctx);
      if (s === null) return null;
      const done = collectFront(d, rid, r, s, notes, ctx);
      if (done === null) return null;
      if (!done) break;
      r.stream.subrequests.shift();
      netfs_put_subrequest(d, front, s, ctx);
    }
    if (notes.need_retry) return 'retry';
    if (!notes.made_progress) return 'done';
    r.flags.pause = false;
  }
}

/**
 * Models the collection work item (netfs_read_collection_worker() and netfs_read_collection()):
 * nothing once the request is complete; otherwise collect, and when everything was queued and
 * the stream is empty, complete the request: transferred is the stream's, abandoned folios are
 * unlocked, IN_PROGRESS is cleared and its reference put. A NEED_RETRY front sets RETRYING;
 * the work item then waits for netfs_retry_reads. Returns whether the request completed.
 */
export function netfs_read_collection(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): boolean | null {
  if (r.flags.retrying) return false;
  r.work_queued = false;
  if (!r.flags.in_progress) return false;
  const res = netfs_collect_read_results(d, rid, r, ctx);
  if (res === null) return null;
  if (res === 'retry') {
    r.flags.retrying = true;
    return false;
  }
  if (!r.flags.all_queued || r.stream.subrequests.length > 0) return false;
  if (r.origin === 'dio_read') {
    netfs_dio_read_complete(d, rid, r, ctx);
  } else {
    r.transferred = r.stream.transferred;
    netfs_unlock_abandoned_read_pages(d, rid, r, ctx);
  }
  r.flags.in_progress = false;
  netfs_put_request(d, rid, r, ctx);
  return true;
}
