/**
 * Collecting buffered writeback: netfs_collect_write_results(), netfs_writeback_unlock_folios()
 * and netfs_write_collection() (fs/netfs/write_collect.c; cursor design: netfs tree, RFC
 * series; rolling design: as merged with "netfs: Switch folioq to bvecq"; REFERENCE §2.12).
 * Each stream's results are taken strictly from its front; the request's `collected_to` is the
 * least of the streams' (past a failure a stream still moves on as its subrequests finish, so
 * no folio leaves writeback while a subrequest may still read it); writeback
 * then ends on the folios in file order while `collected_to` reaches a folio's end, each slot
 * cleared and spent nodes deleted (never the last). Mutant `netfs_writeback_single_stream_end`
 * takes the server's stream alone, so folios end writeback while the cache still writes them.
 * Where writeback ends, the design's promise is checked: strictly in file order, and only once
 * every active stream has written the folio (`writeback.ended_out_of_order`), with the bytes
 * there (`data.lost`).
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, World } from './state.ts';
import type { NetfsRequest, NetfsStream, RreqId } from './netfs_state.ts';
import { listSubreq } from './netfs_state.ts';
import { netfs_put_request, netfs_put_subrequest } from './netfs_terminate.ts';
import { netfs_collect_written } from './netfs_write_collect.ts';
import { checkWritten } from './netfs_write_terminate.ts';
import { rolling_buffer_delete_spent } from './netfs_buffer.ts';
import { slotFolio } from './netfs_unlock.ts';
import { liveNode, readSlot } from './bvecq_pos.ts';
import { bvecq_delete_spent } from './bvecq_buffer.ts';

function streamsOf(r: NetfsRequest): NetfsStream[] {
  return r.cache_stream === null ? [r.stream] : [r.stream, r.cache_stream];
}

/** Collects one stream's fronts in order; false when a front needs a retry. */
function collectStream(d: World, rid: RreqId, r: NetfsRequest, st: NetfsStream, ctx: StepCtx): boolean | null {
  const bound = st.subrequests.length + 1;
  for (let n = 0; n <= bound; n++) {
    const front = st.subrequests[0];
    if (front === undefined) return true;
    const s = listSubreq(d, front, ctx);
    if (s === null) return null;
    if (s.flags.in_progress) return true;
    if (s.flags.need_retry) {
      st.need_retry = true;
      return false;
    }
    if (s.flags.failed && !st.failed) {
      st.failed = true;
      st.error = s.error;
      if (s.stream_nr === 0) {
        r.error = s.error;
        r.flags.failed = true;
      }
    }
    // Past a failure the stream still moves on as its subrequests finish (they no longer
    // use the buffer there), but nothing more counts as written.
    if (st.failed) st.collected_to = s.start + s.len;
    else netfs_collect_written(r, rid, s, ctx);
    st.subrequests.shift();
    netfs_put_subrequest(d, front, s, ctx);
  }
  throw new Error('netfs_collect_write_results: no end');
}

/** Ends writeback on the folio in `bq`/`slot` if `limit` covers it: `wait`, `done`, or null after a bug. */
function endOne(d: World, rid: RreqId, r: NetfsRequest, bq: BvecqId, slot: number, limit: number, ctx: StepCtx): 'wait' | 'done' | null {
  const q = liveNode(d, bq, ctx, 'netfs_writeback_unlock_folios');
  const bv = q === null ? null : readSlot(q, bq, slot, ctx, 'netfs_writeback_unlock_folios');
  if (bv === null) return null;
  const id = slotFolio(d, r, bv.page, ctx);
  const index = id === null ? -1 : r.folios.findIndex((x) => x.folio === id);
  const lf = r.folios[index];
  const f = id === null ? undefined : d.folios[id];
  if (id === null || lf === undefined || f === undefined) return null;
  const fend = lf.pos + lf.size;
  if (limit < fend) return 'wait';
  ctx.touch('folio', id);
  const earlier = r.folios.slice(0, index).find((x) => d.folios[x.folio]?.writeback === true);
  if (earlier !== undefined) ctx.invariant('writeback.ended_out_of_order', `wreq ${rid}: writeback ends on folio ${id} (file ${lf.pos}) while folio ${earlier.folio} (file ${earlier.pos}) is still under writeback`);
  for (const [nr, st] of streamsOf(r).entries()) {
    if (st.collected_to < fend) ctx.invariant('writeback.ended_out_of_order', `wreq ${rid}: writeback ends on folio ${id} (file ${lf.pos}..${fend}) before stream ${nr} has passed it (collected to ${st.collected_to})`);
    else if (!st.failed) checkWritten(r, rid, nr, lf.pos, fend, ctx);
  }
  if (!f.writeback) ctx.warn('netfs_writeback_unlock_folios.not_writeback', `wreq ${rid}: folio ${id} is not under writeback`);
  f.writeback = false;
  bv.page = null;
  ctx.touch('bvecq', bq);
  r.cleaned_to = fend;
  return 'done';
}

/** Cursor design: walks from `collect_cursor`, deleting spent nodes (never the last). */
function endCursor(d: World, rid: RreqId, r: NetfsRequest, limit: number, ctx: StepCtx): boolean {
  const p = r.collect_cursor;
  for (let n = 0; n <= r.folios.length * 2 + 2; n++) {
    if (p.bvecq === null) throw new Error(`wreq ${rid}: collecting without a collect cursor`);
    const q = liveNode(d, p.bvecq, ctx, 'netfs_writeback_unlock_folios');
    if (q === null) return false;
    if (p.slot >= q.nr_slots) {
      const more = bvecq_delete_spent(d, p, ctx);
      if (more === null) return false;
      if (!more) return true;
      continue;
    }
    const step = endOne(d, rid, r, p.bvecq, p.slot, limit, ctx);
    if (step === null) return false;
    if (step === 'wait') return true;
    p.slot += 1;
  }
  throw new Error('netfs_writeback_unlock_folios: walk without end');
}

/** Rolling design: walks from the buffer's tail at `first_tail_slot`, deleting spent nodes (never the last). */
function endRolling(d: World, rid: RreqId, r: NetfsRequest, limit: number, ctx: StepCtx): boolean {
  const buf = r.buffer;
  if (buf === null) throw new Error(`wreq ${rid}: collecting without a rolling buffer`);
  for (let n = 0; n <= r.folios.length * 2 + 2; n++) {
    if (buf.tail === null) throw new Error(`wreq ${rid}: rolling buffer without a tail`);
    const q = liveNode(d, buf.tail, ctx, 'netfs_writeback_unlock_folios');
    if (q === null) return false;
    if (buf.first_tail_slot >= q.nr_slots) {
      const next = rolling_buffer_delete_spent(d, r, ctx);
      if (next === null) return false;
      if (next === 'last') return true;
      continue;
    }
    const step = endOne(d, rid, r, buf.tail, buf.first_tail_slot, limit, ctx);
    if (step === null) return false;
    if (step === 'wait') return true;
    buf.first_tail_slot += 1;
  }
  throw new Error('netfs_writeback_unlock_folios: walk without end');
}

/** How far writeback may end: the least `collected_to` of the streams. */
function collectedLimit(r: NetfsRequest, ctx: StepCtx): number {
  if (ctx.mutant('netfs_writeback_single_stream_end')) return r.stream.collected_to;
  let limit = Number.MAX_SAFE_INTEGER;
  for (const st of streamsOf(r)) limit = Math.min(limit, st.collected_to);
  return limit;
}

/**
 * Models the writeback collection work item: each stream's fronts, then writeback ended up to
 * the request's `collected_to`; a NEED_RETRY front hands over to netfs_retry_writes; with all
 * queued and every stream empty the request completes (`transferred` is the server's).
 * Returns whether it completed, or null after a bug.
 */
export function netfs_writeback_collection(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): boolean | null {
  if (r.flags.retrying) return false;
  r.work_queued = false;
  if (!r.flags.in_progress) return false;
  let retry = false;
  for (const st of streamsOf(r)) {
    const ok = collectStream(d, rid, r, st, ctx);
    if (ok === null) return null;
    if (!ok) retry = true;
  }
  r.collected_to = collectedLimit(r, ctx);
  const walked = r.design === 'cursor' ? endCursor(d, rid, r, r.collected_to, ctx) : endRolling(d, rid, r, r.collected_to, ctx);
  if (!walked) return null;
  if (retry) {
    r.flags.retrying = true;
    return false;
  }
  if (!r.flags.all_queued || streamsOf(r).some((st) => st.subrequests.length > 0)) return false;
  r.transferred = r.stream.transferred;
  r.flags.in_progress = false;
  netfs_put_request(d, rid, r, ctx);
  return true;
}
