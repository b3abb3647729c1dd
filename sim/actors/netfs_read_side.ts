/**
 * The two actors every netfs read request has besides its issuer, shared by the buffered
 * reader and the unbuffered/DIO reader:
 * - the filesystem copies each answered subrequest's bytes into its iterator and terminates
 *   it (sim/netfs_server.ts);
 * - the collector runs the read collection whenever it is queued, and the retry once the
 *   stream is quiescent (and, unless hazards are on, the dispatch loop has ended).
 */
import type { World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram } from '../actor.ts';
import type { LiveIds } from '../live_ids.ts';
import { answeredSubreqs, anyAnswered, netfsFsCompletion } from '../netfs_server.ts';
import { allFreed, noneInProgress } from './netfs_waits.ts';

/** Spare subrequests offered to each retry. */
const SPARE_SUBREQS = 4;

/** What one reader's actors share: its requests, and whether its issuer has finished. */
export interface ReadShared {
  readonly rreqs: number[];
  issuerDone: boolean;
}

/** The reader's size limits for a retry, and whether retries may race the dispatch loop. */
export interface ReadCollectorParams {
  readonly rsize: number;
  readonly maxSegs: number;
  readonly hazards: boolean;
}

export function readsDone(w: World, sh: ReadShared): boolean {
  return sh.issuerDone && allFreed(w, sh.rreqs);
}

/** The filesystem actor; `waitFor` names what it waits for in a stuck-run report. */
export function* readFilesystem(env: ActorEnv, sh: ReadShared, live: LiveIds, waitFor: string): ActorProgram {
  for (;;) {
    yield { wait: waitFor, until: (w: World) => anyAnswered(w, live(w), sh.rreqs) || readsDone(w, sh) };
    const ready = answeredSubreqs(env.world(), live(env.world()), sh.rreqs);
    if (ready.length === 0) return;
    const id = env.draw.pick(ready);
    for (const e of netfsFsCompletion(env.world(), id, env.ids.next('kbuf'))) yield e;
  }
}

/**
 * The request the collector should work on now, and how: collect, retry, or nothing yet. A
 * retry waits for the stream to be quiescent (as netfs_retry_reads does) and, without hazards,
 * for the dispatch loop to have ended too.
 */
function collectorJob(w: World, sh: ReadShared, hazards: boolean): { rreq: number; retry: boolean } | null {
  for (const id of sh.rreqs) {
    const r = w.rreqs[id];
    if (r === undefined || r.freed) continue;
    if (r.flags.retrying) {
      const quiet = noneInProgress(w, r.stream.subrequests);
      if (quiet && (hazards || r.flags.all_queued)) return { rreq: id, retry: true };
    } else if (r.work_queued) {
      return { rreq: id, retry: false };
    }
  }
  return null;
}

/** The collector actor; `waitFor` names what it waits for in a stuck-run report. */
export function* readCollector(env: ActorEnv, p: ReadCollectorParams, sh: ReadShared, waitFor: string): ActorProgram {
  for (;;) {
    yield { wait: waitFor, until: (w: World) => collectorJob(w, sh, p.hazards) !== null || readsDone(w, sh) };
    const job = collectorJob(env.world(), sh, p.hazards);
    if (job === null) return;
    if (!job.retry) {
      yield { type: 'netfs_read_collection', rreq: job.rreq };
      continue;
    }
    yield { type: 'netfs_retry_reads', rreq: job.rreq, rsize: p.rsize, max_segs: p.maxSegs, spare: spareSubrequests(env) };
  }
}

/**
 * The subrequests a retry may need. Never a failed one: netfs_alloc_subrequest() takes them
 * from a mempool with GFP_KERNEL, retrying until one is free, so the NULL branch of
 * netfs_retry_read_subrequests() (abandon_after) is dead code upstream. The model still
 * follows that branch for a trace that asks for it, and it leaves a range no subrequest
 * covers (`data.lost`): harmless only while the allocation cannot fail.
 */
function spareSubrequests(env: ActorEnv): { subreq: number; iter: number }[] {
  return Array.from({ length: SPARE_SUBREQS }, () => ({ subreq: env.ids.next('subreq'), iter: env.ids.next('iter') }));
}
