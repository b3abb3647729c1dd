import type { NetfsEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bool, event, id, nullableId, size, type SpecTable } from './common.ts';
import { netfsWriteSpecs } from './netfs_write.ts';

const rreqOnly = <T extends string>(type: T) => event(type, { rreq: id });
const sreqFlag = z.enum(['HIT_EOF', 'CLEAR_TAIL', 'MADE_PROGRESS', 'NEED_RETRY']);
const spare = z.strictObject({ subreq: id, iter: id }).nullable();

export const netfsSpecs: SpecTable<NetfsEvent> = {
  netfs_readahead: {
    schema: event('netfs_readahead', {
      rreq: id,
      design: z.enum(['cursor', 'rolling']),
      ino: id,
      start: size,
      i_size: size,
      folios: z.array(id),
      bvecqs: z.array(id),
      max_slots: z.array(size),
      fail: bool,
      iter: nullableId,
    }),
    example: { type: 'netfs_readahead', rreq: 1, design: 'cursor', ino: 7, start: 0, i_size: 12288, folios: [1, 2, 3], bvecqs: [1, 2], max_slots: [2, 2], fail: false, iter: null },
    doc: 'netfs_readahead(): allocates request `rreq` and loads the locked readahead folios (in file order from `start`) one per slot into a new chain `bvecqs` with granted `max_slots`; the cursor design sets the load, dispatch and collect cursors, the rolling design a buffer and its master ITER_BVECQ `iter`. `fail`: the chain allocation fails (-ENOMEM, request freed). Ret: bytes loaded.',
  },
  netfs_issue_read: {
    schema: event('netfs_issue_read', {
      rreq: id,
      subreq: id,
      iter: id,
      cached_from: nullableId,
      cached_to: nullableId,
      rsize: size,
      max_segs: size,
      send_error: size,
      fail: bool,
    }),
    example: { type: 'netfs_issue_read', rreq: 1, subreq: 1, iter: 10, cached_from: null, cached_to: null, rsize: 65536, max_segs: 16, send_error: 0, fail: false },
    doc: 'One pass of the dispatch loop of netfs_read_to_pagecache(): allocates `subreq` (`fail`: -ENOMEM ends the loop), picks cache (the next cached extent covers the dispatch point), zero-fill (past i_size) or server, and issues it: the filesystem limits it to `rsize`, slices `max_segs` slots, sets `io_iter` = `iter` and marks it submitted; `send_error` (an errno) makes it terminate with that error. Ret: the subrequest length.',
  },
  netfs_unbuffered_read: {
    schema: event('netfs_unbuffered_read', {
      rreq: id,
      design: z.enum(['cursor', 'rolling']),
      ino: id,
      start: size,
      i_size: size,
      dest: id,
      bvecqs: z.array(id),
      max_slots: size,
      iter: nullableId,
    }),
    example: { type: 'netfs_unbuffered_read', rreq: 3, design: 'rolling', ino: 8, start: 0, i_size: 10000, dest: 6, bvecqs: [5], max_slots: 8, iter: 14 },
    doc: 'netfs_unbuffered_read_iter_locked() up to its dispatch loop: allocates DIO read request `rreq` for file `ino` (size `i_size`) at `start` and extracts the destination iterator `dest`, up to the end of file, into a new chain (nodes of `max_slots` from `bvecqs` in order; needing one more is an allocation failure); the rolling design also sets up its master `iter`. Subrequests then go through netfs_issue_read and the read collection; at completion the caller\'s pages are checked against the file. Ret: bytes extracted, or a negative errno (request freed).',
  },
  netfs_read_subreq_terminated: {
    schema: event('netfs_read_subreq_terminated', { subreq: id, transferred: size, error: size, flags: z.array(sreqFlag) }),
    example: { type: 'netfs_read_subreq_terminated', subreq: 1, transferred: 8192, error: 0, flags: ['MADE_PROGRESS'] },
    doc: 'The filesystem stores `transferred`, the error (`error` is an errno, 0 for none) and `flags`, then calls netfs_read_subreq_terminated(): short reads retry or fail, too much data fails with -EIO, the collector is woken. Terminating twice is `bug netfs.subreq_terminated_twice`.',
  },
  netfs_read_collection: {
    schema: rreqOnly('netfs_read_collection'),
    example: { type: 'netfs_read_collection', rreq: 1 },
    doc: 'The collection work item: collects finished fronts in order, unlocking wholly collected folios, and completes the request once all is queued and collected. Ret: whether it completed.',
  },
  netfs_retry_reads: {
    schema: event('netfs_retry_reads', { rreq: id, rsize: size, max_segs: size, spare: z.array(spare) }),
    example: { type: 'netfs_retry_reads', rreq: 1, rsize: 65536, max_segs: 16, spare: [{ subreq: 9, iter: 19 }] },
    doc: 'netfs_retry_reads() once no subrequest is in flight: regroups contiguous NEED_RETRY subrequests and reissues them to the server; `spare` lists the outcomes of the subrequest allocations it makes (null: failed; running out counts as failing). Ret: allocations attempted.',
  },
  netfs_put_request: {
    schema: rreqOnly('netfs_put_request'),
    example: { type: 'netfs_put_request', rreq: 1 },
    doc: 'netfs_put_request(): drops a reference (netfs_readahead drops the caller\'s after dispatching); at zero the cursors are unset, the buffer put and the request freed.',
  },
  'sim.netfs_reply': {
    schema: event('sim.netfs_reply', { subreq: id, bytes: size, error: size, eof: bool }),
    example: { type: 'sim.netfs_reply', subreq: 1, bytes: 4096, error: 0, eof: false },
    doc: 'The server or cache answers an in-flight subrequest with `bytes` bytes (possibly more than asked), an errno `error`, and whether it reached the end of file; the filesystem then copies and terminates.',
  },
  'sim.netfs_recv': {
    schema: event('sim.netfs_recv', { buf: id, ino: id, pos: size, len: size }),
    example: { type: 'sim.netfs_recv', buf: 3, ino: 7, pos: 4096, len: 4096 },
    doc: 'The network (or cache) delivers bytes [pos, pos + len) of file `ino` into the first `len` bytes of kbuf `buf`.',
  },
  ...netfsWriteSpecs,
};
