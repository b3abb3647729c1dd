// iov_iter_npages, iov_iter_alignment and iov_iter_single_seg_count: examples for every iterator
// type, with the empty-part and integer-width quirks of REFERENCE §2.7 (immutable engine).
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type StepOutcome } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  return { outs, last: outs[outs.length - 1] };
}

const ids = (o: StepOutcome | undefined) => (o?.findings ?? []).map((f) => `${f.kind}.${f.id}`);
const rets = (outs: StepOutcome[], from: number) => outs.slice(from).map((o) => o.ret);

// [100 bytes at in-page 4000, empty at in-page 10, 5000 bytes at 0]
const bvecs: BvsimEvent = { type: 'bvec_array', bvec: 0, bv: [{ page: 1, offset: 4000, len: 100 }, { page: 5, offset: 10, len: 0 }, { page: 8, offset: 0, len: 5000 }] };
const bvecIter = (count: number): BvsimEvent => ({ type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count });
const chain: BvsimEvent[] = [
  { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 3, max_slots: 3, fail: false },
  { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 1, offset: 4000, len: 100 },
  { type: 'bvecq_set_slot', bvecq: 0, slot: 1, page: 5, offset: 10, len: 0 },
  { type: 'bvecq_set_slot', bvecq: 0, slot: 2, page: 8, offset: 0, len: 5000 },
  { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 3 },
  { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 5100 },
];

describe('iov_iter_npages', () => {
  it('should count a page for an empty bvec at an unaligned offset on ITER_BVEC but not on ITER_BVECQ', () => {
    const b = run([bvecs, bvecIter(5100), { type: 'iov_iter_npages', iter: 0, maxpages: 100 }]);
    const q = run([...chain, { type: 'iov_iter_npages', iter: 0, maxpages: 100 }]);
    expect([b.last?.ret, q.last?.ret]).toEqual([2 + 1 + 2, 2 + 2]);
  });

  it('should cap at maxpages, taken as a C int', () => {
    const { outs } = run([bvecs, bvecIter(5100), { type: 'iov_iter_npages', iter: 0, maxpages: 1 }, { type: 'iov_iter_npages', iter: 0, maxpages: 2 ** 32 + 3 }]);
    expect(rets(outs, 2)).toEqual([1, 3]);
    expect(outs[3]?.wraps).toEqual([{ field: 'maxpages', value: 2 ** 32 + 3, wrapped: 3 }]);
  });

  it('should count ITER_UBUF pages from the in-page start and give 0 for ITER_DISCARD and empty iterators', () => {
    const { outs } = run([
      { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 4000, len: 200, nofault: false },
      { type: 'iov_iter_npages', iter: 0, maxpages: 10 },
      { type: 'iov_iter_discard', iter: 1, direction: 0, count: 9000 },
      { type: 'iov_iter_npages', iter: 1, maxpages: 10 },
      { type: 'iov_iter_advance', iter: 0, bytes: 200 },
      { type: 'iov_iter_npages', iter: 0, maxpages: 10 },
    ]);
    expect([outs[1]?.ret, outs[3]?.ret, outs[5]?.ret]).toEqual([2, 0, 0]);
  });
});

describe('iov_iter_alignment', () => {
  it('should OR starts and lengths, including the empty bvec on ITER_BVEC only', () => {
    const b = run([bvecs, bvecIter(5100), { type: 'iov_iter_alignment', iter: 0 }]);
    const q = run([...chain, { type: 'iov_iter_alignment', iter: 0 }]);
    expect(b.last?.ret).toBe(4000 | 100 | 10 | 0 | 0 | 5000);
    expect(q.last?.ret).toBe(4000 | 100 | 0 | 5000);
  });

  it('should read the current bvec even when count is 0, and past the array that is a bug', () => {
    const inArray = run([bvecs, bvecIter(0), { type: 'iov_iter_alignment', iter: 0 }]);
    expect(inArray.last?.ret).toBe(4000);
    const pastEnd = run([bvecs, bvecIter(5100), { type: 'iov_iter_advance', iter: 0, bytes: 5100 }, { type: 'iov_iter_alignment', iter: 0 }]);
    expect(ids(pastEnd.last)).toEqual(['bug.bvec_array.out_of_bounds']);
  });

  it('should give ITER_UBUF address | count, and 0 for an empty one or ITER_DISCARD', () => {
    const { outs } = run([
      { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 4096, len: 1024, nofault: false },
      { type: 'iov_iter_advance', iter: 0, bytes: 512 },
      { type: 'iov_iter_alignment', iter: 0 },
      { type: 'iov_iter_discard', iter: 1, direction: 0, count: 5 },
      { type: 'iov_iter_alignment', iter: 1 },
    ]);
    expect([outs[2]?.ret, outs[4]?.ret]).toEqual([(4096 + 512) | 512, 0]);
  });

  it('should keep the high bits of a 64-bit ITER_UBUF address', () => {
    const { last } = run([{ type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 2 ** 40 + 4096, len: 7, nofault: false }, { type: 'iov_iter_alignment', iter: 0 }]);
    expect(last?.ret).toBe(2 ** 40 + 4096 + 7);
  });
});

describe('iov_iter_single_seg_count', () => {
  it('should give the current bvec remainder while more than one bvec is left, else count', () => {
    const { outs } = run([
      bvecs,
      bvecIter(5100),
      { type: 'iov_iter_single_seg_count', iter: 0 },
      { type: 'iov_iter_advance', iter: 0, bytes: 100 },
      { type: 'iov_iter_single_seg_count', iter: 0 },
    ]);
    expect([outs[2]?.ret, outs[4]?.ret]).toEqual([100, 5000]);
  });

  it('should skip finished and empty ITER_BVECQ slots', () => {
    const { outs } = run([
      ...chain,
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 100, count: 4000 },
      { type: 'iov_iter_single_seg_count', iter: 0 },
    ]);
    expect(outs[7]?.ret).toBe(4000);
  });

  it('should give count for ITER_UBUF and ITER_DISCARD', () => {
    const { outs } = run([
      { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 0, len: 77, nofault: false },
      { type: 'iov_iter_single_seg_count', iter: 0 },
      { type: 'iov_iter_discard', iter: 1, direction: 0, count: 9 },
      { type: 'iov_iter_single_seg_count', iter: 1 },
    ]);
    expect([outs[1]?.ret, outs[3]?.ret]).toEqual([77, 9]);
  });
});
