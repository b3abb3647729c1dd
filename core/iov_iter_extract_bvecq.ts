/**
 * Page extraction from ITER_BVECQ (lib/iov_iter.c, dhowells linux-fs tree at 04f0429e, as
 * merged with "iov_iter: Add a segmented queue of bio_vec[]"; REFERENCE §2.8): first
 * iter_count_bvecq_pages() sizes the next virtually contiguous run, then the page pointers
 * are transcribed by a second walk that also leaves the iterator where it stopped. Neither
 * walk takes a reference or a pin. With `iov_iter_bvecq_empty_not_skipped` the first posting's
 * version runs instead (iov_iter_bvecq_v1.ts).
 */
import type { StepCtx } from './ctx.ts';
import type { IovIter, World } from './state.ts';
import type { ExtractResult, PageArray } from './iov_iter_extract.ts';
import { bvecqNode, bvecqSlot, hopGuard } from './iov_iter_bvecq.ts';
import { extract_bvecq_pages_v1, MUTANT_BVECQ_EMPTY } from './iov_iter_bvecq_v1.ts';
import { ENOMEM } from './errno.ts';
import { min, PAGE_SIZE, u16 } from './kernel_int.ts';

/**
 * Models iter_count_bvecq_pages(): pages in the run from the iterator, for at most
 * min(`maxsize`, `count`) bytes and `maxpages` pages. Hops over used-up and empty nodes (a hop
 * forgets the in-slot offset) and empty slots; stops before a slot that starts inside a page
 * once something was counted, after a part that does not end on a page boundary, and at the
 * chain end (WARN if bytes were still wanted). A NULL page with bytes WARNs and stops.
 * Returns null after a bug.
 */
export function iter_count_bvecq_pages(d: World, it: IovIter, maxsize: number, maxpages: number, ctx: StepCtx): number | null {
  const hop = hopGuard(d);
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let remain = min(maxsize, it.count);
  let count = 0;
  let offset = it.iov_offset;
  do {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) {
        if (remain > 0) ctx.warn('iter_count_bvecq_pages.chain_end', `${remain} byte(s) still wanted at the end of the chain (bvecq ${id})`);
        break;
      }
      if (!hop(ctx)) return null;
      id = q.next;
      slot = 0;
      offset = 0;
      continue;
    }
    const bv = bvecqSlot(q, id, slot++, ctx);
    if (bv === null) return null;
    if (bv.page === null && bv.len > 0) {
      ctx.warn('iter_count_bvecq_pages.null_page', `bvecq ${id} slot ${slot - 1}: ${bv.len} byte(s) with a NULL bv_page`);
      break;
    }
    if (bv.offset % PAGE_SIZE !== 0 && count > 0) break;
    const boff = bv.offset + offset;
    // `blen - offset` is a size_t: past the slot's end it wraps to a huge value, never 0.
    const rest = offset <= bv.len ? bv.len - offset : Number.MAX_SAFE_INTEGER;
    offset = 0;
    if (rest === 0) continue;
    const part = min(rest, remain);
    remain -= part;
    const blen = part + (boff % PAGE_SIZE);
    count += Math.ceil(blen / PAGE_SIZE);
    if (blen % PAGE_SIZE !== 0) break;
  } while (remain > 0 && count < maxpages);
  return min(count, maxpages);
}

/**
 * Models iov_iter_extract_bvecq_pages(): counts the run, then transcribes one page per piece
 * (each piece capped at its page end), moving whole slots on and hopping nodes, until the
 * pages or bytes are used up; the iterator is left on the slot and offset reached (a used-up
 * slot moves to the next slot start). `maxsize` is already capped by `count`.
 */
export function iov_iter_extract_bvecq_pages(d: World, it: IovIter, maxsize: number, maxpages: number, arr: PageArray, ctx: StepCtx): ExtractResult {
  if (ctx.mutant(MUTANT_BVECQ_EMPTY)) return extract_bvecq_pages_v1(d, it, maxsize, maxpages, arr, ctx);
  const nr = iter_count_bvecq_pages(d, it, maxsize, maxpages, ctx);
  if (nr === null) return null;
  if (nr === 0) return { len: 0, offset0: null, pages: [] };
  if (arr.alloc && arr.fail) return -ENOMEM;
  const hop = hopGuard(d);
  const out: { len: number; offset0: number | null; pages: (number | null)[] } = { len: 0, offset0: null, pages: [] };
  let id = it.bvecq ?? -1;
  let offset = it.iov_offset;
  let slot = it.bvecq_slot ?? 0;
  do {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) {
        if (out.len < it.count) ctx.warn('iov_iter_extract_bvecq_pages.chain_end', `chain ends after ${out.len} of ${it.count} byte(s) (bvecq ${id})`);
        break;
      }
      if (!hop(ctx)) return null;
      id = q.next;
      slot = 0;
      offset = 0;
      continue;
    }
    const bv = bvecqSlot(q, id, slot, ctx);
    if (bv === null) return null;
    if (offset < bv.len) {
      const poff = (bv.offset + offset) % PAGE_SIZE;
      const part = min(min(maxsize - out.len, bv.len - offset), PAGE_SIZE - poff);
      if (out.len === 0) out.offset0 = poff;
      out.pages.push(bv.page === null ? null : bv.page + Math.floor((bv.offset + offset) / PAGE_SIZE));
      offset += part;
      out.len += part;
    }
    if (offset >= bv.len) {
      offset = 0;
      slot += 1;
    }
  } while (out.pages.length < nr && out.len < maxsize);
  it.bvecq = id;
  it.bvecq_slot = u16(slot, 'bvecq_slot', ctx);
  it.iov_offset = offset;
  it.count -= out.len;
  it.consumed += out.len;
  return out;
}
