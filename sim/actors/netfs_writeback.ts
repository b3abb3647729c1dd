/**
 * A netfs buffered writeback as three cooperating actors:
 * - the flusher dirties page-cache folios with the file's bytes, locks them and calls
 *   netfs_writepages() (the server's stream, and the cache's when the file is cached), then
 *   issues the subrequests of both streams in whatever order it draws, so either stream may
 *   run ahead of the other; it drops its request reference, waits for completion and puts
 *   the folios;
 * - the filesystem and the collector are the unbuffered writer's (netfs_dio_writer.ts).
 * In the rolling design the buffer is one node: an iterator parked at the end of a node the
 * collector deletes is REFERENCE §3 item 18 (the reader's hazard), which a clean run avoids.
 */
import type { BvsimEvent, World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import type { Draw } from '../choices.ts';
import type { NetfsRunContext } from './netfs_reader.ts';
import { writeCollector, writeFilesystem, type WriterShared } from './netfs_dio_writer.ts';

const PAGE_SIZE = 4096;

export interface NetfsWritebackParams {
  readonly rounds: number;
  /** Dirty folios per writeback (1..). */
  readonly folios: number;
  readonly orderMax: number;
  /** Whether the file is cached (the cache's stream 1 writes too). */
  readonly cache: boolean;
  /** Up to how many pages into the file the dirty range may start. */
  readonly startPagesMax: number;
  readonly wsize: number;
  readonly maxSegs: number;
  /** Slots each chain node is granted (1..29). */
  readonly nodeSlots: number;
  readonly sendErrors: boolean;
}

/** Allocates the folios and fills them with the file's bytes from `start` (the page cache's copy). */
function* dirtyFolios(env: ActorEnv, p: NetfsWritebackParams, ino: number, start: number): Generator<BvsimEvent, number[], unknown> {
  const folios: number[] = [];
  const bv = [];
  for (let k = 0; k < p.folios; k++) {
    const order = env.draw.int(p.orderMax + 1);
    const pfn = env.ids.pfn(order);
    const fail = env.allocFails('folio');
    yield { type: 'folio_alloc', folio: pfn, order, pfn, fail };
    if (fail) continue;
    folios.push(pfn);
    bv.push({ page: pfn, offset: 0, len: PAGE_SIZE * 2 ** order });
  }
  if (folios.length === 0) return folios;
  const total = bv.reduce((n, b) => n + b.len, 0);
  const bvec = env.ids.next('bvec');
  const iter = env.ids.next('iter');
  const buf = env.ids.next('kbuf');
  yield { type: 'bvec_array', bvec, bv };
  yield { type: 'iov_iter_bvec', iter, direction: 0, bvec, start: 0, nr_segs: bv.length, count: total };
  yield { type: 'kbuf_alloc', buf, size: total };
  yield { type: 'sim.netfs_recv', buf, ino, pos: start, len: total };
  yield { type: 'copy_to_iter', iter, bytes: total, buf, offset: 0 };
  yield { type: 'kbuf_free', buf };
  for (const f of folios) {
    yield { type: 'folio_mark_dirty', folio: f };
    yield { type: 'folio_lock', folio: f };
  }
  return folios;
}

/** Issues the subrequests of both streams, a drawn stream at a time, until all are queued. */
function* dispatch(env: ActorEnv, p: NetfsWritebackParams, wreq: number): ActorProgram {
  for (let guard = 0; guard < 8192; guard++) {
    const r = env.world().rreqs[wreq];
    if (r === undefined || r.flags.all_queued) return;
    const open = [r.stream, r.cache_stream].flatMap((st, nr) => (st !== null && st.buffered > 0 ? [nr] : []));
    const sendError = p.sendErrors && env.draw.chance({ numerator: 1, denominator: 16 }) ? 104 : 0;
    const subreq = env.ids.next('subreq');
    yield { type: 'netfs_issue_write', wreq, stream: env.draw.pick(open), subreq, iter: env.ids.next('iter'), wsize: p.wsize, max_segs: p.maxSegs, send_error: sendError };
  }
  throw new Error(`netfs writeback: dispatch of wreq ${wreq} did not end`);
}

function* oneWriteback(env: ActorEnv, p: NetfsWritebackParams, run: NetfsRunContext, sh: WriterShared): ActorProgram {
  const wreq = env.ids.next('rreq');
  const ino = 1000 + wreq;
  const start = PAGE_SIZE * env.draw.int(p.startPagesMax + 1);
  const folios = yield* dirtyFolios(env, p, ino, start);
  if (folios.length === 0) return;
  const slots = run.design === 'rolling' ? Math.max(p.nodeSlots, folios.length) : p.nodeSlots;
  const caps: number[] = [];
  for (let left = folios.length; left > 0; left -= slots) caps.push(slots);
  const rolling = run.design === 'rolling';
  yield {
    type: 'netfs_writepages',
    wreq,
    design: run.design,
    ino,
    start,
    folios,
    bvecqs: caps.map(() => env.ids.next('bvecq')),
    max_slots: caps,
    cache: p.cache,
    iter: rolling ? env.ids.next('iter') : null,
    cache_iter: rolling && p.cache ? env.ids.next('iter') : null,
  };
  sh.wreqs.push(wreq);
  yield* dispatch(env, p, wreq);
  yield { type: 'netfs_put_request', rreq: wreq };
  yield { wait: `wreq ${wreq} completion`, until: (w: World) => w.rreqs[wreq]?.freed === true };
  for (const f of folios) yield { type: 'folio_put', folio: f };
}

function* flusher(env: ActorEnv, p: NetfsWritebackParams, run: NetfsRunContext, sh: WriterShared): ActorProgram {
  for (let round = 0; round < p.rounds && !env.draining(); round++) yield* oneWriteback(env, p, run, sh);
  sh.issuerDone = true;
}

/** The three actors of one writeback, named `<name>.wb`, `<name>.fs` and `<name>.collect`. */
export function netfsWriteback(name: string, p: NetfsWritebackParams, run: NetfsRunContext): ActorSpec[] {
  const sh: WriterShared = { wreqs: [], issuerDone: false };
  return [
    { name: `${name}.wb`, start: (env) => flusher(env, p, run, sh) },
    { name: `${name}.fs`, start: (env) => writeFilesystem(env, sh, run.subreqs) },
    { name: `${name}.collect`, start: (env) => writeCollector(env, sh) },
  ];
}

const half = { numerator: 1, denominator: 2 };
const quarter = { numerator: 1, denominator: 4 };

/** Swarm draw of one writeback's parameters. */
export function drawNetfsWriteback(draw: Draw): NetfsWritebackParams {
  return {
    rounds: 1 + draw.int(3),
    folios: 1 + draw.int(draw.chance(quarter) ? 24 : 6),
    orderMax: draw.int(3),
    cache: !draw.chance(quarter),
    startPagesMax: draw.chance(half) ? 0 : draw.int(8),
    wsize: draw.pick([4096, 6144, 16384, 65536, 1048576]),
    maxSegs: 1 + draw.int(draw.chance(half) ? 3 : 16),
    nodeSlots: 1 + draw.int(draw.chance(half) ? 3 : 29),
    sendErrors: draw.chance(quarter),
  };
}
