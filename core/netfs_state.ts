/**
 * netfs read requests and subrequests as plain state (include/linux/netfs.h, fs/netfs/internal.h;
 * REFERENCE §1.9, §2.12). Two buffer designs share the request shape: `cursor` (the bvecq
 * series: load, dispatch, collect and retry cursors are `bvecq_pos` values holding node
 * references) and `rolling` (the merged rolling buffer: a tail node owned by the buffer and a
 * master ITER_BVECQ iterator that subrequests copy). Cursors are embedded in their structs, as
 * in C; the iterators live in the `iters` table under the ids the events name.
 * Reads and unbuffered/DIO writes use stream 0 (`stream`); buffered writeback adds the cache's
 * stream 1 (`cache_stream`). The origin says which path made the request (rreq->origin).
 * Divergence: flags are booleans by name rather than bit numbers; fields of origins not
 * modelled (single reads, pgpriv2) are left out.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqPos, DataRun, FolioId, IterId, World } from './state.ts';
import { lookupLive } from './lookup.ts';

export type RreqId = number;
export type SubreqId = number;
export type NetfsDesign = 'cursor' | 'rolling';
/** NETFS_READAHEAD, NETFS_UNBUFFERED_WRITE / NETFS_DIO_WRITE, NETFS_DIO_READ, NETFS_WRITEBACK. */
export type NetfsOrigin = 'readahead' | 'unbuffered_write' | 'dio_read' | 'writeback';
/** NETFS_DOWNLOAD_FROM_SERVER, NETFS_READ_FROM_CACHE, NETFS_FILL_WITH_ZEROES. */
export type NetfsSource = 'server' | 'cache' | 'zero';

export const ENODATA = 61;
export const EIO = 5;
export const ENOMEM = 12;
export const EAGAIN = 11;

/** The subrequest flags the read path uses (NETFS_SREQ_*). */
export interface NetfsSreqFlags {
  in_progress: boolean;
  need_retry: boolean;
  failed: boolean;
  made_progress: boolean;
  hit_eof: boolean;
  clear_tail: boolean;
}

export type NetfsSreqFlagName = 'HIT_EOF' | 'CLEAR_TAIL' | 'MADE_PROGRESS' | 'NEED_RETRY';

/** What the simulated server or cache answered, waiting for the filesystem (not a kernel field). */
export interface NetfsReply {
  bytes: number;
  error: number;
  eof: boolean;
}

export interface NetfsSubrequest {
  rreq: RreqId;
  /** 0: the server (reads, uploads), 1: the cache (writeback's second stream). */
  stream_nr: number;
  source: NetfsSource;
  start: number;
  len: number;
  transferred: number;
  /** 0 or a negative errno. */
  error: number;
  retry_count: number;
  nr_segs: number;
  flags: NetfsSreqFlags;
  /** Cursor design: where the slice starts in the shared queue, and the slice used. */
  dispatch_pos: BvecqPos;
  content: BvecqPos;
  io_iter: IterId;
  ref: number;
  freed: boolean;
  reply: NetfsReply | null;
}

export interface NetfsStream {
  subrequests: SubreqId[];
  dispatch_cursor: BvecqPos;
  /**
   * Rolling design, writeback's cache stream: its dispatch position, an ITER_BVECQ copy of the
   * master iterator; null where the buffer's master iterator is the stream's.
   */
  dispatch_iter: IterId | null;
  issue_from: number;
  buffered: number;
  collected_to: number;
  transferred: number;
  failed: boolean;
  need_retry: boolean;
  active: boolean;
  error: number;
}

/** The merged rolling buffer: `tail` is the consumer end, `head` the producer end. */
export interface RollingBuffer {
  head: number | null;
  tail: number | null;
  iter: IterId;
  first_tail_slot: number;
}

/** Checker bookkeeping: a folio the request loaded, with its file position and size. */
export interface NetfsLoadedFolio {
  folio: FolioId;
  pos: number;
  size: number;
}

export interface NetfsRreqFlags {
  in_progress: boolean;
  all_queued: boolean;
  pause: boolean;
  failed: boolean;
  short_transfer: boolean;
  retrying: boolean;
}

export interface NetfsRequest {
  design: NetfsDesign;
  origin: NetfsOrigin;
  /** The inode whose bytes are read: provenance label `file:<ino>`. */
  ino: number;
  start: number;
  len: number;
  i_size: number;
  submitted: number;
  collected_to: number;
  cleaned_to: number;
  abandon_to: number;
  front_folio_order: number;
  transferred: number;
  error: number;
  flags: NetfsRreqFlags;
  load_cursor: BvecqPos;
  collect_cursor: BvecqPos;
  retry_cursor: BvecqPos;
  retry_start: number;
  retry_buffered: number;
  stream: NetfsStream;
  buffer: RollingBuffer | null;
  /** The collection work item is queued (netfs_wake_collector); the collector actor runs it. */
  work_queued: boolean;
  ref: number;
  freed: boolean;
  /** Checker bookkeeping: the loaded folios in file order. */
  folios: NetfsLoadedFolio[];
  /** Checker bookkeeping: the lowest end of file a subrequest reported (HIT_EOF), else i_size. */
  eof: number;
  /** Writeback: the cache's stream 1, with its own dispatch position; null for other origins. */
  cache_stream: NetfsStream | null;
  /** Checker bookkeeping (writes): the caller's bytes laid out by file position (`at`). */
  wdata: DataRun[];
  /** Checker bookkeeping (writes): what reached the server (stream 0) and the cache (stream 1), by file position. */
  server_data: DataRun[];
  cache_data: DataRun[];
}

export function unsetPos(): BvecqPos {
  return { bvecq: null, slot: 0, offset: 0 };
}

export function newSubrequest(rreq: RreqId, source: NetfsSource, start: number, io_iter: IterId, stream_nr = 0): NetfsSubrequest {
  return {
    rreq,
    stream_nr,
    source,
    start,
    len: 0,
    transferred: 0,
    error: 0,
    retry_count: 0,
    nr_segs: 0,
    flags: { in_progress: false, need_retry: false, failed: false, made_progress: false, hit_eof: false, clear_tail: false },
    dispatch_pos: unsetPos(),
    content: unsetPos(),
    io_iter,
    ref: 2,
    freed: false,
    reply: null,
  };
}

export function lookupRreq(d: World, id: RreqId, ctx: StepCtx, field = 'rreq'): NetfsRequest | null {
  return lookupLive(d.rreqs, id, ctx, 'rreq', field);
}

export function lookupSubreq(d: World, id: SubreqId, ctx: StepCtx, field = 'subreq'): NetfsSubrequest | null {
  return lookupLive(d.subreqs, id, ctx, 'subreq', field);
}

/** A subrequest id the request's list holds: always created, possibly freed (use after free). */
export function listSubreq(d: World, id: SubreqId, ctx: StepCtx): NetfsSubrequest | null {
  const s = d.subreqs[id];
  if (s === undefined) throw new Error(`subreq ${id} on a list but never created`);
  if (s.freed) {
    ctx.bug('subreq.use_after_free', `subreq ${id} still on its request's list after it was freed`);
    return null;
  }
  return s;
}

/** The file position of a loaded folio, or null when the request never loaded it. */
export function loadedFolio(r: NetfsRequest, folio: FolioId): { index: number; entry: NetfsLoadedFolio } | null {
  const index = r.folios.findIndex((f) => f.folio === folio);
  const entry = r.folios[index];
  return entry === undefined ? null : { index, entry };
}

/** A stream of the request by number: 0 the server's, 1 the cache's (writeback only). */
export function streamOf(r: NetfsRequest, nr: number): NetfsStream {
  if (nr === 0) return r.stream;
  if (r.cache_stream === null) throw new Error('streamOf: the request has no cache stream');
  return r.cache_stream;
}

/** A fresh stream whose dispatch point is `start`. */
export function newStream(start: number): NetfsStream {
  return { subrequests: [], dispatch_cursor: unsetPos(), dispatch_iter: null, issue_from: start, buffered: 0, collected_to: start, transferred: 0, failed: false, need_retry: false, active: false, error: 0 };
}

/** The provenance label of the request's file. */
export function fileSrc(ino: number): string {
  return `file:${ino}`;
}
