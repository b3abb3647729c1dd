/**
 * Kernel virtual buffers and `kvec` arrays: the memory an ITER_KVEC iterator walks
 * (include/linux/uio.h `struct kvec`). A `kbuf` stands for one kmalloc'd buffer; each of its
 * bytes starts out carrying its own offset as provenance (`src` "kbuf:<id>"), so a copy that
 * lands bytes in the wrong place is visible. A `kvec_array` is a `kvec[]` whose elements
 * point into kbufs.
 * Divergence: a kbuf's virtual address is taken to be page-aligned and is represented by
 * offsets into the kbuf alone, so address arithmetic (alignment, in-page offsets) sees only
 * `offset`; kmalloc of a power-of-two size of at least a page is page-aligned in practice.
 * Divergence: the pages a kbuf may name (for extraction) do not hold its bytes: a kbuf's
 * data lives in the kbuf, so a device or copy writing those pages does not change it.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { Kbuf, KbufId, Kvec, KvecId, World } from './state.ts';
import { checkNewId } from './lookup.ts';
import { PAGE_SIZE } from './kernel_int.ts';

export type KvecEvent =
  | { type: 'kbuf_alloc'; buf: KbufId; size: number; pages?: number[] }
  | { type: 'kbuf_free'; buf: KbufId }
  | { type: 'kvec_array'; kvec: KvecId; iov: Kvec[] };

/** The provenance label of kbuf `id`'s bytes. */
export function kbufSrc(id: KbufId): string {
  return `kbuf:${id}`;
}

/**
 * Element `idx` of kvec array `kvec`, or null after reporting the out-of-bounds read the
 * kernel would make walking past the array.
 */
export function kvecAt(d: World, kvec: KvecId, idx: number, ctx: StepCtx, what: string): Kvec | null {
  const arr = d.kvecs[kvec];
  if (arr === undefined) throw new Error(`kvec array ${kvec} vanished: ids are checked at init`);
  const el = idx >= 0 ? arr.iov[idx] : undefined;
  if (el !== undefined) return el;
  ctx.bug('kvec_array.out_of_bounds', `${what} reads kvec ${kvec}[${idx}] of an array of ${arr.iov.length}`);
  return null;
}

/** The live kbuf `id`, or null after a use-after-free bug (the id is known to exist). */
export function kbufLive(d: World, id: KbufId, ctx: StepCtx): Kbuf | null {
  const b = d.kbufs[id];
  if (b === undefined) throw new Error(`kbuf ${id} vanished: ids are checked when kvecs are built`);
  if (!b.freed) return b;
  ctx.bug('kbuf.use_after_free', `kbuf ${id} accessed after kfree (event ${ctx.i})`);
  return null;
}

export const kvecRecipes: RecipeTable<KvecEvent> = {
  /**
   * kmalloc()/vmalloc(): `pages`, when given, names the PFN behind each page of the buffer
   * (one per started page), which page extraction from an ITER_KVEC reports.
   */
  kbuf_alloc(d, e, ctx) {
    if (!checkNewId(d.kbufs, e.buf, ctx, 'kbuf', 'buf')) return null;
    const npages = Math.ceil(e.size / PAGE_SIZE);
    if (e.pages !== undefined && e.pages.length !== npages) {
      return ctx.reject('pages', `${e.pages.length} page(s) given for a ${e.size}-byte buffer of ${npages} page(s)`);
    }
    const data = e.size === 0 ? [] : [{ at: 0, len: e.size, src: kbufSrc(e.buf), off: 0 }];
    const b: Kbuf = { size: e.size, freed: false, data };
    if (e.pages !== undefined) b.pages = [...e.pages];
    d.kbufs[e.buf] = b;
    return null;
  },
  kbuf_free(d, e, ctx) {
    const b = d.kbufs[e.buf];
    if (b === undefined) return ctx.reject('buf', `kbuf ${e.buf} was never created`);
    if (b.freed) {
      ctx.bug('kbuf.double_free', `kfree of kbuf ${e.buf}, already freed`);
      return null;
    }
    b.freed = true;
    return null;
  },
  /**
   * Builds a kvec[] in memory. Pointing at a freed kbuf is legal (nothing is read yet); an
   * element reaching past the end of its kbuf names memory that does not exist, so the
   * event is rejected.
   */
  kvec_array(d, e, ctx) {
    if (!checkNewId(d.kvecs, e.kvec, ctx, 'kvec', 'kvec')) return null;
    for (const [k, el] of e.iov.entries()) {
      const b = d.kbufs[el.buf];
      if (b === undefined) return ctx.reject(`iov[${k}].buf`, `kbuf ${el.buf} was never created`);
      if (el.offset + el.len > b.size) {
        return ctx.reject(`iov[${k}]`, `kvec [${el.offset}, ${el.offset + el.len}) passes the end of kbuf ${el.buf} (${b.size} bytes)`);
      }
    }
    d.kvecs[e.kvec] = { iov: e.iov.map((el) => ({ buf: el.buf, offset: el.offset, len: el.len })) };
    return null;
  },
};
