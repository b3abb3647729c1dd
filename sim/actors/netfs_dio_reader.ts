/**
 * An unbuffered/DIO netfs reader as three cooperating actors:
 * - the issuer allocates a buffer of folios (an ITER_BVEC destination, so it shares no user
 *   address space with other actors), calls netfs_unbuffered_read() on it, runs the dispatch
 *   loop (netfs_issue_read, all from the server), drops its request reference, waits for
 *   completion and frees its buffer;
 * - the filesystem copies each answered subrequest's bytes into its iterator, which points at
 *   the caller's pages, and terminates it (sim/netfs_server.ts);
 * - the collector runs the read collection whenever it is queued, and the retry once the
 *   dispatch loop has ended and the stream is quiescent.
 */
import type { World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import type { Draw } from '../choices.ts';
import type { NetfsRunContext } from './netfs_reader.ts';
import { readCollector, readFilesystem, type ReadShared } from './netfs_read_side.ts';
import { allocDioBuffer } from './netfs_dio_writer.ts';

const PAGE_SIZE = 4096;

export interface NetfsDioReaderParams {
  readonly rounds: number;
  /** Buffer folios (one bio_vec each) per read (1..). */
  readonly pieces: number;
  readonly orderMax: number;
  /** Whether the bio_vecs may start and end inside their folios. */
  readonly unaligned: boolean;
  /** Up to how many bytes into the file a read may start. */
  readonly startMax: number;
  /** Up to how many bytes the file may end before the buffer does. */
  readonly eofShortMax: number;
  /** Up to how many bytes the server's copy of the file may be shorter than i_size. */
  readonly truncateMax: number;
  readonly rsize: number;
  readonly maxSegs: number;
  /** Slots each chain node is granted (1..29). */
  readonly nodeSlots: number;
  readonly sendErrors: boolean;
}

function* dispatch(env: ActorEnv, p: NetfsDioReaderParams, rreq: number): ActorProgram {
  for (let guard = 0; guard < 4096; guard++) {
    const r = env.world().rreqs[rreq];
    if (r === undefined || r.flags.all_queued) return;
    const sendError = p.sendErrors && env.draw.chance({ numerator: 1, denominator: 16 }) ? 104 : 0;
    yield {
      type: 'netfs_issue_read',
      rreq,
      subreq: env.ids.next('subreq'),
      iter: env.ids.next('iter'),
      cached_from: null,
      cached_to: null,
      rsize: p.rsize,
      max_segs: p.maxSegs,
      send_error: sendError,
      fail: env.allocFails('bvecq'),
    };
  }
  throw new Error(`netfs DIO reader: dispatch of rreq ${rreq} did not end`);
}

function* oneRead(env: ActorEnv, p: NetfsDioReaderParams, run: NetfsRunContext, sh: ReadShared): ActorProgram {
  const { folios, bv } = yield* allocDioBuffer(env, p);
  const total = bv.reduce((n, b) => n + b.len, 0);
  const start = env.draw.int(p.startMax + 1);
  const iSize = start + Math.max(1, total - env.draw.int(p.eofShortMax + 1));
  if (folios.length > 0) {
    const rreq = env.ids.next('rreq');
    const ino = 1000 + rreq;
    run.files.size[ino] = Math.max(start, iSize - env.draw.int(p.truncateMax + 1));
    const bvec = env.ids.next('bvec');
    const dest = env.ids.next('iter');
    yield { type: 'bvec_array', bvec, bv };
    yield { type: 'iov_iter_bvec', iter: dest, direction: 0, bvec, start: 0, nr_segs: bv.length, count: total };
    const pages = bv.reduce((n, b) => n + Math.ceil(((b.offset % PAGE_SIZE) + b.len) / PAGE_SIZE), 0);
    const nodes = Math.ceil(pages / p.nodeSlots);
    const granted = env.allocFails('bvecq') ? env.draw.int(nodes) : nodes;
    const bvecqs = Array.from({ length: granted }, () => env.ids.next('bvecq'));
    const iter = run.design === 'rolling' ? env.ids.next('iter') : null;
    const out = yield { type: 'netfs_unbuffered_read', rreq, design: run.design, ino, start, i_size: iSize, dest, bvecqs, max_slots: p.nodeSlots, iter };
    if (typeof out.ret === 'number' && out.ret > 0) {
      sh.rreqs.push(rreq);
      yield* dispatch(env, p, rreq);
      yield { type: 'netfs_put_request', rreq };
      yield { wait: `rreq ${rreq} completion`, until: (w: World) => w.rreqs[rreq]?.freed === true };
    }
  }
  for (const f of folios) yield { type: 'folio_put', folio: f };
}

function* issuer(env: ActorEnv, p: NetfsDioReaderParams, run: NetfsRunContext, sh: ReadShared): ActorProgram {
  for (let round = 0; round < p.rounds && !env.draining(); round++) yield* oneRead(env, p, run, sh);
  sh.issuerDone = true;
}

/** The three actors of one DIO reader, named `<name>.dio`, `<name>.fs` and `<name>.collect`. */
export function netfsDioReader(name: string, p: NetfsDioReaderParams, run: NetfsRunContext): ActorSpec[] {
  const sh: ReadShared = { rreqs: [], issuerDone: false };
  return [
    { name: `${name}.dio`, start: (env) => issuer(env, p, run, sh) },
    { name: `${name}.fs`, start: (env) => readFilesystem(env, sh, run.subreqs, 'an answered DIO read subrequest') },
    // Its retries wait for the dispatch loop to end: a DIO reader has no hazards switch.
    { name: `${name}.collect`, start: (env) => readCollector(env, { ...p, hazards: false }, sh, 'DIO read collection work') },
  ];
}

const half = { numerator: 1, denominator: 2 };
const quarter = { numerator: 1, denominator: 4 };

/** Swarm draw of one DIO reader's parameters. */
export function drawNetfsDioReader(draw: Draw): NetfsDioReaderParams {
  return {
    rounds: 1 + draw.int(3),
    pieces: 1 + draw.int(draw.chance(quarter) ? 24 : 6),
    orderMax: draw.int(3),
    unaligned: draw.chance(half),
    startMax: draw.chance(half) ? 0 : draw.int(4 * PAGE_SIZE),
    eofShortMax: draw.chance(half) ? 0 : draw.int(3 * PAGE_SIZE),
    truncateMax: draw.chance(half) ? 0 : draw.int(2 * PAGE_SIZE),
    rsize: draw.pick([4096, 6144, 16384, 65536, 1048576]),
    maxSegs: 1 + draw.int(draw.chance(half) ? 3 : 16),
    nodeSlots: 1 + draw.int(draw.chance(half) ? 3 : 29),
    sendErrors: draw.chance(quarter),
  };
}
