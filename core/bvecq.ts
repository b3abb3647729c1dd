/**
 * bvecq node management (include/linux/bvecq.h, fs/netfs/bvecq.c; netfs tree at 05662182,
 * the fixed v4/v5 semantics; REFERENCE §1.4, §2.1). A node holds `max_slots` bio_vecs of
 * which the first `nr_slots` are published. Each node holds one reference on its `next`
 * (transferred by the caller at append); `bvecq_put` cascades along `next` while counts reach
 * zero, releasing each freed node's slots according to its `mem_type`.
 * Divergence: memory barriers (release/acquire publication) are not modelled; the model is
 * single-threaded and every store is visible at once.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioVec, Bvecq, BvecqId, BvecqMemType, World } from './state.ts';
import { checkNewId, folioOfPfn, lookupLive } from './lookup.ts';
import { folio_put, unpin_user_pages_of, ZERO_PFN } from './folio.ts';
import { U16_MAX, u16, u32 } from './kernel_int.ts';

export type BvecqEvent =
  | { type: 'bvecq_alloc_one'; bvecq: BvecqId; nr_slots: number; max_slots: number; fail: boolean; mem_type?: BvecqMemType }
  | { type: 'bvecq_set_slot'; bvecq: BvecqId; slot: number; page: number | null; offset: number; len: number }
  | { type: 'bvecq_filled_to'; bvecq: BvecqId; nr_slots: number }
  | { type: 'bvecq_append'; to: BvecqId; add: BvecqId }
  | { type: 'bvecq_get'; bvecq: BvecqId }
  | { type: 'bvecq_put'; bvecq: BvecqId };

export function newBvecq(max_slots: number, mem_type: BvecqMemType): Bvecq {
  // Sized exactly (pushes would leave room for 17 slots in every node kept), and filled by a
  // plain loop: Array.from's callback costs more than the node.
  const bv = new Array<BioVec>(max_slots);
  for (let s = 0; s < max_slots; s++) bv[s] = { page: null, offset: 0, len: 0 };
  return { next: null, prev: null, ref: 1, nr_slots: 0, max_slots, mem_type, inline_bv: true, bv, freed: false };
}

/**
 * bvecq_free_slot(): releases the page of one slot as the node's `mem_type` says; a NULL
 * page is skipped. PAGECACHE puts, GUP unpins, ALLOCED frees (`__free_pages`, a put here).
 * Under `bvecq_free_slot_page_pool` (d8286849) an order-0 ALLOCED page other than the
 * zero page goes back to netfs_page_pool instead.
 * Divergence: the pool is unbounded and keeps every page it is given, so such a folio is
 * not freed; its reference becomes the pool's (counted in `baseline_refs`, not a leak).
 * mempool_free() takes the page whatever its count, whereas __free_pages() only drops one
 * reference: a page someone else still holds (a socket's MSG_SPLICE_PAGES fragment, say)
 * would be handed out again by the pool while in use, which is reported as
 * `invariant netfs_page_pool.page_in_use` when it is returned.
 */
export function bvecq_free_slot(d: World, q: Bvecq, slot: number, ctx: StepCtx): void {
  const page = q.bv[slot]?.page ?? null;
  if (page === null || q.mem_type === 'EXTERNAL') return;
  const folio = folioOfPfn(d, page);
  if (folio === null) return; // external memory: nothing tracked to release
  if (q.mem_type === 'GUP') {
    unpin_user_pages_of(d, page, 1, ctx);
    return;
  }
  const f = d.folios[folio];
  if (q.mem_type === 'ALLOCED' && ctx.mutant('bvecq_free_slot_page_pool') && f !== undefined && f.order === 0 && page !== ZERO_PFN) {
    // The slot's own reference is the one the pool takes over; any beyond it belong to others.
    if (f.refcount - f.baseline_refs > 1) {
      ctx.invariant('netfs_page_pool.page_in_use', `folio ${folio} returned to netfs_page_pool with ${f.refcount - f.baseline_refs - 1} other reference(s) still held`);
    }
    f.baseline_refs += 1;
    ctx.touch('folio', folio);
    return;
  }
  folio_put(d, folio, ctx, 'bvecq');
}

/** Releases the pages of one freed node's published slots as its `mem_type` says. */
export function bvecq_release_slots(d: World, q: Bvecq, ctx: StepCtx): void {
  for (let s = 0; s < q.nr_slots && s < q.bv.length; s++) bvecq_free_slot(d, q, s, ctx);
}

/**
 * bvecq_put(): drops a reference; a node reaching zero is released and freed, and the
 * walk continues with its `next`, dropping the link reference, until a count stays above 0.
 */
export function bvecq_put(d: World, id: BvecqId, ctx: StepCtx): void {
  let cur: BvecqId | null = id;
  for (let guard = 0; cur !== null; guard++) {
    if (guard > 1_000_000) throw new Error('bvecq_put: chain longer than any the model builds');
    const q: Bvecq | undefined = d.bvecqs[cur];
    if (q === undefined) return;
    if (q.freed) {
      ctx.bug('bvecq.put_underflow', `bvecq_put on freed bvecq ${cur}`);
      return;
    }
    ctx.touch('bvecq', cur);
    q.ref -= 1;
    if (q.ref > 0) return;
    bvecq_release_slots(d, q, ctx);
    q.freed = true;
    cur = q.next;
  }
}

export function bvecq_get(q: Bvecq): void {
  q.ref += 1;
}

export const bvecqRecipes: RecipeTable<BvecqEvent> = {
  bvecq_alloc_one(d, e, ctx) {
    if (!checkNewId(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq')) return null;
    if (e.max_slots > U16_MAX) return ctx.reject('max_slots', `max_slots ${e.max_slots} does not fit the u16 field`);
    if (e.fail) return false;
    d.bvecqs[e.bvecq] = newBvecq(e.max_slots, e.mem_type ?? 'EXTERNAL');
    ctx.touch('bvecq', e.bvecq);
    return true;
  },
  bvecq_set_slot(d, e, ctx) {
    const q = lookupLive(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq');
    if (q === null) return null;
    const slot = q.bv[e.slot];
    if (slot === undefined) {
      ctx.bug('bvecq.slot_out_of_range', `bvecq ${e.bvecq}: slot ${e.slot} written past max_slots ${q.max_slots}`);
      return null;
    }
    slot.page = e.page;
    slot.offset = u32(e.offset, 'bv_offset', ctx);
    slot.len = u32(e.len, 'bv_len', ctx);
    ctx.touch('bvecq', e.bvecq);
    return null;
  },
  bvecq_filled_to(d, e, ctx) {
    const q = lookupLive(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq');
    if (q === null) return null;
    q.nr_slots = u16(e.nr_slots, 'nr_slots', ctx);
    ctx.touch('bvecq', e.bvecq);
    return null;
  },
  bvecq_append(d, e, ctx) {
    const to = lookupLive(d.bvecqs, e.to, ctx, 'bvecq', 'to');
    if (to === null) return null;
    const add = lookupLive(d.bvecqs, e.add, ctx, 'bvecq', 'add');
    if (add === null) return null;
    add.prev = e.to;
    to.next = e.add;
    ctx.touch('bvecq', e.to);
    ctx.touch('bvecq', e.add);
    return null;
  },
  bvecq_get(d, e, ctx) {
    const q = lookupLive(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq');
    if (q === null) return null;
    bvecq_get(q);
    ctx.touch('bvecq', e.bvecq);
    return null;
  },
  bvecq_put(d, e, ctx) {
    if (d.bvecqs[e.bvecq] === undefined) return ctx.reject('bvecq', `bvecq ${e.bvecq} was never created`);
    bvecq_put(d, e.bvecq, ctx);
    return null;
  },
};
