/**
 * An unbuffered/DIO netfs writer as three cooperating actors, the way the kernel splits the work:
 * - the issuer fills a buffer of folios with the bytes it means for the file (an ITER_BVEC
 *   caller, so it shares no user address space with other actors), calls
 *   netfs_unbuffered_write() on it, runs the dispatch loop (waiting while the request is
 *   paused for the subrequest in flight), drops its request reference, waits for completion
 *   and frees its buffer;
 * - the filesystem sends each answered subrequest's bytes and terminates it
 *   (sim/netfs_write_server.ts);
 * - the collector runs the collection whenever it is queued, and the retry once the stream is
 *   quiescent.
 */
import type { BioVec, BvsimEvent, World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import type { Draw } from '../choices.ts';
import type { NetfsRunContext } from './netfs_reader.ts';
import type { LiveIds } from '../live_ids.ts';
import { answeredSubreqs, anyAnswered } from '../netfs_server.ts';
import { allFreed, noneInProgress } from './netfs_waits.ts';
import { netfsWriteCompletion } from '../netfs_write_server.ts';

const PAGE_SIZE = 4096;

export interface NetfsDioWriterParams {
  readonly rounds: number;
  /** Buffer folios (one bio_vec each) per write (1..). */
  readonly pieces: number;
  readonly orderMax: number;
  /** Whether the bio_vecs may start and end inside their folios. */
  readonly unaligned: boolean;
  /** Up to how many bytes into the file a write may start. */
  readonly startMax: number;
  /** The filesystem's wsize and segment limit. */
  readonly wsize: number;
  readonly maxSegs: number;
  /** Slots each chain node is granted (1..29). */
  readonly nodeSlots: number;
  /** Whether sending an RPC may fail. */
  readonly sendErrors: boolean;
}

/** What a writer's three actors share: the requests it started, and whether its issuer is done. */
export interface WriterShared {
  readonly wreqs: number[];
  issuerDone: boolean;
}

type Shared = WriterShared;

function allDone(w: World, sh: Shared): boolean {
  return sh.issuerDone && allFreed(w, sh.wreqs);
}

/**
 * Allocates a DIO caller's buffer folios and the bio_vec of each (the part of the folio the I/O
 * uses); the unbuffered reader's buffer is drawn the same way.
 */
export function* allocDioBuffer(env: ActorEnv, p: Pick<NetfsDioWriterParams, 'pieces' | 'orderMax' | 'unaligned'>): Generator<BvsimEvent, { folios: number[]; bv: BioVec[] }, unknown> {
  const folios: number[] = [];
  const bv: BioVec[] = [];
  for (let k = 0; k < p.pieces; k++) {
    const order = env.draw.int(p.orderMax + 1);
    const pfn = env.ids.pfn(order);
    const fail = env.allocFails('folio');
    yield { type: 'folio_alloc', folio: pfn, order, pfn, fail };
    if (fail) continue;
    folios.push(pfn);
    const size = PAGE_SIZE * 2 ** order;
    const offset = p.unaligned ? env.draw.int(size) : 0;
    bv.push({ page: pfn, offset, len: p.unaligned ? 1 + env.draw.int(size - offset) : size });
  }
  return { folios, bv };
}

/** The application writes the bytes it means for file `ino` from `start` into its buffer; returns the source iterator. */
function* fillSource(env: ActorEnv, bv: BioVec[], ino: number, start: number): Generator<BvsimEvent, number, unknown> {
  const bvec = env.ids.next('bvec');
  const total = bv.reduce((n, b) => n + b.len, 0);
  yield { type: 'bvec_array', bvec, bv };
  const fill = env.ids.next('iter');
  const buf = env.ids.next('kbuf');
  yield { type: 'iov_iter_bvec', iter: fill, direction: 0, bvec, start: 0, nr_segs: bv.length, count: total };
  yield { type: 'kbuf_alloc', buf, size: total };
  yield { type: 'sim.netfs_recv', buf, ino, pos: start, len: total };
  yield { type: 'copy_to_iter', iter: fill, bytes: total, buf, offset: 0 };
  yield { type: 'kbuf_free', buf };
  const source = env.ids.next('iter');
  yield { type: 'iov_iter_bvec', iter: source, direction: 1, bvec, start: 0, nr_segs: bv.length, count: total };
  return source;
}

/** The dispatch loop: issue while the request is neither paused for its subrequest nor done. */
function* dispatch(env: ActorEnv, p: NetfsDioWriterParams, wreq: number): ActorProgram {
  for (let guard = 0; guard < 4096; guard++) {
    const r = env.world().rreqs[wreq];
    if (r === undefined || r.flags.all_queued) return;
    if (r.flags.pause) {
      yield { wait: `wreq ${wreq} subrequest collected`, until: (w: World) => w.rreqs[wreq]?.flags.pause !== true || w.rreqs[wreq]?.flags.all_queued === true };
      continue;
    }
    const sendError = p.sendErrors && env.draw.chance({ numerator: 1, denominator: 16 }) ? 104 : 0;
    const subreq = env.ids.next('subreq');
    yield { type: 'netfs_issue_write', wreq, stream: 0, subreq, iter: env.ids.next('iter'), wsize: p.wsize, max_segs: p.maxSegs, send_error: sendError };
  }
  throw new Error(`netfs DIO writer: dispatch of wreq ${wreq} did not end`);
}

function* oneWrite(env: ActorEnv, p: NetfsDioWriterParams, run: NetfsRunContext, sh: Shared): ActorProgram {
  const { folios, bv } = yield* allocDioBuffer(env, p);
  if (folios.length > 0) {
    const wreq = env.ids.next('rreq');
    const ino = 1000 + wreq;
    const start = env.draw.int(p.startMax + 1);
    const source = yield* fillSource(env, bv, ino, start);
    const pages = bv.reduce((n, b) => n + Math.ceil(((b.offset % PAGE_SIZE) + b.len) / PAGE_SIZE), 0);
    const nodes = Math.ceil(pages / p.nodeSlots);
    // An allocation failure: the chain gets only some of the nodes it needs.
    const granted = env.allocFails('bvecq') ? env.draw.int(nodes) : nodes;
    const bvecqs = Array.from({ length: granted }, () => env.ids.next('bvecq'));
    const iter = run.design === 'rolling' ? env.ids.next('iter') : null;
    const out = yield { type: 'netfs_unbuffered_write', wreq, design: run.design, ino, start, source, bvecqs, max_slots: p.nodeSlots, iter };
    if (typeof out.ret === 'number' && out.ret > 0) {
      sh.wreqs.push(wreq);
      yield* dispatch(env, p, wreq);
      yield { type: 'netfs_put_request', rreq: wreq };
      yield { wait: `wreq ${wreq} completion`, until: (w: World) => w.rreqs[wreq]?.freed === true };
    }
  }
  for (const f of folios) yield { type: 'folio_put', folio: f };
}

function* issuer(env: ActorEnv, p: NetfsDioWriterParams, run: NetfsRunContext, sh: Shared): ActorProgram {
  for (let round = 0; round < p.rounds && !env.draining(); round++) yield* oneWrite(env, p, run, sh);
  sh.issuerDone = true;
}

/** The filesystem side of a writer: sends each answered subrequest's bytes and terminates it. */
export function* writeFilesystem(env: ActorEnv, sh: Shared, live: LiveIds): ActorProgram {
  for (;;) {
    yield { wait: 'an answered write subrequest', until: (w: World) => anyAnswered(w, live(w), sh.wreqs) || allDone(w, sh) };
    const ready = answeredSubreqs(env.world(), live(env.world()), sh.wreqs);
    if (ready.length === 0) return;
    for (const e of netfsWriteCompletion(env.world(), env.draw.pick(ready), env.ids.next('kbuf'))) yield e;
  }
}

/** The request the collector should work on now: collect, retry (once quiescent), or nothing yet. */
function collectorJob(w: World, sh: Shared): { wreq: number; retry: boolean } | null {
  for (const id of sh.wreqs) {
    const r = w.rreqs[id];
    if (r === undefined || r.freed) continue;
    if (r.flags.retrying) {
      if (noneInProgress(w, r.stream.subrequests) && (r.cache_stream === null || noneInProgress(w, r.cache_stream.subrequests))) return { wreq: id, retry: true };
    } else if (r.work_queued) {
      return { wreq: id, retry: false };
    }
  }
  return null;
}

/** The collector of a writer: the collection when queued, the retry once no subrequest is in flight. */
export function* writeCollector(env: ActorEnv, sh: Shared): ActorProgram {
  for (;;) {
    yield { wait: 'write collection work', until: (w: World) => collectorJob(w, sh) !== null || allDone(w, sh) };
    const job = collectorJob(env.world(), sh);
    if (job === null) return;
    yield job.retry ? { type: 'netfs_retry_writes', wreq: job.wreq } : { type: 'netfs_write_collection', wreq: job.wreq };
  }
}

/** The three actors of one writer, named `<name>.dio`, `<name>.fs` and `<name>.collect`. */
export function netfsDioWriter(name: string, p: NetfsDioWriterParams, run: NetfsRunContext): ActorSpec[] {
  const sh: Shared = { wreqs: [], issuerDone: false };
  return [
    { name: `${name}.dio`, start: (env) => issuer(env, p, run, sh) },
    { name: `${name}.fs`, start: (env) => writeFilesystem(env, sh, run.subreqs) },
    { name: `${name}.collect`, start: (env) => writeCollector(env, sh) },
  ];
}

const half = { numerator: 1, denominator: 2 };
const quarter = { numerator: 1, denominator: 4 };

/** Swarm draw of one writer's parameters. */
export function drawNetfsDioWriter(draw: Draw): NetfsDioWriterParams {
  return {
    rounds: 1 + draw.int(3),
    pieces: 1 + draw.int(draw.chance(quarter) ? 24 : 6),
    orderMax: draw.int(3),
    unaligned: draw.chance(half),
    startMax: draw.chance(half) ? 0 : draw.int(4 * PAGE_SIZE),
    wsize: draw.pick([4096, 6144, 16384, 65536, 1048576]),
    maxSegs: 1 + draw.int(draw.chance(half) ? 3 : 16),
    nodeSlots: 1 + draw.int(draw.chance(half) ? 3 : 29),
    sendErrors: draw.chance(quarter),
  };
}
