/**
 * Benchmark workloads: each is a function from an event budget to a deterministic list of
 * events the model accepts. New layers (iterators, bios) add a workload here and the
 * benchmark measures it in every engine mode.
 */
import type { BvsimEvent } from '../../core/index.ts';

export interface Workload {
  readonly name: string;
  readonly describe: string;
  events(n: number): BvsimEvent[];
}

const FOLIOS_PER_ROUND = 8;
const SLOTS_PER_NODE = 4;

/**
 * One round: allocate folios, hang them in a two-node PAGECACHE bvecq chain (each slot
 * holding its own folio reference), run get/put and flag cycles, then drop the chain (the
 * cascading put releases the slot references) and the folios. Ids are never reused, so
 * the tables grow with tombstones as in a long simulated run.
 */
function folioBvecqRound(r: number): BvsimEvent[] {
  const f0 = r * FOLIOS_PER_ROUND;
  const q0 = r * 2;
  const q1 = q0 + 1;
  const folios = Array.from({ length: FOLIOS_PER_ROUND }, (_, k) => f0 + k);
  const pfn = (f: number): number => 16 + f;
  const ev: BvsimEvent[] = folios.map((f) => ({ type: 'folio_alloc', folio: f, order: 0, pfn: pfn(f), fail: false }));
  for (const [node, q] of [q0, q1].entries()) {
    ev.push({ type: 'bvecq_alloc_one', bvecq: q, nr_slots: SLOTS_PER_NODE, max_slots: SLOTS_PER_NODE, fail: false, mem_type: 'PAGECACHE' });
    for (let s = 0; s < SLOTS_PER_NODE; s++) {
      const f = f0 + node * SLOTS_PER_NODE + s;
      ev.push({ type: 'folio_get', folio: f }, { type: 'bvecq_set_slot', bvecq: q, slot: s, page: pfn(f), offset: 0, len: 4096 });
    }
    ev.push({ type: 'bvecq_filled_to', bvecq: q, nr_slots: SLOTS_PER_NODE });
  }
  ev.push({ type: 'bvecq_append', to: q0, add: q1 }, { type: 'bvecq_get', bvecq: q0 }, { type: 'bvecq_put', bvecq: q0 });
  for (const f of folios) {
    ev.push(
      { type: 'folio_get', folio: f },
      { type: 'folio_lock', folio: f },
      { type: 'folio_mark_dirty', folio: f },
      { type: 'folio_clear_dirty_for_io', folio: f },
      { type: 'folio_unlock', folio: f },
      { type: 'folio_put', folio: f },
    );
  }
  ev.push({ type: 'bvecq_put', bvecq: q0 });
  for (const f of folios) ev.push({ type: 'folio_put', folio: f });
  return ev;
}

export const folioBvecq: Workload = {
  name: 'folio+bvecq',
  describe: 'folio alloc/get/put/lock/dirty cycles and two-node PAGECACHE bvecq chains',
  events: (n) => take(n, folioBvecqRound),
};

const ITER_BYTES = 2 * SLOTS_PER_NODE * 4096;

/**
 * One round of iterator traffic over a two-node chain: a destination ITER_BVECQ filled from a
 * kernel buffer with copies, advances, reverts across the node boundary, zeroing and queries;
 * a source ITER_BVECQ drained back into the buffer; an ITER_BVEC over a bio_vec array and a
 * bvec_iter walk. Each round builds its chain with folioBvecqRound's shape, then drops it.
 */
function iterRound(r: number): BvsimEvent[] {
  const f0 = r * FOLIOS_PER_ROUND;
  const [q0, q1] = [r * 2, r * 2 + 1];
  const [dst, src, bv] = [r * 3, r * 3 + 1, r * 3 + 2];
  const pfn = (f: number): number => 16 + f;
  const ev: BvsimEvent[] = [{ type: 'kbuf_alloc', buf: r, size: ITER_BYTES }];
  for (let k = 0; k < FOLIOS_PER_ROUND; k++) ev.push({ type: 'folio_alloc', folio: f0 + k, order: 0, pfn: pfn(f0 + k), fail: false });
  for (const [node, q] of [q0, q1].entries()) {
    ev.push({ type: 'bvecq_alloc_one', bvecq: q, nr_slots: SLOTS_PER_NODE, max_slots: SLOTS_PER_NODE, fail: false, mem_type: 'PAGECACHE' });
    for (let s = 0; s < SLOTS_PER_NODE; s++) {
      const f = f0 + node * SLOTS_PER_NODE + s;
      ev.push({ type: 'folio_get', folio: f }, { type: 'bvecq_set_slot', bvecq: q, slot: s, page: pfn(f), offset: 0, len: 4096 });
    }
    ev.push({ type: 'bvecq_filled_to', bvecq: q, nr_slots: SLOTS_PER_NODE });
  }
  ev.push(
    { type: 'bvecq_append', to: q0, add: q1 },
    { type: 'iov_iter_bvec_queue', iter: dst, direction: 0, bvecq: q0, slot: 0, offset: 0, count: ITER_BYTES },
    { type: 'copy_to_iter', iter: dst, bytes: 6000, buf: r, offset: 0 },
    { type: 'iov_iter_advance', iter: dst, bytes: 10_000 },
    { type: 'iov_iter_revert', iter: dst, bytes: 9000 },
    { type: 'copy_to_iter_full', iter: dst, bytes: 12_288, buf: r, offset: 4096 },
    { type: 'iov_iter_npages', iter: dst, maxpages: 64 },
    { type: 'iov_iter_single_seg_count', iter: dst },
    { type: 'iov_iter_zero', iter: dst, bytes: 512 },
    { type: 'iov_iter_truncate', iter: dst, count: 4096 },
    { type: 'iov_iter_reexpand', iter: dst, count: 8192 },
    { type: 'iov_iter_alignment', iter: dst },
    { type: 'iov_iter_bvec_queue', iter: src, direction: 1, bvecq: q0, slot: 1, offset: 100, count: 20_000 },
    { type: 'copy_from_iter', iter: src, bytes: 16_384, buf: r, offset: 0 },
    { type: 'iov_iter_revert', iter: src, bytes: 16_000 },
    { type: 'copy_from_iter_full', iter: src, bytes: 4096, buf: r, offset: 16_384 },
    { type: 'bvec_array', bvec: r, bv: [{ page: pfn(f0), offset: 0, len: 4096 }, { page: pfn(f0 + 1), offset: 512, len: 3584 }] },
    { type: 'iov_iter_bvec', iter: bv, direction: 1, bvec: r, start: 0, nr_segs: 2, count: 7680 },
    { type: 'copy_from_iter', iter: bv, bytes: 5000, buf: r, offset: 20_000 },
    { type: 'iov_iter_revert', iter: bv, bytes: 2000 },
    { type: 'bvec_iter_init', biter: r, bvec: r, bi_size: 7680, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
    { type: 'bvec_iter_advance', biter: r, bytes: 4608 },
    { type: 'bvecq_put', bvecq: q0 },
  );
  for (let k = 0; k < FOLIOS_PER_ROUND; k++) ev.push({ type: 'folio_put', folio: f0 + k });
  ev.push({ type: 'kbuf_free', buf: r });
  return ev;
}

export const iterators: Workload = {
  name: 'iterators',
  describe: 'ITER_BVECQ and ITER_BVEC copies, advance/revert across nodes, zero, queries, bvec_iter walks',
  events: (n) => take(n, iterRound),
};

function take(n: number, round: (r: number) => BvsimEvent[]): BvsimEvent[] {
  const out: BvsimEvent[] = [];
  for (let r = 0; out.length < n; r++) out.push(...round(r));
  out.length = n;
  return out;
}

export const WORKLOADS: readonly Workload[] = [folioBvecq, iterators];
