/**
 * The extraction events (REFERENCE §2.8): iov_iter_extract_pages(), iov_iter_extract_bvecs(),
 * extract_iter_to_sg() and iov_iter_extract_will_pin(). Each takes the kernel's parameters and
 * answers with what the kernel hands back through its out-parameters; `extraction_flags`
 * (ITER_ALLOW_P2PDMA) is accepted and changes nothing here.
 */
import type { RecipeTable } from './recipe.ts';
import type { IterId } from './state.ts';
import { lookupIter } from './iov_iter.ts';
import { iov_iter_extract_pages, iov_iter_extract_will_pin } from './iov_iter_extract.ts';
import { iov_iter_extract_bvecs } from './iov_iter_extract_bvecs.ts';
import { extract_iter_to_sg } from './scatterlist.ts';

export type IovIterExtractEvent =
  | { type: 'iov_iter_extract_pages'; iter: IterId; maxsize: number; maxpages: number; extraction_flags?: number; fail?: boolean }
  | { type: 'iov_iter_extract_bvecs'; iter: IterId; max_size: number; nr_vecs: number; max_vecs: number; mem_align_mask: number; extraction_flags?: number }
  | { type: 'extract_iter_to_sg'; iter: IterId; maxsize: number; sg_max: number; extraction_flags?: number }
  | { type: 'iov_iter_extract_will_pin'; iter: IterId };

export const iovIterExtractRecipes: RecipeTable<IovIterExtractEvent> = {
  /** The caller passes a NULL page array, so the kernel allocates one; `fail` makes that fail. */
  iov_iter_extract_pages(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    const r = iov_iter_extract_pages(d, it, e.maxsize, e.maxpages, { alloc: true, fail: e.fail === true }, ctx);
    return r === null ? null : typeof r === 'number' ? r : { len: r.len, offset0: r.offset0, pages: r.pages };
  },
  iov_iter_extract_bvecs(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    const r = iov_iter_extract_bvecs(d, it, e.max_size, e.nr_vecs, e.max_vecs, e.mem_align_mask, ctx);
    return r === null ? null : { size: r.size, nr_vecs: r.nr_vecs, bv: r.bv.map((b) => ({ page: b.page, offset: b.offset, len: b.len })) };
  },
  extract_iter_to_sg(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    if (it === null) return null;
    ctx.touch('iter', e.iter);
    const r = extract_iter_to_sg(d, it, e.maxsize, e.sg_max, ctx);
    return r === null ? null : { len: r.len, sg: r.sg.map((b) => ({ page: b.page, offset: b.offset, len: b.len })) };
  },
  iov_iter_extract_will_pin(d, e, ctx) {
    const it = lookupIter(d, e.iter, ctx);
    return it === null ? null : iov_iter_extract_will_pin(it);
  },
};
