/**
 * The events of the netfs write paths and their recipes: an unbuffered/DIO write (the
 * extraction of the caller's iterator, the strictly sequential dispatch, termination,
 * collection and retry) and `sim.netfs_store`, the server or cache storing the bytes a write
 * subrequest sent. Each recipe rejects what no kernel caller could do (ids never created, an
 * issue after the loop ended, a retry with a subrequest in flight) before its first write.
 * An issue while an earlier subrequest is outstanding is not rejected: with strict sequencing
 * the issuer is asleep then and the pass issues nothing; the loop before the fix issued anyway
 * (mutant `netfs_dio_write_out_of_order`).
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { KbufId, World } from './state.ts';
import type { NetfsRequest, RreqId, SubreqId } from './netfs_state.ts';
import type { NetfsIssueWriteEvent, NetfsUnbufferedWriteEvent } from './netfs_direct_write.ts';
import { lookupRreq, lookupSubreq } from './netfs_state.ts';
import { netfs_issue_write, netfs_unbuffered_write } from './netfs_direct_write.ts';
import { netfs_store, netfs_write_subrequest_terminated } from './netfs_write_terminate.ts';
import { netfs_unbuffered_write_collection } from './netfs_write_collect.ts';
import { netfs_retry_writes } from './netfs_write_retry.ts';
import { netfs_issue_writeback, netfs_writepages, type NetfsWritepagesEvent } from './netfs_writeback.ts';
import { netfs_writeback_collection } from './netfs_writeback_collect.ts';
import { checkAllocChain } from './bvecq_chain_alloc.ts';
import { checkNewId, lookupAny, lookupLive } from './lookup.ts';
import { checkFreshIds } from './bvecq_chain_alloc.ts';
import { lookupIter } from './iov_iter.ts';
import { readData } from './data.ts';
import { kbufLive } from './iov_iter_kvec.ts';
import { U16_MAX } from './kernel_int.ts';

export type NetfsWriteEvent =
  | NetfsUnbufferedWriteEvent
  | NetfsWritepagesEvent
  | NetfsIssueWriteEvent
  | { type: 'netfs_write_subrequest_terminated'; subreq: SubreqId; transferred: number; error: number }
  | { type: 'netfs_write_collection'; wreq: RreqId }
  | { type: 'netfs_retry_writes'; wreq: RreqId }
  | { type: 'sim.netfs_store'; subreq: SubreqId; buf: KbufId; len: number };

function checkUnbuffered(d: World, e: NetfsUnbufferedWriteEvent, ctx: StepCtx): boolean {
  if (!checkNewId(d.rreqs, e.wreq, ctx, 'rreq', 'wreq')) return false;
  const it = lookupIter(d, e.source, ctx);
  if (it === null) return false;
  if (!it.data_source) return ctx.reject('source', `iter ${e.source} is not a source (ITER_SOURCE)`) !== null;
  if (it.count === 0) return ctx.reject('source', 'an unbuffered write of nothing never makes a request') !== null;
  if (e.design === 'rolling' && e.iter === null) return ctx.reject('iter', 'the rolling design needs a master iterator') !== null;
  if (e.max_slots < 1 || e.max_slots > U16_MAX) return ctx.reject('max_slots', `granted max_slots ${e.max_slots} out of range`) !== null;
  return checkFreshIds(d, e.bvecqs, 'bvecqs', ctx);
}

/** The write request `id` names, live and of a write origin. */
function lookupWreq(d: World, id: RreqId, ctx: StepCtx): NetfsRequest | null {
  const r = lookupRreq(d, id, ctx, 'wreq');
  if (r === null) return null;
  if (r.origin !== 'unbuffered_write' && r.origin !== 'writeback') return ctx.reject('wreq', `rreq ${id} is not a write request`);
  return r;
}

/** The readahead-style checks of a writepages batch: locked dirty folios, distinct, and a chain that fits them. */
function checkWritepages(d: World, e: NetfsWritepagesEvent, ctx: StepCtx): boolean {
  if (!checkNewId(d.rreqs, e.wreq, ctx, 'rreq', 'wreq')) return false;
  if (e.folios.length === 0) return ctx.reject('folios', 'writeback of no folios') !== null;
  if (e.design === 'rolling' && (e.iter === null || (e.cache && e.cache_iter === null))) return ctx.reject('iter', 'the rolling design needs a master iterator per stream') !== null;
  for (const [k, id] of e.folios.entries()) {
    if (e.folios.indexOf(id) !== k) return ctx.reject('folios', `folio ${id} listed twice`) !== null;
    const f = lookupLive(d.folios, id, ctx, 'folio', 'folios');
    if (f === null) return false;
    if (!f.locked || !f.dirty || f.writeback) return ctx.reject('folios', `folio ${id} is not a locked dirty folio out of writeback (writeback_iter() hands over no other)`) !== null;
  }
  if (e.bvecqs.length !== e.max_slots.length) return ctx.reject('max_slots', 'one granted max_slots per node is needed') !== null;
  return checkFreshIds(d, e.bvecqs, 'bvecqs', ctx) && checkAllocChain(e.folios.length, e.max_slots, false, ctx);
}

function checkIssue(d: World, e: NetfsIssueWriteEvent, ctx: StepCtx): NetfsRequest | null {
  const r = lookupWreq(d, e.wreq, ctx);
  if (r === null) return null;
  const streams = r.cache_stream === null ? 1 : 2;
  if (e.stream >= streams) return ctx.reject('stream', `wreq ${e.wreq} has ${streams} stream(s)`);
  if (r.flags.all_queued) return ctx.reject('wreq', `wreq ${e.wreq}: the dispatch loop has ended`);
  if (r.origin === 'writeback' && (e.stream === 0 ? r.stream : r.cache_stream)?.buffered === 0) return ctx.reject('stream', `stream ${e.stream} has issued everything`);
  if (!checkNewId(d.subreqs, e.subreq, ctx, 'subreq', 'subreq')) return null;
  if (e.wsize < 1 || e.max_segs < 1) return ctx.reject('wsize', 'wsize and max_segs must be positive');
  return r;
}

function checkStore(d: World, e: Extract<NetfsWriteEvent, { type: 'sim.netfs_store' }>, ctx: StepCtx): boolean {
  const s = lookupSubreq(d, e.subreq, ctx);
  if (s === null) return false;
  const r = d.rreqs[s.rreq];
  if (r === undefined || r.origin === 'readahead' || r.origin === 'dio_read') return ctx.reject('subreq', `subreq ${e.subreq} is not a write subrequest`) !== null;
  if (!s.flags.in_progress || s.reply === null) return ctx.reject('subreq', `subreq ${e.subreq} has no answer being handled`) !== null;
  if (e.len > s.len - s.transferred) return ctx.reject('len', `subreq ${e.subreq} has ${s.len - s.transferred} byte(s) left to send, not ${e.len}`) !== null;
  const b = lookupAny(d.kbufs, e.buf, ctx, 'kbuf', 'buf');
  if (b === null) return false;
  return e.len <= b.size || ctx.reject('len', `kbuf ${e.buf} holds ${b.size} byte(s), not ${e.len}`) !== null;
}

export const netfsWriteRecipes: RecipeTable<NetfsWriteEvent> = {
  netfs_unbuffered_write(d, e, ctx) {
    if (!checkUnbuffered(d, e, ctx)) return null;
    const it = d.iters[e.source];
    return it === undefined ? null : netfs_unbuffered_write(d, e, it, ctx);
  },
  netfs_writepages(d, e, ctx) {
    return checkWritepages(d, e, ctx) ? netfs_writepages(d, e, ctx) : null;
  },
  netfs_issue_write(d, e, ctx) {
    const r = checkIssue(d, e, ctx);
    if (r === null) return null;
    return r.origin === 'writeback' ? netfs_issue_writeback(d, e.wreq, r, e, ctx) : netfs_issue_write(d, e.wreq, r, e, ctx);
  },
  netfs_write_subrequest_terminated(d, e, ctx) {
    const s = lookupSubreq(d, e.subreq, ctx);
    if (s === null || lookupRreq(d, s.rreq, ctx, 'subreq') === null) return null;
    netfs_write_subrequest_terminated(d, e.subreq, s, e.transferred, e.error, ctx);
    return null;
  },
  netfs_write_collection(d, e, ctx) {
    const r = lookupWreq(d, e.wreq, ctx);
    if (r === null) return null;
    return r.origin === 'writeback' ? netfs_writeback_collection(d, e.wreq, r, ctx) : netfs_unbuffered_write_collection(d, e.wreq, r, ctx);
  },
  netfs_retry_writes(d, e, ctx) {
    const r = lookupWreq(d, e.wreq, ctx);
    if (r === null) return null;
    if (!r.flags.retrying) return ctx.reject('wreq', `wreq ${e.wreq} has no retry pending`);
    const listed = r.cache_stream === null ? r.stream.subrequests : [...r.stream.subrequests, ...r.cache_stream.subrequests];
    // netfs_retry_writes() first sleeps until no subrequest is in flight. Writeback keeps
    // issuing on the other stream meanwhile, so a collector that found the streams quiet may
    // call in after a new subrequest went out: the model's call then returns having done
    // nothing (false), the retry still pending, and the collector calls again later.
    if (listed.some((id) => d.subreqs[id]?.flags.in_progress === true)) return false;
    return netfs_retry_writes(d, e.wreq, r, ctx);
  },
  'sim.netfs_store'(d, e, ctx) {
    if (!checkStore(d, e, ctx)) return null;
    const s = d.subreqs[e.subreq];
    const r = s === undefined ? undefined : d.rreqs[s.rreq];
    const b = kbufLive(d, e.buf, ctx);
    if (s === undefined || r === undefined || b === null) return null;
    netfs_store(r, s.rreq, s.stream_nr, s.start + s.transferred, readData(b.data, 0, e.len), ctx);
    return null;
  },
};
