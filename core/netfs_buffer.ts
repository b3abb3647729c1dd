/**
 * The buffer side of netfs reads for both designs: loading readahead folios into a bvecq chain,
 * giving a subrequest its slice and its `io_iter`, and the position helpers the cursors use.
 * Cursor design: fs/netfs/bvecq.c and buffered_read.c of the netfs tree (DH-cursor, the RFC
 * series). Rolling design: fs/netfs/rolling_buffer.c and buffered_read.c as merged with
 * "netfs: Switch folioq to bvecq" (47b87ce6).
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, BvecqPos, FolioId, IovIter, IterId, World } from './state.ts';
import type { NetfsRequest, NetfsSubrequest } from './netfs_state.ts';
import { bvecq_get, bvecq_put } from './bvecq.ts';
import { liveNode } from './bvecq_pos.ts';
import { bvecq_slice, bvecq_slice_walk } from './bvecq_slice.ts';
import { linkNewChain } from './bvecq_chain_alloc.ts';
import { iov_iter_advance } from './iov_iter.ts';
import { iovIterInitRecipes } from './iov_iter_init.ts';
import { folioSize } from './folio.ts';
import { PAGE_SIZE } from './kernel_int.ts';

/** iov_iter directions: READ fills the iterator (a destination), WRITE reads out of it (a source). */
export const READ = 0;
export const WRITE = 1;

/** bvecq_pos_set(): `pos` becomes a copy of `at` and takes a reference on its node. */
export function netfs_pos_set(d: World, pos: BvecqPos, at: BvecqPos, ctx: StepCtx): boolean {
  const { bvecq, slot, offset } = at;
  pos.bvecq = bvecq;
  pos.slot = slot;
  pos.offset = offset;
  if (bvecq === null) {
    ctx.bug('bvecq_pos.null_deref', 'bvecq_pos_set from an unset position: bvecq_get(NULL)');
    return false;
  }
  const q = liveNode(d, bvecq, ctx, 'bvecq_pos_set');
  if (q === null) return false;
  bvecq_get(q);
  ctx.touch('bvecq', bvecq);
  return true;
}

/**
 * bvecq_pos_transfer(): `pos` takes over `from`'s node reference and `from` is zeroed. A
 * reference `pos` still held is not dropped (the caller's duty): it leaks.
 */
export function netfs_pos_transfer(pos: BvecqPos, from: BvecqPos): void {
  const { bvecq, slot, offset } = from;
  pos.bvecq = bvecq;
  pos.slot = slot;
  pos.offset = offset;
  from.bvecq = null;
  from.slot = 0;
  from.offset = 0;
}

export interface LoadedChain {
  head: BvecqId;
  last: BvecqId;
  added: number;
}

/**
 * Models bvecq_load_from_ra() (netfs tree, RFC series): allocates a chain for one slot per
 * folio (the granted capacities come from the event) and fills one folio per slot, whole,
 * publishing each node as it fills. The head's allocation reference is the caller's.
 * Divergence: the readahead folio references (NETFS_RREQ_NEED_PUT_RA_REFS, dropped in bulk by
 * netfs_bulk_drop_ra_refs) are not modelled; the page cache's reference is the folio's own.
 */
export function bvecq_load_from_ra(d: World, folios: readonly FolioId[], ids: readonly BvecqId[], caps: readonly number[], ctx: StepCtx): LoadedChain {
  linkNewChain(d, ids, caps, 'EXTERNAL', ctx);
  let node = 0;
  let slot = 0;
  let added = 0;
  for (const id of folios) {
    const f = d.folios[id];
    const q = d.bvecqs[ids[node] ?? -1];
    if (f === undefined || q === undefined) throw new Error('bvecq_load_from_ra: checked ids vanished');
    const bv = q.bv[slot];
    if (bv === undefined) throw new Error('bvecq_load_from_ra: slot past the granted capacity');
    const len = folioSize(f);
    bv.page = f.pfn;
    bv.offset = 0;
    bv.len = len;
    added += len;
    slot++;
    q.nr_slots = slot;
    if (slot >= q.max_slots) {
      node++;
      slot = 0;
    }
  }
  const head = ids[0];
  const last = ids[ids.length - 1];
  if (head === undefined || last === undefined) throw new Error('bvecq_load_from_ra: empty chain');
  return { head, last, added };
}

/** get_order(): the page order of a folio of `size` bytes. */
export function sizeOrder(size: number): number {
  let order = 0;
  while (PAGE_SIZE * 2 ** order < size) order++;
  return order;
}

/** iov_iter_bvec_queue() on `iter` (a destination unless `direction` is WRITE), through the recipe that models it. */
export function netfs_iter_bvec_queue(d: World, iter: IterId, at: BvecqPos, count: number, ctx: StepCtx, direction = READ): void {
  if (at.bvecq === null) throw new Error('netfs_iter_bvec_queue: unset position');
  iovIterInitRecipes.iov_iter_bvec_queue(d, { type: 'iov_iter_bvec_queue', iter, direction, bvecq: at.bvecq, slot: at.slot, offset: at.offset, count }, ctx);
}

/**
 * Cursor design: netfs_prepare_buffered_read_buffer() and its retry twin: the subrequest's
 * `dispatch_pos` and `content` take references at `from`, and `bvecq_slice` cuts up to
 * `subreq->len` bytes and `max_segs` slots, moving `from` past them. The filesystem then
 * points its `io_iter` at `content`. Returns the length cut (the subrequest is shortened).
 */
export function netfs_prepare_cursor_buffer(d: World, s: NetfsSubrequest, from: BvecqPos, max_segs: number, ctx: StepCtx, direction = READ): number | null {
  if (!netfs_pos_set(d, s.dispatch_pos, from, ctx)) return null;
  if (!netfs_pos_set(d, s.content, s.dispatch_pos, ctx)) return null;
  const cut = bvecq_slice(d, from, s.len, max_segs, ctx);
  if (cut === null) return null;
  s.nr_segs = cut.nr_slots;
  if (cut.size < s.len) s.len = cut.size;
  netfs_iter_bvec_queue(d, s.io_iter, s.content, s.len, ctx, direction);
  return cut.size;
}

/**
 * The segment limit netfs_limit_iter() applies to an ITER_BVECQ: the bytes that fit in
 * `max_segs` slots from the iterator's position, at most `max_len`.
 * Divergence: computed with the walk of bvecq_slice() rather than the iterator's own walker;
 * both count slots with bytes left from the same position.
 */
export function netfs_limit_iter(d: World, it: IovIter, max_len: number, max_segs: number, ctx: StepCtx): number | null {
  if (it.bvecq === null) throw new Error('netfs_limit_iter: not an ITER_BVECQ');
  const probe: BvecqPos = { bvecq: it.bvecq, slot: it.bvecq_slot ?? 0, offset: it.iov_offset };
  const walk = bvecq_slice_walk(d, probe, Math.min(max_len, it.count), max_segs, ctx);
  return walk === null ? null : walk.size;
}

/**
 * A struct copy of iterator `src` to be stored as another iterator. The kernel fields are
 * copied; the checker bookkeeping starts afresh where the copy stands (its window begins at its
 * current position, nothing consumed yet), as for an iterator set up there.
 */
export function netfs_iter_copy_of(src: IovIter): IovIter {
  return { ...src, consumed: 0, origin: { bvecq: src.bvecq, index: src.bvecq_slot ?? 0, offset: src.iov_offset } };
}

/** Copies iterator `from` into `to` (netfs_iter_copy_of). */
export function netfs_iter_copy(d: World, to: IterId, from: IterId): void {
  const src = d.iters[from];
  if (src === undefined) throw new Error(`netfs_iter_copy: iter ${from} never set up`);
  d.iters[to] = netfs_iter_copy_of(src);
}

/**
 * Rolling design: netfs_prepare_read_iterator(): the subrequest's `io_iter` is a copy of the
 * buffer's master iterator (or of the stream's own, `stream_iter`) limited by `max_segs` and
 * truncated to the subrequest's length, and that iterator is advanced past it. Writes prepare
 * their source iterators the same way. Returns the length (the subrequest is shortened).
 */
export function netfs_prepare_read_iterator(d: World, r: NetfsRequest, s: NetfsSubrequest, max_segs: number, ctx: StepCtx, stream_iter: IterId | null = null): number | null {
  if (r.buffer === null) throw new Error('netfs_prepare_read_iterator: no rolling buffer');
  const master = stream_iter ?? r.buffer.iter;
  const m0 = d.iters[master];
  if (m0 === undefined) throw new Error(`netfs_prepare_read_iterator: master iter ${master} never set up`);
  const part = netfs_limit_iter(d, m0, s.len, max_segs, ctx);
  if (part === null) return null;
  s.len = part;
  netfs_iter_copy(d, s.io_iter, master);
  const io = d.iters[s.io_iter];
  const m = d.iters[master];
  if (io === undefined || m === undefined) throw new Error('netfs_prepare_read_iterator: iterators vanished');
  if (io.count > part) io.count = part;
  ctx.touch('iter', s.io_iter);
  ctx.touch('iter', master);
  if (!iov_iter_advance(d, m, part, ctx)) return null;
  return part;
}

/**
 * rolling_buffer_delete_spent() with bvecq nodes: never removes the last node; otherwise the
 * buffer's reference moves to the successor, whose `prev` is cleared, and the spent node is
 * put. Returns the new tail, `last` when the tail was the last node, or null after a bug.
 */
export function rolling_buffer_delete_spent(d: World, r: NetfsRequest, ctx: StepCtx): BvecqId | 'last' | null {
  const buf = r.buffer;
  if (buf === null || buf.tail === null) throw new Error('rolling_buffer_delete_spent: no buffer');
  const spent = buf.tail;
  const q = liveNode(d, spent, ctx, 'rolling_buffer_delete_spent');
  if (q === null) return null;
  if (q.next === null) return 'last';
  const nextId = q.next;
  const next = liveNode(d, nextId, ctx, 'rolling_buffer_delete_spent');
  if (next === null) return null;
  next.prev = null;
  bvecq_get(next);
  ctx.touch('bvecq', nextId);
  buf.tail = nextId;
  buf.first_tail_slot = 0;
  bvecq_put(d, spent, ctx);
  return nextId;
}
