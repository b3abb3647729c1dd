/**
 * Models netfs_extract_iter() (fs/netfs/iterator.c, netfs tree, RFC series patch "netfs: Add a
 * function to extract from an iter into a bvecq"; REFERENCE §2.12 "DIO extracts the caller's
 * iterator into a bvecq chain up front"): the caller's iterator is drained with
 * iov_iter_extract_pages() and each page piece becomes one slot of a new chain. User memory
 * (ITER_UBUF) is pinned and the nodes say so (BVECQ_MEM_GUP: unpinned when a node is freed);
 * kernel memory (ITER_BVEC, ITER_KVEC) is listed without references (BVECQ_MEM_EXTERNAL: the
 * caller keeps it alive). Nodes are allocated as the extraction needs them, with the capacity
 * the event grants; the allocation after the last listed node fails.
 * Divergence: a node allocation failure keeps what was extracted so far (a short DIO), -ENOMEM
 * only when nothing was; the kernel's page array batching is one extraction call per node.
 * For a write, the bytes handed over are recorded by file position for the data checks (`wdata`).
 */
import type { StepCtx } from './ctx.ts';
import type { Bvecq, BvecqId, DataRun, IovIter, World } from './state.ts';
import { bvecq_put, newBvecq } from './bvecq.ts';
import { iov_iter_extract_pages } from './iov_iter_extract.ts';
import { pageSpan } from './iov_iter_mem.ts';
import { readData, writeData } from './data.ts';
import { min, PAGE_SIZE } from './kernel_int.ts';
import { ENOMEM } from './netfs_state.ts';

export interface ExtractedChain {
  head: BvecqId;
  last: BvecqId;
  added: number;
}

/** The chain being built: the node being filled and the ids still unused. */
interface Builder {
  ids: readonly BvecqId[];
  used: number;
  cur: Bvecq | null;
  curId: BvecqId | null;
  headId: BvecqId | null;
}

/** Appends a fresh node to the chain, or returns false when the allocation fails (no id left). */
function nextNode(d: World, b: Builder, max_slots: number, mem_type: Bvecq['mem_type'], ctx: StepCtx): boolean {
  const id = b.ids[b.used];
  if (id === undefined) return false;
  b.used++;
  const q = newBvecq(max_slots, mem_type);
  d.bvecqs[id] = q;
  ctx.touch('bvecq', id);
  if (b.cur !== null && b.curId !== null) {
    // The predecessor holds the link reference, which the new node's initial count already is.
    b.cur.next = id;
    q.prev = b.curId;
  }
  b.headId ??= id;
  b.cur = q;
  b.curId = id;
  return true;
}

/** Records where the caller's bytes of one piece are meant to go (file position `pos`). */
function recordSource(d: World, wdata: DataRun[], pfn: number, offset: number, len: number, pos: number, ctx: StepCtx): boolean {
  const span = pageSpan(d, pfn, offset, len, ctx);
  if (span === null) return false;
  const pieces = span.runs === null ? [{ len, src: null, off: 0 }] : readData(span.runs, span.at, len);
  writeData(wdata, pos, pieces);
  return true;
}

/**
 * Extracts up to `len` bytes of `it` into a new chain; `pos` is the file position of the first
 * byte. Returns the chain, a negative errno when nothing was extracted, or null after a bug.
 */
export function netfs_extract_iter(d: World, it: IovIter, len: number, ids: readonly BvecqId[], max_slots: number, pos: number, wdata: DataRun[] | null, ctx: StepCtx): ExtractedChain | number | null {
  const mem_type = it.iter_type === 'ITER_UBUF' ? 'GUP' : 'EXTERNAL';
  const b: Builder = { ids, used: 0, cur: null, curId: null, headId: null };
  let added = 0;
  let err = 0;
  for (let guard = 0; added < len; guard++) {
    if (guard > len + ids.length + 1) throw new Error('netfs_extract_iter: no progress');
    if ((b.cur === null || b.cur.nr_slots >= b.cur.max_slots) && !nextNode(d, b, max_slots, mem_type, ctx)) {
      err = -ENOMEM;
      break;
    }
    const q = b.cur;
    if (q === null) throw new Error('netfs_extract_iter: no node');
    const room = q.max_slots - q.nr_slots;
    const got = iov_iter_extract_pages(d, it, len - added, room, { alloc: false, fail: false }, ctx);
    if (got === null) return null;
    if (typeof got === 'number') {
      err = got;
      break;
    }
    if (got.len === 0) break;
    let offset = got.offset0 ?? 0;
    let left = got.len;
    for (const page of got.pages) {
      if (left === 0) break;
      const part = min(PAGE_SIZE - offset, left);
      if (page !== null && wdata !== null && !recordSource(d, wdata, page, offset, part, pos + added, ctx)) return null;
      const bv = q.bv[q.nr_slots];
      if (bv === undefined) throw new Error('netfs_extract_iter: more pages than the node has room for');
      bv.page = page;
      bv.offset = offset;
      bv.len = part;
      q.nr_slots += 1;
      added += part;
      left -= part;
      offset = 0;
    }
    if (b.curId !== null) ctx.touch('bvecq', b.curId);
  }
  if (added === 0) {
    // Nothing came out (a fault on the first page, say): the empty chain goes back.
    if (b.headId !== null) bvecq_put(d, b.headId, ctx);
    return err < 0 ? err : -ENOMEM;
  }
  if (b.headId === null || b.curId === null) throw new Error('netfs_extract_iter: bytes without a node');
  return { head: b.headId, last: b.curId, added };
}
