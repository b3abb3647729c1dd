// Mutant iov_iter_bvecq_empty_not_skipped: the first posting's ITER_BVECQ walkers (advance,
// revert, page extraction, extract_iter_to_sg) against the fixed ones on chains whose empty node
// keeps a stale, unpublished bv[0]. Each example runs with the flag off and on.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { ids, node, pagesAt, run } from './iov_iter_copy_fixtures.ts';

const ON = { mutants: { iov_iter_bvecq_empty_not_skipped: true } };
const OFF = { mutants: {} };

/** A[p16] -> B (empty; bv[0] holds a stale 100-byte piece of p64) -> C[p48]. */
const chain: BvsimEvent[] = [
  ...pagesAt([16, 48, 64]),
  ...node(0, [{ page: 16, offset: 0, len: 4096 }]),
  { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 1, max_slots: 1, fail: false },
  { type: 'bvecq_set_slot', bvecq: 1, slot: 0, page: 64, offset: 0, len: 100 },
  { type: 'bvecq_append', to: 0, add: 1 },
  ...node(2, [{ page: 48, offset: 0, len: 4096 }], 1),
  { type: 'kbuf_alloc', buf: 0, size: 8192 },
  { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 8192 },
];
const pos = (o: { bvecq: number | null; bvecq_slot: number | null; iov_offset: number } | undefined) => o && [o.bvecq, o.bvecq_slot, o.iov_offset];

describe('iov_iter_advance (first posting)', () => {
  it('should take the stale slot of an empty node as data and land 100 bytes short', () => {
    const ev: BvsimEvent[] = [...chain, { type: 'iov_iter_advance', iter: 0, bytes: 5000 }, { type: 'copy_to_iter', iter: 0, bytes: 10, buf: 0, offset: 0 }];
    const off = run(ev, OFF);
    const on = run(ev, ON);
    expect([pos(off.state.iters[0]), ids(off.last)]).toEqual([[2, 0, 914], []]);
    expect([pos(on.state.iters[0]), ids(on.last)]).toEqual([[2, 0, 814], ['invariant.data.misplaced']]);
  });
});

describe('iov_iter_revert (first posting)', () => {
  it('should wrap the slot when stepping back into an empty node', () => {
    const ev: BvsimEvent[] = [...chain, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 2, slot: 0, offset: 0, count: 4096 }, { type: 'iov_iter_revert', iter: 0, bytes: 10 }];
    expect(ids(run(ev, OFF).last)).toEqual(['invariant.iov_iter.over_revert']);
    expect(ids(run(ev, ON).last)).toEqual(['bug.bvecq.slot_out_of_range']);
  });
});

describe('iov_iter_extract_pages (first posting)', () => {
  it('should transcribe from the parked slot without the hop it counted with', () => {
    const ev: BvsimEvent[] = [
      { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false },
      { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 16, offset: 0, len: 4096 },
      { type: 'bvecq_set_slot', bvecq: 0, slot: 1, page: 64, offset: 0, len: 4096 },
      { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 1 },
      ...node(1, [{ page: 32, offset: 0, len: 4096 }], 0),
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 1, offset: 0, count: 4096 },
      { type: 'iov_iter_extract_pages', iter: 0, maxsize: 4096, maxpages: 8 },
    ];
    expect(run(ev, OFF).last?.ret).toEqual({ len: 4096, offset0: 0, pages: [32] });
    expect(run(ev, ON).last?.ret).toEqual({ len: 4096, offset0: 0, pages: [64] });
  });
});

describe('extract_iter_to_sg (first posting)', () => {
  it('should not limit an ITER_BVECQ extraction by count', () => {
    const ev: BvsimEvent[] = [
      ...node(0, [{ page: 16, offset: 0, len: 8192 }]),
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 100 },
      { type: 'extract_iter_to_sg', iter: 0, maxsize: 100000, sg_max: 8 },
    ];
    expect(run(ev, OFF).last?.ret).toEqual({ len: 100, sg: [{ page: 16, offset: 0, len: 100 }] });
    const on = run(ev, ON);
    expect(on.last?.ret).toEqual({ len: 8192, sg: [{ page: 16, offset: 0, len: 8192 }] });
    expect([on.state.iters[0]?.count, on.last?.wraps]).toEqual([0, [{ field: 'count', value: 100 - 8192, wrapped: 0 }]]);
  });
});
