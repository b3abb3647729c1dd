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
  events(n) {
    const out: BvsimEvent[] = [];
    for (let r = 0; out.length < n; r++) out.push(...folioBvecqRound(r));
    out.length = n;
    return out;
  },
};

export const WORKLOADS: readonly Workload[] = [folioBvecq];
