/**
 * Coverage goals of the netfs write and DIO paths (fuzz/coverage.ts has the probe type and the
 * rest of the catalogue): an unbuffered write subrequest reissued after a short write (the
 * dispatch point moved back to its start + transferred), and an unbuffered write stopped by a
 * failed subrequest once part of it was written (the hole strict sequencing must not leave),
 * a DIO read cut short by the end of file, and writeback ended on folios with the cache's
 * stream behind the server's (the stream that holds the collector back).
 */
import type { BvsimEvent, Ret, World } from '../core/index.ts';
import type { GoalProbe } from './coverage.ts';

/** Folios of the event's writeback request still under writeback, or -1. */
function underWriteback(w: World, e: BvsimEvent): number {
  const r = e.type === 'netfs_write_collection' ? w.rreqs[e.wreq] : undefined;
  if (r === undefined || r.origin !== 'writeback') return -1;
  return r.folios.filter((f) => w.folios[f.folio]?.writeback === true).length;
}

function positive(ret: Ret): boolean {
  return typeof ret === 'number' && ret > 0;
}

export const NETFS_GOALS: readonly GoalProbe[] = [
  {
    goal: 'netfs.dio_write_reissued',
    about: 'a DIO write subrequest reissued after a short write, from its start + transferred',
    required: true,
    types: ['netfs_retry_writes'],
    hit: (_w, s) => positive(s.ret),
  },
  {
    goal: 'netfs.dio_write_failed',
    about: 'an unbuffered write stopped by a failed subrequest after writing part of its data',
    required: false,
    types: ['netfs_write_collection'],
    hit: (w, s) => {
      const r = s.event.type === 'netfs_write_collection' ? w.rreqs[s.event.wreq] : undefined;
      return r !== undefined && r.stream.failed && r.stream.transferred > 0;
    },
  },
  {
    goal: 'netfs.dio_read_short_at_eof',
    about: "a DIO read completed with fewer bytes than the caller's buffer held, the file having ended",
    required: true,
    types: ['netfs_read_collection'],
    hit: (w, s) => {
      const r = s.event.type === 'netfs_read_collection' && s.ret === true ? w.rreqs[s.event.rreq] : undefined;
      return r !== undefined && r.origin === 'dio_read' && r.error === 0 && r.transferred < r.len;
    },
  },
  {
    goal: 'netfs.writeback_ended_cache_lagging',
    about: "writeback ended on folios while the cache's stream was behind the server's, holding the rest back",
    required: true,
    types: ['netfs_write_collection'],
    before: underWriteback,
    hit: (w, s, before) => {
      const r = s.event.type === 'netfs_write_collection' ? w.rreqs[s.event.wreq] : undefined;
      const cache = r?.cache_stream ?? null;
      return r !== undefined && cache !== null && !cache.failed && underWriteback(w, s.event) < before && cache.collected_to < r.stream.collected_to;
    },
  },
];
