// iov_iter setup, advance, revert, truncate and reexpand: examples per iterator type and the
// WARN / BUG findings of REFERENCE §2.3–§2.5, folded through the immutable engine.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type IovIter, type StepOutcome } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  return { outs, state: engine.snapshot(), last: outs[outs.length - 1] };
}

const ids = (o: StepOutcome | undefined) => (o?.findings ?? []).map((f) => `${f.kind}.${f.id}`);
const pos = (it: IovIter | undefined) => it && { count: it.count, iov_offset: it.iov_offset, nr_segs: it.nr_segs, bvec_index: it.bvec_index, bvecq: it.bvecq, bvecq_slot: it.bvecq_slot };

const bvec3: BvsimEvent = { type: 'bvec_array', bvec: 0, bv: [{ page: 1, offset: 0, len: 100 }, { page: 2, offset: 0, len: 0 }, { page: 3, offset: 0, len: 50 }] };
const chain: BvsimEvent[] = [
  { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false },
  { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 10, offset: 0, len: 100 },
  { type: 'bvecq_set_slot', bvecq: 0, slot: 1, page: 11, offset: 0, len: 0 },
  { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 2 },
  { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 1, max_slots: 1, fail: false },
  { type: 'bvecq_set_slot', bvecq: 1, slot: 0, page: 12, offset: 0, len: 60 },
  { type: 'bvecq_filled_to', bvecq: 1, nr_slots: 1 },
  { type: 'bvecq_append', to: 0, add: 1 },
];

describe('iov_iter_bvec', () => {
  it('should WARN on a direction with stray bits and still make a source iterator', () => {
    const { last, state } = run([bvec3, { type: 'iov_iter_bvec', iter: 0, direction: 2, bvec: 0, start: 0, nr_segs: 3, count: 150 }]);
    expect(ids(last)).toEqual(['warn.iov_iter.bad_direction']);
    expect(state.iters[0]?.data_source).toBe(true);
  });

  it('should reject a window that passes the end of the array', () => {
    const { last } = run([bvec3, { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 1, nr_segs: 3, count: 0 }]);
    expect(last?.rejection?.field).toBe('nr_segs');
  });

  it('should allow re-initialising an iterator, which resets the bookkeeping', () => {
    const { state } = run([
      bvec3,
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 150 },
      { type: 'iov_iter_advance', iter: 0, bytes: 120 },
      { type: 'iov_iter_bvec', iter: 0, direction: 1, bvec: 0, start: 2, nr_segs: 1, count: 50 },
    ]);
    expect(state.iters[0]).toMatchObject({ data_source: true, count: 50, bvec_index: 2, consumed: 0 });
  });
});

describe('iov_iter_advance', () => {
  it('should clamp to count and skip zero-length bvecs on ITER_BVEC', () => {
    const { state } = run([bvec3, { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 120 }, { type: 'iov_iter_advance', iter: 0, bytes: 1000 }]);
    expect(pos(state.iters[0])).toEqual({ count: 0, iov_offset: 20, nr_segs: 1, bvec_index: 2, bvecq: null, bvecq_slot: null });
  });

  it('should stop ITER_BVECQ on a following empty slot, then step one slot per advance(0)', () => {
    const { state } = run([...chain, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 160 }, { type: 'iov_iter_advance', iter: 0, bytes: 100 }]);
    expect(pos(state.iters[0])).toMatchObject({ count: 60, iov_offset: 0, bvecq: 0, bvecq_slot: 1 });
    const { state: s2 } = run([
      ...chain,
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 1, offset: 0, count: 60 },
      { type: 'iov_iter_advance', iter: 0, bytes: 0 },
      { type: 'iov_iter_advance', iter: 0, bytes: 0 },
    ]);
    expect(pos(s2.iters[0])).toMatchObject({ bvecq: 1, bvecq_slot: 0, iov_offset: 0, count: 60 });
  });

  it('should move ITER_UBUF by offset and ITER_DISCARD by count only', () => {
    const { state } = run([
      { type: 'iov_iter_ubuf', iter: 0, direction: 1, start: 512, len: 8192, nofault: 1 },
      { type: 'iov_iter_advance', iter: 0, bytes: 5000 },
      { type: 'iov_iter_discard', iter: 1, direction: 0, count: 300 },
      { type: 'iov_iter_advance', iter: 1, bytes: 500 },
    ]);
    expect(state.iters[0]).toMatchObject({ iter_type: 'ITER_UBUF', ubuf: 512, iov_offset: 5000, count: 3192, nr_segs: 1, nofault: true });
    expect(state.iters[1]).toMatchObject({ iter_type: 'ITER_DISCARD', count: 0, iov_offset: 0, nr_segs: 0, consumed: 300 });
  });

  it('should report a walk into a freed bvecq node as a use after free', () => {
    const { last } = run([
      ...chain,
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 1, slot: 0, offset: 0, count: 60 },
      { type: 'bvecq_put', bvecq: 0 },
      { type: 'iov_iter_advance', iter: 0, bytes: 10 },
    ]);
    expect(ids(last)).toEqual(['bug.bvecq.use_after_free']);
  });
});

describe('iov_iter_advance on a looped chain', () => {
  it('should report the cycle instead of spinning forever', () => {
    const { last } = run([
      { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 1, max_slots: 1, fail: false },
      { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 1 },
      { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 1, max_slots: 1, fail: false },
      { type: 'bvecq_filled_to', bvecq: 1, nr_slots: 1 },
      { type: 'bvecq_append', to: 0, add: 1 },
      { type: 'bvecq_append', to: 1, add: 0 },
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 5 },
      { type: 'iov_iter_advance', iter: 0, bytes: 5 },
    ]);
    expect(ids(last)).toContain('bug.bvecq.chain_cycle');
  });
});

describe('iov_iter_revert', () => {
  const bvecIter: BvsimEvent[] = [bvec3, { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 150 }, { type: 'iov_iter_advance', iter: 0, bytes: 120 }];

  it('should WARN and change nothing above MAX_RW_COUNT', () => {
    const { last, state, outs } = run([...bvecIter, { type: 'iov_iter_revert', iter: 0, bytes: 2147479553 }]);
    expect(ids(last)).toEqual(['warn.iov_iter_revert.too_large']);
    expect(pos(state.iters[0])).toEqual(pos(run(bvecIter).state.iters[0]));
    expect(outs).toHaveLength(4);
  });

  it('should walk back over the zero-length bvec, raising nr_segs', () => {
    const { state } = run([...bvecIter, { type: 'iov_iter_revert', iter: 0, bytes: 21 }]);
    expect(pos(state.iters[0])).toEqual({ count: 51, iov_offset: 99, nr_segs: 3, bvec_index: 0, bvecq: null, bvecq_slot: null });
  });

  it('should report walking before bvec[0] as past_start and halt', () => {
    const { last, state } = run([...bvecIter, { type: 'iov_iter_revert', iter: 0, bytes: 121 }]);
    expect(ids(last)).toEqual(['bug.iov_iter_revert.past_start']);
    expect(state.halted?.id).toBe('iov_iter_revert.past_start');
  });

  it('should report ITER_UBUF going before its buffer as past_start (the kernel BUG)', () => {
    const { last } = run([{ type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 0, len: 100, nofault: false }, { type: 'iov_iter_advance', iter: 0, bytes: 10 }, { type: 'iov_iter_revert', iter: 0, bytes: 11 }]);
    expect(ids(last)).toEqual(['bug.iov_iter_revert.past_start']);
  });

  it('should follow prev into the earlier node and land at a slot start as (slot, 0)', () => {
    const { state } = run([...chain, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 1, slot: 0, offset: 30, count: 30 }, { type: 'iov_iter_revert', iter: 0, bytes: 130 }]);
    expect(pos(state.iters[0])).toMatchObject({ bvecq: 0, bvecq_slot: 0, iov_offset: 0, count: 160 });
  });

  it('should report following the head node NULL prev as past_start', () => {
    const { last } = run([...chain, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 1, slot: 0, offset: 30, count: 30 }, { type: 'iov_iter_revert', iter: 0, bytes: 131 }]);
    expect(ids(last)).toEqual(['bug.iov_iter_revert.past_start']);
  });

  it('should only grow count for ITER_DISCARD', () => {
    const { state } = run([{ type: 'iov_iter_discard', iter: 0, direction: 0, count: 10 }, { type: 'iov_iter_advance', iter: 0, bytes: 10 }, { type: 'iov_iter_revert', iter: 0, bytes: 4 }]);
    expect(state.iters[0]).toMatchObject({ count: 4, iov_offset: 0, consumed: 6 });
  });
});

describe('iov_iter_truncate', () => {
  it('should only ever lower count, and iov_iter_reexpand should set it unchecked', () => {
    const { state, outs } = run([
      bvec3,
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 150 },
      { type: 'iov_iter_truncate', iter: 0, count: 2 ** 40 },
      { type: 'iov_iter_truncate', iter: 0, count: 70 },
      { type: 'iov_iter_reexpand', iter: 0, count: 90 },
    ]);
    expect(state.iters[0]?.count).toBe(90);
    expect(outs.flatMap((o) => o.findings)).toEqual([]);
  });
});

describe('iov_iter_discard', () => {
  it('should BUG for a direction other than READ', () => {
    const { last, state } = run([{ type: 'iov_iter_discard', iter: 0, direction: 1, count: 10 }]);
    expect(ids(last)).toEqual(['bug.iov_iter_discard.bad_direction']);
    expect(state.iters[0]).toBeUndefined();
  });
});

describe('iov_iter_advance on an unknown iterator', () => {
  it('should reject the event and leave the state untouched', () => {
    const engine = createEngine('immutable', DEFAULT_OPTIONS);
    const before = engine.snapshot();
    expect(engine.step({ type: 'iov_iter_advance', iter: 4, bytes: 1 }).rejection?.field).toBe('iter');
    expect(engine.snapshot()).toBe(before);
  });
});
