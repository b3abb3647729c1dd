/**
 * bvecq buffer helpers (include/linux/bvecq.h and fs/netfs/bvecq.c, netfs tree at 05662182;
 * `bvecq_shorten_buffer` and `bvecq_append_page` from the later stored revision of bvecq.c;
 * REFERENCE §2.1): deleting spent nodes from the front of a queue, trimming a buffer to a
 * size, and the producer side of a rolling buffer (init, append a node, append a page).
 * Nodes these helpers allocate get BVECQ_POOL_SLOTS (29) slots, what a 512-byte node holds.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqId, BvecqPos, World } from './state.ts';
import { bvecq_free_slot, bvecq_get, bvecq_put, newBvecq } from './bvecq.ts';
import { BVECQ_POOL_SLOTS, u16, u32 } from './kernel_int.ts';
import { bvecq_pos_move, hopOk, liveNode, posNode, readSlot } from './bvecq_pos.ts';

export const EIO = 5;
export const ENOMEM = 12;
export const EMSGSIZE = 90;

/**
 * bvecq_delete_spent() (05662182): while the position's node has a successor and nothing is
 * published past the position's slot, detaches it (the successor's `prev` becomes NULL) and
 * moves the position to `(successor, 0, 0)`, whose reference drop may free the spent node;
 * repeats while the new node is itself empty. Returns whether there is something to consume.
 * The spent node keeps its `next` pointer; freeing it drops the link reference as usual.
 */
export function bvecq_delete_spent(d: World, p: BvecqPos, ctx: StepCtx): boolean | null {
  if (posNode(d, p, ctx, 'bvecq_delete_spent') === null || p.bvecq === null) return null;
  let spent: BvecqId = p.bvecq;
  let slot = p.slot;
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
    ctx.touch('bvecq', nextId);
    if (!bvecq_pos_move(d, p, nextId, ctx)) return null;
    p.slot = 0;
    p.offset = 0;
    if (next.nr_slots > 0) return true;
    spent = nextId;
    slot = 0;
  }
}

/** Where a shorten walk found the slot in which `size` runs out, with the bytes left for it. */
export interface ShortenCut {
  bq: BvecqId;
  slot: number;
  keep: number;
}

/**
 * The walk of bvecq_shorten_buffer() (later revision): skips whole slots while they fit in
 * `size`; the first slot longer than what is left is the cut. Zero-length slots after an
 * exact fit are passed over. Returns null after a bug, `'short'` if the chain holds less
 * than `size`, `'exact'` if it ends exactly at `size`.
 */
function shortenWalk(d: World, bq: BvecqId, slot: number, size: number, ctx: StepCtx): ShortenCut | 'short' | 'exact' | null {
  let cur: BvecqId | null = bq;
  for (let n = 0; cur !== null; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_shorten_buffer')) return null;
    const q = liveNode(d, cur, ctx, 'bvecq_shorten_buffer');
    if (q === null) return null;
    for (; slot < q.nr_slots; slot++) {
      const bv = readSlot(q, cur, slot, ctx, 'bvecq_shorten_buffer');
      if (bv === null) return null;
      if (size < bv.len) return { bq: cur, slot, keep: size };
      size -= bv.len;
    }
    slot = 0;
    cur = q.next;
  }
  return size > 0 ? 'short' : 'exact';
}

/**
 * bvecq_shorten_buffer() (later revision): keeps exactly `size` bytes from `slot` of node
 * `bq`: trims the slot where the size runs out, releases the rest of that node's slots, cuts
 * the chain after it and puts the remainder (the cut-off node's `prev` is left as it was).
 * Returns 0, or -EMSGSIZE with a WARN when the chain holds less than `size`.
 */
export function bvecq_shorten_buffer(d: World, bq: BvecqId, slot: number, size: number, ctx: StepCtx): number | null {
  const cut = shortenWalk(d, bq, u32(slot, 'slot', ctx), size, ctx);
  if (cut === null) return null;
  if (cut === 'short') {
    ctx.warn('bvecq_shorten_buffer.too_short', `chain from bvecq ${bq} holds less than ${size} byte(s)`);
    return -EMSGSIZE;
  }
  if (cut === 'exact') return 0;
  let keepTo = cut.slot;
  const q = d.bvecqs[cut.bq];
  const bv = q?.bv[cut.slot];
  if (q === undefined || bv === undefined) throw new Error('bvecq_shorten_buffer: cut outside the node');
  if (cut.keep > 0) {
    bv.len = cut.keep;
    keepTo++;
  }
  cutChainAfter(d, cut.bq, keepTo, ctx);
  return 0;
}

/** Releases slots `[keepTo, nr_slots)` of node `id`, unpublishes them, and puts the rest of the chain. */
export function cutChainAfter(d: World, id: BvecqId, keepTo: number, ctx: StepCtx): void {
  const q = d.bvecqs[id];
  if (q === undefined) throw new Error(`cutChainAfter: bvecq ${id} never created`);
  for (let i = keepTo; i < q.nr_slots; i++) bvecq_free_slot(d, q, i, ctx);
  q.nr_slots = u16(keepTo, 'nr_slots', ctx);
  ctx.touch('bvecq', id);
  const next = q.next;
  q.next = null;
  if (next !== null) bvecq_put(d, next, ctx);
}

/** bvecq_buffer_init(): a fresh 29-slot node whose allocation reference the position takes. */
export function bvecq_buffer_init(d: World, p: BvecqPos, id: BvecqId, fail: boolean, ctx: StepCtx): number {
  if (fail) return -ENOMEM;
  d.bvecqs[id] = newBvecq(BVECQ_POOL_SLOTS, 'EXTERNAL');
  ctx.touch('bvecq', id);
  p.bvecq = id;
  p.slot = 0;
  p.offset = 0;
  return 0;
}

/**
 * bvecq_buffer_append(): moves the position onto `add` (taking a reference), links `add`
 * after the old head (the caller's reference on `add` becomes the link) and drops the
 * position's reference on the old head, which a consumer may already have let go of.
 */
export function bvecq_buffer_append(d: World, p: BvecqPos, add: BvecqId, ctx: StepCtx): boolean {
  const head = p.bvecq;
  if (posNode(d, p, ctx, 'bvecq_buffer_append') === null || head === null) return false;
  const h = liveNode(d, head, ctx, 'bvecq_buffer_append');
  const a = liveNode(d, add, ctx, 'bvecq_buffer_append');
  if (h === null || a === null) return false;
  bvecq_get(a);
  p.bvecq = add;
  p.slot = 0;
  p.offset = 0;
  a.prev = head;
  h.next = add;
  ctx.touch('bvecq', head);
  ctx.touch('bvecq', add);
  bvecq_put(d, head, ctx);
  return true;
}

export interface AppendPage {
  page: number | null;
  offset: number;
  len: number;
  /** The id a new node gets if the current one is full, and whether allocating it fails. */
  bvecq: BvecqId | null;
  fail: boolean;
}

/**
 * bvecq_append_page() (later revision): WARNs unless the position sits at the node's
 * published end; when the node is full a new 29-slot node is appended and the position moves
 * onto it. Fills the slot, publishes it and advances the position's slot. No page reference
 * is taken. Returns 0 or -ENOMEM.
 */
export function bvecq_append_page(d: World, p: BvecqPos, a: AppendPage, ctx: StepCtx): number | null {
  let q = posNode(d, p, ctx, 'bvecq_append_page');
  if (q === null || p.bvecq === null) return null;
  let slot = p.slot;
  if (slot !== q.nr_slots) ctx.warn('bvecq_append_page.not_at_end', `position at slot ${slot}, node has ${q.nr_slots} published`);
  if (slot >= q.max_slots) {
    if (a.fail || a.bvecq === null) return -ENOMEM;
    d.bvecqs[a.bvecq] = newBvecq(BVECQ_POOL_SLOTS, 'EXTERNAL');
    if (!bvecq_buffer_append(d, p, a.bvecq, ctx)) return null;
    q = d.bvecqs[a.bvecq] ?? null;
    if (q === null) throw new Error('bvecq_append_page: new node vanished');
    slot = 0;
  }
  const bv = q.bv[slot];
  if (bv === undefined) throw new Error('bvecq_append_page: slot outside the node');
  bv.page = a.page;
  bv.offset = u32(a.offset, 'bv_offset', ctx);
  bv.len = u32(a.len, 'bv_len', ctx);
  q.nr_slots = u16(slot + 1, 'nr_slots', ctx);
  p.slot = u16(slot + 1, 'bvecq_pos.slot', ctx);
  ctx.touch('bvecq', p.bvecq ?? -1);
  return 0;
}
