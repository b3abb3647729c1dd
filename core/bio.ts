/**
 * Bio lifetime (block/bio.c, include/linux/bio.h; linux-block tree at 10c5ed1d; REFERENCE
 * §1.8, §2.10): allocation from a bio_set or caller memory, references, uninit, reset,
 * reuse, and the plain field stores a submitter or driver makes.
 * Divergence: the bio_set is not named by events; what the allocator granted arrives in the
 * event (`max_vecs`, `fail`), and REQ_ALLOC_CACHE and the per-cpu cache are not modelled,
 * so `opf` is exactly what the event says; the WARN refusing vecs from a bio_set without a
 * bvec pool cannot be expressed.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, World } from './state.ts';
import { checkNewId, lookupLive } from './lookup.ts';
import { BIO_MAX_VECS, u16, u32, u8 } from './kernel_int.ts';
import { BIO_INLINE_VECS, bio_flagged, bio_set_flag, newBio, newTable, type Bio } from './bio_state.ts';
import { attachUser, bioVecRead, checkSharedVecRelease, detachUser, refreshVecs } from './bio_vec_table.ts';

export type BioLifeEvent =
  | { type: 'bio_alloc'; bio: BioId; nr_vecs: number; opf: number; max_vecs: number; fail: boolean }
  | { type: 'bio_init'; bio: BioId; table: number; max_vecs: number; opf: number }
  | { type: 'bio_get'; bio: BioId }
  | { type: 'bio_put'; bio: BioId }
  | { type: 'bio_uninit'; bio: BioId }
  | { type: 'bio_reset'; bio: BioId; opf: number }
  | { type: 'bio_reuse'; bio: BioId; opf: number }
  | { type: 'bio_set_status'; bio: BioId; status: number }
  | { type: 'bio_set_sector'; bio: BioId; sector: number }
  | { type: 'bio_set_size'; bio: BioId; size: number };

/** The biovec slab size biovec_slab() picks for 5..256 vectors. */
function slabSize(nr_vecs: number): number {
  if (nr_vecs <= 16) return 16;
  if (nr_vecs <= 64) return 64;
  if (nr_vecs <= 128) return 128;
  return BIO_MAX_VECS;
}

/**
 * The `bi_max_vecs` values bio_alloc_bioset() can hand out for `nr_vecs`: exactly
 * `nr_vecs` up to BIO_INLINE_VECS, else the slab size or, after the mempool fallback,
 * BIO_MAX_VECS. Past BIO_MAX_VECS only the fallback avoids biovec_slab()'s BUG.
 */
function grantable(nr_vecs: number): number[] {
  if (nr_vecs <= BIO_INLINE_VECS) return [nr_vecs];
  if (nr_vecs > BIO_MAX_VECS) return [BIO_MAX_VECS];
  return slabSize(nr_vecs) === BIO_MAX_VECS ? [BIO_MAX_VECS] : [slabSize(nr_vecs), BIO_MAX_VECS];
}

/**
 * Models bio_alloc_bioset(): a bio with one reference whose table is the inline area (room
 * for BIO_INLINE_VECS entries even when fewer were asked for) or a slab of `max_vecs`.
 * `nr_vecs` 0 gives no table at all. A `max_vecs` the allocator cannot grant is a rejection;
 * more than BIO_MAX_VECS from the slab reaches the BUG in biovec_slab().
 */
function bio_alloc(d: World, e: Extract<BioLifeEvent, { type: 'bio_alloc' }>, ctx: StepCtx) {
  if (!checkNewId(d.bios, e.bio, ctx, 'bio', 'bio')) return null;
  const nr_vecs = u16(e.nr_vecs, 'nr_vecs', ctx);
  if (e.fail) return false;
  const ok = grantable(nr_vecs);
  if (nr_vecs > BIO_MAX_VECS && e.max_vecs !== BIO_MAX_VECS) {
    ctx.bug('biovec_slab.too_many_vecs', `bio_alloc of ${nr_vecs} vecs reaches biovec_slab(), which BUGs past BIO_MAX_VECS`);
    return null;
  }
  if (!ok.includes(e.max_vecs)) return ctx.reject('max_vecs', `${e.max_vecs} vecs cannot be granted for nr_vecs ${nr_vecs} (${ok.join(' or ')})`);
  const slots = e.max_vecs === 0 ? 0 : Math.max(e.max_vecs, BIO_INLINE_VECS);
  const b = newBio(u32(e.opf, 'bi_opf', ctx), e.max_vecs, slots === 0 ? null : newTable(slots), true);
  if (slots > 0) b.bi_io_vec = { bio: e.bio, bvec: null, at: 0 };
  d.bios[e.bio] = b;
  ctx.touch('bio', e.bio);
  return true;
}

/** Models bio_init() on caller memory with a caller table of `table` entries (0: NULL). */
function bio_init(d: World, e: Extract<BioLifeEvent, { type: 'bio_init' }>, ctx: StepCtx) {
  if (!checkNewId(d.bios, e.bio, ctx, 'bio', 'bio')) return null;
  const b = newBio(u32(e.opf, 'bi_opf', ctx), u16(e.max_vecs, 'bi_max_vecs', ctx), e.table > 0 ? newTable(e.table) : null, false);
  if (e.table > 0) b.bi_io_vec = { bio: e.bio, bvec: null, at: 0 };
  d.bios[e.bio] = b;
  ctx.touch('bio', e.bio);
  return null;
}

/** Models bio_uninit(): drops cgroup/integrity/crypto state (none here); the bio is done. */
export function bio_uninit(d: World, id: BioId): void {
  const b = d.bios[id];
  if (b === undefined) return;
  b.uninit = true;
  detachUser(d, b, id);
}

/**
 * Models bio_free(): uninit, release the vector table and the bio. A bio in caller memory
 * has no bio_set, and bio_free() would dereference the NULL `bi_pool`: an oops.
 */
function bio_free(d: World, id: BioId, ctx: StepCtx): void {
  const b = d.bios[id];
  if (b === undefined) return;
  if (!b.pool) {
    ctx.bug('bio_free.no_bio_set', `bio ${id} from caller memory reached bio_free(), which needs its bio_set`);
    return;
  }
  bio_uninit(d, id);
  checkSharedVecRelease(d, id, 'freed', ctx);
  b.freed = true;
}

/**
 * Models bio_put(): with BIO_REFFED, drops `__bi_cnt` (BUG when already 0) and frees only
 * at zero; without it, the first put frees. The caller has checked the bio is live.
 */
export function bio_put(d: World, id: BioId, ctx: StepCtx): void {
  const b = d.bios[id];
  if (b === undefined) return;
  ctx.touch('bio', id);
  if (bio_flagged(b, 'REFFED')) {
    if (b.cnt <= 0) {
      ctx.bug('bio_put.cnt_underflow', `bio_put on bio ${id} with __bi_cnt already 0`);
      return;
    }
    b.cnt -= 1;
    if (b.cnt > 0) return;
  }
  bio_free(d, id, ctx);
}

/** The part of bio_reset() after bio_uninit(): everything before bi_max_vecs is zeroed. */
function resetFields(d: World, id: BioId, b: Bio, opf: number): void {
  if (b.flags.length > 0) b.flags = [];
  b.status = 0;
  b.remaining = 1;
  b.bi_sector = 0;
  b.bi_size = 0;
  b.bi_idx = 0;
  b.bi_bvec_done = 0;
  b.end_io = null;
  b.private = null;
  b.bi_vcnt = 0;
  b.opf = opf;
  b.uninit = false;
  b.completed = false;
  b.bounce_vec = false;
  attachUser(d, b.bi_io_vec, id);
  refreshVecs(d, id);
}

/**
 * Models bio_reuse(): a reset that keeps the payload, `bi_end_io` and `bi_private`; the size
 * is re-summed from the first `bi_vcnt` entries (u32). WARNs on a clone and carries on.
 */
function bio_reuse(d: World, e: Extract<BioLifeEvent, { type: 'bio_reuse' }>, ctx: StepCtx) {
  const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
  if (b === null) return null;
  if (bio_flagged(b, 'CLONED')) ctx.warn('bio_reuse.cloned', `bio_reuse on cloned bio ${e.bio}`);
  const vcnt = b.bi_vcnt;
  const lens: number[] = [];
  for (let i = 0; i < vcnt; i++) {
    const bv = bioVecRead(d, e.bio, i, ctx);
    if (bv === null) return null;
    lens.push(bv.len);
  }
  const { end_io, private: priv } = b;
  bio_uninit(d, e.bio);
  resetFields(d, e.bio, b, u32(e.opf, 'bi_opf', ctx));
  for (const len of lens) b.bi_size = u32(b.bi_size + len, 'bi_size', ctx);
  b.bi_vcnt = vcnt;
  b.end_io = end_io;
  b.private = priv;
  refreshVecs(d, e.bio);
  ctx.touch('bio', e.bio);
  return null;
}

function withBio(fn: (b: Bio, d: World, id: BioId, ctx: StepCtx) => void) {
  return (d: World, e: { bio: BioId }, ctx: StepCtx): null => {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    ctx.touch('bio', e.bio);
    fn(b, d, e.bio, ctx);
    return null;
  };
}

export const bioLifeRecipes: RecipeTable<BioLifeEvent> = {
  bio_alloc,
  bio_init,
  // bio_get(): marks the bio REFFED so bio_put() honours `__bi_cnt`, and takes a reference.
  bio_get: withBio((b) => {
    bio_set_flag(b, 'REFFED');
    b.cnt += 1;
  }),
  bio_put: withBio((_b, d, id, ctx) => {
    bio_put(d, id, ctx);
  }),
  bio_uninit: withBio((_b, d, id) => {
    bio_uninit(d, id);
  }),
  // bio_reset(): releasing the payload while a clone still points into it is the hazard.
  bio_reset(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    if (b.table !== null) checkSharedVecRelease(d, e.bio, 'reset', ctx);
    bio_uninit(d, e.bio);
    resetFields(d, e.bio, b, u32(e.opf, 'bi_opf', ctx));
    ctx.touch('bio', e.bio);
    return null;
  },
  bio_reuse,
  bio_set_status(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    b.status = u8(e.status, 'bi_status', ctx);
    ctx.touch('bio', e.bio);
    return null;
  },
  bio_set_sector(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    b.bi_sector = e.sector;
    ctx.touch('bio', e.bio);
    return null;
  },
  bio_set_size(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    b.bi_size = u32(e.size, 'bi_size', ctx);
    ctx.touch('bio', e.bio);
    return null;
  },
};
