/**
 * Unbuffered and DIO reads: netfs_unbuffered_read_iter_locked() and the completion of
 * netfs_unbuffered_read() (fs/netfs/direct_read.c; cursor design: netfs tree, RFC series;
 * rolling design: as merged with "netfs: Switch folioq to bvecq"; REFERENCE §2.12). The
 * caller's destination iterator is extracted into a bvecq chain up front, so the filesystem
 * copies straight into the caller's pages; the subrequests, their termination, collection and
 * retry are the buffered read's (netfs_issue_read and the rest), with no folio to unlock. At
 * completion the read returns what was collected, cut at the end of file the server reported,
 * and every byte it returns must be the file's byte for that position (`data.misplaced`, or
 * `data.lost` for a byte nothing delivered).
 * Divergence: always from the server (no cache), one request per call, and the result is cut
 * at the end of file here rather than by the caller from i_size.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, BvecqPos, IovIter, IterId, World } from './state.ts';
import type { NetfsDesign, NetfsRequest, RreqId } from './netfs_state.ts';
import { fileSrc } from './netfs_state.ts';
import { newRequest } from './netfs_dispatch.ts';
import { netfs_iter_bvec_queue, netfs_pos_set, READ } from './netfs_buffer.ts';
import { netfs_extract_iter } from './netfs_extract.ts';
import { pageSpan } from './iov_iter_mem.ts';
import { readData } from './data.ts';

export interface NetfsUnbufferedReadEvent {
  type: 'netfs_unbuffered_read';
  rreq: RreqId;
  design: NetfsDesign;
  ino: number;
  start: number;
  i_size: number;
  dest: IterId;
  bvecqs: BvecqId[];
  max_slots: number;
  iter: IterId | null;
}

/**
 * Models the set-up of netfs_unbuffered_read_iter_locked(): the request (two references) for
 * the bytes of the destination below `i_size`, netfs_extract_iter() of that much of the
 * destination, and the stream's dispatch point at the start; the cursor design sets the load,
 * dispatch and collect cursors on the chain head, the rolling design makes the chain its
 * buffer with a master ITER_BVECQ destination over it. Returns the bytes extracted, or the
 * error (request freed).
 */
export function netfs_unbuffered_read(d: World, e: NetfsUnbufferedReadEvent, it: IovIter, ctx: StepCtx): number | null {
  const len = Math.min(it.count, e.i_size - e.start);
  const r = newRequest(e, len, 'dio_read');
  d.rreqs[e.rreq] = r;
  ctx.touch('iter', e.dest);
  const chain = netfs_extract_iter(d, it, len, e.bvecqs, e.max_slots, e.start, null, ctx);
  if (chain === null) return null;
  if (typeof chain === 'number') {
    r.flags.in_progress = false;
    r.ref = 0;
    r.freed = true;
    return chain;
  }
  r.len = chain.added;
  r.submitted = e.start;
  r.stream.buffered = chain.added;
  const head: BvecqPos = { bvecq: chain.head, slot: 0, offset: 0 };
  if (e.design === 'cursor') {
    r.load_cursor = head;
    if (!netfs_pos_set(d, r.stream.dispatch_cursor, r.load_cursor, ctx)) return null;
    if (!netfs_pos_set(d, r.collect_cursor, r.load_cursor, ctx)) return null;
  } else {
    const iter = e.iter ?? -1;
    r.buffer = { head: chain.last, tail: chain.head, iter, first_tail_slot: 0 };
    netfs_iter_bvec_queue(d, iter, head, chain.added, ctx, READ);
  }
  return chain.added;
}

/** The first byte of [from, to) in the chain from node `bq` that is not the file's, with the finding it makes. */
function firstBadByte(d: World, r: NetfsRequest, bq: BvecqId | null, to: number, ctx: StepCtx): { id: string; text: string } | null {
  const src = fileSrc(r.ino);
  let pos = r.start;
  for (let hops = 0; bq !== null && pos < to; hops++) {
    if (hops > Object.keys(d.bvecqs).length) throw new Error('netfs_dio_read_complete: chain loops');
    const q = d.bvecqs[bq];
    if (q === undefined || q.freed) return null;
    for (let slot = 0; slot < q.nr_slots && pos < to; slot++) {
      const bv = q.bv[slot];
      if (bv === undefined || bv.page === null) continue;
      const len = Math.min(bv.len, to - pos);
      const span = pageSpan(d, bv.page, bv.offset, len, ctx);
      if (span === null) return null;
      let x = pos;
      for (const p of span.runs === null ? [] : readData(span.runs, span.at, len)) {
        if (p.src === null) return { id: 'data.lost', text: `file byte ${x} was never delivered` };
        if (p.src !== src || p.off !== x) return { id: 'data.misplaced', text: `file byte ${x} holds ${p.src} byte ${p.off}` };
        x += p.len;
      }
      pos += bv.len;
    }
    bq = q.next;
  }
  return null;
}

/**
 * The DIO completion (netfs_rreq_assess_dio()): the result is the collected byte count cut at
 * the end of file, and the caller's pages must hold the file's bytes over that range.
 */
export function netfs_dio_read_complete(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): void {
  r.transferred = Math.max(0, Math.min(r.stream.transferred, r.eof - r.start));
  const head = r.design === 'cursor' ? r.collect_cursor.bvecq : (r.buffer?.tail ?? null);
  const bad = firstBadByte(d, r, head, r.start + r.transferred, ctx);
  if (bad !== null) ctx.invariant(bad.id, `rreq ${rid}: DIO read returns ${r.transferred} byte(s) from ${r.start}: ${bad.text}`);
}
