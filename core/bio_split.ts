/**
 * Clones and splits (block/bio.c, linux-block tree at 10c5ed1d; REFERENCE §2.10, §3 item
 * 13): a clone copies the iterator and points at the source's `bi_io_vec` without owning
 * it; bio_split() clones, shrinks the clone to the front `sectors` and advances the source
 * past them, so both share one table whose owner must outlive them.
 * Divergence: bi_bdev, blkg association, crypt and integrity cloning are not modelled, so
 * __bio_clone() cannot fail and bio_init_clone() always returns 0.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, World } from './state.ts';
import { checkNewId, lookupLive } from './lookup.ts';
import { s32, u32 } from './kernel_int.ts';
import {
  EINVAL,
  ENOMEM,
  REQ_ATOMIC,
  REQ_OP_ZONE_APPEND,
  bio_flagged,
  bio_op,
  bio_sectors,
  bio_set_flag,
  newBio,
} from './bio_state.ts';
import { attachUser, refreshVecs } from './bio_vec_table.ts';
import { bio_advance } from './bio_advance.ts';

export type BioSplitEvent =
  | { type: 'bio_alloc_clone'; bio: BioId; clone: BioId; fail: boolean }
  | { type: 'bio_init_clone'; bio: BioId; clone: BioId }
  | { type: 'bio_split'; bio: BioId; split: BioId; sectors: number; fail: boolean };

/**
 * Creates bio `clone` (zero vecs, the source's `opf`) and models __bio_clone(): BIO_CLONED,
 * the source's iterator, and its `bi_io_vec` pointer.
 */
function makeClone(d: World, src: BioId, clone: BioId, pool: boolean, ctx: StepCtx): void {
  const s = d.bios[src];
  if (s === undefined) return;
  const c = newBio(s.opf, 0, null, pool);
  bio_set_flag(c, 'CLONED');
  c.bi_sector = s.bi_sector;
  c.bi_size = s.bi_size;
  c.bi_idx = s.bi_idx;
  c.bi_bvec_done = s.bi_bvec_done;
  c.bi_io_vec = s.bi_io_vec === null ? null : { bio: s.bi_io_vec.bio, bvec: s.bi_io_vec.bvec, at: s.bi_io_vec.at };
  d.bios[clone] = c;
  attachUser(d, c.bi_io_vec, clone);
  refreshVecs(d, clone);
  ctx.touch('bio', clone);
}

/**
 * Models bio_split(): WARN and -EINVAL for `sectors <= 0`, for `sectors >= bio_sectors()`
 * and for zone append; -EINVAL without a WARN for an atomic write; -ENOMEM when the clone
 * allocation fails. Otherwise the new bio covers the front and the source the rest.
 */
function bio_split(d: World, e: Extract<BioSplitEvent, { type: 'bio_split' }>, ctx: StepCtx) {
  const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
  if (b === null) return null;
  if (!checkNewId(d.bios, e.split, ctx, 'bio', 'split')) return null;
  const sectors = s32(e.sectors, 'sectors', ctx);
  if (sectors <= 0) {
    ctx.warn('bio_split.sectors_not_positive', `bio_split of bio ${e.bio} by ${sectors} sectors`);
    return -EINVAL;
  }
  if (sectors >= bio_sectors(b)) {
    ctx.warn('bio_split.too_many_sectors', `bio_split of bio ${e.bio} by ${sectors} of its ${bio_sectors(b)} sectors`);
    return -EINVAL;
  }
  if (bio_op(b) === REQ_OP_ZONE_APPEND) {
    ctx.warn('bio_split.zone_append', `bio_split of zone append bio ${e.bio}`);
    return -EINVAL;
  }
  if ((b.opf & REQ_ATOMIC) !== 0) return -EINVAL;
  if (e.fail) return -ENOMEM;
  makeClone(d, e.bio, e.split, true, ctx);
  const split = d.bios[e.split];
  if (split === undefined) return null;
  split.bi_size = u32(sectors * 512, 'bi_size', ctx);
  if (!bio_advance(d, e.bio, split.bi_size, ctx)) return null;
  if (bio_flagged(b, 'TRACE_COMPLETION')) bio_set_flag(split, 'TRACE_COMPLETION');
  return 0;
}

export const bioSplitRecipes: RecipeTable<BioSplitEvent> = {
  // bio_alloc_clone(): a zero-vec bio from a bio_set; `fail` is the allocation failing (NULL).
  bio_alloc_clone(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    if (!checkNewId(d.bios, e.clone, ctx, 'bio', 'clone')) return null;
    if (e.fail) return false;
    makeClone(d, e.bio, e.clone, true, ctx);
    return true;
  },
  // bio_init_clone(): the same clone in caller memory (ended with bio_uninit, never bio_put).
  bio_init_clone(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    if (!checkNewId(d.bios, e.clone, ctx, 'bio', 'clone')) return null;
    makeClone(d, e.bio, e.clone, false, ctx);
    return 0;
  },
  bio_split,
};
