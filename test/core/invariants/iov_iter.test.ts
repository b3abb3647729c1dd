// The iov_iter checkers: over_revert (a revert before the setup position, even where the kernel
// can still walk) and count_exceeds_data (ITER_BVEC / ITER_KVEC only; ITER_BVECQ is exempt).
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type StepOutcome } from '../../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  return { outs, state: engine.snapshot() };
}

const ids = (o: StepOutcome | undefined) => (o?.findings ?? []).map((f) => `${f.kind}.${f.id}`);
const bvecs: BvsimEvent = { type: 'bvec_array', bvec: 0, bv: [{ page: 1, offset: 0, len: 100 }, { page: 2, offset: 0, len: 100 }] };
const node: BvsimEvent[] = [
  { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 1, max_slots: 1, fail: false },
  { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 10, offset: 0, len: 100 },
  { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 1 },
];

describe('iov_iter.over_revert', () => {
  it('should flag a revert into the bvec before start_seg although the kernel walks there', () => {
    const { outs, state } = run([
      bvecs,
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 1, nr_segs: 1, count: 100 },
      { type: 'iov_iter_advance', iter: 0, bytes: 30 },
      { type: 'iov_iter_revert', iter: 0, bytes: 30 },
      { type: 'iov_iter_revert', iter: 0, bytes: 40 },
    ]);
    expect(outs.slice(2).map(ids)).toEqual([[], [], ['invariant.iov_iter.over_revert']]);
    expect(state.iters[0]).toMatchObject({ bvec_index: 0, iov_offset: 60, nr_segs: 2, count: 140, consumed: -40 });
  });

  it('should flag an ITER_BVECQ revert inside the starting offset', () => {
    const { outs } = run([...node, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 50, count: 50 }, { type: 'iov_iter_revert', iter: 0, bytes: 10 }]);
    expect(ids(outs[4])).toEqual(['invariant.iov_iter.over_revert']);
  });
});

describe('iov_iter.count_exceeds_data', () => {
  it('should flag an ITER_BVEC count larger than its window, at setup and after reexpand', () => {
    const { outs } = run([
      bvecs,
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 1, count: 101 },
      { type: 'iov_iter_bvec', iter: 1, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 200 },
      { type: 'iov_iter_advance', iter: 1, bytes: 150 },
      { type: 'iov_iter_reexpand', iter: 1, count: 51 },
    ]);
    expect(outs.slice(1).map(ids)).toEqual([['invariant.iov_iter.count_exceeds_data'], [], [], ['invariant.iov_iter.count_exceeds_data']]);
  });

  it('should accept an ITER_BVECQ count beyond the chain, whose advance parks at the end with the residue', () => {
    const { outs, state } = run([
      ...node,
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 500 },
      { type: 'iov_iter_advance', iter: 0, bytes: 300 },
    ]);
    expect(outs.flatMap((o) => o.findings)).toEqual([]);
    expect(state.iters[0]).toMatchObject({ bvecq: 0, bvecq_slot: 1, iov_offset: 200, count: 200 });
  });
});
