/**
 * A netfs buffered reader as three cooperating actors, the way the kernel splits the work:
 * - the readahead issuer allocates and locks folios, calls netfs_readahead(), runs the dispatch
 *   loop (netfs_issue_read, with cache extents it made up for the file), drops its request
 *   reference, waits for completion and puts the folios it got back unlocked;
 * - the filesystem takes each answered subrequest, copies the bytes into its iterator and
 *   terminates it (sim/netfs_server.ts);
 * - the collector runs the collection work item whenever it is queued, and the retry once the
 *   stream is quiescent.
 * They share one small record of the requests this reader started.
 */
import type { BvsimEvent, World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import type { NetfsFiles } from '../netfs_server.ts';
import { readCollector, readFilesystem, type ReadShared } from './netfs_read_side.ts';
import type { LiveIds } from '../live_ids.ts';

const PAGE_SIZE = 4096;

export type NetfsDesignName = 'cursor' | 'rolling';

export interface NetfsReaderParams {
  /** Folios per readahead (1..). */
  readonly folios: number;
  readonly orderMax: number;
  readonly rounds: number;
  /** The filesystem's rsize and segment limit. */
  readonly rsize: number;
  readonly maxSegs: number;
  /** Slots each chain node is granted (1..29). */
  readonly nodeSlots: number;
  /** Up to how many bytes the file may end before the readahead window does. */
  readonly eofShortMax: number;
  /** Up to how many bytes the server's copy of the file may be shorter than i_size. */
  readonly truncateMax: number;
  /** Whether the file has cached extents to read from the cache. */
  readonly cached: boolean;
  /** Whether sending an RPC may fail. */
  readonly sendErrors: boolean;
  /**
   * Whether the reader may reach the kernel behaviours the model reports even without a mutant
   * (docs/findings.md, test/regressions): folios of mixed orders in one request, rolling-buffer
   * chains of several nodes (iterators left on a node the collector frees), and retries while
   * the dispatch loop is still running. Off in the swarm, so a clean run reports nothing.
   */
  readonly hazards: boolean;
}

export interface NetfsRunContext {
  readonly design: NetfsDesignName;
  readonly files: NetfsFiles;
  /** The run's live subrequests, one list for the server and every filesystem actor. */
  readonly subreqs: LiveIds;
}

/** Page-aligned cached extents below the server's end of file. */
function drawExtents(env: ActorEnv, size: number): [number, number][] {
  const pages = Math.floor(size / PAGE_SIZE);
  const out: [number, number][] = [];
  for (let at = 0; at < pages; ) {
    const gap = env.draw.int(3);
    const len = 1 + env.draw.int(3);
    if (at + gap >= pages) break;
    out.push([(at + gap) * PAGE_SIZE, Math.min(pages, at + gap + len) * PAGE_SIZE]);
    at += gap + len + 1;
  }
  return out;
}

function* allocLockedFolios(env: ActorEnv, p: NetfsReaderParams): Generator<BvsimEvent, number[], unknown> {
  const folios: number[] = [];
  const uniform = env.draw.int(p.orderMax + 1);
  for (let k = 0; k < p.folios; k++) {
    const order = p.hazards ? env.draw.int(p.orderMax + 1) : uniform;
    const pfn = env.ids.pfn(order);
    const fail = env.allocFails('folio');
    yield { type: 'folio_alloc', folio: pfn, order, pfn, fail };
    if (fail) continue;
    yield { type: 'folio_lock', folio: pfn };
    folios.push(pfn);
  }
  return folios;
}

/** The node capacities the chain allocation grants: `nodeSlots` each until every folio has a slot. */
function chainCaps(n: number, nodeSlots: number): number[] {
  const caps: number[] = [];
  for (let left = n; left > 0; left -= nodeSlots) caps.push(nodeSlots);
  return caps;
}

function* dispatch(env: ActorEnv, p: NetfsReaderParams, rreq: number, extents: [number, number][]): ActorProgram {
  for (let guard = 0; guard < 4096; guard++) {
    const r = env.world().rreqs[rreq];
    if (r === undefined || r.flags.all_queued) return;
    const ext = extents.find(([, to]) => to > r.stream.issue_from) ?? null;
    const sendError = p.sendErrors && env.draw.chance({ numerator: 1, denominator: 16 }) ? 104 : 0;
    yield {
      type: 'netfs_issue_read',
      rreq,
      subreq: env.ids.next('subreq'),
      iter: env.ids.next('iter'),
      cached_from: ext === null ? null : ext[0],
      cached_to: ext === null ? null : ext[1],
      rsize: p.rsize,
      max_segs: p.maxSegs,
      send_error: sendError,
      fail: env.allocFails('bvecq'),
    };
  }
  throw new Error(`netfs reader: dispatch of rreq ${rreq} did not end`);
}

function* oneRead(env: ActorEnv, p: NetfsReaderParams, run: NetfsRunContext, sh: ReadShared): ActorProgram {
  const folios = yield* allocLockedFolios(env, p);
  if (folios.length === 0) return;
  const w = env.world();
  const total = folios.reduce((n, f) => n + PAGE_SIZE * 2 ** (w.folios[f]?.order ?? 0), 0);
  const iSize = Math.max(0, total - env.draw.int(p.eofShortMax + 1));
  const rreq = env.ids.next('rreq');
  const ino = 1000 + rreq;
  const serverSize = Math.max(0, iSize - env.draw.int(p.truncateMax + 1));
  run.files.size[ino] = serverSize;
  const extents = p.cached ? drawExtents(env, serverSize) : [];
  const caps = chainCaps(folios.length, run.design === 'rolling' && !p.hazards ? Math.max(p.nodeSlots, folios.length) : p.nodeSlots);
  const fail = env.allocFails('bvecq');
  const iter = run.design === 'rolling' ? env.ids.next('iter') : null;
  const bvecqs = fail ? [] : caps.map(() => env.ids.next('bvecq'));
  const out = yield { type: 'netfs_readahead', rreq, design: run.design, ino, start: 0, i_size: iSize, folios, bvecqs, max_slots: fail ? [] : caps, fail, iter };
  if (typeof out.ret === 'number' && out.ret >= 0) {
    sh.rreqs.push(rreq);
    yield* dispatch(env, p, rreq, extents);
    yield { type: 'netfs_put_request', rreq };
    yield { wait: `rreq ${rreq} completion`, until: (wd: World) => wd.rreqs[rreq]?.freed === true };
  }
  const failed = typeof out.ret !== 'number' || out.ret < 0;
  for (const f of folios) {
    const locked = env.world().folios[f]?.locked === true;
    // The page cache unlocks the folios a failed ->readahead() left behind; a folio a request
    // left locked stays so, for the quiescence checks to report.
    if (failed && locked) yield { type: 'folio_unlock', folio: f };
    if (failed || !locked) yield { type: 'folio_put', folio: f };
  }
}

function* issuer(env: ActorEnv, p: NetfsReaderParams, run: NetfsRunContext, sh: ReadShared): ActorProgram {
  for (let round = 0; round < p.rounds && !env.draining(); round++) yield* oneRead(env, p, run, sh);
  sh.issuerDone = true;
}

/** The three actors of one reader, named `<name>.ra`, `<name>.fs` and `<name>.collect`. */
export function netfsReader(name: string, p: NetfsReaderParams, run: NetfsRunContext): ActorSpec[] {
  const sh: ReadShared = { rreqs: [], issuerDone: false };
  return [
    { name: `${name}.ra`, start: (env) => issuer(env, p, run, sh) },
    { name: `${name}.fs`, start: (env) => readFilesystem(env, sh, run.subreqs, 'an answered subrequest') },
    { name: `${name}.collect`, start: (env) => readCollector(env, p, sh, 'collection work') },
  ];
}
