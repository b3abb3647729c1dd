/**
 * Allocating and freeing bounce buffers for direct I/O (block/bio.c, linux-block tree at
 * 10c5ed1d; REFERENCE §2.11): folio_alloc_greedy(), bio_alloc_bounce_folios() and
 * bio_free_folios(). Each page-allocator call takes its outcome from the event's `allocs`, in
 * order: the PFN of the folio it got (the folio is then named by that PFN) or null for a
 * failure; an order above MAX_PAGE_ORDER fails by itself and takes no entry. The outcomes are
 * planned and checked before anything is written, so a malformed `allocs` is a rejection that
 * leaves the state untouched.
 * Mutant `folio_alloc_greedy_v1` re-creates BOUNCE-v1's folio_alloc_greedy() (REFERENCE §0):
 * it shrinks while the size is above PAGE_SIZE whatever `minsize` is, and its NORETRY attempts
 * carry no __GFP_NOWARN.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, World } from './state.ts';
import { folioOfPfn, lookupLive } from './lookup.ts';
import { folio_put, insertFolio, newFolio, ZERO_PFN } from './folio.ts';
import { BIO_MAX_SIZE, getOrder, MAX_PAGE_ORDER, min, PAGE_SIZE, rounddownPowOfTwo } from './kernel_int.ts';
import { bio_flagged, type Bio } from './bio_state.ts';
import { __bio_add_page } from './bio_add.ts';
import { bioVecRead } from './bio_vec_table.ts';
import { EINVAL, ENOMEM } from './errno.ts';

export type BioBounceAllocEvent =
  | { type: 'folio_alloc_greedy'; size: number; minsize: number; allocs: (number | null)[] }
  | { type: 'bio_alloc_bounce_folios'; bio: BioId; total_len: number; minsize: number; allocs: (number | null)[] }
  | { type: 'bio_free_folios'; bio: BioId };

export const MUTANT_FOLIO_ALLOC_GREEDY_V1 = 'folio_alloc_greedy_v1';
export const SZ_1M = 1048576;

/** The allocator outcomes of one event and how many were used so far. */
export interface AllocCursor {
  readonly allocs: readonly (number | null)[];
  next: number;
}

/** One folio the allocator handed out: head PFN and order. */
export interface GotFolio {
  pfn: number;
  order: number;
}

/** What folio_alloc_greedy() returns: the folio (null on failure) and the size it settled on. */
export interface GreedyResult {
  folio: GotFolio | null;
  size: number;
}

/**
 * One folio_alloc() call of `order`: too large fails by itself (a WARN unless NOWARN), else
 * the next outcome. Returns the PFN, null for a failure, or undefined after a rejection.
 */
function pageAlloc(cur: AllocCursor, order: number, nowarn: boolean, ctx: StepCtx): number | null | undefined {
  if (order > MAX_PAGE_ORDER) {
    if (!nowarn) ctx.warn('folio_alloc.order_too_large', `order ${order} > MAX_PAGE_ORDER`);
    return null;
  }
  if (cur.next >= cur.allocs.length) {
    ctx.reject('allocs', `no outcome for page allocation ${cur.next}`);
    return undefined;
  }
  return cur.allocs[cur.next++] ?? null;
}

/**
 * Models folio_alloc_greedy(): while the size is above `minsize`, a NORETRY|NOWARN attempt at
 * get_order(size), shrinking to the power of two below on failure; then one blocking attempt.
 * Plans only (nothing is written). Returns null after a rejection or bug.
 */
export function folio_alloc_greedy(cur: AllocCursor, sizeIn: number, minsize: number, ctx: StepCtx): GreedyResult | null {
  const v1 = ctx.mutant(MUTANT_FOLIO_ALLOC_GREEDY_V1);
  const floor = v1 ? PAGE_SIZE : minsize;
  let size = sizeIn;
  // Each failed pass at least halves the size (below 2^53), so 64 passes bound the loop.
  for (let pass = 0; size > floor; pass++) {
    if (pass > 64) throw new Error('folio_alloc_greedy: the size stopped shrinking');
    const order = getOrder(size);
    const pfn = pageAlloc(cur, order, !v1, ctx);
    if (pfn === undefined) return null;
    if (pfn !== null) return granted(pfn, order, size, sizeIn, minsize, ctx);
    if (size === 1) {
      ctx.bug('folio_alloc_greedy.size_zero', `minsize ${minsize}: rounddown_pow_of_two(0) is undefined and the loop never ends`);
      return null;
    }
    size = rounddownPowOfTwo(size - 1);
  }
  const order = getOrder(size);
  const pfn = pageAlloc(cur, order, false, ctx);
  if (pfn === undefined) return null;
  return pfn === null ? { folio: null, size } : granted(pfn, order, size, sizeIn, minsize, ctx);
}

/**
 * A folio folio_alloc_greedy() got. Asked for at least `minsize` bytes, it must not hand out
 * a folio smaller than that (`invariant folio_alloc_greedy.below_minsize`: the v1 threshold,
 * or a `minsize` that is not a power of two).
 */
function granted(pfn: number, order: number, size: number, sizeIn: number, minsize: number, ctx: StepCtx): GreedyResult {
  if (sizeIn >= minsize && PAGE_SIZE * 2 ** order < minsize) {
    ctx.invariant('folio_alloc_greedy.below_minsize', `asked for ${sizeIn} bytes, got a ${PAGE_SIZE * 2 ** order}-byte folio below minsize ${minsize}`);
  }
  return { folio: { pfn, order }, size };
}

/** Rejects outcomes left over once the kernel function made all its calls. */
export function allocsUsed(cur: AllocCursor, ctx: StepCtx): boolean {
  if (cur.next >= cur.allocs.length) return true;
  ctx.reject('allocs', `${cur.allocs.length - cur.next} page outcome(s) left unused`);
  return false;
}

/**
 * Checks that the folios an event names can be created: each head aligned to its order, an
 * id never used, no page inside a live folio, no two overlapping. Rejects otherwise.
 */
export function checkNewFolios(d: World, got: readonly GotFolio[], ctx: StepCtx): boolean {
  for (const [k, g] of got.entries()) {
    const span = 2 ** g.order;
    if (g.pfn % span !== 0) return ctx.reject('allocs', `pfn ${g.pfn} is not aligned to order ${g.order}`) !== null;
    if (d.folios[g.pfn] !== undefined) return ctx.reject('allocs', `folio ${g.pfn} already exists`) !== null;
    for (let p = g.pfn; p < g.pfn + span; p++) {
      if (folioOfPfn(d, p) !== null) return ctx.reject('allocs', `pfn ${p} already belongs to a live folio`) !== null;
    }
    for (const h of got.slice(0, k)) {
      if (h.pfn < g.pfn + span && g.pfn < h.pfn + 2 ** h.order) return ctx.reject('allocs', `pfn ${g.pfn} granted twice`) !== null;
    }
  }
  return true;
}

/** Creates a planned bounce folio (checked by checkNewFolios) with the allocator's reference. */
export function installBounceFolio(d: World, g: GotFolio, ctx: StepCtx): void {
  const f = newFolio(g.pfn, g.order, 1);
  f.bounce = true;
  if (!insertFolio(d, g.pfn, f, ctx, 'allocs')) throw new Error(`bounce folio ${g.pfn} was checked but cannot be placed`);
  ctx.touch('folio', g.pfn);
}

/** The planned folios of bio_alloc_bounce_folios(): each with the length it was added with. */
export interface BouncePlan {
  ret: number;
  chunks: (GotFolio & { len: number })[];
}

/**
 * The checks and allocation loop of bio_alloc_bounce_folios(), planned on copies of `bi_size`
 * and `bi_vcnt`: chunks of min(left, 1 MiB), rounded down to a power of two when above twice
 * `minsize`, until the length is covered, the size would pass BIO_MAX_SIZE, an allocation
 * fails or the vecs run out. Returns null after a rejection or bug.
 */
export function planBounceFolios(b: Bio, id: BioId, total_len: number, minsize: number, cur: AllocCursor, ctx: StepCtx): BouncePlan | null {
  const refuse = (site: string, why: string): BouncePlan => {
    ctx.warn(site, `bio ${id}: ${why}`);
    return { ret: -EINVAL, chunks: [] };
  };
  if (bio_flagged(b, 'CLONED')) return refuse('bio_alloc_bounce_folios.cloned', 'cloned bio');
  if (b.bi_size !== 0) return refuse('bio_alloc_bounce_folios.not_empty', `bi_size ${b.bi_size} is not 0`);
  if (b.bi_vcnt >= b.bi_max_vecs) return refuse('bio_alloc_bounce_folios.no_vec', `no free vec (${b.bi_vcnt} of ${b.bi_max_vecs})`);
  const plan: BouncePlan = { ret: 0, chunks: [] };
  let left = total_len;
  let size = b.bi_size;
  let vcnt = b.bi_vcnt;
  do {
    let this_len = min(left, SZ_1M);
    if (this_len > minsize * 2) this_len = rounddownPowOfTwo(this_len);
    if (size > BIO_MAX_SIZE - this_len) break;
    const g = folio_alloc_greedy(cur, this_len, minsize, ctx);
    if (g === null) return null;
    if (g.folio === null) break;
    plan.chunks.push({ ...g.folio, len: g.size });
    size += g.size;
    vcnt += 1;
    left -= g.size;
  } while (left > 0 && vcnt < b.bi_max_vecs);
  if (size === 0) plan.ret = -ENOMEM;
  return plan;
}

/** Applies a checked plan: each folio created and added with bio_add_folio_nofail(). */
export function applyBounceFolios(d: World, id: BioId, plan: BouncePlan, ctx: StepCtx): boolean {
  for (const c of plan.chunks) {
    installBounceFolio(d, c, ctx);
    __bio_add_page(d, id, c.pfn, c.len, 0, ctx);
    if (ctx.findings.some((f) => f.kind === 'bug')) return false;
  }
  return true;
}

/**
 * The folio holding page `pfn` for a put, freed or not (a put of a freed one is the underflow
 * bug), or null for external memory.
 */
export function folioForPut(d: World, pfn: number): number | null {
  const live = folioOfPfn(d, pfn);
  if (live !== null) return live;
  for (let order = 0; order <= MAX_PAGE_ORDER; order++) {
    const id = d.pfn_folio[pfn - (pfn % 2 ** order)];
    if (id !== undefined && d.folios[id]?.order === order) return id;
  }
  return null;
}

/**
 * Models bio_free_folios(): puts the folio of every vec in bi_io_vec[0..bi_vcnt) (a walk that
 * WARNs on a clone) except the zero folio. Returns false after a bug.
 */
export function bio_free_folios(d: World, id: BioId, ctx: StepCtx): boolean {
  const b = d.bios[id];
  if (b === undefined) return false;
  if (bio_flagged(b, 'CLONED')) ctx.warn('bio_first_bvec_all.cloned', `bio ${id}: walking all vecs of a clone`);
  for (let i = 0; i < b.bi_vcnt; i++) {
    const bv = bioVecRead(d, id, i, ctx);
    if (bv === null) return false;
    if (bv.page === null) {
      ctx.bug('bio.null_page', `bio ${id}: bi_io_vec[${i}] has a NULL bv_page`);
      return false;
    }
    const folio = folioForPut(d, bv.page);
    if (folio === null || d.folios[folio]?.pfn === ZERO_PFN) continue;
    folio_put(d, folio, ctx, 'bio');
    if (ctx.findings.some((f) => f.kind === 'bug')) return false;
  }
  return true;
}

export const bioBounceAllocRecipes: RecipeTable<BioBounceAllocEvent> = {
  // The static helper called on its own: the caller owns the folio it returns.
  folio_alloc_greedy(d, e, ctx) {
    const cur: AllocCursor = { allocs: e.allocs, next: 0 };
    const g = folio_alloc_greedy(cur, e.size, e.minsize, ctx);
    if (g === null || !allocsUsed(cur, ctx) || !checkNewFolios(d, g.folio === null ? [] : [g.folio], ctx)) return null;
    if (g.folio !== null) installBounceFolio(d, g.folio, ctx);
    return { folio: g.folio === null ? null : g.folio.pfn, size: g.size };
  },
  bio_alloc_bounce_folios(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    const cur: AllocCursor = { allocs: e.allocs, next: 0 };
    const plan = planBounceFolios(b, e.bio, e.total_len, e.minsize, cur, ctx);
    if (plan === null || !allocsUsed(cur, ctx) || !checkNewFolios(d, plan.chunks, ctx)) return null;
    ctx.touch('bio', e.bio);
    return applyBounceFolios(d, e.bio, plan, ctx) ? plan.ret : null;
  },
  bio_free_folios(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    ctx.touch('bio', e.bio);
    bio_free_folios(d, e.bio, ctx);
    return null;
  },
};
