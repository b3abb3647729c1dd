/**
 * The read-only iterator queries of lib/iov_iter.c (dhowells linux-fs tree at 04f0429e;
 * REFERENCE §2.7; vectors/README.md §1.8, §1.10): iov_iter_npages(), iov_iter_alignment()
 * and iov_iter_single_seg_count(), dispatched per iterator type. None changes the iterator;
 * each returns null after a bug finding (a read past an array or of a freed node).
 * Divergence: user and kvec "addresses" are user offsets and kbuf offsets (their bases are
 * page-aligned), so `iov_iter_alignment` returns the low bits the kernel would, without the
 * high bits of the real virtual address.
 */
import type { StepCtx } from './ctx.ts';
import type { IovIter, World } from './state.ts';
import { PAGE_SIZE } from './kernel_int.ts';
import { arrayAlignment, arrayNpages, arraySingleSegCount } from './iov_iter_bvec.ts';
import { bvecqAlignment, bvecqNpages, bvecqSingleSegCount } from './iov_iter_bvecq.ts';
import { or64, s32 } from './iov_iter_math.ts';

/**
 * Models iov_iter_npages(): 0 when `count` is 0; ITER_UBUF counts the pages spanned from the
 * current address (an `int`, capped at `maxpages`); the array and chain types count part by
 * part; ITER_DISCARD has no pages. `maxpages` is a C `int`.
 */
export function iov_iter_npages(d: World, it: IovIter, maxpages: number, ctx: StepCtx): number | null {
  const max = s32(maxpages, 'maxpages', ctx);
  if (it.count === 0) return 0;
  switch (it.iter_type) {
    case 'ITER_UBUF': {
      const offs = ((it.ubuf ?? 0) + it.iov_offset) % PAGE_SIZE;
      const npages = s32(Math.ceil((offs + it.count) / PAGE_SIZE), 'npages', ctx);
      return npages < max ? npages : max;
    }
    case 'ITER_BVEC':
    case 'ITER_KVEC':
      return arrayNpages(d, it, max, ctx);
    case 'ITER_BVECQ':
      return bvecqNpages(d, it, max, ctx);
    case 'ITER_DISCARD':
      return 0;
    default:
      return assertNever(it.iter_type);
  }
}

/**
 * Models iov_iter_alignment(): the OR of every part's start address and length over the next
 * `count` bytes, which callers mask to test alignment. ITER_UBUF is one part (0 when empty);
 * ITER_DISCARD has none.
 */
export function iov_iter_alignment(d: World, it: IovIter, ctx: StepCtx): number | null {
  switch (it.iter_type) {
    case 'ITER_UBUF':
      return it.count === 0 ? 0 : or64((it.ubuf ?? 0) + it.iov_offset, it.count);
    case 'ITER_BVEC':
    case 'ITER_KVEC':
      return arrayAlignment(d, it, ctx);
    case 'ITER_BVECQ':
      return bvecqAlignment(d, it, ctx);
    case 'ITER_DISCARD':
      return 0;
    default:
      return assertNever(it.iter_type);
  }
}

/**
 * Models iov_iter_single_seg_count(): the bytes up to the end of the current segment. The
 * array types look at the current element only while more than one is left; ITER_BVECQ
 * searches forward for the first slot with data (its `nr_segs` test reads the aliased slot
 * number and matches no type); everything else answers `count`.
 */
export function iov_iter_single_seg_count(d: World, it: IovIter, ctx: StepCtx): number | null {
  if ((it.iter_type === 'ITER_BVEC' || it.iter_type === 'ITER_KVEC') && (it.nr_segs ?? 0) > 1) {
    return arraySingleSegCount(d, it, ctx);
  }
  if (it.count === 0) return 0;
  if (it.iter_type === 'ITER_BVECQ') return bvecqSingleSegCount(d, it, ctx);
  return it.count;
}

function assertNever(x: never): never {
  throw new Error(`unknown iterator type ${String(x)}`);
}
