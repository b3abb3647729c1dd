/**
 * Unbuffered and DIO writes: netfs_unbuffered_write_iter_locked() and the dispatch loop of
 * netfs_unbuffered_write() (fs/netfs/direct_write.c; cursor design: netfs tree, RFC series
 * "netfs: Keep track of folios in a segmented bio_vec[] chain"; rolling design: as merged with
 * "netfs: Switch folioq to bvecq"; REFERENCE §2.12). The caller's iterator is extracted into a
 * bvecq chain up front; subrequests are then issued strictly in file order, one at a time: the
 * issuer waits (NETFS_RREQ_PAUSE here) until the subrequest it issued has been collected
 * before it issues the next ("netfs: Fix unbuffered/DIO writes to dispatch subrequests in
 * strict sequence", the first patch of the RFC series). Mutant `netfs_dio_write_out_of_order`
 * restores the loop before that fix, which issued the next subrequest without waiting.
 * Divergence: the wait is the PAUSE flag the actor waits on rather than a sleep in the loop,
 * and the collection the issuer does after each subrequest is the collector's work item.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, IovIter, IterId, World } from './state.ts';
import type { NetfsDesign, NetfsRequest, RreqId, SubreqId } from './netfs_state.ts';
import { newSubrequest } from './netfs_state.ts';
import { newRequest, netfs_mark_read_submission } from './netfs_dispatch.ts';
import { netfs_iter_bvec_queue, netfs_pos_set, netfs_prepare_cursor_buffer, netfs_prepare_read_iterator, WRITE } from './netfs_buffer.ts';
import { netfs_extract_iter } from './netfs_extract.ts';
import { netfs_write_subrequest_terminated } from './netfs_write_terminate.ts';
import { bvecq_pos_unset } from './bvecq_pos.ts';
import { min } from './kernel_int.ts';

export interface NetfsUnbufferedWriteEvent {
  type: 'netfs_unbuffered_write';
  wreq: RreqId;
  design: NetfsDesign;
  ino: number;
  start: number;
  source: IterId;
  bvecqs: BvecqId[];
  max_slots: number;
  iter: IterId | null;
}

export interface NetfsIssueWriteEvent {
  type: 'netfs_issue_write';
  wreq: RreqId;
  stream: number;
  subreq: SubreqId;
  iter: IterId;
  wsize: number;
  max_segs: number;
  send_error: number;
}

/**
 * Models the set-up of netfs_unbuffered_write_iter_locked(): netfs_create_write_req() (two
 * references: the caller's and IN_PROGRESS), netfs_extract_iter() of the whole source, and the
 * stream's dispatch point at the start. The cursor design sets the load, dispatch and collect
 * cursors on the chain head; the rolling design makes the chain its buffer, with a master
 * ITER_BVECQ source iterator over it. Returns the bytes extracted, or the error (request freed).
 */
export function netfs_unbuffered_write(d: World, e: NetfsUnbufferedWriteEvent, it: IovIter, ctx: StepCtx): number | null {
  const len = it.count;
  const r = newRequest({ design: e.design, ino: e.ino, start: e.start, i_size: e.start + len }, len, 'unbuffered_write');
  d.rreqs[e.wreq] = r;
  ctx.touch('iter', e.source);
  const chain = netfs_extract_iter(d, it, len, e.bvecqs, e.max_slots, e.start, r.wdata, ctx);
  if (chain === null) return null;
  if (typeof chain === 'number') {
    r.flags.in_progress = false;
    r.ref = 0;
    r.freed = true;
    return chain;
  }
  r.len = chain.added;
  r.i_size = e.start + chain.added;
  r.eof = r.i_size;
  r.stream.buffered = chain.added;
  const head = { bvecq: chain.head, slot: 0, offset: 0 };
  if (e.design === 'cursor') {
    r.load_cursor = head;
    if (!netfs_pos_set(d, r.stream.dispatch_cursor, r.load_cursor, ctx)) return null;
    if (!netfs_pos_set(d, r.collect_cursor, r.load_cursor, ctx)) return null;
  } else {
    const iter = e.iter ?? -1;
    r.buffer = { head: chain.last, tail: chain.head, iter, first_tail_slot: 0 };
    netfs_iter_bvec_queue(d, iter, head, chain.added, ctx, WRITE);
  }
  return chain.added;
}

/**
 * The end of the dispatch loop: everything is queued, the load and dispatch cursors are dropped.
 * No collection is queued here: the last subrequest's termination queues it, and a failure is
 * found by the collector itself.
 */
export function netfs_end_write_dispatch(d: World, r: NetfsRequest, ctx: StepCtx): void {
  r.flags.all_queued = true;
  bvecq_pos_unset(d, r.load_cursor, ctx);
  bvecq_pos_unset(d, r.stream.dispatch_cursor, ctx);
}

/**
 * Models one pass of the dispatch loop of netfs_unbuffered_write(): a subrequest at the
 * dispatch point, limited by the filesystem's `wsize` and `max_segs` (->prepare_write), given
 * its slice (cursor: `dispatch_pos`/`content` cut from the dispatch cursor; rolling: a copy of
 * the master iterator truncated to it) and issued; the issuer then pauses until it is
 * collected. While an earlier subrequest is still uncollected, the pass issues nothing and
 * returns 0: the issuer is asleep waiting for it. Under `netfs_dio_write_out_of_order` the
 * pass issues anyway, which is `netfs.dio_write_out_of_order`: pieces may land out of order,
 * and an error then leaves a hole before data already written. A failure to send terminates
 * the subrequest with that error. Returns the subrequest's length.
 */
export function netfs_issue_write(d: World, rid: RreqId, r: NetfsRequest, e: NetfsIssueWriteEvent, ctx: StepCtx): number | null {
  const pending = r.stream.subrequests[0];
  const strict = !ctx.mutant('netfs_dio_write_out_of_order');
  if (pending !== undefined) {
    if (strict) return 0;
    const p = d.subreqs[pending];
    ctx.invariant('netfs.dio_write_out_of_order', `wreq ${rid}: subreq ${e.subreq} issued at ${r.stream.issue_from} while subreq ${pending} (file ${p?.start ?? '?'}..${(p?.start ?? 0) + (p?.len ?? 0)}) is not yet collected`);
  }
  const s = newSubrequest(rid, 'server', r.stream.issue_from, e.iter);
  s.len = min(r.stream.buffered, e.wsize);
  d.subreqs[e.subreq] = s;
  const got = r.design === 'cursor' ? netfs_prepare_cursor_buffer(d, s, r.stream.dispatch_cursor, e.max_segs, ctx, WRITE) : netfs_prepare_read_iterator(d, r, s, e.max_segs, ctx);
  if (got === null) return null;
  r.stream.buffered -= s.len;
  netfs_mark_read_submission(r, e.subreq, s);
  if (strict) r.flags.pause = true;
  if (r.stream.buffered === 0) netfs_end_write_dispatch(d, r, ctx);
  if (e.send_error !== 0 && !netfs_write_subrequest_terminated(d, e.subreq, s, 0, e.send_error, ctx)) return null;
  return s.len;
}
