// bio_vec arrays and struct bvec_iter: examples of advance, advance_single and the for_each loops,
// folded through the immutable engine, including the WARN, out-of-bounds and truncation cases.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  return { outs, state: engine.snapshot() };
}

const ids = (o: { findings: readonly { kind: string; id: string }[] } | undefined) => (o?.findings ?? []).map((f) => `${f.kind}.${f.id}`);

// Public bvec_iter vector #68 (vectors/README.md §1.10): lengths 9, 4, 8, 0, 5237, 0, 1046, 0.
const case68: BvsimEvent[] = [
  { type: 'bvec_array', bvec: 0, bv: [9, 4, 8, 0, 5237, 0, 1046, 0].map((len, k) => ({ page: 50 + 4 * k, offset: 0, len })) },
  { type: 'bvec_iter_init', biter: 0, bvec: 0, bi_size: 6304, bi_idx: 0, bi_bvec_done: 0, bi_sector: 7 },
];

describe('bvec_iter_advance', () => {
  it('should stop on a zero-length bvec when the bytes run out exactly before it', () => {
    const { outs, state } = run([...case68, { type: 'bvec_iter_advance', biter: 0, bytes: 5258 }]);
    expect(outs[2]?.ret).toBe(true);
    expect(state.biters[0]).toEqual({ bvec: 0, bi_sector: 7, bi_size: 1046, bi_idx: 5, bi_bvec_done: 0 });
  });

  it('should step over the zero-length bvec on the next non-zero advance but not on advance(0)', () => {
    const { state } = run([
      ...case68,
      { type: 'bvec_iter_advance', biter: 0, bytes: 5258 },
      { type: 'bvec_iter_advance', biter: 0, bytes: 0 },
    ]);
    expect(state.biters[0]?.bi_idx).toBe(5);
    const { state: s2 } = run([...case68, { type: 'bvec_iter_advance', biter: 0, bytes: 5258 }, { type: 'bvec_iter_advance', biter: 0, bytes: 1 }]);
    expect([s2.biters[0]?.bi_idx, s2.biters[0]?.bi_bvec_done]).toEqual([6, 1]);
  });

  it('should WARN, zero bi_size and return false when advancing past bi_size', () => {
    const { outs, state } = run([...case68, { type: 'bvec_iter_advance', biter: 0, bytes: 6305 }]);
    expect(outs[2]?.ret).toBe(false);
    expect(ids(outs[2])).toEqual(['warn.bvec_iter_advance.past_end']);
    expect(state.biters[0]).toEqual({ bvec: 0, bi_sector: 7, bi_size: 0, bi_idx: 0, bi_bvec_done: 0 });
  });

  it('should truncate bytes to unsigned int and record the wrap', () => {
    const { outs, state } = run([...case68, { type: 'bvec_iter_advance', biter: 0, bytes: 2 ** 32 + 9 }]);
    expect(outs[2]?.wraps).toEqual([{ field: 'bytes', value: 2 ** 32 + 9, wrapped: 9 }]);
    expect(state.biters[0]?.bi_idx).toBe(1);
  });

  it('should report a bi_size larger than the array as an out-of-bounds read', () => {
    const { outs, state } = run([
      { type: 'bvec_array', bvec: 0, bv: [{ page: 1, offset: 0, len: 100 }] },
      { type: 'bvec_iter_init', biter: 0, bvec: 0, bi_size: 200, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
      { type: 'bvec_iter_advance', biter: 0, bytes: 150 },
    ]);
    expect(ids(outs[2])).toEqual(['bug.bvec_array.out_of_bounds']);
    expect(state.biters[0]?.bi_size).toBe(200);
  });
});

describe('bvec_iter_advance_single', () => {
  it('should move past a zero-length current bvec on a zero-byte step', () => {
    const { state } = run([
      { type: 'bvec_array', bvec: 0, bv: [{ page: 1, offset: 0, len: 0 }, { page: 2, offset: 0, len: 10 }] },
      { type: 'bvec_iter_init', biter: 0, bvec: 0, bi_size: 10, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
      { type: 'bvec_iter_advance_single', biter: 0, bytes: 0 },
    ]);
    expect(state.biters[0]).toMatchObject({ bi_idx: 1, bi_bvec_done: 0, bi_size: 10 });
  });
});

describe('for_each_bvec', () => {
  const setup: BvsimEvent[] = [
    { type: 'bvec_array', bvec: 0, bv: [{ page: 40, offset: 4000, len: 5000 }, { page: 9, offset: 0, len: 0 }, { page: 60, offset: 10, len: 20 }] },
    { type: 'bvec_iter_init', biter: 0, bvec: 0, bi_size: 5015, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
  ];

  it('should yield single-page pieces, an empty piece for an empty bvec, and leave the iterator', () => {
    const { outs, state } = run([...setup, { type: 'for_each_bvec', biter: 0 }]);
    expect(outs[2]?.ret).toEqual([
      { page: 40, offset: 4000, len: 96 },
      { page: 41, offset: 0, len: 4096 },
      { page: 42, offset: 0, len: 808 },
      { page: 9, offset: 0, len: 0 },
      { page: 60, offset: 10, len: 15 },
    ]);
    expect(state.biters[0]).toMatchObject({ bi_idx: 0, bi_size: 5015 });
  });

  it('should yield whole-element pieces in the multi-page view', () => {
    const { outs } = run([...setup, { type: 'for_each_mp_bvec', biter: 0 }]);
    expect(outs[2]?.ret).toEqual([
      { page: 40, offset: 4000, len: 5000 },
      { page: 9, offset: 0, len: 0 },
      { page: 60, offset: 10, len: 15 },
    ]);
  });
});

describe('bvec_iter_init', () => {
  it('should reject an array that was never created and a biter id in use', () => {
    const { outs } = run([
      { type: 'bvec_iter_init', biter: 0, bvec: 3, bi_size: 0, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
      { type: 'bvec_array', bvec: 3, bv: [] },
      { type: 'bvec_iter_init', biter: 0, bvec: 3, bi_size: 0, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
      { type: 'bvec_iter_init', biter: 0, bvec: 3, bi_size: 0, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
    ]);
    expect(outs.map((o) => o.rejection?.field ?? null)).toEqual(['bvec', null, null, 'biter']);
  });
});
