/**
 * The server and cache side of netfs writes. A write subrequest in flight is answered with how
 * many of its bytes were written (all of them, a shorter prefix, none with -EAGAIN while the
 * subrequest may still be retried, or none with -EIO); while draining, answers are whole. The
 * filesystem side (`netfsWriteCompletion`) sends those bytes: it copies them out of the
 * subrequest's `io_iter` into a transmit buffer, the server or cache stores them at the
 * subrequest's position, and the subrequest is terminated with what was written.
 */
import type { BvsimEvent, NetfsSubrequest, World } from '../core/index.ts';
import type { Draw } from './choices.ts';
import type { NetfsServerParams } from './netfs_server.ts';

const EIO = 5;
const EAGAIN = 11;

/** Whether subrequest `s` belongs to a write request (its answers follow the rules here). */
export function isWriteSubreq(w: World, s: NetfsSubrequest): boolean {
  const origin = w.rreqs[s.rreq]?.origin;
  return origin === 'unbuffered_write' || origin === 'writeback';
}

/** The server's or cache's answer to write subrequest `id`. */
export function netfsWriteAnswer(w: World, id: number, draw: Draw, draining: boolean, p: NetfsServerParams): BvsimEvent {
  const s = w.subreqs[id];
  if (s === undefined) throw new Error(`netfsWriteAnswer: subreq ${id} never created`);
  const want = s.len - s.transferred;
  const reply = (bytes: number, error: number): BvsimEvent => ({ type: 'sim.netfs_reply', subreq: id, bytes, error, eof: false });
  const retriable = s.retry_count < p.shortRetriesMax;
  if (!draining && draw.chance(p.errorRate)) return reply(0, retriable && draw.chance({ numerator: 1, denominator: 2 }) ? EAGAIN : EIO);
  if (!draining && want > 1 && retriable && draw.chance(p.shortRate)) return reply(1 + draw.int(want - 1), 0);
  return reply(want, 0);
}

/**
 * The filesystem's handling of an answered write subrequest: the written bytes go out of
 * `io_iter` through transmit buffer `buf` to the server or cache, then the subrequest is
 * terminated with them (or with the error).
 */
export function netfsWriteCompletion(w: World, id: number, buf: number): BvsimEvent[] {
  const s = w.subreqs[id];
  if (s === undefined || s.reply === null) throw new Error(`netfsWriteCompletion: subreq ${id} has no answer`);
  const { bytes, error } = s.reply;
  const out: BvsimEvent[] = [];
  if (error === 0 && bytes > 0) {
    out.push({ type: 'kbuf_alloc', buf, size: bytes });
    out.push({ type: 'copy_from_iter', iter: s.io_iter, bytes, buf, offset: 0 });
    out.push({ type: 'sim.netfs_store', subreq: id, buf, len: bytes });
    out.push({ type: 'kbuf_free', buf });
  }
  out.push({ type: 'netfs_write_subrequest_terminated', subreq: id, transferred: error === 0 ? bytes : 0, error });
  return out;
}
