/**
 * The events of the bvecq position and buffer helpers (SPEC §2) and their recipes: each
 * resolves the ids it names (an id never created is a rejection, before any write), then
 * runs the model of the kernel function, or its d8286849 version when that mutant is on.
 * Positions are variables rather than allocated objects: the calls that assign one wholesale
 * (`bvecq_pos_init`, `bvecq_pos_set`, `bvecq_pos_transfer`, `bvecq_buffer_init`) create it
 * if it does not exist yet, and overwrite it (leaking any reference it held) if it does.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BvecqId, BvecqPos, PosId, World } from './state.ts';
import { checkNewId, lookupLive } from './lookup.ts';
import { bvecq_get, bvecq_put } from './bvecq.ts';
import { u16, u32 } from './kernel_int.ts';
import { bvecq_pos_move, bvecq_pos_nudge, bvecq_pos_step, bvecq_pos_unset, liveNode } from './bvecq_pos.ts';
import { bvecq_extract, bvecq_pos_advance, bvecq_slice, bvecq_zero } from './bvecq_slice.ts';
import { bvecq_append_page, bvecq_buffer_append, bvecq_buffer_init, bvecq_delete_spent, bvecq_shorten_buffer } from './bvecq_buffer.ts';
import { bvecq_expand_buffer, checkAllocChain, checkFreshIds, linkNewChain } from './bvecq_chain_alloc.ts';
import { bvecq_delete_spent_v1, bvecq_pos_advance_v1, bvecq_pos_step_v1, bvecq_shorten_buffer_v1, bvecq_zero_v1 } from './bvecq_pos_v1.ts';

export type BvecqPosEvent =
  | { type: 'bvecq_pos_init'; pos: PosId; bvecq: BvecqId | null; slot: number; offset: number }
  | { type: 'bvecq_pos_set'; pos: PosId; at: PosId }
  | { type: 'bvecq_pos_unset'; pos: PosId }
  | { type: 'bvecq_pos_transfer'; pos: PosId; from: PosId }
  | { type: 'bvecq_pos_move'; pos: PosId; to: BvecqId }
  | { type: 'bvecq_pos_advance'; pos: PosId; amount: number }
  | { type: 'bvecq_pos_step'; pos: PosId }
  | { type: 'bvecq_pos_nudge'; pos: PosId }
  | { type: 'bvecq_slice'; pos: PosId; max_size: number; max_slots: number }
  | { type: 'bvecq_zero'; pos: PosId; amount: number }
  | { type: 'bvecq_extract'; pos: PosId; max_size: number; max_slots: number; to: BvecqId; fail: boolean }
  | { type: 'bvecq_delete_spent'; pos: PosId }
  | { type: 'bvecq_shorten_buffer'; bvecq: BvecqId; slot: number; size: number }
  | { type: 'bvecq_expand_buffer'; bvecq: BvecqId | null; cur_size: number; size: number; nodes: (BvecqId | null)[]; allocs: (number | null)[] }
  | { type: 'bvecq_buffer_init'; pos: PosId; bvecq: BvecqId; fail: boolean }
  | { type: 'bvecq_buffer_append'; pos: PosId; bvecq: BvecqId }
  | { type: 'bvecq_append_page'; pos: PosId; page: number | null; offset: number; len: number; bvecq?: BvecqId; fail?: boolean }
  | { type: 'bvecq_alloc_chain'; nr_slots: number; bvecqs: BvecqId[]; max_slots: number[]; fail: boolean };

function needPos(d: World, id: PosId, ctx: StepCtx, field: string): BvecqPos | null {
  const p = d.positions[id];
  if (p === undefined) return ctx.reject(field, `position ${id} was never created`);
  ctx.touch('pos', id);
  return p;
}

/** The position `id`, created unset if it does not exist (a C variable being assigned). */
function posVar(d: World, id: PosId, ctx: StepCtx): BvecqPos {
  ctx.touch('pos', id);
  const p = d.positions[id];
  if (p !== undefined) return p;
  const fresh: BvecqPos = { bvecq: null, slot: 0, offset: 0 };
  d.positions[id] = fresh;
  return fresh;
}

/**
 * Assigns a position variable field by field (a struct copy in C), so assigning the value it
 * already holds leaves the snapshot unchanged.
 */
function assignPos(d: World, id: PosId, bvecq: BvecqId | null, slot: number, offset: number): void {
  const p = d.positions[id];
  if (p === undefined) {
    d.positions[id] = { bvecq, slot, offset };
    return;
  }
  if (p.bvecq !== bvecq) p.bvecq = bvecq;
  if (p.slot !== slot) p.slot = slot;
  if (p.offset !== offset) p.offset = offset;
}

function needBvecq(d: World, id: BvecqId, ctx: StepCtx, field: string): boolean {
  if (d.bvecqs[id] !== undefined) return true;
  ctx.reject(field, `bvecq ${id} was never created`);
  return false;
}

/** Whether bvecq_append_page() will have to allocate a node: the position's node is full. */
function appendNeedsNode(d: World, p: BvecqPos): boolean {
  const q = p.bvecq === null ? undefined : d.bvecqs[p.bvecq];
  return q !== undefined && !q.freed && p.slot >= q.max_slots;
}

const posRecipes: RecipeTable<Extract<BvecqPosEvent, { type: `bvecq_pos_${string}` }>> = {
  bvecq_pos_init(d, e, ctx) {
    const q = e.bvecq === null ? null : lookupLive(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq');
    if (e.bvecq !== null && q === null) return null;
    assignPos(d, e.pos, e.bvecq, u16(e.slot, 'slot', ctx), u32(e.offset, 'offset', ctx));
    ctx.touch('pos', e.pos);
    if (q !== null && e.bvecq !== null) {
      bvecq_get(q);
      ctx.touch('bvecq', e.bvecq);
    }
    return null;
  },
  bvecq_pos_set(d, e, ctx) {
    const at = needPos(d, e.at, ctx, 'at');
    if (at === null) return null;
    const copy: BvecqPos = { bvecq: at.bvecq, slot: at.slot, offset: at.offset };
    assignPos(d, e.pos, copy.bvecq, copy.slot, copy.offset);
    ctx.touch('pos', e.pos);
    if (copy.bvecq === null) {
      ctx.bug('bvecq_pos.null_deref', `bvecq_pos_set from unset position ${e.at}: bvecq_get(NULL)`);
      return null;
    }
    const q = liveNode(d, copy.bvecq, ctx, 'bvecq_pos_set');
    if (q !== null) bvecq_get(q);
    ctx.touch('bvecq', copy.bvecq);
    return null;
  },
  bvecq_pos_unset(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p !== null) bvecq_pos_unset(d, p, ctx);
    return null;
  },
  bvecq_pos_transfer(d, e, ctx) {
    const from = needPos(d, e.from, ctx, 'from');
    if (from === null) return null;
    const { bvecq, slot, offset } = from;
    assignPos(d, e.pos, bvecq, slot, offset);
    ctx.touch('pos', e.pos);
    assignPos(d, e.from, null, 0, 0);
    return null;
  },
  bvecq_pos_move(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null || !needBvecq(d, e.to, ctx, 'to')) return null;
    bvecq_pos_move(d, p, e.to, ctx);
    return null;
  },
  bvecq_pos_advance(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null) return null;
    if (ctx.mutant('bvecq_pos_advance_inverted')) return bvecq_pos_advance_v1(d, p, e.amount, ctx);
    return bvecq_pos_advance(d, p, e.amount, ctx);
  },
  bvecq_pos_step(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null) return null;
    if (ctx.mutant('bvecq_pos_step_off_by_one')) return bvecq_pos_step_v1(d, p, ctx);
    return bvecq_pos_step(d, p, ctx);
  },
  bvecq_pos_nudge(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    return p === null ? null : bvecq_pos_nudge(d, p, ctx);
  },
};

const walkRecipes: RecipeTable<Extract<BvecqPosEvent, { type: 'bvecq_slice' | 'bvecq_zero' | 'bvecq_extract' | 'bvecq_delete_spent' }>> = {
  bvecq_slice(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    return p === null ? null : bvecq_slice(d, p, e.max_size, e.max_slots, ctx);
  },
  bvecq_zero(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null) return null;
    if (ctx.mutant('bvecq_zero_slice_walk')) return bvecq_zero_v1(d, p, e.amount, ctx);
    return bvecq_zero(d, p, e.amount, ctx);
  },
  bvecq_extract(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    return p === null ? null : bvecq_extract(d, p, e, ctx);
  },
  bvecq_delete_spent(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null) return null;
    if (ctx.mutant('bvecq_delete_spent_stale_slot')) return bvecq_delete_spent_v1(d, p, p.slot, ctx);
    return bvecq_delete_spent(d, p, ctx);
  },
};

const bufferRecipes: RecipeTable<Exclude<BvecqPosEvent, { type: `bvecq_pos_${string}` | 'bvecq_slice' | 'bvecq_zero' | 'bvecq_extract' | 'bvecq_delete_spent' }>> = {
  bvecq_shorten_buffer(d, e, ctx) {
    if (lookupLive(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq') === null) return null;
    if (ctx.mutant('bvecq_shorten_keeps_empty_slot')) return bvecq_shorten_buffer_v1(d, e.bvecq, e.slot, e.size, ctx);
    return bvecq_shorten_buffer(d, e.bvecq, e.slot, e.size, ctx);
  },
  bvecq_expand_buffer(d, e, ctx) {
    if (e.bvecq !== null && !needBvecq(d, e.bvecq, ctx, 'bvecq')) return null;
    return bvecq_expand_buffer(d, e, ctx);
  },
  bvecq_buffer_init(d, e, ctx) {
    if (!checkNewId(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq')) return null;
    return bvecq_buffer_init(d, posVar(d, e.pos, ctx), e.bvecq, e.fail, ctx);
  },
  bvecq_buffer_append(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null || !needBvecq(d, e.bvecq, ctx, 'bvecq')) return null;
    bvecq_buffer_append(d, p, e.bvecq, ctx);
    return null;
  },
  bvecq_append_page(d, e, ctx) {
    const p = needPos(d, e.pos, ctx, 'pos');
    if (p === null) return null;
    const fail = e.fail ?? false;
    if (appendNeedsNode(d, p) && !fail) {
      if (e.bvecq === undefined) return ctx.reject('bvecq', 'the position\'s node is full: a new node id is needed');
      if (!checkNewId(d.bvecqs, e.bvecq, ctx, 'bvecq', 'bvecq')) return null;
    }
    return bvecq_append_page(d, p, { page: e.page, offset: e.offset, len: e.len, bvecq: e.bvecq ?? null, fail }, ctx);
  },
  bvecq_alloc_chain(d, e, ctx) {
    if (e.bvecqs.length !== e.max_slots.length) return ctx.reject('max_slots', 'one granted max_slots per node is needed');
    if (!checkFreshIds(d, e.bvecqs, 'bvecqs', ctx) || !checkAllocChain(e.nr_slots, e.max_slots, e.fail, ctx)) return null;
    linkNewChain(d, e.bvecqs, e.max_slots, 'EXTERNAL', ctx);
    const head = e.bvecqs[0] ?? null;
    if (!e.fail) return head;
    if (head !== null) bvecq_put(d, head, ctx);
    return null;
  },
};

export const bvecqPosRecipes: RecipeTable<BvecqPosEvent> = { ...posRecipes, ...walkRecipes, ...bufferRecipes };
