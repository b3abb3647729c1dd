/**
 * Starting a buffered read and dispatching its subrequests: netfs_readahead() and the loop of
 * netfs_read_to_pagecache() in fs/netfs/buffered_read.c (cursor design: netfs tree, RFC series
 * "netfs: Keep track of folios in a segmented bio_vec[] chain"; rolling design: as merged with
 * "netfs: Switch folioq to bvecq"). The cache occupancy the loop queries, the filesystem's
 * rsize and segment limit, allocation failures and a failure to send the RPC come in the event.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, FolioId, IterId, World } from './state.ts';
import type { NetfsDesign, NetfsOrigin, NetfsRequest, NetfsSource, NetfsSubrequest, RreqId, SubreqId } from './netfs_state.ts';
import { ENOMEM, newStream, newSubrequest, unsetPos } from './netfs_state.ts';
import { bvecq_load_from_ra, netfs_pos_set, netfs_prepare_cursor_buffer, netfs_prepare_read_iterator, netfs_iter_bvec_queue, sizeOrder } from './netfs_buffer.ts';
import { bvecq_pos_unset } from './bvecq_pos.ts';
import { bvecq_zero } from './bvecq_slice.ts';
import { iov_iter_zero } from './iov_iter_copy.ts';
import { min, PAGE_SIZE, UINT_MAX } from './kernel_int.ts';
import { netfs_read_subreq_terminated, netfs_put_subrequest } from './netfs_terminate.ts';

export interface NetfsReadaheadEvent {
  type: 'netfs_readahead';
  rreq: RreqId;
  design: NetfsDesign;
  ino: number;
  start: number;
  i_size: number;
  folios: FolioId[];
  bvecqs: BvecqId[];
  max_slots: number[];
  fail: boolean;
  iter: IterId | null;
}

export interface NetfsIssueReadEvent {
  type: 'netfs_issue_read';
  rreq: RreqId;
  subreq: SubreqId;
  iter: IterId;
  cached_from: number | null;
  cached_to: number | null;
  rsize: number;
  max_segs: number;
  send_error: number;
  fail: boolean;
}

export function newRequest(e: Pick<NetfsReadaheadEvent, 'design' | 'ino' | 'start' | 'i_size'>, len: number, origin: NetfsOrigin = 'readahead'): NetfsRequest {
  return {
    design: e.design,
    origin,
    ino: e.ino,
    start: e.start,
    len,
    i_size: e.i_size,
    submitted: e.start,
    collected_to: e.start,
    cleaned_to: e.start,
    abandon_to: 0,
    front_folio_order: 0,
    transferred: 0,
    error: 0,
    flags: { in_progress: true, all_queued: false, pause: false, failed: false, short_transfer: false, retrying: false },
    load_cursor: unsetPos(),
    collect_cursor: unsetPos(),
    retry_cursor: unsetPos(),
    retry_start: 0,
    retry_buffered: 0,
    stream: newStream(e.start),
    buffer: null,
    work_queued: false,
    ref: 2,
    freed: false,
    folios: [],
    eof: e.i_size,
    cache_stream: null,
    wdata: [],
    server_data: [],
    cache_data: [],
  };
}

/**
 * Models netfs_readahead() up to its dispatch loop: netfs_alloc_request() (one reference for
 * the caller, one for IN_PROGRESS), the load of the readahead folios (bvecq_load_from_ra, or the
 * rolling buffer's load and master iterator), the request's counters, and the prologue of
 * netfs_read_to_pagecache() (dispatch and collect cursors set from the load cursor). A load
 * failure frees the request (netfs_put_failed_request) and returns -ENOMEM; the readahead
 * folios stay locked for the caller (the page cache) to unlock.
 * Divergence: no expansion of the window, no cache begin, one folio per slot always.
 */
export function netfs_readahead(d: World, e: NetfsReadaheadEvent, ctx: StepCtx): number {
  let len = 0;
  for (const id of e.folios) len += PAGE_SIZE * 2 ** (d.folios[id]?.order ?? 0);
  const r = newRequest(e, len);
  d.rreqs[e.rreq] = r;
  if (e.fail) {
    r.flags.in_progress = false;
    r.ref = 0;
    r.freed = true;
    return -ENOMEM;
  }
  const chain = bvecq_load_from_ra(d, e.folios, e.bvecqs, e.max_slots, ctx);
  let pos = e.start;
  for (const id of e.folios) {
    const size = PAGE_SIZE * 2 ** (d.folios[id]?.order ?? 0);
    r.folios.push({ folio: id, pos, size });
    pos += size;
  }
  r.submitted = e.start + chain.added;
  r.front_folio_order = sizeOrder(r.folios[0]?.size ?? PAGE_SIZE);
  r.stream.issue_from = e.start;
  r.stream.buffered = chain.added;
  if (e.design === 'cursor') {
    r.load_cursor = { bvecq: chain.head, slot: 0, offset: 0 };
    netfs_pos_set(d, r.stream.dispatch_cursor, r.load_cursor, ctx);
    netfs_pos_set(d, r.collect_cursor, r.load_cursor, ctx);
  } else {
    const iter = e.iter ?? -1;
    r.buffer = { head: chain.last, tail: chain.head, iter, first_tail_slot: 0 };
    netfs_iter_bvec_queue(d, iter, { bvecq: chain.head, slot: 0, offset: 0 }, chain.added, ctx);
  }
  return chain.added;
}

/** The source and length the dispatch loop picks for the next subrequest. */
function chooseSource(r: NetfsRequest, e: NetfsIssueReadEvent): { source: NetfsSource; len: number } {
  const from = r.stream.issue_from;
  const stop = from + r.stream.buffered;
  const hole_to = e.cached_from ?? Number.MAX_SAFE_INTEGER;
  const cache_to = e.cached_to ?? Number.MAX_SAFE_INTEGER;
  if (e.cached_from !== null && from >= hole_to && from < cache_to) {
    const len = min(cache_to - from, r.stream.buffered);
    return { source: 'cache', len: Math.ceil(len / PAGE_SIZE) * PAGE_SIZE };
  }
  if (from >= r.i_size && from < stop) return { source: 'zero', len: r.stream.buffered };
  return { source: 'server', len: Math.max(0, min(min(r.i_size, stop), hole_to) - from) };
}

/** netfs_mark_read_submission(): queue the subrequest on the stream and note ALL_QUEUED. */
export function netfs_mark_read_submission(r: NetfsRequest, id: SubreqId, s: NetfsSubrequest): void {
  s.flags.in_progress = true;
  if (!r.stream.subrequests.includes(id)) {
    r.stream.subrequests.push(id);
    if (r.stream.subrequests.length === 1 && !r.stream.active) {
      r.stream.collected_to = s.start;
      r.stream.active = true;
    }
  }
  r.submitted += s.len;
  r.stream.issue_from = s.start + s.len;
  if (r.stream.buffered === 0) r.flags.all_queued = true;
}

/** The end of netfs_read_to_pagecache(): ALL_QUEUED if the loop broke early; the load and dispatch cursors are dropped. */
function endDispatch(d: World, r: NetfsRequest, ret: number, ctx: StepCtx): void {
  if (r.stream.buffered > 0) {
    r.flags.all_queued = true;
    r.work_queued = true;
  }
  if (r.error === 0) r.error = ret;
  bvecq_pos_unset(d, r.load_cursor, ctx);
  bvecq_pos_unset(d, r.stream.dispatch_cursor, ctx);
}

/**
 * The zero-fill branch of netfs_issue_read(): the range past the end of file is cleared in the
 * buffer and the subrequest terminates at once with everything transferred.
 */
function issueZero(d: World, r: NetfsRequest, id: SubreqId, s: NetfsSubrequest, ctx: StepCtx): boolean {
  r.stream.issue_from = s.start + s.len;
  r.stream.buffered = 0;
  netfs_mark_read_submission(r, id, s);
  if (r.design === 'cursor') {
    if (bvecq_zero(d, r.stream.dispatch_cursor, s.len, ctx) === null) return false;
  } else {
    if (netfs_prepare_read_iterator(d, r, s, UINT_MAX, ctx) === null) return false;
    const it = d.iters[s.io_iter];
    if (it === undefined || iov_iter_zero(d, s.io_iter, it, s.len, ctx) === null) return false;
  }
  s.transferred = s.len;
  s.error = 0;
  return netfs_read_subreq_terminated(d, id, s, ctx);
}

/**
 * The filesystem's ->issue_read() for a server or cache subrequest: the rsize limit (server
 * only), netfs_prepare_read_buffer() and netfs_mark_read_submission(). A failure to send the
 * RPC (`send_error`) makes the filesystem terminate the subrequest with that error; under
 * mutant `netfs_subreq_terminated_twice` its common exit path terminates it a second time, as
 * the ceph and nfs issue paths did (bvecq series v5 changelog).
 */
function issueToFs(d: World, r: NetfsRequest, id: SubreqId, s: NetfsSubrequest, e: NetfsIssueReadEvent, ctx: StepCtx): boolean {
  if (s.source === 'server') s.len = min(s.len, e.rsize);
  const got = r.design === 'cursor' ? netfs_prepare_cursor_buffer(d, s, r.stream.dispatch_cursor, e.max_segs, ctx) : netfs_prepare_read_iterator(d, r, s, e.max_segs, ctx);
  if (got === null) return false;
  r.stream.buffered -= s.len;
  netfs_mark_read_submission(r, id, s);
  if (e.send_error === 0) return true;
  s.error = -e.send_error;
  if (!netfs_read_subreq_terminated(d, id, s, ctx)) return false;
  if (ctx.mutant('netfs_subreq_terminated_twice')) return netfs_read_subreq_terminated(d, id, s, ctx);
  return true;
}

/**
 * Models one pass of the dispatch loop of netfs_read_to_pagecache(): netfs_alloc_subrequest()
 * (two references: the stream's list and the issuer), the choice of source from the cache
 * occupancy, then netfs_issue_read(). A failed allocation or a zero-length choice ends the
 * loop; so does running out of buffered data. Returns the subrequest's length or -ENOMEM.
 */
export function netfs_issue_read(d: World, r: NetfsRequest, e: NetfsIssueReadEvent, ctx: StepCtx): number | null {
  if (e.fail) {
    endDispatch(d, r, -ENOMEM, ctx);
    return -ENOMEM;
  }
  const { source, len } = chooseSource(r, e);
  const s = newSubrequest(e.rreq, source, r.stream.issue_from, e.iter);
  s.len = len;
  d.subreqs[e.subreq] = s;
  if (len === 0) {
    netfs_put_subrequest(d, e.subreq, s, ctx);
    netfs_put_subrequest(d, e.subreq, s, ctx);
    endDispatch(d, r, 0, ctx);
    return 0;
  }
  const ok = source === 'zero' ? issueZero(d, r, e.subreq, s, ctx) : issueToFs(d, r, e.subreq, s, e, ctx);
  if (!ok) return null;
  if (r.stream.buffered === 0) endDispatch(d, r, 0, ctx);
  return s.len;
}
