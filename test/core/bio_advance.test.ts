// Advancing and trimming bios: bvec_iter_advance over the bio's table (exact landings,
// zero-length entries, over-advance), data-less ops, bio_advance_iter copies, and bio_trim tables.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  const ids = outs.map((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
  return { outs, ids, state: engine.snapshot() };
}

const iterOf = (b: { bi_sector: number; bi_size: number; bi_idx: number; bi_bvec_done: number } | undefined) =>
  b === undefined ? null : [b.bi_sector, b.bi_size, b.bi_idx, b.bi_bvec_done];

/** A bio over [4096 bytes][0 bytes][1024 bytes], built with __bio_add_page so nothing merges. */
const threeVecs: BvsimEvent[] = [
  { type: 'bio_alloc', bio: 0, nr_vecs: 4, opf: 1, max_vecs: 4, fail: false },
  { type: '__bio_add_page', bio: 0, page: 100, len: 4096, offset: 0 },
  { type: '__bio_add_page', bio: 0, page: 200, len: 0, offset: 0 },
  { type: '__bio_add_page', bio: 0, page: 300, len: 1024, offset: 0 },
];

describe('bio_advance', () => {
  it.each([
    { steps: [512], iter: [1, 4608, 0, 512] },
    { steps: [4096], iter: [8, 1024, 1, 0] },
    { steps: [4096, 1], iter: [8, 1023, 2, 1] },
    { steps: [4097], iter: [8, 1023, 2, 1] },
    { steps: [1000, 1000, 1000], iter: [3, 2120, 0, 3000] },
    { steps: [5120], iter: [0, 0, 0, 0] },
  ])('should land where bvec_iter_advance does after $steps', ({ steps, iter }) => {
    const { state, ids } = run([...threeVecs, ...steps.map((bytes): BvsimEvent => ({ type: 'bio_advance', bio: 0, bytes }))]);
    expect(iterOf(state.bios[0])).toEqual(iter);
    expect(ids.flat()).toEqual([]);
  });

  it('should WARN past bi_size, zero it and still move bi_sector', () => {
    const { state, ids } = run([...threeVecs, { type: 'bio_advance', bio: 0, bytes: 6000 }]);
    expect(ids[4]).toEqual(['warn.bvec_iter_advance.past_end']);
    expect(iterOf(state.bios[0])).toEqual([11, 0, 0, 0]);
  });

  it('should only shrink bi_size of a discard, wrapping it on an over-advance', () => {
    const { state, outs } = run([
      { type: 'bio_alloc', bio: 0, nr_vecs: 0, opf: 3, max_vecs: 0, fail: false },
      { type: 'bio_set_size', bio: 0, size: 1024 },
      { type: 'bio_advance', bio: 0, bytes: 2048 },
    ]);
    expect(iterOf(state.bios[0])).toEqual([4, 4294966272, 0, 0]);
    expect(outs[2]?.wraps).toEqual([{ field: 'bi_size', value: -1024, wrapped: 4294966272 }]);
  });

  it('should report a walk off the end of the table when bi_size was stored too large', () => {
    const { ids } = run([...threeVecs, { type: 'bio_set_size', bio: 0, size: 9000 }, { type: 'bio_advance', bio: 0, bytes: 8000 }]);
    expect(ids[5]).toEqual(['bug.bio.io_vec_out_of_bounds']);
  });
});

describe('bio_advance_iter', () => {
  it('should return the advanced copy and leave the bio alone', () => {
    const { state, outs } = run([...threeVecs, { type: 'bio_set_sector', bio: 0, sector: 100 }, { type: 'bio_advance_iter', bio: 0, bytes: 4608 }]);
    expect(outs[5]?.ret).toEqual([109, 512, 2, 512]);
    expect(iterOf(state.bios[0])).toEqual([100, 5120, 0, 0]);
  });
});

describe('bio_trim', () => {
  it.each([
    { offset: 1, size: 2, iter: [1, 1024, 0, 512], warn: [] },
    { offset: 0, size: 10, iter: [0, 5120, 0, 0], warn: [] },
    { offset: 8, size: 2, iter: [8, 1024, 1, 0], warn: [] },
    { offset: 9, size: 2, iter: [0, 5120, 0, 0], warn: ['warn.bio_trim.out_of_range'] },
    { offset: 8388608, size: 0, iter: [0, 5120, 0, 0], warn: ['warn.bio_trim.out_of_range'] },
    // Trimming away everything takes bio_advance()'s fast path: bi_sector stays put.
    { offset: 10, size: 0, iter: [0, 0, 0, 0], warn: [] },
  ])('should trim to sectors [$offset, +$size)', ({ offset, size, iter, warn }) => {
    const { state, ids } = run([...threeVecs, { type: 'bio_trim', bio: 0, offset, size }]);
    expect(iterOf(state.bios[0])).toEqual(iter);
    expect(ids[4]).toEqual(warn);
  });

  it('should WARN and keep an atomic write whole', () => {
    const { state, ids } = run([
      { type: 'bio_alloc', bio: 0, nr_vecs: 1, opf: 1 + 2 ** 27, max_vecs: 1, fail: false },
      { type: 'bio_add_page', bio: 0, page: 100, len: 4096, offset: 0 },
      { type: 'bio_trim', bio: 0, offset: 1, size: 2 },
    ]);
    expect(ids[2]).toEqual(['warn.bio_trim.atomic']);
    expect(state.bios[0]?.bi_size).toBe(4096);
  });
});
