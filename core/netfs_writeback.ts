/**
 * Buffered writeback with two streams: netfs_writepages() and the issuing side of
 * fs/netfs/write_issue.c (cursor design: netfs tree, RFC series; rolling design: as merged with
 * "netfs: Switch folioq to bvecq"; REFERENCE §2.12 "Write side"). Each dirty folio has its
 * dirty flag cleared for I/O, goes under writeback, is unlocked and appended to the buffer;
 * then the server's stream 0 and, when the file is cached, the cache's stream 1 each dispatch
 * subrequests over the same buffer from their own position (cursor design: a dispatch cursor
 * per stream; rolling design: stream 0 advances the master iterator, stream 1 a copy of it).
 * Divergence: all the request's folios are appended before any subrequest is issued (the
 * kernel interleaves the pagecache walk and the dispatch folio by folio); one folio per slot,
 * whole folios (the cursor series appends only the dirty part); the buffer takes no folio
 * references (the page cache's keep them alive).
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, FolioId, IterId, World } from './state.ts';
import type { NetfsDesign, NetfsRequest, RreqId } from './netfs_state.ts';
import type { NetfsIssueWriteEvent } from './netfs_direct_write.ts';
import { newStream, newSubrequest, streamOf } from './netfs_state.ts';
import { newRequest } from './netfs_dispatch.ts';
import { bvecq_load_from_ra, netfs_iter_bvec_queue, netfs_iter_copy, netfs_pos_set, netfs_prepare_cursor_buffer, netfs_prepare_read_iterator, WRITE } from './netfs_buffer.ts';
import { netfs_write_subrequest_terminated } from './netfs_write_terminate.ts';
import { bvecq_pos_unset } from './bvecq_pos.ts';
import { folioSize } from './folio.ts';
import { readData, writeData } from './data.ts';
import { min, PAGE_SIZE } from './kernel_int.ts';

export interface NetfsWritepagesEvent {
  type: 'netfs_writepages';
  wreq: RreqId;
  design: NetfsDesign;
  ino: number;
  start: number;
  folios: FolioId[];
  bvecqs: BvecqId[];
  max_slots: number[];
  /** Whether the file is cached: the cache's stream 1 is active. */
  cache: boolean;
  /** Rolling design: the master iterator, and the cache stream's copy of it (when cached). */
  iter: IterId | null;
  cache_iter: IterId | null;
}

/** Each folio: dirty cleared for I/O, writeback started, unlocked; its bytes recorded by file position. */
function startWriteback(d: World, r: NetfsRequest, folios: readonly FolioId[], start: number, ctx: StepCtx): void {
  let pos = start;
  for (const id of folios) {
    const f = d.folios[id];
    if (f === undefined) throw new Error(`netfs_writepages: folio ${id} vanished`);
    const size = folioSize(f);
    f.dirty = false;
    f.writeback = true;
    f.locked = false;
    ctx.touch('folio', id);
    writeData(r.wdata, pos, readData(f.data, 0, size));
    r.folios.push({ folio: id, pos, size });
    pos += size;
  }
}

/**
 * Models netfs_writepages() up to the dispatch: the request (two references), the folios put
 * under writeback and loaded one per slot into a new chain with the granted capacities, and
 * each stream's dispatch position at the start. Returns the bytes loaded.
 */
export function netfs_writepages(d: World, e: NetfsWritepagesEvent, ctx: StepCtx): number | null {
  let len = 0;
  for (const id of e.folios) len += PAGE_SIZE * 2 ** (d.folios[id]?.order ?? 0);
  const r = newRequest({ design: e.design, ino: e.ino, start: e.start, i_size: e.start + len }, len, 'writeback');
  d.rreqs[e.wreq] = r;
  startWriteback(d, r, e.folios, e.start, ctx);
  const chain = bvecq_load_from_ra(d, e.folios, e.bvecqs, e.max_slots, ctx);
  r.cache_stream = e.cache ? newStream(e.start) : null;
  const streams = r.cache_stream === null ? [r.stream] : [r.stream, r.cache_stream];
  for (const st of streams) st.buffered = chain.added;
  const head = { bvecq: chain.head, slot: 0, offset: 0 };
  if (e.design === 'cursor') {
    r.load_cursor = head;
    for (const st of streams) if (!netfs_pos_set(d, st.dispatch_cursor, r.load_cursor, ctx)) return null;
    if (!netfs_pos_set(d, r.collect_cursor, r.load_cursor, ctx)) return null;
  } else {
    const iter = e.iter ?? -1;
    r.buffer = { head: chain.last, tail: chain.head, iter, first_tail_slot: 0 };
    netfs_iter_bvec_queue(d, iter, head, chain.added, ctx, WRITE);
    if (r.cache_stream !== null && e.cache_iter !== null) {
      netfs_iter_copy(d, e.cache_iter, iter);
      r.cache_stream.dispatch_iter = e.cache_iter;
    }
  }
  return chain.added;
}

/** A stream has issued all it had: its dispatch cursor goes; once every stream is done, so does the load cursor. */
function endStreamDispatch(d: World, r: NetfsRequest, nr: number, ctx: StepCtx): void {
  bvecq_pos_unset(d, streamOf(r, nr).dispatch_cursor, ctx);
  const busy = r.stream.buffered > 0 || (r.cache_stream !== null && r.cache_stream.buffered > 0);
  if (busy) return;
  r.flags.all_queued = true;
  bvecq_pos_unset(d, r.load_cursor, ctx);
}

/**
 * Models the issue of one writeback subrequest on stream `e.stream` (netfs_prepare_write(),
 * netfs_advance_write() and netfs_issue_write() for one subrequest's worth): at the stream's
 * dispatch point, limited to `wsize` and `max_segs`, sliced from the stream's own position.
 * Streams do not wait for each other or for their own subrequests. Returns its length.
 */
export function netfs_issue_writeback(d: World, rid: RreqId, r: NetfsRequest, e: NetfsIssueWriteEvent, ctx: StepCtx): number | null {
  const stream = streamOf(r, e.stream);
  const s = newSubrequest(rid, e.stream === 0 ? 'server' : 'cache', stream.issue_from, e.iter, e.stream);
  s.len = min(stream.buffered, e.wsize);
  d.subreqs[e.subreq] = s;
  const got = r.design === 'cursor' ? netfs_prepare_cursor_buffer(d, s, stream.dispatch_cursor, e.max_segs, ctx, WRITE) : netfs_prepare_read_iterator(d, r, s, e.max_segs, ctx, stream.dispatch_iter);
  if (got === null) return null;
  stream.buffered -= s.len;
  s.flags.in_progress = true;
  stream.subrequests.push(e.subreq);
  if (!stream.active) {
    stream.active = true;
    stream.collected_to = s.start;
  }
  stream.issue_from = s.start + s.len;
  if (stream.buffered === 0) endStreamDispatch(d, r, e.stream, ctx);
  if (e.send_error !== 0 && !netfs_write_subrequest_terminated(d, e.subreq, s, 0, e.send_error, ctx)) return null;
  return s.len;
}
