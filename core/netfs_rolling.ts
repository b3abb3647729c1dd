/**
 * Retrying reads in the rolling design: netfs_retry_read_subrequests() as in the upstream
 * folio_queue tree (fa95be52) and kept by "netfs: Switch folioq to bvecq", with the renegotiation
 * path (the filesystem's rsize and segment limit come in the event). The first subrequest of a
 * group of contiguous NEED_RETRY ones has its `io_iter` brought back to its remainder with
 * netfs_reset_iter(); a copy of it covering the whole group is then cut into the subrequests'
 * new iterators. Subrequests keep what they transferred (`start` moves back by it, `len` grows
 * by it). The iterators hold no node references: a node the collector deleted in between is
 * reached through a stale pointer (REFERENCE §3 item 18).
 * Divergence: the simple path (no prepare_read, no cache: reset each iterator and resend) is
 * not modelled; every retry renegotiates.
 */
import type { StepCtx } from './ctx.ts';
import type { IovIter, World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId, SubreqId } from './netfs_state.ts';
import type { RetryArgs } from './netfs_retry.ts';
import { ENOMEM, listSubreq, newSubrequest } from './netfs_state.ts';
import { netfs_iter_copy_of, netfs_limit_iter } from './netfs_buffer.ts';
import { netfs_reset_iter } from './netfs_iter.ts';
import { netfs_put_subrequest } from './netfs_terminate.ts';
import { iov_iter_advance } from './iov_iter.ts';
import { min } from './kernel_int.ts';

/** The group being reissued: the copy of the first iterator and what is left of the range. */
interface Source {
  it: IovIter;
  start: number;
  len: number;
}

/** Cuts the next part of the source into `s`'s iterator (a struct copy truncated to the part). */
function takePart(d: World, s: NetfsSubrequest, src: Source, args: RetryArgs, segLimit: boolean, ctx: StepCtx): boolean {
  let part = min(src.len, args.rsize);
  if (segLimit) {
    const limited = netfs_limit_iter(d, src.it, part, args.max_segs, ctx);
    if (limited === null) return false;
    part = limited;
  }
  s.len = s.transferred + part;
  d.iters[s.io_iter] = { ...netfs_iter_copy_of(src.it), count: min(src.it.count, part) };
  ctx.touch('iter', s.io_iter);
  if (!iov_iter_advance(d, src.it, part, ctx)) return false;
  src.len -= part;
  src.start += part;
  return true;
}

/** netfs_reissue_read(): error cleared, MADE_PROGRESS cleared, IN_PROGRESS set. */
function reissue(s: NetfsSubrequest): void {
  s.error = 0;
  s.flags.made_progress = false;
  s.flags.in_progress = true;
}

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

/** The contiguous NEED_RETRY group from list index `k`: its last index and the range length. */
function groupOf(d: World, r: NetfsRequest, k: number, from: NetfsSubrequest, ctx: StepCtx): { to: number; len: number } | null {
  const list = r.stream.subrequests;
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
  return { to, len };
}

/** Allocates and issues new subrequests after list index `to` while the source has bytes left. */
function retryExtra(d: World, rid: RreqId, r: NetfsRequest, to: number, src: Source, args: RetryArgs, used: { n: number }, ctx: StepCtx): { to: number; failed: boolean } | null {
  while (src.len > 0) {
    const spare = args.spare[used.n++];
    if (spare === undefined) throw new Error('netfs_retry_reads: spare allocations checked up front');
    if (spare === null) return { to, failed: true };
    const s = newSubrequest(rid, 'server', src.start, spare.iter);
    s.retry_count = 1;
    d.subreqs[spare.subreq] = s;
    r.stream.subrequests.splice(++to, 0, spare.subreq);
    if (!takePart(d, s, src, args, false, ctx)) return null;
    reissue(s);
  }
  return { to, failed: false };
}

type GroupEnd = { next: number } | { abandon: number } | { abandonAfter: number };

/** Reissues one group starting at list index `k`. */
function retryGroup(d: World, rid: RreqId, r: NetfsRequest, k: number, args: RetryArgs, used: { n: number }, ctx: StepCtx): GroupEnd | null {
  const list = r.stream.subrequests;
  const fromId: SubreqId = list[k] ?? -1;
  const from = listSubreq(d, fromId, ctx);
  if (from === null) return null;
  if (from.flags.failed || !from.flags.need_retry) return { abandon: k };
  const g = groupOf(d, r, k, from, ctx);
  if (g === null) return null;
  const start = from.start + from.transferred;
  if (!netfs_reset_iter(d, from, ctx)) return null;
  const it0 = d.iters[from.io_iter];
  if (it0 === undefined) throw new Error('netfs_retry_reads: io_iter vanished');
  const src: Source = { it: { ...it0, origin: { ...it0.origin }, count: g.len }, start, len: g.len };
  let j = k;
  for (; j <= g.to && src.len > 0; j++) {
    const s = listSubreq(d, list[j] ?? -1, ctx);
    if (s === null) return null;
    s.source = 'server';
    s.start = src.start - s.transferred;
    s.flags.need_retry = false;
    s.flags.made_progress = false;
    s.retry_count++;
    if (!takePart(d, s, src, args, true, ctx)) return null;
    s.ref += 1;
    reissue(s);
  }
  if (src.len === 0) {
    const dropped = list.splice(j, g.to + 1 - j);
    for (const id of dropped) {
      const s = listSubreq(d, id, ctx);
      if (s === null) return null;
      netfs_put_subrequest(d, id, s, ctx);
    }
    return { next: g.to + 1 - dropped.length };
  }
  const end = retryExtra(d, rid, r, g.to, src, args, used, ctx);
  if (end === null) return null;
  return end.failed ? { abandonAfter: end.to } : { next: end.to + 1 };
}

/** Models netfs_retry_read_subrequests() (rolling design). Returns the spare allocations used. */
export function netfs_retry_reads_rolling(d: World, rid: RreqId, r: NetfsRequest, args: RetryArgs, ctx: StepCtx): number | null {
  const used = { n: 0 };
  for (let k = 0, n = 0; k < r.stream.subrequests.length; n++) {
    if (n > args.spare.length + r.stream.subrequests.length + 1) throw new Error('netfs_retry_reads: no end to the groups');
    const g = retryGroup(d, rid, r, k, args, used, ctx);
    if (g === null) return null;
    if ('abandonAfter' in g) {
      abandonFrom(d, r, g.abandonAfter + 1, ctx);
      break;
    }
    if ('abandon' in g) {
      abandonFrom(d, r, g.abandon, ctx);
      break;
    }
    k = g.next;
  }
  return used.n;
}
