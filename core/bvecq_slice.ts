/**
 * The byte-counting walks over a bvecq chain from a position (fs/netfs/bvecq.c, netfs tree
 * at 05662182; `bvecq_extract` from the later stored revision of the same file; REFERENCE
 * §2.2): `bvecq_pos_advance`, `bvecq_zero`, `bvecq_slice` and `bvecq_extract`. Each walks
 * with local cursors and only at the end stores the slot and offset and moves the position's
 * reference to the node it stopped on, so a walk that ends at the chain end leaves the
 * position past the last slot of the last node rather than breaking the chain.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, BvecqPos, World } from './state.ts';
import { folioOfPfn } from './lookup.ts';
import { writeData, piece } from './data.ts';
import { INT_MAX, min, PAGE_SIZE, u32 } from './kernel_int.ts';
import { bvecq_pos_move, hopOk, liveNode, posNode, readSlot, storePos, u32Sum, walkGuard } from './bvecq_pos.ts';
import { EIO, ENOMEM } from './bvecq_buffer.ts';
import { checkFreshIds, linkNewChain, pow2ChainCaps } from './bvecq_chain_alloc.ts';

/**
 * bvecq_pos_advance() (05662182): consumes `amount` bytes. Unpublished slots make it hop
 * to the next node; at the chain end with bytes left it WARNs and stops. A slot consumed
 * exactly leaves `(slot + 1, 0)`, possibly `slot == nr_slots`. An offset already past the
 * slot's length makes the size_t remainder wrap huge, so the amount is simply added.
 */
export function bvecq_pos_advance(d: World, p: BvecqPos, amount: number, ctx: StepCtx): null {
  if (amount === 0) return null; // the kernel stores the same position back: no dereference
  if (posNode(d, p, ctx, 'bvecq_pos_advance') === null || p.bvecq === null) return null;
  let bq: BvecqId = p.bvecq;
  let slot = p.slot;
  let offset = p.offset;
  let hops = 0;
  for (let n = 0; amount > 0; n++) {
    walkGuard(n, hops, 'bvecq_pos_advance');
    const q = liveNode(d, bq, ctx, 'bvecq_pos_advance');
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) {
        ctx.warn('bvecq_pos_advance.past_end', `${amount} byte(s) left at the end of the chain (bvecq ${bq})`);
        break;
      }
      if (!hopOk(d, ++hops, ctx, 'bvecq_pos_advance')) return null;
      bq = q.next;
      slot = 0;
      offset = 0;
      continue;
    }
    const bv = readSlot(q, bq, slot, ctx, 'bvecq_pos_advance');
    if (bv === null) return null;
    const len = bv.len;
    if (offset > len || len - offset > amount) {
      offset = u32Sum(offset, amount, 'bvecq_pos.offset', ctx);
      break;
    }
    amount -= len - offset;
    offset = 0;
    slot++;
  }
  storePos(p, slot, offset, ctx);
  bvecq_pos_move(d, p, bq, ctx);
  return null;
}

/**
 * bvec_zero(): clears `len` bytes from `offset` into a bio_vec, page by page. Bytes in a
 * tracked folio get `zero` provenance; external memory is not tracked. A NULL page with
 * bytes to clear is kmap of a bogus page (bug).
 * Divergence: the kernel maps `NULL + k` pages when the offset reaches past the first page,
 * which the harness would not call a NULL kmap; the model reports every such case alike.
 */
export function bvec_zero(d: World, page: number | null, start: number, len: number, ctx: StepCtx): boolean {
  if (len === 0) return true;
  if (page === null) {
    ctx.bug('bvecq_zero.kmap_null_page', `bvec_zero of ${len} byte(s) through a NULL bv_page`);
    return false;
  }
  let pfn = page + (start - (start % PAGE_SIZE)) / PAGE_SIZE;
  let off = start % PAGE_SIZE;
  for (let left = len; left > 0; pfn++) {
    const part = min(left, PAGE_SIZE - off);
    const id = folioOfPfn(d, pfn);
    const f = id === null ? undefined : d.folios[id];
    if (id !== null && f !== undefined) {
      const at = (pfn - f.pfn) * PAGE_SIZE + off;
      writeData(f.data, at, [piece('zero', at, part)]);
      ctx.touch('folio', id);
    }
    left -= part;
    off = 0;
  }
  return true;
}

/**
 * bvecq_zero() (05662182): like the advance, but clears what it passes over and skips spent
 * slots explicitly. Returns the bytes cleared; WARNs if the chain ends with bytes left.
 */
export function bvecq_zero(d: World, p: BvecqPos, amount: number, ctx: StepCtx): number | null {
  if (amount === 0) return 0;
  if (posNode(d, p, ctx, 'bvecq_zero') === null || p.bvecq === null) return null;
  let bq: BvecqId = p.bvecq;
  let slot = p.slot;
  let offset = p.offset;
  let cleared = 0;
  let hops = 0;
  for (let n = 0; amount > 0; n++) {
    walkGuard(n, hops, 'bvecq_zero');
    const q = liveNode(d, bq, ctx, 'bvecq_zero');
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) {
        ctx.warn('bvecq_zero.past_end', `${amount} byte(s) left uncleared at the end of the chain (bvecq ${bq})`);
        break;
      }
      if (!hopOk(d, ++hops, ctx, 'bvecq_zero')) return null;
      bq = q.next;
      slot = 0;
      offset = 0;
      continue;
    }
    const bv = readSlot(q, bq, slot, ctx, 'bvecq_zero');
    if (bv === null) return null;
    if (offset >= bv.len) {
      slot++;
      offset = 0;
      continue;
    }
    const part = min(bv.len - offset, amount);
    if (!bvec_zero(d, bv.page, bv.offset + offset, part, ctx)) return null;
    cleared += part;
    offset += part;
    amount -= part;
  }
  storePos(p, slot, offset, ctx);
  bvecq_pos_move(d, p, bq, ctx);
  return cleared;
}

/** Where a slice walk stopped, and what it took. */
export interface SliceEnd {
  bq: BvecqId;
  slot: number;
  offset: number;
  size: number;
  nr_slots: number;
}

/**
 * The walk of bvecq_slice() (05662182), without side effects: counts slots that have a page
 * and unconsumed bytes, each giving `min(remaining, max_size left)`, until `max_size` is
 * used up, `max_slots` slots are counted, or the chain ends. It stops on the slot holding the
 * last byte taken (offset may equal bv_len); only a walk that ran off the published slots of
 * a node with a successor moves on to `(next, 0, 0)`. `max_slots` is an unsigned int.
 */
export function bvecq_slice_walk(d: World, p: BvecqPos, max_size: number, max_slots: number, ctx: StepCtx): SliceEnd | null {
  const q0 = posNode(d, p, ctx, 'bvecq_slice');
  if (q0 === null || p.bvecq === null) return null;
  const slotLimit = u32(max_slots, 'max_slots', ctx);
  const end: SliceEnd = { bq: p.bvecq, slot: p.slot, offset: p.offset, size: 0, nr_slots: 0 };
  let left = max_size;
  let q = q0;
  for (let n = 0; ; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_slice')) return null;
    let full = false;
    for (; end.slot < q.nr_slots; end.slot++) {
      const bv = readSlot(q, end.bq, end.slot, ctx, 'bvecq_slice');
      if (bv === null) return null;
      if (end.offset < bv.len && bv.page !== null) {
        const part = min(bv.len - end.offset, left);
        end.size += part;
        end.offset += part;
        left -= part;
        end.nr_slots++;
        full = left === 0 || end.nr_slots >= slotLimit;
        if (full) break;
      }
      end.offset = 0;
    }
    if (full || q.next === null) break;
    const next = liveNode(d, q.next, ctx, 'bvecq_slice');
    if (next === null) return null;
    end.bq = q.next;
    end.slot = 0;
    q = next;
  }
  return normaliseEnd(d, end, ctx) ? end : null;
}

/** A walk that ended exactly on a node's published end steps onto the successor, if any. */
function normaliseEnd(d: World, end: { bq: BvecqId; slot: number; offset: number }, ctx: StepCtx): boolean {
  const q = liveNode(d, end.bq, ctx, 'bvecq_slice');
  if (q === null) return false;
  if (end.slot === q.nr_slots && q.next !== null) {
    end.bq = q.next;
    end.slot = 0;
    end.offset = 0;
  }
  return true;
}

/** bvecq_slice(): the walk above, then the position moves to its end. */
export function bvecq_slice(d: World, p: BvecqPos, max_size: number, max_slots: number, ctx: StepCtx): { size: number; nr_slots: number } | null {
  const end = bvecq_slice_walk(d, p, max_size, max_slots, ctx);
  if (end === null) return null;
  if (!bvecq_pos_move(d, p, end.bq, ctx)) return null;
  storePos(p, end.slot, end.offset, ctx);
  return { size: end.size, nr_slots: end.nr_slots };
}

/**
 * bvecq_extract() (later revision of bvecq.c): sizes a slice with a temporary position
 * (its references cancel out, so the walk is side-effect free here), allocates a chain for
 * that many slots (-EIO if none, -ENOMEM on failure), transcribes page, offset and length
 * of each slot portion into it without taking page references, and advances the position.
 * It stops at the first node boundary once something was extracted, so it can return less
 * than the slice; the `bvecq_extract_crosses_nodes` mutant (d8286849) does not stop there.
 * A zero `max_slots` WARNs and means no limit. The new chain's nodes get ids `to`, `to+1`, ...
 */
export function bvecq_extract(d: World, p: BvecqPos, e: { max_size: number; max_slots: number; to: BvecqId; fail: boolean }, ctx: StepCtx): number | null {
  let slotLimit = u32(e.max_slots, 'max_slots', ctx);
  if (slotLimit === 0) {
    ctx.warn('bvecq_extract.zero_max_slots', 'bvecq_extract called with max_slots 0');
    slotLimit = INT_MAX;
  }
  const sl = bvecq_slice_walk(d, p, e.max_size, slotLimit, ctx);
  if (sl === null || p.bvecq === null) return null;
  if (sl.nr_slots === 0) return -EIO;
  if (e.fail) return -ENOMEM;
  const caps = pow2ChainCaps(sl.nr_slots);
  const ids = caps.map((_, k) => e.to + k);
  if (!checkFreshIds(d, ids, 'to', ctx)) return null;
  linkNewChain(d, ids, caps, 'EXTERNAL', ctx);
  const start: SliceEnd = { bq: p.bvecq, slot: p.slot, offset: p.offset, size: 0, nr_slots: 0 };
  const end = transcribe(d, start, { ids, caps, amount: sl.size, max: sl.nr_slots }, ctx);
  if (end === null || !normaliseEnd(d, end, ctx)) return null;
  if (!bvecq_pos_move(d, p, end.bq, ctx)) return null;
  storePos(p, end.slot, end.offset, ctx);
  return end.size;
}

/** The copy loop of bvecq_extract(): fills the new chain and returns where the source walk ended. */
function transcribe(d: World, end: SliceEnd, dst: { ids: number[]; caps: number[]; amount: number; max: number }, ctx: StepCtx): SliceEnd | null {
  let amount = dst.amount;
  let di = 0;
  let dslot = 0;
  const crosses = ctx.mutant('bvecq_extract_crosses_nodes');
  outer: for (let n = 0; ; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_extract')) return null;
    const q = liveNode(d, end.bq, ctx, 'bvecq_extract');
    if (q === null) return null;
    for (; end.slot < q.nr_slots; end.slot++) {
      const sv = readSlot(q, end.bq, end.slot, ctx, 'bvecq_extract');
      if (sv === null) return null;
      if (end.offset < sv.len && sv.page !== null) {
        const part = min(sv.len - end.offset, amount);
        const dv = d.bvecqs[dst.ids[di] ?? -1]?.bv[dslot];
        if (dv === undefined) throw new Error('bvecq_extract: destination chain too short');
        dv.page = sv.page;
        dv.offset = u32Sum(sv.offset, end.offset, 'bv_offset', ctx);
        dv.len = part;
        end.size += part;
        amount -= part;
        end.offset += part;
        dslot++;
        end.nr_slots++;
        if (dslot >= (dst.caps[di] ?? 0)) {
          publish(d, dst.ids[di], dslot, ctx);
          di++;
          dslot = 0;
        }
        if (end.nr_slots >= dst.max || amount === 0) break outer;
      }
      end.offset = 0;
    }
    if (q.next === null) break;
    end.bq = q.next;
    end.slot = 0;
    if (end.size > 0 && !crosses) break;
  }
  publish(d, dst.ids[di], dslot, ctx);
  return end;
}

function publish(d: World, id: BvecqId | undefined, nr_slots: number, ctx: StepCtx): void {
  const q = id === undefined ? undefined : d.bvecqs[id];
  if (q === undefined || id === undefined) return;
  q.nr_slots = nr_slots;
  ctx.touch('bvecq', id);
}
