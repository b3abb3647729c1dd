/**
 * Folios and pages (mm, general semantics; REFERENCE §1.1). A folio is 2^order naturally
 * aligned pages headed at `pfn`. The refcount frees the folio at zero; a put on a freed
 * folio is an underflow (bug). GUP pins count separately in `pincount` (the large-folio
 * scheme; Divergence: small folios in the kernel fold pins into the refcount with a bias,
 * which changes no observable behaviour modelled here).
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { Folio, FolioId, World } from './state.ts';
import { checkNewId, folioAt, folioOfPfn, lookupLive, ORDER_SPAN } from './lookup.ts';
import { MAX_PAGE_ORDER, PAGE_SIZE } from './kernel_int.ts';

export type FolioEvent =
  | { type: 'folio_alloc'; folio: FolioId; order: number; pfn: number; fail: boolean }
  | { type: 'zero_folio'; folio: FolioId }
  | { type: 'folio_get'; folio: FolioId }
  | { type: 'folio_put'; folio: FolioId }
  | { type: 'folio_lock'; folio: FolioId }
  | { type: 'folio_unlock'; folio: FolioId }
  | { type: 'folio_mark_uptodate'; folio: FolioId }
  | { type: 'folio_mark_dirty'; folio: FolioId }
  | { type: 'folio_clear_dirty_for_io'; folio: FolioId }
  | { type: 'folio_start_writeback'; folio: FolioId }
  | { type: 'folio_end_writeback'; folio: FolioId }
  | { type: 'unpin_user_page'; page: number }
  | { type: 'unpin_user_folio'; folio: FolioId; npages: number };

/** The PFN of the shared zero page. */
export const ZERO_PFN = 0;

export function newFolio(pfn: number, order: number, refcount: number): Folio {
  return {
    pfn,
    order,
    refcount,
    pincount: 0,
    locked: false,
    uptodate: false,
    dirty: false,
    writeback: false,
    freed: false,
    baseline_refs: 0,
    user: false,
    bounce: false,
    data: [],
  };
}

export function folioSize(f: Folio): number {
  return PAGE_SIZE * 2 ** f.order;
}

/** Places a new folio in the world, rejecting overlap with a live one or a misaligned head. */
export function insertFolio(d: World, id: FolioId, f: Folio, ctx: StepCtx, field: string): boolean {
  // A small integer: `%` by `2 ** order` would be a floating-point remainder.
  const span = ORDER_SPAN[f.order] ?? 2 ** f.order;
  if (f.pfn % span !== 0) {
    ctx.reject(field, `pfn ${f.pfn} is not aligned to order ${f.order}`);
    return false;
  }
  for (let p = f.pfn; p < f.pfn + span; p++) {
    if (folioOfPfn(d, p) !== null) {
      ctx.reject(field, `pfn ${p} already belongs to a live folio`);
      return false;
    }
  }
  d.folios[id] = f;
  d.pfn_folio[f.pfn] = id;
  return true;
}

/**
 * folio_put(): drops one reference; at zero the folio is freed. A put of a freed folio is
 * the refcount underflow the kernel catches with VM_BUG_ON.
 */
export function folio_put(d: World, id: FolioId, ctx: StepCtx, field: string): void {
  const f = d.folios[id];
  if (f === undefined) {
    ctx.reject(field, `folio ${id} was never created`);
    return;
  }
  if (f.freed) {
    ctx.bug('folio.put_underflow', `folio_put on freed folio ${id}`);
    return;
  }
  ctx.touch('folio', id);
  f.refcount -= 1;
  if (f.refcount === 0) f.freed = true;
}

/** put_page() on any page of a folio; external memory (no folio) is left alone. */
export function put_page(d: World, pfn: number, ctx: StepCtx, field: string): void {
  const id = folioOfPfn(d, pfn);
  if (id !== null) folio_put(d, id, ctx, field);
}

/** unpin_user_page() for one page; an unpin with no pin left is a double unpin (bug). */
export function unpin_user_pages_of(d: World, pfn: number, n: number, ctx: StepCtx): void {
  const f = folioAt(d, pfn);
  if (f === null) return;
  const id = folioOfPfn(d, pfn) ?? -1;
  if (f.pincount < n) {
    ctx.bug('pin.double_unpin', `unpin of ${n} page(s) of folio ${id} holding ${f.pincount} pin(s)`);
    return;
  }
  ctx.touch('folio', id);
  f.pincount -= n;
}

function withFolio(fn: (f: Folio, id: FolioId, ctx: StepCtx) => void) {
  return (d: World, e: { folio: FolioId }, ctx: StepCtx): null => {
    const f = lookupLive(d.folios, e.folio, ctx, 'folio', 'folio');
    if (f === null) return null;
    ctx.touch('folio', e.folio);
    fn(f, e.folio, ctx);
    return null;
  };
}

export const folioRecipes: RecipeTable<FolioEvent> = {
  folio_alloc(d, e, ctx) {
    if (!checkNewId(d.folios, e.folio, ctx, 'folio', 'folio')) return null;
    if (e.order > MAX_PAGE_ORDER) {
      ctx.warn('folio_alloc.order_too_large', `order ${e.order} > MAX_PAGE_ORDER`);
      return false;
    }
    if (e.fail) return false;
    if (!insertFolio(d, e.folio, newFolio(e.pfn, e.order, 1), ctx, 'pfn')) return null;
    ctx.touch('folio', e.folio);
    return true;
  },
  zero_folio(d, e, ctx) {
    if (!checkNewId(d.folios, e.folio, ctx, 'folio', 'folio')) return null;
    const f = newFolio(ZERO_PFN, 0, 1);
    f.baseline_refs = 1;
    f.uptodate = true;
    f.data = [{ at: 0, len: PAGE_SIZE, src: 'zero', off: 0 }];
    insertFolio(d, e.folio, f, ctx, 'folio');
    return null;
  },
  folio_get: withFolio((f) => {
    f.refcount += 1;
  }),
  folio_put(d, e, ctx) {
    folio_put(d, e.folio, ctx, 'folio');
    return null;
  },
  folio_lock: withFolio((f, id, ctx) => {
    // A second lock by the same context deadlocks: the kernel would hang, we report it.
    if (f.locked) ctx.bug('folio_lock.deadlock', `folio ${id} locked twice`);
    else f.locked = true;
  }),
  folio_unlock: withFolio((f, id, ctx) => {
    if (!f.locked) ctx.bug('folio_unlock.not_locked', `folio ${id} unlocked while not locked`);
    else f.locked = false;
  }),
  folio_mark_uptodate: withFolio((f) => {
    f.uptodate = true;
  }),
  folio_mark_dirty: withFolio((f) => {
    f.dirty = true;
  }),
  folio_clear_dirty_for_io(d, e, ctx) {
    const f = lookupLive(d.folios, e.folio, ctx, 'folio', 'folio');
    if (f === null) return null;
    const was = f.dirty;
    f.dirty = false;
    return was;
  },
  folio_start_writeback: withFolio((f, id, ctx) => {
    if (f.writeback) ctx.bug('folio_start_writeback.already', `folio ${id} already under writeback`);
    else f.writeback = true;
  }),
  folio_end_writeback: withFolio((f, id, ctx) => {
    if (!f.writeback) ctx.bug('folio_end_writeback.not_writeback', `folio ${id} not under writeback`);
    else f.writeback = false;
  }),
  unpin_user_page(d, e, ctx) {
    if (folioOfPfn(d, e.page) === null) return ctx.reject('page', `page ${e.page} is not in a live folio`);
    unpin_user_pages_of(d, e.page, 1, ctx);
    return null;
  },
  unpin_user_folio(d, e, ctx) {
    const f = lookupLive(d.folios, e.folio, ctx, 'folio', 'folio');
    if (f === null) return null;
    unpin_user_pages_of(d, f.pfn, e.npages, ctx);
    return null;
  },
};
