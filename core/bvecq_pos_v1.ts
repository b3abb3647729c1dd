/**
 * The older revision of the bvecq position helpers (include/linux/bvecq.h and
 * fs/netfs/bvecq.c in the netfs tree at d8286849, the v1-v3 era; REFERENCE §3 item 7), kept
 * exactly so that the `bvecq_pos_v1` mutant group re-creates the bugs the series later
 * fixed. Each function runs instead of its fixed counterpart when its flag is on.
 * Divergence: the `discontig` node flag of that era is not modelled (every node is
 * contiguous with its predecessor), so the slice and extract stops it drove never happen.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, BvecqPos, World } from './state.ts';
import { bvecq_put } from './bvecq.ts';
import { min, u16, u32 } from './kernel_int.ts';
import { bvecq_pos_move, hopOk, liveNode, posNode, readSlot, storePos, u32Sum, walkGuard } from './bvecq_pos.ts';
import { bvec_zero } from './bvecq_slice.ts';
import { cutChainAfter, EMSGSIZE } from './bvecq_buffer.ts';

/**
 * bvecq_pos_step() at d8286849 (`bvecq_pos_step_off_by_one`): accepts `slot <= nr_slots`,
 * so it reports success on the unpublished slot one past the end, and when it does cross
 * to the next node it keeps the incremented slot number instead of starting at 0.
 */
export function bvecq_pos_step_v1(d: World, p: BvecqPos, ctx: StepCtx): boolean | null {
  const q = posNode(d, p, ctx, 'bvecq_pos_step');
  if (q === null) return null;
  p.slot = u16(p.slot + 1, 'bvecq_pos.slot', ctx);
  p.offset = 0;
  if (p.slot <= q.nr_slots) return true;
  if (q.next === null) return false;
  return bvecq_pos_move(d, p, q.next, ctx) ? true : null;
}

/**
 * bvecq_pos_advance() at d8286849 (`bvecq_pos_advance_inverted`): the slot-validity test
 * is inverted, so it hops to the next node *while* the slot is valid (keeping the offset)
 * and then reads the slot it stopped on, which is unpublished unless the hop was refused at
 * the chain end (WARN). Reading past `nr_slots` is a bug.
 */
export function bvecq_pos_advance_v1(d: World, p: BvecqPos, amount: number, ctx: StepCtx): null {
  if (amount === 0) return null;
  if (posNode(d, p, ctx, 'bvecq_pos_advance') === null || p.bvecq === null) return null;
  let bq: BvecqId = p.bvecq;
  let slot = p.slot;
  let offset = p.offset;
  let hops = 0;
  for (let n = 0; amount > 0; n++) {
    walkGuard(n, hops, 'bvecq_pos_advance');
    let q = liveNode(d, bq, ctx, 'bvecq_pos_advance');
    while (q !== null && slot < q.nr_slots) {
      if (q.next === null) {
        ctx.warn('bvecq_pos_advance.past_end', `${amount} byte(s) left at the end of the chain (bvecq ${bq})`);
        break;
      }
      if (!hopOk(d, ++hops, ctx, 'bvecq_pos_advance')) return null;
      bq = q.next;
      slot = 0;
      q = liveNode(d, bq, ctx, 'bvecq_pos_advance');
    }
    const bv = q === null ? null : readSlot(q, bq, slot, ctx, 'bvecq_pos_advance');
    if (bv === null) return null;
    if (offset > bv.len || bv.len - offset > amount) {
      offset = u32Sum(offset, amount, 'bvecq_pos.offset', ctx);
      break;
    }
    amount -= bv.len - offset;
    offset = 0;
    slot++;
  }
  storePos(p, slot, offset, ctx);
  bvecq_pos_move(d, p, bq, ctx);
  return null;
}

/**
 * bvecq_zero() at d8286849 (`bvecq_zero_slice_walk`): walks like bvecq_slice(), clearing
 * only slots that have a page (a NULL page is skipped, not mapped), stops on the slot of the
 * last byte cleared, never WARNs at the chain end, and dereferences the position even for
 * a zero amount (which then walks to the first page-backed slot or the chain end).
 */
export function bvecq_zero_v1(d: World, p: BvecqPos, amount: number, ctx: StepCtx): number | null {
  const q0 = posNode(d, p, ctx, 'bvecq_zero');
  if (q0 === null || p.bvecq === null) return null;
  const end = { bq: p.bvecq, slot: p.slot, offset: p.offset };
  let cleared = 0;
  let q = q0;
  outer: for (let n = 0; ; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_zero')) return null;
    for (; end.slot < q.nr_slots; end.slot++) {
      const bv = readSlot(q, end.bq, end.slot, ctx, 'bvecq_zero');
      if (bv === null) return null;
      if (end.offset < bv.len && bv.page !== null) {
        const part = min(bv.len - end.offset, amount);
        if (!bvec_zero(d, bv.page, bv.offset + end.offset, part, ctx)) return null;
        cleared += part;
        end.offset += part;
        amount -= part;
        if (amount === 0) break outer;
      }
      end.offset = 0;
    }
    if (q.next === null) break;
    const next = liveNode(d, q.next, ctx, 'bvecq_zero');
    if (next === null) return null;
    end.bq = q.next;
    end.slot = 0;
    q = next;
  }
  const last = liveNode(d, end.bq, ctx, 'bvecq_zero');
  if (last === null) return null;
  if (end.slot === last.nr_slots && last.next !== null) {
    end.bq = last.next;
    end.slot = 0;
    end.offset = 0;
  }
  if (!bvecq_pos_move(d, p, end.bq, ctx)) return null;
  storePos(p, end.slot, end.offset, ctx);
  return cleared;
}

/**
 * bvecq_delete_spent(pos, slot) at d8286849 (`bvecq_delete_spent_stale_slot`): the slot is
 * a separate argument, so a caller that forgot to store its progress in `pos->slot` passes
 * a stale one (here it is always `pos->slot`, as the reference harness does). A spent node
 * is detached by clearing its `next` before the position's reference on it is put; the
 * position then inherits the link reference on the successor.
 */
export function bvecq_delete_spent_v1(d: World, p: BvecqPos, slot: number, ctx: StepCtx): boolean | null {
  if (posNode(d, p, ctx, 'bvecq_delete_spent') === null || p.bvecq === null) return null;
  let spent: BvecqId = p.bvecq;
  for (let n = 0; ; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_delete_spent')) return null;
    const q = liveNode(d, spent, ctx, 'bvecq_delete_spent');
    if (q === null) return null;
    if (q.next === null) return false;
    if (slot < q.nr_slots) return true;
    const nextId = q.next;
    const next = liveNode(d, nextId, ctx, 'bvecq_delete_spent');
    if (next === null) return null;
    next.prev = null;
    q.next = null;
    ctx.touch('bvecq', spent);
    ctx.touch('bvecq', nextId);
    bvecq_put(d, spent, ctx);
    p.bvecq = nextId;
    p.slot = 0;
    p.offset = 0;
    if (next.nr_slots > 0) return true;
    spent = nextId;
    slot = 0;
  }
}

/**
 * bvecq_shorten_buffer() at d8286849 (`bvecq_shorten_keeps_empty_slot`): counts the size
 * down as a signed remainder and cuts at the first slot that takes it below zero, so a size
 * ending exactly on a slot boundary trims the *next* slot to length zero and keeps it.
 */
export function bvecq_shorten_buffer_v1(d: World, bq: BvecqId, slot: number, size: number, ctx: StepCtx): number | null {
  let retain = size;
  let cur: BvecqId | null = bq;
  let s = u32(slot, 'slot', ctx);
  for (let n = 0; cur !== null; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_shorten_buffer')) return null;
    const q = liveNode(d, cur, ctx, 'bvecq_shorten_buffer');
    if (q === null) return null;
    for (; s < q.nr_slots; s++) {
      const bv = readSlot(q, cur, s, ctx, 'bvecq_shorten_buffer');
      if (bv === null) return null;
      retain -= bv.len;
      if (retain < 0) {
        bv.len += retain;
        cutChainAfter(d, cur, s + 1, ctx);
        return 0;
      }
    }
    s = 0;
    cur = q.next;
  }
  if (retain <= 0) return 0;
  ctx.warn('bvecq_shorten_buffer.too_short', `chain from bvecq ${bq} holds less than ${size} byte(s)`);
  return -EMSGSIZE;
}
