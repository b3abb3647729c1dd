/**
 * The end of a write subrequest's I/O: netfs_write_subrequest_terminated()
 * (fs/netfs/write_collect.c), and where the bytes a write subrequest sends land: the server's
 * (stream 0) or the cache's (stream 1) copy of the file, checked byte by byte against what the
 * caller handed over for that file position (`data.misplaced`).
 * Divergence: the server and cache copies live on the request (checker bookkeeping); the
 * filesystem's transmission is a copy out of `io_iter` into a kernel buffer followed by
 * `sim.netfs_store`, which lands those bytes at the subrequest's current position.
 */
import type { StepCtx } from './ctx.ts';
import type { DataRun, World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest, RreqId, SubreqId } from './netfs_state.ts';
import type { DataPiece } from './data.ts';
import { EAGAIN } from './netfs_state.ts';
import { netfs_put_subrequest } from './netfs_terminate.ts';
import { readData, writeData } from './data.ts';

/**
 * Models netfs_write_subrequest_terminated(): an error fails the subrequest (-EAGAIN asks for
 * a retry) and pauses the issuer; otherwise `transferred` is added (a WARN clamps more than
 * was left), and a short write asks for a retry. IN_PROGRESS is cleared, the collector woken,
 * the issuer's reference put. A second termination is `bug netfs.subreq_terminated_twice`.
 */
export function netfs_write_subrequest_terminated(d: World, id: SubreqId, s: NetfsSubrequest, transferred: number, error: number, ctx: StepCtx): boolean {
  if (!s.flags.in_progress) {
    ctx.bug('netfs.subreq_terminated_twice', `write subreq ${id} terminated again after it stopped being in progress`);
    return false;
  }
  const r = d.rreqs[s.rreq];
  if (r === undefined || r.freed) {
    ctx.bug('rreq.use_after_free', `write subreq ${id} terminated after its request ${s.rreq} was freed`);
    return false;
  }
  if (error !== 0) {
    s.error = -error;
    if (error === EAGAIN) s.flags.need_retry = true;
    else s.flags.failed = true;
    r.flags.pause = true;
  } else {
    const left = s.len - s.transferred;
    let t = transferred;
    if (t > left) {
      ctx.warn('netfs_write_subrequest_terminated.too_much', `write subreq ${id} claims ${t} byte(s) with ${left} left`);
      t = left;
    }
    s.error = 0;
    s.transferred += t;
    if (t > 0) s.flags.made_progress = true;
    if (s.transferred < s.len) s.flags.need_retry = true;
  }
  s.flags.in_progress = false;
  s.reply = null;
  r.work_queued = true;
  netfs_put_subrequest(d, id, s, ctx);
  return true;
}

/** The first byte where two piece lists covering the same range disagree, with both labels there; null if none. */
function firstDifference(a: readonly DataPiece[], b: readonly DataPiece[]): { at: number; got: DataPiece; want: DataPiece } | null {
  let i = 0;
  let j = 0;
  let ia = 0;
  let ib = 0;
  let at = 0;
  for (let guard = 0; i < a.length && j < b.length; guard++) {
    if (guard > a.length + b.length + 2) throw new Error('firstDifference: no progress');
    const pa = a[i];
    const pb = b[j];
    if (pa === undefined || pb === undefined) break;
    const got = { src: pa.src, off: pa.off + ia, len: pa.len - ia };
    const want = { src: pb.src, off: pb.off + ib, len: pb.len - ib };
    if (got.src !== want.src || (got.src !== null && got.off !== want.off)) return { at, got, want };
    const step = Math.min(got.len, want.len);
    at += step;
    ia += step;
    ib += step;
    if (ia === pa.len) [i, ia] = [i + 1, 0];
    if (ib === pb.len) [j, ib] = [j + 1, 0];
  }
  return null;
}

/** The server's (stream 0) or cache's (stream 1) copy of the request's file. */
export function storeOf(r: NetfsRequest, stream_nr: number): DataRun[] {
  return stream_nr === 0 ? r.server_data : r.cache_data;
}

/**
 * The server or cache stores `pieces` at file position `pos` for the request: each byte must be
 * the one the caller handed over for that position, else `data.misplaced`.
 */
export function netfs_store(r: NetfsRequest, rid: RreqId, stream_nr: number, pos: number, pieces: readonly DataPiece[], ctx: StepCtx): void {
  const len = pieces.reduce((n, p) => n + p.len, 0);
  const bad = firstDifference(pieces, readData(r.wdata, pos, len));
  if (bad !== null) {
    const where = stream_nr === 0 ? 'server' : 'cache';
    ctx.invariant('data.misplaced', `wreq ${rid}: ${where} file byte ${pos + bad.at} receives ${String(bad.got.src)} byte ${bad.got.off}, but the caller wrote ${String(bad.want.src)} byte ${bad.want.off} there`);
  }
  writeData(storeOf(r, stream_nr), pos, pieces);
}

/**
 * The collector's check of a range reported written: every byte the caller handed over for
 * [from, to) must have reached the server or cache, else `data.lost`.
 */
export function checkWritten(r: NetfsRequest, rid: RreqId, stream_nr: number, from: number, to: number, ctx: StepCtx): void {
  if (to <= from) return;
  let at = from;
  for (const p of readData(storeOf(r, stream_nr), from, to - from)) {
    const owed = p.src === null && readData(r.wdata, at, p.len).some((w) => w.src !== null);
    if (owed) {
      ctx.invariant('data.lost', `wreq ${rid}: file bytes ${from}..${to} are reported written to the ${stream_nr === 0 ? 'server' : 'cache'} but byte ${at} never reached it`);
      return;
    }
    at += p.len;
  }
}
