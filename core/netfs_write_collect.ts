/**
 * Collecting unbuffered/DIO write results: netfs_unbuffered_write_collect() and the completion
 * of netfs_unbuffered_write() (fs/netfs/direct_write.c), with netfs_collect_write_results()'s
 * in-order rule (fs/netfs/write_collect.c): results are taken strictly from the front of the
 * stream. A finished front adds what it wrote to the request (checked: every byte reported
 * written reached the server, else `data.lost`); a failed one stops the dispatch and freezes
 * the amount written; a NEED_RETRY front hands over to netfs_retry_writes. Once the stream is
 * empty the issuer may go on (the PAUSE it waits on is cleared); once everything is queued and
 * collected the request completes.
 * Divergence: the issuer's own collection step is the collector's work item, as for reads.
 */
import type { StepCtx } from './ctx.ts';
import type { World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId } from './netfs_state.ts';
import { listSubreq, streamOf } from './netfs_state.ts';
import { netfs_put_request, netfs_put_subrequest } from './netfs_terminate.ts';
import { netfs_end_write_dispatch } from './netfs_direct_write.ts';
import { checkWritten } from './netfs_write_terminate.ts';

/** Adds a finished front's bytes to its stream, unless an earlier subrequest of it failed. */
export function netfs_collect_written(r: NetfsRequest, rid: RreqId, s: NetfsSubrequest, ctx: StepCtx): void {
  checkWritten(r, rid, s.stream_nr, s.start, s.start + s.transferred, ctx);
  const stream = streamOf(r, s.stream_nr);
  if (stream.failed) return;
  stream.collected_to = s.start + s.transferred;
  stream.transferred += s.transferred;
  if (s.stream_nr === 0 && r.cache_stream === null) r.collected_to = stream.collected_to;
}

/** Collects one front: 'stop' (in progress or to be retried), 'done' (removed), or null after a bug. */
function collectFront(d: World, rid: RreqId, r: NetfsRequest, s: NetfsSubrequest, ctx: StepCtx): 'stop' | 'done' {
  if (s.flags.in_progress) return 'stop';
  if (s.flags.need_retry) {
    r.flags.retrying = true;
    r.stream.need_retry = true;
    return 'stop';
  }
  if (s.flags.failed) {
    if (!r.stream.failed) {
      r.stream.failed = true;
      r.stream.error = s.error;
      r.error = s.error;
      r.flags.failed = true;
    }
    if (!r.flags.all_queued) netfs_end_write_dispatch(d, r, ctx);
    return 'done';
  }
  netfs_collect_written(r, rid, s, ctx);
  return 'done';
}

/**
 * Models the collection of an unbuffered write: fronts in order until one stalls; an empty
 * stream releases the issuer; with everything queued and collected the request completes
 * (`transferred` is what was written before any failure) and its IN_PROGRESS reference is put.
 * Returns whether it completed, or null after a bug.
 */
export function netfs_unbuffered_write_collection(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): boolean | null {
  if (r.flags.retrying) return false;
  r.work_queued = false;
  if (!r.flags.in_progress) return false;
  const bound = r.stream.subrequests.length + 1;
  for (let n = 0; ; n++) {
    if (n > bound) throw new Error('netfs_unbuffered_write_collection: no end');
    const front = r.stream.subrequests[0];
    if (front === undefined) break;
    const s = listSubreq(d, front, ctx);
    if (s === null) return null;
    if (collectFront(d, rid, r, s, ctx) === 'stop') break;
    r.stream.subrequests.shift();
    netfs_put_subrequest(d, front, s, ctx);
  }
  if (r.stream.subrequests.length > 0) return false;
  r.flags.pause = false;
  if (!r.flags.all_queued || r.flags.retrying) return false;
  r.transferred = r.stream.transferred;
  r.flags.in_progress = false;
  netfs_put_request(d, rid, r, ctx);
  return true;
}
