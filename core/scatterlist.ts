/**
 * extract_iter_to_sg() (lib/scatterlist.c, brauner/linux at 05f94143, the merged bvecq
 * version; REFERENCE §2.8): appends the page fragments of the next bytes of an iterator to a
 * scatterlist, at most `sg_max` entries, and advances the iterator over them. ITER_UBUF pins
 * its pages (through iov_iter_extract_pages, one entry per page; on a failed round every entry
 * added so far is unpinned and dropped); ITER_BVEC gives one entry per bio_vec part, ITER_KVEC
 * one per page, ITER_BVECQ one per slot part (not split at pages, limited by `count`);
 * ITER_DISCARD is unsupported (WARN, -EIO). The table starts empty (`nents` 0).
 * Divergence: the scatterlist is the event's result, not memory in the state.
 */
import type { StepCtx } from './ctx.ts';
import type { BioVec, IovIter, World } from './state.ts';
import { iov_iter_advance } from './iov_iter.ts';
import { arrayIndex } from './iov_iter_bvec.ts';
import { bvecAt } from './bvec.ts';
import { kvecAt } from './iov_iter_kvec.ts';
import { bvecqNode, bvecqSlot, hopGuard } from './iov_iter_bvecq.ts';
import { extract_bvecq_to_sg_v1, MUTANT_BVECQ_EMPTY } from './iov_iter_bvecq_v1.ts';
import { iov_iter_extract_pages } from './iov_iter_extract.ts';
import { unpin_user_pages_of } from './folio.ts';
import { EIO } from './errno.ts';
import { min, PAGE_SIZE, u16, u32 } from './kernel_int.ts';

/** What extract_iter_to_sg() returns: bytes (or a negative errno) and the entries added. */
export interface SgResult {
  len: number;
  sg: BioVec[];
}

/** extract_user_to_sg(): rounds of iov_iter_extract_pages() decanted one entry per page. */
function extract_user_to_sg(d: World, it: IovIter, maxsize: number, sg_max: number, ctx: StepCtx): SgResult | null {
  const sg: BioVec[] = [];
  let ret = 0;
  do {
    const r = iov_iter_extract_pages(d, it, maxsize, sg_max, { alloc: false, fail: false }, ctx);
    if (r === null) return null;
    if (typeof r === 'number' || r.len === 0) {
      for (const e of sg) if (e.page !== null) unpin_user_pages_of(d, e.page, 1, ctx);
      return { len: typeof r === 'number' ? r : 0, sg: [] };
    }
    maxsize -= r.len;
    ret += r.len;
    let off = r.offset0 ?? 0;
    let len = r.len;
    const npages = Math.ceil((off + len) / PAGE_SIZE);
    sg_max -= npages;
    for (let k = 0; k < npages; k++) {
      const seg = min(PAGE_SIZE - off, len);
      sg.push({ page: r.pages[k] ?? null, offset: off, len: seg });
      len -= seg;
      off = 0;
    }
  } while (maxsize > 0 && sg_max > 0);
  return { len: ret, sg };
}

/** extract_bvec_to_sg(): one entry per bio_vec part from the current one, at its own offset. */
function extract_bvec_to_sg(d: World, it: IovIter, maxsize: number, sg_max: number, ctx: StepCtx): SgResult | null {
  const sg: BioVec[] = [];
  let start = it.iov_offset;
  let ret = 0;
  const base = arrayIndex(it);
  for (let i = 0; i < (it.nr_segs ?? 0); i++) {
    const bv = bvecAt(d, it.bvec ?? -1, base + i, ctx, 'extract_bvec_to_sg');
    if (bv === null) return null;
    if (start >= bv.len) {
      start -= bv.len;
      continue;
    }
    const len = min(maxsize, bv.len - start);
    sg.push({ page: bv.page, offset: u32(bv.offset + start, 'sg offset', ctx), len });
    sg_max -= 1;
    ret += len;
    maxsize -= len;
    if (maxsize <= 0 || sg_max === 0) break;
    start = 0;
  }
  if (ret > 0 && !iov_iter_advance(d, it, ret, ctx)) return null;
  return { len: ret, sg };
}

/** extract_kvec_to_sg(): the pages behind each kvec part, one entry per page. */
function extract_kvec_to_sg(d: World, it: IovIter, maxsize: number, sg_max: number, ctx: StepCtx): SgResult | null {
  const sg: BioVec[] = [];
  let start = it.iov_offset;
  let ret = 0;
  const base = arrayIndex(it);
  for (let i = 0; i < (it.nr_segs ?? 0); i++) {
    const kv = kvecAt(d, it.kvec ?? -1, base + i, ctx, 'extract_kvec_to_sg');
    if (kv === null) return null;
    if (start >= kv.len) {
      start -= kv.len;
      continue;
    }
    const backing = d.kbufs[kv.buf]?.pages;
    if (backing === undefined) return ctx.reject('iter', `kbuf ${kv.buf} has no backing pages to extract (give kbuf_alloc its pages)`);
    let kaddr = kv.offset + start;
    let off = kaddr % PAGE_SIZE;
    let len = min(maxsize, kv.len - start);
    kaddr -= off;
    maxsize -= len;
    ret += len;
    do {
      const seg = min(len, PAGE_SIZE - off);
      sg.push({ page: backing[kaddr / PAGE_SIZE] ?? null, offset: off, len: seg });
      sg_max -= 1;
      len -= seg;
      kaddr += PAGE_SIZE;
      off = 0;
    } while (len > 0 && sg_max > 0);
    ret -= len;
    if (maxsize <= 0 || sg_max === 0) break;
    start = 0;
  }
  if (ret > 0 && !iov_iter_advance(d, it, ret, ctx)) return null;
  return { len: ret, sg };
}

/**
 * extract_bvecq_to_sg(): limited to `count`; one entry per slot part, hopping used-up nodes
 * (forgetting the in-slot offset) and passing used-up slots; WARN if the chain ends first.
 */
function extract_bvecq_to_sg(d: World, it: IovIter, maxsize: number, sg_max: number, ctx: StepCtx): SgResult | null {
  const hop = hopGuard(d);
  const sg: BioVec[] = [];
  let id = it.bvecq ?? -1;
  let slot = it.bvecq_slot ?? 0;
  let offset = it.iov_offset;
  let ret = 0;
  const limit = min(maxsize, it.count);
  while (sg_max > 0 && ret < limit) {
    const q = bvecqNode(d, id, ctx);
    if (q === null) return null;
    if (slot >= q.nr_slots) {
      if (q.next === null) {
        if (ret < it.count) ctx.warn('extract_bvecq_to_sg.chain_end', `chain ends after ${ret} of ${it.count} byte(s) (bvecq ${id})`);
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
    if (offset >= bv.len) {
      offset = 0;
      slot += 1;
      continue;
    }
    const part = min(limit - ret, bv.len - offset);
    sg.push({ page: bv.page, offset: u32(bv.offset + offset, 'sg offset', ctx), len: part });
    sg_max -= 1;
    offset += part;
    ret += part;
  }
  it.bvecq = id;
  it.bvecq_slot = u16(slot, 'bvecq_slot', ctx);
  it.iov_offset = offset;
  it.count -= ret;
  it.consumed += ret;
  return { len: ret, sg };
}

/**
 * Models extract_iter_to_sg(): nothing for a zero `maxsize` or `sg_max`, else the type's
 * extractor. `sg_max` is an `unsigned int`. Returns null after a bug.
 */
export function extract_iter_to_sg(d: World, it: IovIter, maxsize: number, sg_max: number, ctx: StepCtx): SgResult | null {
  const max = u32(sg_max, 'sg_max', ctx);
  if (maxsize === 0 || max === 0) return { len: 0, sg: [] };
  switch (it.iter_type) {
    case 'ITER_UBUF':
      return extract_user_to_sg(d, it, maxsize, max, ctx);
    case 'ITER_BVEC':
      return extract_bvec_to_sg(d, it, maxsize, max, ctx);
    case 'ITER_KVEC':
      return extract_kvec_to_sg(d, it, maxsize, max, ctx);
    case 'ITER_BVECQ':
      return (ctx.mutant(MUTANT_BVECQ_EMPTY) ? extract_bvecq_to_sg_v1 : extract_bvecq_to_sg)(d, it, maxsize, max, ctx);
    case 'ITER_DISCARD':
      ctx.warn('extract_iter_to_sg.unsupported', 'extract_iter_to_sg() on ITER_DISCARD');
      return { len: -EIO, sg: [] };
  }
}
