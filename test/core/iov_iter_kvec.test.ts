// kbufs, kvec arrays and ITER_KVEC: provenance of a new kbuf, double free, arrays pointing past a
// kbuf, and the iovec-shaped advance / revert / queries over kvecs (immutable engine).
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type StepOutcome } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  return { outs, state: engine.snapshot(), last: outs[outs.length - 1] };
}

const ids = (o: StepOutcome | undefined) => (o?.findings ?? []).map((f) => `${f.kind}.${f.id}`);

// Three kvecs over one 8 KiB kbuf: 100 bytes at 4000, an empty one, 3000 bytes at 5000.
const kvecSetup: BvsimEvent[] = [
  { type: 'kbuf_alloc', buf: 7, size: 8192 },
  { type: 'kvec_array', kvec: 0, iov: [{ buf: 7, offset: 4000, len: 100 }, { buf: 7, offset: 0, len: 0 }, { buf: 7, offset: 5000, len: 3000 }] },
  { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 3, count: 3100 },
];

describe('kbuf_alloc', () => {
  it('should label every byte with its own offset in the kbuf', () => {
    const { state } = run([{ type: 'kbuf_alloc', buf: 3, size: 100 }, { type: 'kbuf_alloc', buf: 4, size: 0 }]);
    expect(state.kbufs[3]).toEqual({ size: 100, freed: false, data: [{ at: 0, len: 100, src: 'kbuf:3', off: 0 }] });
    expect(state.kbufs[4]?.data).toEqual([]);
  });
});

describe('kbuf_free', () => {
  it('should report a second free as a double free', () => {
    const { last } = run([{ type: 'kbuf_alloc', buf: 1, size: 8 }, { type: 'kbuf_free', buf: 1 }, { type: 'kbuf_free', buf: 1 }]);
    expect(ids(last)).toEqual(['bug.kbuf.double_free']);
  });
});

describe('kvec_array', () => {
  it('should reject an element reaching past its kbuf or naming one never allocated', () => {
    const { outs } = run([
      { type: 'kbuf_alloc', buf: 1, size: 8 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 1, offset: 4, len: 5 }] },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 2, offset: 0, len: 0 }] },
    ]);
    expect(outs.map((o) => o.rejection?.field ?? null)).toEqual([null, 'iov[0]', 'iov[0].buf']);
  });
});

describe('iov_iter_kvec', () => {
  it('should advance like an iovec, skipping the empty kvec', () => {
    const { state } = run([...kvecSetup, { type: 'iov_iter_advance', iter: 0, bytes: 100 }]);
    expect(state.iters[0]).toMatchObject({ iter_type: 'ITER_KVEC', kvec: 0, kvec_index: 2, nr_segs: 1, iov_offset: 0, count: 3000 });
  });

  it('should revert across the empty kvec into the first one', () => {
    const { state } = run([...kvecSetup, { type: 'iov_iter_advance', iter: 0, bytes: 150 }, { type: 'iov_iter_revert', iter: 0, bytes: 60 }]);
    expect(state.iters[0]).toMatchObject({ kvec_index: 0, nr_segs: 3, iov_offset: 90, count: 3010 });
  });

  it('should answer npages from kbuf offsets, skipping empty kvecs', () => {
    const { outs } = run([...kvecSetup, { type: 'iov_iter_npages', iter: 0, maxpages: 100 }, { type: 'iov_iter_npages', iter: 0, maxpages: 1 }]);
    // 100 bytes from 4000 straddle a page (2), 3000 bytes from 5000 fit in one (1).
    expect(outs.slice(3).map((o) => o.ret)).toEqual([3, 1]);
  });

  it('should OR kvec addresses and lengths for the alignment, passing over the empty kvec', () => {
    const { last } = run([...kvecSetup, { type: 'iov_iter_alignment', iter: 0 }]);
    expect(last?.ret).toBe(4000 | 100 | 5000 | 3000);
  });

  it('should give the current kvec remainder as the single segment count', () => {
    const { last } = run([...kvecSetup, { type: 'iov_iter_advance', iter: 0, bytes: 30 }, { type: 'iov_iter_single_seg_count', iter: 0 }]);
    expect(last?.ret).toBe(70);
  });

  it('should report a count larger than the kvecs as count_exceeds_data', () => {
    const { outs } = run([
      { type: 'kbuf_alloc', buf: 7, size: 8192 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 7, offset: 0, len: 100 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 0, kvec: 0, start: 0, nr_segs: 1, count: 101 },
      { type: 'iov_iter_npages', iter: 0, maxpages: 10 },
    ]);
    expect(ids(outs[2])).toEqual(['invariant.iov_iter.count_exceeds_data']);
    expect(ids(outs[3])).toEqual(['bug.kvec_array.out_of_bounds']);
  });
});
