/**
 * Allocating whole bvecq chains and growing buffers (fs/netfs/bvecq.c, netfs tree at
 * 05662182; REFERENCE §2.1): `bvecq_alloc_chain`, `bvecq_expand_buffer`, and the chain
 * sizing `bvecq_extract` uses. What an allocator grants or refuses is carried by the event,
 * so each function is split into a side-effect-free plan, which rejects an event whose
 * outcomes do not fit the kernel's calls, and a commit.
 */
import type { StepCtx } from './ctx.ts';
import type { Bvecq, BvecqId, BvecqMemType, World } from './state.ts';
import { newBvecq } from './bvecq.ts';
import { insertFolio, newFolio } from './folio.ts';
import { folioOfPfn } from './lookup.ts';
import { BVECQ_POOL_SLOTS, min, PAGE_SHIFT, PAGE_SIZE, pageAlignUp, U16_MAX } from './kernel_int.ts';
import { hopOk, liveNode } from './bvecq_pos.ts';
import { ENOMEM } from './bvecq_buffer.ts';

/** MAX_PAGECACHE_ORDER on x86-64 with transparent huge pages: the PMD order. */
export const MAX_PAGECACHE_ORDER = 9;

/**
 * Slots granted by the bvecq_alloc_one() that `bvecq_extract` calls (later revision of
 * bvecq.c): the request is capped at 29 slots, and the 40-byte header plus 16 bytes a slot
 * is rounded up to a power of two, whose spare room also becomes slots.
 */
export function bvecq_pow2_slots(nr_slots: number): number {
  const bytes = 40 + 16 * min(nr_slots, BVECQ_POOL_SLOTS);
  let size = 64;
  while (size < bytes) size *= 2;
  return (size - 40 - ((size - 40) % 16)) / 16;
}

/** The node capacities bvecq_alloc_chain() (later revision) gets for `nr_slots` slots. */
export function pow2ChainCaps(nr_slots: number): number[] {
  const caps: number[] = [];
  for (let need = nr_slots; ; ) {
    const cap = bvecq_pow2_slots(need);
    caps.push(cap);
    if (cap >= need) return caps;
    need -= cap;
  }
}

/** Rejects unless every id is unused and distinct. */
export function checkFreshIds(d: World, ids: readonly BvecqId[], field: string, ctx: StepCtx): boolean {
  const seen: Record<number, true> = {};
  for (const id of ids) {
    if (d.bvecqs[id] !== undefined || seen[id] === true) {
      ctx.reject(field, `bvecq ${id} already exists`);
      return false;
    }
    seen[id] = true;
  }
  return true;
}

/** Creates fresh nodes and links them in order; the head holds the caller's reference, each later node its link reference. */
export function linkNewChain(d: World, ids: readonly BvecqId[], caps: readonly number[], mem_type: BvecqMemType, ctx: StepCtx): void {
  let prev: Bvecq | null = null;
  ids.forEach((id, k) => {
    const q = newBvecq(caps[k] ?? 0, mem_type);
    d.bvecqs[id] = q;
    ctx.touch('bvecq', id);
    if (prev !== null) {
      q.prev = ids[k - 1] ?? null;
      prev.next = id;
    }
    prev = q;
  });
}

/**
 * Checks a bvecq_alloc_chain() event (05662182): nodes are allocated until their granted
 * slots add up to `nr_slots`; `fail` says the allocation after the listed nodes failed.
 */
export function checkAllocChain(nr_slots: number, caps: readonly number[], fail: boolean, ctx: StepCtx): boolean {
  let need = nr_slots;
  let done = false;
  for (const cap of caps) {
    if (done) return ctx.reject('bvecqs', 'more nodes than the requested slots need') !== null;
    if (cap < 1 || cap > U16_MAX) return ctx.reject('max_slots', `granted max_slots ${cap} out of range`) !== null;
    done = cap >= need;
    if (!done) need -= cap;
  }
  if (!fail && !done) return ctx.reject('bvecqs', `nodes give fewer than ${nr_slots} slots`) !== null;
  if (fail && done) return ctx.reject('fail', 'the chain was complete before the failing allocation') !== null;
  return true;
}

/** One allocation an expansion makes, in call order. */
type ExpandStep = { kind: 'node'; id: BvecqId } | { kind: 'page'; pfn: number; order: number };

export interface ExpandEvent {
  bvecq: BvecqId | null;
  cur_size: number;
  size: number;
  nodes: readonly (BvecqId | null)[];
  allocs: readonly (number | null)[];
}

interface ExpandPlan {
  /** The tail before the expansion, which the first new node is appended to. */
  tail: BvecqId | null;
  steps: ExpandStep[];
  ret: number;
  cur_size: number;
}

function ilog2(v: number): number {
  let l = 0;
  while (2 ** (l + 1) <= v) l++;
  return l;
}

/** The virtual tail an expansion appends to while it plans. */
interface PlanTail {
  id: BvecqId | null;
  nr_slots: number;
  max_slots: number;
  mem_type: BvecqMemType;
}

function findTail(d: World, head: BvecqId | null, ctx: StepCtx): PlanTail | null | 'bug' {
  if (head === null) return null;
  let id = head;
  let q = liveNode(d, head, ctx, 'bvecq_expand_buffer');
  for (let n = 1; q !== null && q.next !== null; n++) {
    if (!hopOk(d, n, ctx, 'bvecq_expand_buffer')) return 'bug';
    id = q.next;
    q = liveNode(d, id, ctx, 'bvecq_expand_buffer');
  }
  return q === null ? 'bug' : { id, nr_slots: q.nr_slots, max_slots: q.max_slots, mem_type: q.mem_type };
}

/** Rejects a granted PFN that cannot hold a new folio of `order`. */
function pfnFits(d: World, pfn: number, order: number, taken: readonly ExpandStep[], ctx: StepCtx): boolean {
  const span = 2 ** order;
  if (pfn % span !== 0) return ctx.reject('allocs', `pfn ${pfn} is not aligned to order ${order}`) !== null;
  if (d.folios[pfn] !== undefined) return ctx.reject('allocs', `folio ${pfn} already exists`) !== null;
  for (let p = pfn; p < pfn + span; p++) {
    if (folioOfPfn(d, p) !== null) return ctx.reject('allocs', `pfn ${p} already belongs to a live folio`) !== null;
  }
  for (const s of taken) {
    if (s.kind === 'page' && s.pfn < pfn + span && pfn < s.pfn + 2 ** s.order) return ctx.reject('allocs', `pfn ${pfn} granted twice`) !== null;
  }
  return true;
}

/**
 * Plans bvecq_expand_buffer() (05662182): rounds `size` up to a page; until the buffer
 * reaches it, appends a page sized by ilog2 of the shortfall (capped at the pagecache
 * order), retrying at order 0 if a larger allocation fails. A new ALLOCED node is started
 * when there is no tail, the tail is full, or the tail is not ALLOCED (the v4 fix; the
 * `bvecq_expand_mixes_mem_types` mutant drops that last test). Returns null after a
 * rejection or bug.
 */
function planExpand(d: World, e: ExpandEvent, ctx: StepCtx): ExpandPlan | null {
  const tail = findTail(d, e.bvecq, ctx);
  if (tail === 'bug') return null;
  const plan: ExpandPlan = { tail: tail?.id ?? null, steps: [], ret: 0, cur_size: e.cur_size };
  let t = tail;
  let nodeIdx = 0;
  let allocIdx = 0;
  const size = pageAlignUp(e.size);
  const mixOk = ctx.mutant('bvecq_expand_mixes_mem_types');
  // Each pass takes at least one outcome from `allocs` or ends, so `allocs` bounds the loop.
  while (plan.cur_size < size && plan.ret === 0) {
    const need = size - plan.cur_size;
    if (t === null || t.nr_slots >= t.max_slots || (!mixOk && t.mem_type !== 'ALLOCED')) {
      if (nodeIdx >= e.nodes.length) return ctx.reject('nodes', `no outcome for node allocation ${nodeIdx}`);
      const id = e.nodes[nodeIdx++] ?? null;
      if (id === null) {
        plan.ret = -ENOMEM;
        break;
      }
      plan.steps.push({ kind: 'node', id });
      t = { id, nr_slots: 0, max_slots: BVECQ_POOL_SLOTS, mem_type: 'ALLOCED' };
    }
    let order = need > PAGE_SIZE ? min(ilog2(need) - PAGE_SHIFT, MAX_PAGECACHE_ORDER) : 0;
    if (allocIdx >= e.allocs.length) return ctx.reject('allocs', `no outcome for page allocation ${allocIdx}`);
    let pfn = e.allocs[allocIdx++] ?? null;
    if (pfn === null && order > 0) {
      if (allocIdx >= e.allocs.length) return ctx.reject('allocs', `no outcome for page allocation ${allocIdx}`);
      pfn = e.allocs[allocIdx++] ?? null;
      order = 0;
    }
    if (pfn === null) {
      plan.ret = -ENOMEM;
      break;
    }
    if (!pfnFits(d, pfn, order, plan.steps, ctx)) return null;
    plan.steps.push({ kind: 'page', pfn, order });
    t.nr_slots++;
    plan.cur_size += PAGE_SIZE * 2 ** order;
  }
  if (nodeIdx < e.nodes.length) return ctx.reject('nodes', `${e.nodes.length - nodeIdx} node outcome(s) left unused`);
  if (allocIdx < e.allocs.length) return ctx.reject('allocs', `${e.allocs.length - allocIdx} page outcome(s) left unused`);
  const ids = plan.steps.flatMap((s) => (s.kind === 'node' ? [s.id] : []));
  return checkFreshIds(d, ids, 'nodes', ctx) ? plan : null;
}

/** bvecq_expand_buffer(): the plan above, then its allocations. Partial growth is kept. */
export function bvecq_expand_buffer(d: World, e: ExpandEvent, ctx: StepCtx): { ret: number; cur_size: number } | null {
  const plan = planExpand(d, e, ctx);
  if (plan === null) return null;
  let tail = plan.tail;
  for (const s of plan.steps) {
    if (s.kind === 'node') {
      linkNewChain(d, [s.id], [BVECQ_POOL_SLOTS], 'ALLOCED', ctx);
      const t = tail === null ? undefined : d.bvecqs[tail];
      if (t !== undefined && tail !== null) {
        t.next = s.id;
        const q = d.bvecqs[s.id];
        if (q !== undefined) q.prev = tail;
      }
      tail = s.id;
      continue;
    }
    insertFolio(d, s.pfn, newFolio(s.pfn, s.order, 1), ctx, 'allocs');
    ctx.touch('folio', s.pfn);
    const q = tail === null ? undefined : d.bvecqs[tail];
    const bv = q?.bv[q.nr_slots];
    if (q === undefined || bv === undefined || tail === null) throw new Error('bvecq_expand_buffer: planned slot missing');
    bv.page = s.pfn;
    bv.offset = 0;
    bv.len = PAGE_SIZE * 2 ** s.order;
    q.nr_slots++;
    ctx.touch('bvecq', tail);
  }
  return { ret: plan.ret, cur_size: plan.cur_size };
}
