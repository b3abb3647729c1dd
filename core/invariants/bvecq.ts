/**
 * bvecq structure checks (REFERENCE §1.4): linear, NULL-terminated chains with consistent
 * next/prev, `nr_slots <= max_slots`; and, at quiescence, no node or position left holding
 * a reference.
 */
import type { StepCtx } from '../ctx.ts';
import type { World } from '../state.ts';

export function checkTouchedBvecqs(d: World, ctx: StepCtx): void {
  for (let k = 0; k < ctx.touchedCount; k++) {
    const t = ctx.touched[k];
    if (t === undefined || t.kind !== 'bvecq') continue;
    const q = d.bvecqs[t.id];
    if (q === undefined || q.freed) continue;
    if (q.nr_slots > q.max_slots) {
      ctx.invariant('bvecq.nr_slots_le_max_slots', `bvecq ${t.id}: nr_slots ${q.nr_slots} > max_slots ${q.max_slots}`);
    }
    checkLinks(d, t.id, ctx);
  }
}

function checkLinks(d: World, id: number, ctx: StepCtx): void {
  const q = d.bvecqs[id];
  if (q === undefined) return;
  if (q.next !== null) {
    const n = d.bvecqs[q.next];
    // A node bvecq_delete_spent() detached from the front keeps its `next` while a position
    // still holds it, but its successor's `prev` is already NULL: that is the design, not a break.
    if (n !== undefined && !n.freed && n.prev !== id && n.prev !== null) {
      ctx.invariant('bvecq.chain_links', `bvecq ${id}.next = ${q.next} but its prev is ${String(n.prev)}`);
    }
    if (q.next === id) ctx.invariant('bvecq.chain_links', `bvecq ${id} links to itself`);
  }
  if (q.prev !== null) {
    const p = d.bvecqs[q.prev];
    if (p !== undefined && !p.freed && p.next !== id) {
      ctx.invariant('bvecq.chain_links', `bvecq ${id}.prev = ${q.prev} but its next is ${String(p.next)}`);
    }
  }
}

export function checkBvecqLeaks(d: World, ctx: StepCtx): void {
  for (const [id, q] of Object.entries(d.bvecqs)) {
    if (!q.freed) ctx.invariant('refcount.leak', `bvecq ${id} still holds ${q.ref} ref(s) at quiescence`);
  }
  for (const [id, p] of Object.entries(d.positions)) {
    if (p.bvecq !== null) ctx.invariant('bvecq_pos.ref_leak', `position ${id} still set on bvecq ${p.bvecq}`);
  }
}
