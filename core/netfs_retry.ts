/**
 * Retrying reads in the cursor design: netfs_retry_reads(), netfs_retry_read_subrequests(),
 * netfs_reset_for_read_retry() and netfs_prepare_buffered_read_retry_buffer()
 * (fs/netfs/read_retry.c, netfs tree, cursor series). Contiguous NEED_RETRY subrequests are
 * regrouped; the retry cursor takes over the first one's `dispatch_pos` and is advanced by what
 * it transferred; each subrequest is reset (its positions unset, `transferred` zeroed) and
 * reissued to the server with a fresh slice of the retry cursor. Leftover subrequests are
 * dropped, missing ones allocated (the event lists the allocations: an id pair, or null for a
 * failure). A subrequest that is not NEED_RETRY starts an abandon: every later failed or
 * retryable subrequest fails with -ENOMEM.
 * Quirk kept from the kernel: past three retries netfs_reset_for_read_retry() returns the
 * subrequest's error, which is 0 after a partial read, so the reissue goes ahead on a
 * subrequest that was never reset.
 */
import type { StepCtx } from './ctx.ts';
import type { IterId, World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId, SubreqId } from './netfs_state.ts';
import { ENOMEM, listSubreq, newSubrequest } from './netfs_state.ts';
import { netfs_pos_transfer, netfs_prepare_cursor_buffer } from './netfs_buffer.ts';
import { netfs_mark_read_submission } from './netfs_dispatch.ts';
import { netfs_put_subrequest } from './netfs_terminate.ts';
import { bvecq_pos_unset } from './bvecq_pos.ts';
import { bvecq_pos_advance } from './bvecq_slice.ts';
import { min } from './kernel_int.ts';

export interface RetryArgs {
  rsize: number;
  max_segs: number;
  spare: ({ subreq: SubreqId; iter: IterId } | null)[];
}

/** Where the retry walk stands: the list index and the next spare allocation. */
interface RetryWalk {
  args: RetryArgs;
  nextSpare: number;
}

/** netfs_reset_for_read_retry(): returns 0, or the subrequest's error past three retries. */
function netfs_reset_for_read_retry(d: World, s: NetfsSubrequest, ctx: StepCtx): number {
  if (s.retry_count > 3) return s.error;
  s.retry_count++;
  s.flags.made_progress = false;
  s.flags.need_retry = false;
  s.flags.failed = false;
  s.flags.in_progress = true;
  bvecq_pos_unset(d, s.content, ctx);
  bvecq_pos_unset(d, s.dispatch_pos, ctx);
  s.error = 0;
  s.transferred = 0;
  s.ref += 1;
  return 0;
}

/** The filesystem's reissue: rsize limit, the retry-buffer slice, the submission mark. */
function reissue(d: World, r: NetfsRequest, id: SubreqId, s: NetfsSubrequest, w: RetryWalk, ctx: StepCtx): boolean {
  s.len = min(s.len, w.args.rsize);
  if (netfs_prepare_cursor_buffer(d, s, r.retry_cursor, w.args.max_segs, ctx) === null) return false;
  r.retry_buffered -= s.len;
  r.retry_start += s.len;
  netfs_mark_read_submission(r, id, s);
  return true;
}

/** The abandon path: from list index `k` on, failed or retryable subrequests fail with -ENOMEM. */
function abandonFrom(d: World, r: NetfsRequest, k: number, ctx: StepCtx): void {
  for (const id of r.stream.subrequests.slice(k)) {
    const s = listSubreq(d, id, ctx);
    if (s === null) return;
    if (!s.flags.failed && !s.flags.need_retry) continue;
    s.error = -ENOMEM;
    s.flags.failed = true;
    s.flags.need_retry = false;
  }
}

/** Allocates and issues new subrequests after list index `at` until the retry range is used up. */
function retryExtra(d: World, rid: RreqId, r: NetfsRequest, at: number, w: RetryWalk, ctx: StepCtx): { to: number; failed: boolean } | null {
  let to = at;
  while (r.retry_buffered > 0) {
    const spare = w.args.spare[w.nextSpare++];
    if (spare === undefined) throw new Error('netfs_retry_reads: spare allocations checked up front');
    if (spare === null) return { to, failed: true };
    const s = newSubrequest(rid, 'server', r.retry_start, spare.iter);
    s.len = r.retry_buffered;
    s.retry_count = 1;
    d.subreqs[spare.subreq] = s;
    r.stream.subrequests.splice(++to, 0, spare.subreq);
    if (!reissue(d, r, spare.subreq, s, w, ctx)) return null;
  }
  return { to, failed: false };
}

function hadBug(ctx: StepCtx): boolean {
  return ctx.findings.some((f) => f.kind === 'bug');
}

type GroupEnd = { next: number } | { abandon: number } | { abandonAfter: number };

/**
 * One group: `from` at list index `k` and the contiguous NEED_RETRY subrequests after it.
 * Returns the list index where the next group starts, `abandon` with the index to abandon
 * from, or null after a bug.
 */
function retryGroup(d: World, rid: RreqId, r: NetfsRequest, k: number, w: RetryWalk, ctx: StepCtx): GroupEnd | null {
  const list = r.stream.subrequests;
  const from = listSubreq(d, list[k] ?? -1, ctx);
  if (from === null) return null;
  bvecq_pos_unset(d, r.retry_cursor, ctx);
  if (!from.flags.need_retry) return { abandon: k };
  const start = from.start + from.transferred;
  let len = from.len - from.transferred;
  let to = k;
  for (let j = k + 1; j < list.length; j++) {
    const s = listSubreq(d, list[j] ?? -1, ctx);
    if (s === null) return null;
    if (s.start + s.transferred !== start + len || !s.flags.need_retry) break;
    to = j;
    len += s.len;
  }
  const next = to + 1;
  netfs_pos_transfer(r.retry_cursor, from.dispatch_pos);
  bvecq_pos_advance(d, r.retry_cursor, from.transferred, ctx);
  if (hadBug(ctx)) return null;
  r.retry_start = start;
  r.retry_buffered = len;
  let j = k;
  for (; j <= to; j++) {
    if (r.retry_buffered === 0) break;
    const id = list[j] ?? -1;
    const s = listSubreq(d, id, ctx);
    if (s === null) return null;
    s.source = 'server';
    s.start = r.retry_start;
    s.len = r.retry_buffered;
    const ret = netfs_reset_for_read_retry(d, s, ctx);
    if (ret < 0) {
      s.flags.failed = true;
      r.error = ret;
      return { abandon: j };
    }
    if (!reissue(d, r, id, s, w, ctx)) return null;
  }
  if (r.retry_buffered === 0) {
    const dropped = list.splice(j, to + 1 - j);
    for (const id of dropped) {
      const s = listSubreq(d, id, ctx);
      if (s === null) return null;
      netfs_put_subrequest(d, id, s, ctx);
    }
    return { next: next - dropped.length };
  }
  const end = retryExtra(d, rid, r, to, w, ctx);
  if (end === null) return null;
  if (end.failed) return { abandonAfter: end.to };
  return { next: end.to + 1 };
}

/**
 * Models netfs_retry_reads() once the stream is quiescent (the kernel waits for every
 * subrequest to leave IN_PROGRESS first): clears RETRYING and the stream's need_retry, then
 * walks the groups. An allocation failure after the last subrequest returns at once, leaving
 * the retry cursor set (as the kernel's early return does). Returns the number of spare
 * allocations used, or null after a bug.
 */
export function netfs_retry_reads_cursor(d: World, rid: RreqId, r: NetfsRequest, args: RetryArgs, ctx: StepCtx): number | null {
  const w: RetryWalk = { args, nextSpare: 0 };
  for (let k = 0, n = 0; k < r.stream.subrequests.length; n++) {
    if (n > args.spare.length + r.stream.subrequests.length + 1) throw new Error('netfs_retry_reads: no end to the groups');
    const g = retryGroup(d, rid, r, k, w, ctx);
    if (g === null) return null;
    if ('abandonAfter' in g) {
      if (g.abandonAfter + 1 >= r.stream.subrequests.length) return w.nextSpare;
      abandonFrom(d, r, g.abandonAfter + 1, ctx);
      break;
    }
    if ('abandon' in g) {
      abandonFrom(d, r, g.abandon, ctx);
      break;
    }
    k = g.next;
  }
  bvecq_pos_unset(d, r.retry_cursor, ctx);
  return w.nextSpare;
}
