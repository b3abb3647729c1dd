/**
 * Retrying unbuffered/DIO write subrequests: the retry branch of netfs_unbuffered_write()
 * (fs/netfs/direct_write.c) and netfs_reissue_write() (fs/netfs/write_issue.c); cursor design
 * from the netfs tree (RFC series), rolling design as merged with "netfs: Switch folioq to
 * bvecq"; REFERENCE §2.12. A short or -EAGAIN subrequest is reissued for what it has not yet
 * written: what it did write counts for the request, and the dispatch point moves back to its
 * start plus what it transferred (cursor: its `dispatch_pos` is transferred into the request's
 * dispatch cursor and advanced by `transferred`; rolling: its `io_iter` is brought back to the
 * remainder with netfs_reset_iter()). netfs_reissue_write() then gives it a fresh slice: the
 * old `content` is unset before the new one is set; mutant `netfs_reissue_write_content_leak`
 * sets it without unsetting it first, the reference leak of the bvecq series v5 changelog.
 * A subrequest that is not the last one issued (only with `netfs_dio_write_out_of_order`, the
 * loop before strict sequencing) is reissued in place from a retry cursor, leaving the
 * dispatch point where it is, as netfs_retry_writes() did.
 * Divergence: the subrequest is rebased (start moves to start + transferred, transferred to 0)
 * rather than keeping its partial count, which the request takes at once.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqPos, World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId } from './netfs_state.ts';
import { listSubreq, streamOf } from './netfs_state.ts';
import { netfs_iter_bvec_queue, netfs_iter_copy_of, netfs_pos_set, netfs_pos_transfer, WRITE } from './netfs_buffer.ts';
import { netfs_reset_iter } from './netfs_iter.ts';
import { netfs_collect_written } from './netfs_write_collect.ts';
import { bvecq_pos_unset } from './bvecq_pos.ts';
import { bvecq_pos_advance, bvecq_slice } from './bvecq_slice.ts';

function hadBug(ctx: StepCtx): boolean {
  return ctx.findings.some((f) => f.kind === 'bug');
}

/**
 * Cursor design: brings `from` to the subrequest's start + transferred (taking over its
 * `dispatch_pos` reference), then netfs_reissue_write()'s re-slice of the remainder into the
 * subrequest's `dispatch_pos` and `content`, leaving `from` past it.
 */
function reissueCursor(d: World, s: NetfsSubrequest, from: BvecqPos, done: number, ctx: StepCtx): boolean {
  bvecq_pos_unset(d, from, ctx);
  netfs_pos_transfer(from, s.dispatch_pos);
  bvecq_pos_advance(d, from, done, ctx);
  if (hadBug(ctx)) return false;
  if (!ctx.mutant('netfs_reissue_write_content_leak')) bvecq_pos_unset(d, s.content, ctx);
  if (!netfs_pos_set(d, s.dispatch_pos, from, ctx)) return false;
  if (!netfs_pos_set(d, s.content, s.dispatch_pos, ctx)) return false;
  const cut = bvecq_slice(d, from, s.len, s.nr_segs, ctx);
  if (cut === null) return false;
  if (cut.size < s.len) s.len = cut.size;
  netfs_iter_bvec_queue(d, s.io_iter, s.content, s.len, ctx, WRITE);
  return true;
}

/**
 * Reissues NEED_RETRY subrequest `s`: the request takes what it wrote, the subrequest is
 * rebased on the remainder and given its buffer again, then marked in progress with a new
 * issuer reference (netfs_get_subrequest for the resubmission). `last`: it is the last one
 * issued, so the request's dispatch point moves back to it.
 */
function netfs_reissue_write(d: World, rid: RreqId, r: NetfsRequest, s: NetfsSubrequest, front: boolean, last: boolean, ctx: StepCtx): boolean {
  const done = s.transferred;
  const stream = streamOf(r, s.stream_nr);
  if (front) netfs_collect_written(r, rid, s, ctx);
  if (r.design === 'rolling') {
    if (!netfs_reset_iter(d, s, ctx)) return false;
    // The reissue is a fresh start for the checker's bookkeeping (as a copy made there would
    // be): what lies behind it may already be released by the collector.
    const it = d.iters[s.io_iter];
    if (it !== undefined) d.iters[s.io_iter] = netfs_iter_copy_of(it);
  }
  if (r.design === 'cursor') {
    const from = last ? stream.dispatch_cursor : r.retry_cursor;
    if (last) {
      stream.issue_from = s.start + done;
      stream.buffered += s.len - done;
    }
    s.start += done;
    s.len -= done;
    s.transferred = 0;
    if (!reissueCursor(d, s, from, done, ctx)) return false;
    if (last) {
      stream.buffered -= s.len;
      stream.issue_from = s.start + s.len;
    }
    if (!last || stream.buffered === 0) bvecq_pos_unset(d, from, ctx);
  } else {
    s.start += done;
    s.len -= done;
    s.transferred = 0;
  }
  s.retry_count += 1;
  s.error = 0;
  s.flags.need_retry = false;
  s.flags.made_progress = false;
  s.flags.in_progress = true;
  s.ref += 1;
  return true;
}

/**
 * Models the retry of a write once nothing is in flight: clears RETRYING and reissues every
 * NEED_RETRY subrequest of each stream in order (writeback has the cache's stream too).
 * Returns how many were reissued, or null after a bug.
 */
export function netfs_retry_writes(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): number | null {
  r.flags.retrying = false;
  let n = 0;
  for (const stream of r.cache_stream === null ? [r.stream] : [r.stream, r.cache_stream]) {
    stream.need_retry = false;
    const list = [...stream.subrequests];
    for (const [k, id] of list.entries()) {
      const s = listSubreq(d, id, ctx);
      if (s === null) return null;
      if (!s.flags.need_retry || s.flags.failed) continue;
      const last = k === list.length - 1 && stream.issue_from === s.start + s.len;
      if (!netfs_reissue_write(d, rid, r, s, k === 0, last, ctx)) return null;
      n++;
    }
  }
  return n;
}
