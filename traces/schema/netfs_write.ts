import type { NetfsEvent } from '../../core/index.ts';
import { z } from 'zod';
import { event, id, nullableId, size, type SpecTable } from './common.ts';

type NetfsWriteType = 'netfs_unbuffered_write' | 'netfs_writepages' | 'netfs_issue_write' | 'netfs_write_subrequest_terminated' | 'netfs_write_collection' | 'netfs_retry_writes' | 'sim.netfs_store';
type NetfsWriteEvent = Extract<NetfsEvent, { type: NetfsWriteType }>;

export const netfsWriteSpecs: SpecTable<NetfsWriteEvent> = {
  netfs_unbuffered_write: {
    schema: event('netfs_unbuffered_write', {
      wreq: id,
      design: z.enum(['cursor', 'rolling']),
      ino: id,
      start: size,
      source: id,
      bvecqs: z.array(id),
      max_slots: size,
      iter: nullableId,
    }),
    example: { type: 'netfs_unbuffered_write', wreq: 2, design: 'cursor', ino: 8, start: 4096, source: 5, bvecqs: [3, 4], max_slots: 4, iter: null },
    doc: 'netfs_unbuffered_write_iter_locked() up to its dispatch loop: allocates write request `wreq` for file `ino` at `start` and extracts all of the source iterator `source` into a new chain, one slot per page piece (user memory pinned, kernel memory listed), nodes of `max_slots` taken from `bvecqs` in order (needing one more is an allocation failure); the rolling design also sets up its master ITER_BVECQ `iter`. Ret: bytes extracted, or a negative errno (request freed).',
  },
  netfs_writepages: {
    schema: event('netfs_writepages', {
      wreq: id,
      design: z.enum(['cursor', 'rolling']),
      ino: id,
      start: size,
      folios: z.array(id),
      bvecqs: z.array(id),
      max_slots: z.array(size),
      cache: z.boolean(),
      iter: nullableId,
      cache_iter: nullableId,
    }),
    example: { type: 'netfs_writepages', wreq: 4, design: 'cursor', ino: 8, start: 0, folios: [20, 21], bvecqs: [6], max_slots: [2], cache: true, iter: null, cache_iter: null },
    doc: 'netfs_writepages() up to the dispatch: allocates writeback request `wreq` for file `ino`; each locked dirty folio (in file order from `start`) has its dirty flag cleared for I/O, goes under writeback, is unlocked and loaded into one slot of a new chain `bvecqs` with granted `max_slots`. The server\'s stream 0 and, with `cache`, the cache\'s stream 1 then each dispatch from their own position (rolling design: the master `iter` and its copy `cache_iter`). Ret: bytes loaded.',
  },
  netfs_issue_write: {
    schema: event('netfs_issue_write', { wreq: id, stream: size, subreq: id, iter: id, wsize: size, max_segs: size, send_error: size }),
    example: { type: 'netfs_issue_write', wreq: 2, stream: 0, subreq: 4, iter: 12, wsize: 65536, max_segs: 16, send_error: 0 },
    doc: 'One subrequest on `stream` (0: the server, 1: the cache; writeback issues each stream independently). For an unbuffered write, one pass of the dispatch loop of netfs_unbuffered_write(): a subrequest `subreq` at the dispatch point, limited to `wsize` and `max_segs` slots, its source `io_iter` = `iter`, issued; the issuer then waits for it to be collected (strict sequence): while an earlier subrequest is uncollected the pass issues nothing and returns 0 (under the mutant it issues anyway: `invariant netfs.dio_write_out_of_order`). `send_error` (an errno) makes it terminate with that error. Ret: the subrequest length.',
  },
  netfs_write_subrequest_terminated: {
    schema: event('netfs_write_subrequest_terminated', { subreq: id, transferred: size, error: size }),
    example: { type: 'netfs_write_subrequest_terminated', subreq: 4, transferred: 8192, error: 0 },
    doc: 'netfs_write_subrequest_terminated(): `error` (an errno, 0 for none) fails the subrequest, EAGAIN asking for a retry; otherwise `transferred` more bytes were written and a short write asks for a retry. Wakes the collector.',
  },
  netfs_write_collection: {
    schema: event('netfs_write_collection', { wreq: id }),
    example: { type: 'netfs_write_collection', wreq: 2 },
    doc: 'The write collection work item. Unbuffered write: takes finished subrequests from the front in order (what they wrote counts; a failure stops the dispatch), releases the waiting issuer once the stream is empty. Writeback: takes each stream\'s fronts in order, then ends writeback on folios in file order up to the least collected_to of the streams (`invariant writeback.ended_out_of_order` otherwise). Either completes the request once all is queued and collected. Ret: whether it completed.',
  },
  netfs_retry_writes: {
    schema: event('netfs_retry_writes', { wreq: id }),
    example: { type: 'netfs_retry_writes', wreq: 2 },
    doc: 'Once no write subrequest is in flight: each NEED_RETRY subrequest (of either stream) keeps what it wrote and is reissued (netfs_reissue_write) for the rest, from its start + transferred (the stream\'s dispatch point moves back there when it was the last one issued). Ret: subrequests reissued, or false with nothing done while a subrequest is still in flight (the kernel sleeps there until the streams are quiet; the caller calls again).',
  },
  'sim.netfs_store': {
    schema: event('sim.netfs_store', { subreq: id, buf: id, len: size }),
    example: { type: 'sim.netfs_store', subreq: 4, buf: 9, len: 4096 },
    doc: "The server (stream 0) or cache (stream 1) stores the first `len` bytes of kbuf `buf`, which the filesystem filled from write subrequest `subreq`'s iterator, at the subrequest's current file position; a byte other than the one the caller wrote there is `invariant data.misplaced`.",
  },
};
