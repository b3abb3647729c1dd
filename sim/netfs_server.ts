/**
 * The network server and local cache behind netfs reads. Every subrequest the world holds in
 * flight (IN_PROGRESS, sent to the server or cache, not yet answered) is a completion proposal;
 * when the scheduler picks one, the device decides from the devices stream how much it returns
 * (all that is left up to the server's end of file, a shorter prefix, more than was asked for,
 * or an error) and proposes `sim.netfs_reply`. The filesystem side (`netfsFsCompletion`) then
 * turns the answer into kernel calls: the bytes arrive in a receive buffer, are copied into the
 * subrequest's iterator and the subrequest is terminated. While draining, answers are whole.
 */
import type { BvsimEvent, NetfsSubrequest, World } from '../core/index.ts';
import type { Draw } from './choices.ts';
import type { Device } from './devices.ts';
import { keepInto, type LiveIds } from './live_ids.ts';
import type { Ratio } from './prng.ts';
import { isWriteSubreq, netfsWriteAnswer } from './netfs_write_server.ts';

const EIO = 5;
const ENODATA = 61;
const PAGE_SIZE = 4096;

export interface NetfsServerParams {
  readonly shortRate: Ratio;
  readonly errorRate: Ratio;
  /** How often the server claims more bytes than were asked for. */
  readonly overReadRate: Ratio;
  /** Retries after which a subrequest is answered whole (keeps a run within the kernel's retry limit). */
  readonly shortRetriesMax: number;
}

/** The server's view of each file: its real size, which may be below the client's i_size. */
export interface NetfsFiles {
  readonly size: Record<number, number>;
}

export function newNetfsFiles(): NetfsFiles {
  return { size: {} };
}

/** Whether subrequest `id` waits for the server's answer (in flight, unanswered, not a zero fill). */
function awaitingServer(w: World, id: number): boolean {
  const s = w.subreqs[id];
  return s !== undefined && s.flags.in_progress && s.reply === null && s.source !== 'zero';
}

/**
 * Subrequests waiting for the server's answer, ascending (`live`: the run's live subrequests),
 * written into `out` (the device's own list, asked for at every step).
 */
export function netfsInflight(w: World, live: readonly number[], out: number[] = []): number[] {
  return keepInto(out, w, live, awaitingServer);
}

/** Whether subrequest `id` is answered by the server and not yet handled by the filesystem. */
function answered(w: World, id: number, reqs: readonly number[]): boolean {
  const s = w.subreqs[id];
  return s !== undefined && s.reply !== null && s.flags.in_progress && reqs.includes(s.rreq);
}

/**
 * Subrequests of requests `reqs` that the server has answered and the filesystem has not yet
 * handled, ascending, from the run's live subrequests `live`.
 */
export function answeredSubreqs(w: World, live: readonly number[], reqs: readonly number[]): number[] {
  const out: number[] = [];
  for (const id of live) if (answered(w, id, reqs)) out.push(id);
  return out;
}

/** Whether any subrequest answeredSubreqs() would list exists: a waiting filesystem actor asks at every step. */
export function anyAnswered(w: World, live: readonly number[], reqs: readonly number[]): boolean {
  for (const id of live) if (answered(w, id, reqs)) return true;
  return false;
}

/** What the server holds for the rest of subrequest `s`: bytes up to its end of file. */
function available(w: World, s: NetfsSubrequest, files: NetfsFiles): { pos: number; want: number; avail: number; size: number } {
  const r = w.rreqs[s.rreq];
  const size = files.size[r?.ino ?? -1] ?? r?.i_size ?? 0;
  const pos = s.start + s.transferred;
  const want = Math.max(0, s.len - s.transferred);
  const avail = s.source === 'cache' ? want : Math.max(0, Math.min(want, size - pos));
  return { pos, want, avail, size };
}

/** The device's answer to subrequest `id`. */
export function netfsAnswer(w: World, id: number, draw: Draw, draining: boolean, p: NetfsServerParams, files: NetfsFiles): BvsimEvent {
  const s = w.subreqs[id];
  if (s === undefined) throw new Error(`netfsAnswer: subreq ${id} never created`);
  if (isWriteSubreq(w, s)) return netfsWriteAnswer(w, id, draw, draining, p);
  const { pos, want, avail, size } = available(w, s, files);
  const reply = (bytes: number, error: number): BvsimEvent => ({ type: 'sim.netfs_reply', subreq: id, bytes, error, eof: s.source === 'server' && error === 0 && pos + bytes >= size });
  if (!draining && draw.chance(p.errorRate)) return reply(draw.int(avail + 1), s.source === 'cache' ? ENODATA : EIO);
  if (!draining && s.source === 'server' && draw.chance(p.overReadRate)) return reply(want + 1 + draw.int(PAGE_SIZE), 0);
  if (!draining && avail > 1 && s.retry_count < p.shortRetriesMax && draw.chance(p.shortRate)) return reply(1 + draw.int(avail - 1), 0);
  return reply(avail, 0);
}

export function netfsServer(p: NetfsServerParams, files: NetfsFiles, live: LiveIds): Device {
  const inflight: number[] = [];
  return {
    name: 'netfs',
    keyPrefix: 'sreq',
    inflight: (world) => netfsInflight(world, live(world), inflight),
    complete: (world, id, draw, draining) => netfsAnswer(world, id, draw, draining, p, files),
  };
}

/**
 * The filesystem's handling of an answered subrequest: the bytes land in receive buffer `buf`
 * (labelled as the file's bytes from the read position), are copied into `io_iter`, the buffer
 * is freed, and the subrequest is terminated with `transferred` grown by what the server claimed
 * (MADE_PROGRESS if anything came, HIT_EOF if the server reached its end of file).
 */
export function netfsFsCompletion(w: World, id: number, buf: number): BvsimEvent[] {
  const s = w.subreqs[id];
  const r = s === undefined ? undefined : w.rreqs[s.rreq];
  if (s === undefined || r === undefined || s.reply === null) throw new Error(`netfsFsCompletion: subreq ${id} has no answer`);
  const { bytes, error, eof } = s.reply;
  const out: BvsimEvent[] = [];
  if (bytes > 0) {
    out.push({ type: 'kbuf_alloc', buf, size: bytes });
    out.push({ type: 'sim.netfs_recv', buf, ino: r.ino, pos: s.start + s.transferred, len: bytes });
    out.push({ type: 'copy_to_iter', iter: s.io_iter, bytes, buf, offset: 0 });
    out.push({ type: 'kbuf_free', buf });
  }
  const flags: ('MADE_PROGRESS' | 'HIT_EOF')[] = [];
  if (bytes > 0) flags.push('MADE_PROGRESS');
  if (eof) flags.push('HIT_EOF');
  out.push({ type: 'netfs_read_subreq_terminated', subreq: id, transferred: s.transferred + bytes, error, flags });
  return out;
}
