/**
 * The end of a read subrequest's I/O and the lifetimes of subrequests and requests:
 * netfs_read_subreq_terminated() (fs/netfs/read_collect.c, netfs tree at 871d0fe2),
 * netfs_put_subrequest() and netfs_put_request() (fs/netfs/objects.c). A subrequest starts
 * with two references (the stream's list and the issuer); termination drops the issuer's, the
 * collector the list's. Freeing drops the references its positions hold.
 * Divergence: the collector is not woken through a workqueue but marked as queued
 * (`work_queued`); the simulator's collector actor runs it as a separate event.
 */
import type { StepCtx } from './ctx.ts';
import type { World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId, SubreqId } from './netfs_state.ts';
import { EIO, ENODATA } from './netfs_state.ts';
import { bvecq_pos_unset } from './bvecq_pos.ts';
import { bvecq_put } from './bvecq.ts';
import { min } from './kernel_int.ts';

/** The short-read and error assessment of netfs_read_subreq_terminated(). */
function assessShortOrError(r: NetfsRequest, s: NetfsSubrequest): void {
  const f = s.flags;
  if (s.error === 0 && s.transferred < s.len) {
    if (f.hit_eof || f.clear_tail || f.need_retry) {
      // Accepted as they are: the collector clears the tail or retries.
    } else if (f.made_progress) {
      f.need_retry = true;
    } else if (s.source === 'cache') {
      f.need_retry = true;
      s.error = -ENODATA;
    } else {
      f.failed = true;
      s.error = -ENODATA;
    }
  }
  if (f.need_retry) {
    r.flags.pause = true;
    return;
  }
  if (s.error < 0) {
    if (s.source === 'cache') f.need_retry = true;
    else f.failed = true;
    r.flags.pause = true;
  }
}

/**
 * Models netfs_read_subreq_terminated(): a subrequest that claims more than its length is
 * failed with -EIO ("netfs: Check for too much data being read"; mutant
 * `netfs_no_transferred_check` drops that check); a short read is accepted at EOF or with
 * CLEAR_TAIL, retried after progress or from the cache, else failed with -ENODATA; an error
 * retries a cache read and fails a server read. Then IN_PROGRESS is cleared, the collector
 * woken and the issuer's reference dropped. Terminating a subrequest that is no longer in
 * progress is `bug netfs.subreq_terminated_twice`: its references are already spoken for.
 */
export function netfs_read_subreq_terminated(d: World, id: SubreqId, s: NetfsSubrequest, ctx: StepCtx): boolean {
  if (!s.flags.in_progress) {
    ctx.bug('netfs.subreq_terminated_twice', `subreq ${id} terminated again after it stopped being in progress`);
    return false;
  }
  const r = d.rreqs[s.rreq];
  if (r === undefined || r.freed) {
    ctx.bug('rreq.use_after_free', `subreq ${id} terminated after its request ${s.rreq} was freed`);
    return false;
  }
  if (s.transferred > s.len && !ctx.mutant('netfs_no_transferred_check')) {
    s.transferred = 0;
    s.flags.failed = true;
    s.flags.need_retry = false;
    s.error = -EIO;
  }
  assessShortOrError(r, s);
  if (s.flags.hit_eof && s.error === 0) r.eof = min(r.eof, s.start + s.transferred);
  s.flags.in_progress = false;
  s.reply = null;
  r.work_queued = true;
  netfs_put_subrequest(d, id, s, ctx);
  return true;
}

/** netfs_put_subrequest(): drops a reference; at zero the positions are unset and the subrequest freed. */
export function netfs_put_subrequest(d: World, id: SubreqId, s: NetfsSubrequest, ctx: StepCtx): void {
  if (s.freed || s.ref <= 0) {
    ctx.bug('subreq.put_underflow', `netfs_put_subrequest on subreq ${id} with no reference left`);
    return;
  }
  s.ref -= 1;
  if (s.ref > 0) return;
  bvecq_pos_unset(d, s.dispatch_pos, ctx);
  bvecq_pos_unset(d, s.content, ctx);
  s.freed = true;
}

/**
 * netfs_put_request(): drops a reference; at zero any subrequests still listed are put, the
 * cursors unset and the rolling buffer cleared (its tail reference put, which frees the chain).
 */
export function netfs_put_request(d: World, id: RreqId, r: NetfsRequest, ctx: StepCtx): void {
  if (r.freed || r.ref <= 0) {
    ctx.bug('rreq.put_underflow', `netfs_put_request on rreq ${id} with no reference left`);
    return;
  }
  r.ref -= 1;
  if (r.ref > 0) return;
  for (const sid of r.stream.subrequests) {
    const s = d.subreqs[sid];
    if (s !== undefined && !s.freed) netfs_put_subrequest(d, sid, s, ctx);
  }
  r.stream.subrequests = [];
  bvecq_pos_unset(d, r.load_cursor, ctx);
  bvecq_pos_unset(d, r.collect_cursor, ctx);
  bvecq_pos_unset(d, r.retry_cursor, ctx);
  bvecq_pos_unset(d, r.stream.dispatch_cursor, ctx);
  if (r.cache_stream !== null) {
    for (const sid of r.cache_stream.subrequests) {
      const s = d.subreqs[sid];
      if (s !== undefined && !s.freed) netfs_put_subrequest(d, sid, s, ctx);
    }
    r.cache_stream.subrequests = [];
    bvecq_pos_unset(d, r.cache_stream.dispatch_cursor, ctx);
  }
  if (r.buffer !== null && r.buffer.tail !== null) {
    const tail = r.buffer.tail;
    r.buffer.tail = null;
    r.buffer.head = null;
    bvecq_put(d, tail, ctx);
  }
  r.freed = true;
}
