/**
 * bvecq positions (include/linux/bvecq.h, netfs tree at 05662182, the fixed v4/v5 helpers;
 * REFERENCE §1.5, §2.2). A position names a node, a slot and a byte offset in that slot, and
 * holds one reference on its node while set. Positions may be unnormalised: `slot` may equal
 * the node's `nr_slots` and `offset` may equal the slot's `bv_len`.
 *
 * This file holds the primitives every position helper shares (following a pointer to a
 * node, reading a slot, moving the reference) and the slot-level movers `bvecq_pos_step`
 * and `bvecq_pos_nudge`. The walks that count bytes live in bvecq_slice.ts, the buffer
 * helpers in bvecq_buffer.ts, the older revision (d8286849) in bvecq_pos_v1.ts.
 * Divergence: the acquire/release barriers are not modelled, and the "more slots were
 * published meanwhile" re-checks the kernel makes can never succeed here (one thread).
 */
import type { StepCtx } from './ctx.ts';
import type { BioVec, Bvecq, BvecqId, BvecqPos, World } from './state.ts';
import { bvecq_get, bvecq_put } from './bvecq.ts';
import { u16, u32, U16_MAX, UINT_MAX } from './kernel_int.ts';

/**
 * Bounds a walk by its node hops. A chain that leads back to itself (only a misuse of
 * bvecq_append builds one) makes the kernel walk forever; more hops than there are nodes
 * means exactly that, and it is reported as a bug rather than run.
 */
export function hopOk(d: World, hops: number, ctx: StepCtx, fn: string): boolean {
  if (hops < 64 || hops <= Object.keys(d.bvecqs).length) return true;
  ctx.bug('bvecq.chain_cycle', `${fn} hopped ${hops} nodes: the chain loops back on itself`);
  return false;
}

/** Asserts a walk's iterations: within a node each one moves a u16 slot on, so they are bounded by the hops. */
export function walkGuard(n: number, hops: number, fn: string): void {
  if (n > (hops + 1) * (U16_MAX + 2)) throw new Error(`${fn}: ${n} iterations for ${hops} node hop(s)`);
}

/**
 * Follows a pointer the kernel dereferences. The id comes from state, so it always names a
 * created node; a freed one is a use-after-free (bug, null returned).
 */
export function liveNode(d: World, id: BvecqId, ctx: StepCtx, fn: string): Bvecq | null {
  const q = d.bvecqs[id];
  if (q === undefined) throw new Error(`${fn}: bvecq ${id} in state but never created`);
  if (q.freed) {
    ctx.bug('bvecq.use_after_free', `${fn} touched freed bvecq ${id} (event ${ctx.i})`);
    return null;
  }
  return q;
}

/** The node a position points at; an unset position dereferences NULL (bug). */
export function posNode(d: World, p: BvecqPos, ctx: StepCtx, fn: string): Bvecq | null {
  if (p.bvecq === null) {
    ctx.bug('bvecq_pos.null_deref', `${fn} on an unset position (NULL bvecq)`);
    return null;
  }
  return liveNode(d, p.bvecq, ctx, fn);
}

/**
 * Reads `bv[slot]` of a node. Only published slots hold data the reader may trust: a slot at
 * or past `nr_slots` is unfilled memory, one past `max_slots` is outside the allocation.
 */
export function readSlot(q: Bvecq, id: BvecqId, slot: number, ctx: StepCtx, fn: string): BioVec | null {
  const bv = q.bv[slot];
  if (bv === undefined || slot >= q.max_slots) {
    ctx.bug('bvecq.read_beyond_max_slots', `${fn} read bvecq ${id} slot ${slot} (max_slots ${q.max_slots})`);
    return null;
  }
  if (slot >= q.nr_slots) {
    ctx.bug('bvecq.read_unfilled_slot', `${fn} read bvecq ${id} slot ${slot} (nr_slots ${q.nr_slots})`);
    return null;
  }
  return bv;
}

/** `a + b` stored into an `unsigned int`, exact for any a, b below 2^53; the wrap is recorded. */
export function u32Sum(a: number, b: number, field: string, ctx: StepCtx): number {
  const TWO_32 = UINT_MAX + 1;
  // Without a wrap the sum stands, unboxed (see kernel_int.ts mod()).
  const wrapped = a >= 0 && b >= 0 && a + b < TWO_32 ? a + b : ((a % TWO_32) + (b % TWO_32)) % TWO_32;
  if (a + b !== wrapped) ctx.wrap({ field, value: a + b, wrapped });
  return wrapped;
}

/** Stores a walk's end point into a position, as the C assignments to the u16/uint fields do. */
export function storePos(p: BvecqPos, slot: number, offset: number, ctx: StepCtx): void {
  p.slot = u16(slot, 'bvecq_pos.slot', ctx);
  p.offset = u32(offset, 'bvecq_pos.offset', ctx);
}

/**
 * bvecq_pos_move(): points `p` at node `to`, taking a reference on it before dropping the
 * one on the old node (whose put may cascade down the chain). Same node: nothing happens,
 * not even a dereference. Returns false after a bug.
 */
export function bvecq_pos_move(d: World, p: BvecqPos, to: BvecqId, ctx: StepCtx): boolean {
  const old = p.bvecq;
  if (old === to) return true;
  const q = liveNode(d, to, ctx, 'bvecq_pos_move');
  if (q === null) return false;
  bvecq_get(q);
  ctx.touch('bvecq', to);
  p.bvecq = to;
  if (old !== null) bvecq_put(d, old, ctx);
  return true;
}

/** bvecq_pos_unset(): drops the position's reference (a put of NULL is a no-op) and zeroes it. */
export function bvecq_pos_unset(d: World, p: BvecqPos, ctx: StepCtx): void {
  if (p.bvecq !== null) bvecq_put(d, p.bvecq, ctx);
  p.bvecq = null;
  p.slot = 0;
  p.offset = 0;
}

/**
 * bvecq_pos_step() (05662182): moves to the start of the next slot; past the published
 * slots it crosses to the next node at slot 0, or returns false at the chain end with the
 * slot left incremented (a u16, so it can wrap).
 */
export function bvecq_pos_step(d: World, p: BvecqPos, ctx: StepCtx): boolean | null {
  const q = posNode(d, p, ctx, 'bvecq_pos_step');
  if (q === null || p.bvecq === null) return null;
  p.slot = u16(p.slot + 1, 'bvecq_pos.slot', ctx);
  p.offset = 0;
  if (p.slot < q.nr_slots) return true;
  if (q.next === null) return false;
  if (!bvecq_pos_move(d, p, q.next, ctx)) return null;
  p.slot = 0;
  return true;
}

/**
 * bvecq_pos_nudge() (05662182): normalises forward until the position names a byte: skips
 * spent slots, and past the published slots hops to the next node. Returns false at the
 * chain end. Quirk kept from the kernel: its "more slots got added" re-check tests the
 * *next* node with the old slot number, so when that node has more slots than the old slot
 * index the walk goes on over the next node's slots while the position (and its reference)
 * stays on the old node.
 */
export function bvecq_pos_nudge(d: World, p: BvecqPos, ctx: StepCtx): boolean | null {
  if (posNode(d, p, ctx, 'bvecq_pos_nudge') === null || p.bvecq === null) return null;
  let bq: BvecqId = p.bvecq;
  let hops = 0;
  for (let n = 0; ; n++) {
    walkGuard(n, hops, 'bvecq_pos_nudge');
    const q = liveNode(d, bq, ctx, 'bvecq_pos_nudge');
    if (q === null) return null;
    if (p.slot >= q.nr_slots) {
      if (q.next === null) return false;
      const next = liveNode(d, q.next, ctx, 'bvecq_pos_nudge');
      if (next === null || !hopOk(d, ++hops, ctx, 'bvecq_pos_nudge')) return null;
      bq = q.next;
      if (!ctx.mutant('bvecq_pos_nudge_no_recheck') && p.slot < next.nr_slots) continue;
      if (!bvecq_pos_move(d, p, bq, ctx)) return null;
      p.slot = 0;
      p.offset = 0;
      continue;
    }
    const bv = readSlot(q, bq, p.slot, ctx, 'bvecq_pos_nudge');
    if (bv === null) return null;
    if (p.offset < bv.len) return true;
    p.slot = u16(p.slot + 1, 'bvecq_pos.slot', ctx);
    p.offset = 0;
  }
}
