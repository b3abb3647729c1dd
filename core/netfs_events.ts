/**
 * The events of the netfs buffered read path and their recipes. Each recipe rejects what no
 * kernel caller could do (ids never created, a dispatch after the loop ended, a retry while
 * subrequests are still in flight: the kernel waits for them) before its first write, then runs
 * the model of the kernel function. Two `sim.` events carry what the simulated server or cache
 * decided (how many bytes, which error, whether it reached the end of file) and what the
 * network delivered into a receive buffer (bytes of the file, for the data checks).
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { KbufId, World } from './state.ts';
import type { NetfsSreqFlagName, RreqId, SubreqId } from './netfs_state.ts';
import type { NetfsIssueReadEvent, NetfsReadaheadEvent } from './netfs_dispatch.ts';
import { fileSrc, lookupRreq, lookupSubreq } from './netfs_state.ts';
import { netfs_issue_read, netfs_readahead } from './netfs_dispatch.ts';
import { netfs_put_request, netfs_read_subreq_terminated } from './netfs_terminate.ts';
import { netfs_read_collection } from './netfs_collect.ts';
import { netfs_retry_reads_cursor, type RetryArgs } from './netfs_retry.ts';
import { netfs_retry_reads_rolling } from './netfs_rolling.ts';
import { checkNewId, lookupAny, lookupLive } from './lookup.ts';
import { checkAllocChain, checkFreshIds } from './bvecq_chain_alloc.ts';
import { iov_iter_revert } from './iov_iter.ts';
import { writeData } from './data.ts';
import { kbufLive } from './iov_iter_kvec.ts';
import { netfsWriteRecipes, type NetfsWriteEvent } from './netfs_write_events.ts';
import { netfs_unbuffered_read, type NetfsUnbufferedReadEvent } from './netfs_direct_read.ts';
import { lookupIter } from './iov_iter.ts';
import { U16_MAX } from './kernel_int.ts';

export type NetfsEvent =
  | NetfsReadaheadEvent
  | NetfsIssueReadEvent
  | NetfsUnbufferedReadEvent
  | { type: 'netfs_read_subreq_terminated'; subreq: SubreqId; transferred: number; error: number; flags: NetfsSreqFlagName[] }
  | { type: 'netfs_read_collection'; rreq: RreqId }
  | ({ type: 'netfs_retry_reads'; rreq: RreqId } & RetryArgs)
  | { type: 'netfs_put_request'; rreq: RreqId }
  | { type: 'sim.netfs_reply'; subreq: SubreqId; bytes: number; error: number; eof: boolean }
  | { type: 'sim.netfs_recv'; buf: KbufId; ino: number; pos: number; len: number }
  | NetfsWriteEvent;

/** The readahead folios must exist, be distinct and locked (VM_BUG_ON_FOLIO otherwise). */
function checkReadaheadFolios(d: World, e: NetfsReadaheadEvent, ctx: StepCtx): boolean {
  if (e.folios.length === 0) return ctx.reject('folios', 'readahead of no folios') !== null;
  for (const [k, id] of e.folios.entries()) {
    if (e.folios.indexOf(id) !== k) return ctx.reject('folios', `folio ${id} listed twice`) !== null;
    const f = lookupLive(d.folios, id, ctx, 'folio', 'folios');
    if (f === null) return false;
    if (!f.locked) {
      ctx.bug('bvecq_load_from_ra.folio_not_locked', `readahead folio ${id} is not locked`);
      return false;
    }
  }
  return true;
}

function checkReadahead(d: World, e: NetfsReadaheadEvent, ctx: StepCtx): boolean {
  if (!checkNewId(d.rreqs, e.rreq, ctx, 'rreq', 'rreq')) return false;
  if (e.design === 'rolling' && e.iter === null) return ctx.reject('iter', 'the rolling design needs a master iterator') !== null;
  if (!checkReadaheadFolios(d, e, ctx)) return false;
  if (e.fail) return e.bvecqs.length === 0 || ctx.reject('bvecqs', 'a failed load allocates no nodes') !== null;
  if (e.bvecqs.length !== e.max_slots.length) return ctx.reject('max_slots', 'one granted max_slots per node is needed') !== null;
  return checkFreshIds(d, e.bvecqs, 'bvecqs', ctx) && checkAllocChain(e.folios.length, e.max_slots, false, ctx);
}

function checkUnbufferedRead(d: World, e: NetfsUnbufferedReadEvent, ctx: StepCtx): boolean {
  if (!checkNewId(d.rreqs, e.rreq, ctx, 'rreq', 'rreq')) return false;
  const it = lookupIter(d, e.dest, ctx);
  if (it === null) return false;
  if (it.data_source) return ctx.reject('dest', `iter ${e.dest} is not a destination (ITER_DEST)`) !== null;
  if (it.count === 0 || e.start >= e.i_size) return ctx.reject('dest', 'a DIO read of nothing, or at or past the end of file, returns before making a request') !== null;
  if (e.design === 'rolling' && e.iter === null) return ctx.reject('iter', 'the rolling design needs a master iterator') !== null;
  if (e.max_slots < 1 || e.max_slots > U16_MAX) return ctx.reject('max_slots', `granted max_slots ${e.max_slots} out of range`) !== null;
  return checkFreshIds(d, e.bvecqs, 'bvecqs', ctx);
}

function checkIssue(d: World, e: NetfsIssueReadEvent, ctx: StepCtx): boolean {
  const r = lookupRreq(d, e.rreq, ctx);
  if (r === null) return false;
  if (r.flags.all_queued) return ctx.reject('rreq', `rreq ${e.rreq}: the dispatch loop has ended`) !== null;
  if (!e.fail && !checkNewId(d.subreqs, e.subreq, ctx, 'subreq', 'subreq')) return false;
  if (e.rsize < 1 || e.max_segs < 1) return ctx.reject('rsize', 'rsize and max_segs must be positive') !== null;
  if ((e.cached_from === null) !== (e.cached_to === null)) return ctx.reject('cached_to', 'a cache extent needs both ends') !== null;
  if (e.cached_from !== null && e.cached_to !== null && (e.cached_from >= e.cached_to || r.stream.issue_from >= e.cached_to)) {
    return ctx.reject('cached_to', 'the cache extent must be non-empty and not end before the dispatch point') !== null;
  }
  return true;
}

function checkRetry(d: World, e: Extract<NetfsEvent, { type: 'netfs_retry_reads' }>, ctx: StepCtx): boolean {
  const r = lookupRreq(d, e.rreq, ctx);
  if (r === null) return false;
  if (!r.flags.retrying) return ctx.reject('rreq', `rreq ${e.rreq} has no retry pending`) !== null;
  if (e.rsize < 1 || e.max_segs < 1) return ctx.reject('rsize', 'rsize and max_segs must be positive') !== null;
  if (r.stream.subrequests.some((id) => d.subreqs[id]?.flags.in_progress === true)) {
    return ctx.reject('rreq', 'netfs_retry_reads waits until no subrequest is in progress') !== null;
  }
  const ids = e.spare.flatMap((s) => (s === null ? [] : [s.subreq]));
  for (const [k, id] of ids.entries()) {
    if (ids.indexOf(id) !== k || d.subreqs[id] !== undefined) return ctx.reject('spare', `subreq ${id} is not a fresh id`) !== null;
  }
  return true;
}

/**
 * The filesystem's stores before netfs_read_subreq_terminated(). Under mutant
 * `netfs_9p_revert_after_read` the filesystem then reverts `io_iter` by the bytes this read
 * moved, as v9fs_issue_read() did before "9p: Don't revert the I/O iterator after reading".
 * Divergence: 9p reverted inside p9_client_read(); the model reverts the iterator the
 * subrequest keeps, which is what a later reset of that iterator (rolling design) walks from.
 */
function fsTerminate(d: World, e: Extract<NetfsEvent, { type: 'netfs_read_subreq_terminated' }>, ctx: StepCtx): boolean | null {
  const s = lookupSubreq(d, e.subreq, ctx);
  if (s === null) return null;
  const read = e.transferred - s.transferred;
  s.transferred = e.transferred;
  s.error = -e.error;
  for (const f of e.flags) {
    if (f === 'HIT_EOF') s.flags.hit_eof = true;
    else if (f === 'CLEAR_TAIL') s.flags.clear_tail = true;
    else if (f === 'MADE_PROGRESS') s.flags.made_progress = true;
    else s.flags.need_retry = true;
  }
  const it = d.iters[s.io_iter];
  if (ctx.mutant('netfs_9p_revert_after_read') && it !== undefined && read > 0) {
    ctx.touch('iter', s.io_iter);
    if (!iov_iter_revert(d, s.io_iter, it, read, ctx)) return null;
  }
  return netfs_read_subreq_terminated(d, e.subreq, s, ctx);
}

const netfsReadRecipes: RecipeTable<Exclude<NetfsEvent, NetfsWriteEvent>> = {
  netfs_readahead(d, e, ctx) {
    return checkReadahead(d, e, ctx) ? netfs_readahead(d, e, ctx) : null;
  },
  netfs_unbuffered_read(d, e, ctx) {
    const it = checkUnbufferedRead(d, e, ctx) ? d.iters[e.dest] : undefined;
    return it === undefined ? null : netfs_unbuffered_read(d, e, it, ctx);
  },
  netfs_issue_read(d, e, ctx) {
    const r = checkIssue(d, e, ctx) ? d.rreqs[e.rreq] : undefined;
    return r === undefined ? null : netfs_issue_read(d, r, e, ctx);
  },
  netfs_read_subreq_terminated(d, e, ctx) {
    const s = lookupSubreq(d, e.subreq, ctx);
    if (s === null || lookupRreq(d, s.rreq, ctx, 'subreq') === null) return null;
    return fsTerminate(d, e, ctx);
  },
  netfs_read_collection(d, e, ctx) {
    const r = lookupRreq(d, e.rreq, ctx);
    return r === null ? null : netfs_read_collection(d, e.rreq, r, ctx);
  },
  netfs_retry_reads(d, e, ctx) {
    if (!checkRetry(d, e, ctx)) return null;
    const r = d.rreqs[e.rreq];
    if (r === undefined) return null;
    r.flags.retrying = false;
    r.stream.need_retry = false;
    const args: RetryArgs = { rsize: e.rsize, max_segs: e.max_segs, spare: [...e.spare, null] };
    const used = r.design === 'cursor' ? netfs_retry_reads_cursor(d, e.rreq, r, args, ctx) : netfs_retry_reads_rolling(d, e.rreq, r, args, ctx);
    // The kernel retries inside the collection work item, which then goes on to its "all
    // queued and the stream empty" check: a retry that only dropped subrequests (a cache read
    // that failed after transferring everything) completes the request there. The model's
    // collection is a separate event, so the work item is queued again.
    if (used !== null) r.work_queued = true;
    return used;
  },
  netfs_put_request(d, e, ctx) {
    const r = lookupAny(d.rreqs, e.rreq, ctx, 'rreq', 'rreq');
    if (r !== null) netfs_put_request(d, e.rreq, r, ctx);
    return null;
  },
  'sim.netfs_reply'(d, e, ctx) {
    const s = lookupAny(d.subreqs, e.subreq, ctx, 'subreq', 'subreq');
    if (s === null) return null;
    if (s.freed || !s.flags.in_progress || s.reply !== null || s.source === 'zero') {
      return ctx.reject('subreq', `subreq ${e.subreq} is not waiting for the server or cache`);
    }
    s.reply = { bytes: e.bytes, error: e.error, eof: e.eof };
    return null;
  },
  'sim.netfs_recv'(d, e, ctx) {
    const b0 = lookupAny(d.kbufs, e.buf, ctx, 'kbuf', 'buf');
    if (b0 === null) return null;
    if (e.len > b0.size) return ctx.reject('len', `kbuf ${e.buf} holds ${b0.size} byte(s), not ${e.len}`);
    const b = kbufLive(d, e.buf, ctx);
    if (b !== null && e.len > 0) writeData(b.data, 0, [{ len: e.len, src: fileSrc(e.ino), off: e.pos }]);
    return null;
  },
};

export const netfsRecipes: RecipeTable<NetfsEvent> = { ...netfsReadRecipes, ...netfsWriteRecipes };
