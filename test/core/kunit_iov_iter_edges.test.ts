// The derived edge vectors of vectors/kunit/kunit_iov_iter.json that concern ITER_BVECQ and
// ITER_BVEC (vectors/README.md §2.4): each vector's memory is written out here as events (page
// pN is PFN 100 + N, untracked memory), its ops run through the engine, and every state, return
// and finding it lists is compared. The bvec_iter-only vectors belong to the bvec_iter tests.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent, StepOutcome } from '../../core/index.ts';
import { ids, node, run } from './iov_iter_copy_fixtures.ts';
import { bvecqState, bvecState, edgeVector, kunitChain, num } from './kunit_vectors.ts';

const page = (n: number, len = 4096, offset = 0) => ({ page: 100 + n, offset, len });
const init = (count: number, slot = 0, bvecq = 0): BvsimEvent => ({ type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq, slot, offset: 0, count });
const advance = (bytes: number): BvsimEvent => ({ type: 'iov_iter_advance', iter: 0, bytes });
const revert = (bytes: number): BvsimEvent => ({ type: 'iov_iter_revert', iter: 0, bytes });
const copy = (bytes: number): BvsimEvent => ({ type: 'copy_to_iter', iter: 0, bytes, buf: 9, offset: 0 });
const kbuf: BvsimEvent = { type: 'kbuf_alloc', buf: 9, size: 0x4000 };

/** Runs `setup`, then each op, recording the iterator state and outcome after each op. */
function trace(setup: BvsimEvent[], ops: BvsimEvent[]) {
  const r = run([...setup, ...ops]);
  const after = r.outs.slice(setup.length);
  const engine = run(setup).engine;
  const states = ops.map((op) => {
    engine.step(op);
    return engine.peek().iters[0];
  });
  return { after, states, last: after[after.length - 1] as StepOutcome };
}

describe('iov_iter_advance (derived edge vectors)', () => {
  it('should match bvecq_advance_to_node_end_is_not_normalized, and copy on from the next node', () => {
    const v = edgeVector('bvecq_advance_to_node_end_is_not_normalized');
    const t = trace([kbuf, ...node(0, [page(0), page(1)]), ...node(1, [page(2), page(3)], 0), init(0x4000)], [advance(0x2000), copy(1)]);
    expect(bvecqState(t.states[0])).toEqual(v.state_after_advance);
    expect([t.last.ret, bvecqState(t.states[1])]).toEqual([v.copy_ret, v.state_after_copy]);
  });

  it('should match bvecq_advance_zero_at_node_end_moves_to_next_node', () => {
    const v = edgeVector('bvecq_advance_zero_at_node_end_moves_to_next_node');
    const t = trace([...node(0, [page(0)]), ...node(1, [page(1)], 0), init(0x1000, 1)], [advance(0)]);
    expect(bvecqState(t.states[0])).toEqual(v.state_after);
  });

  it('should match bvecq_advance_zero_skips_one_zero_length_slot', () => {
    const v = edgeVector('bvecq_advance_zero_skips_one_zero_length_slot');
    const t = trace([...node(0, [{ page: null, offset: 0, len: 0 }, page(1)]), init(0x1000)], [advance(0)]);
    expect(bvecqState(t.states[0])).toEqual(v.state_after);
  });

  it('should match bvecq_advance_over_zero_length_slots', () => {
    const v = edgeVector('bvecq_advance_over_zero_length_slots');
    const nul = { page: null, offset: 0, len: 0 };
    const t = trace([...node(0, [page(0), nul, nul, page(3)]), init(0x2000)], [advance(0x1000), advance(1)]);
    expect(t.states.map(bvecqState)).toEqual([v.state_after_first, v.state_after_second]);
  });

  it('should match bvecq_advance_beyond_chain_end, with no WARN', () => {
    const v = edgeVector('bvecq_advance_beyond_chain_end');
    const t = trace([...node(0, [page(0)]), init(0x2000)], [advance(6000)]);
    expect([bvecqState(t.states[0]), ids(t.last)]).toEqual([v.state_after, []]);
  });

  it('should match the iov_iter_bvec_advance half of bvec_iter_advance_boundaries', () => {
    const v = edgeVector('bvec_iter_advance_boundaries');
    const t = trace(
      [{ type: 'bvec_array', bvec: 0, bv: [page(0), page(1, 0), page(2)] }, { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 8192 }],
      [advance(4096)],
    );
    expect(bvecState(t.states[0])).toEqual(v.iov_iter_bvec_advance_4096_same_layout);
  });
});

describe('iov_iter_revert (derived edge vectors)', () => {
  it('should match bvecq_revert_across_node_boundary', () => {
    const v = edgeVector('bvecq_revert_across_node_boundary');
    const t = trace([...node(0, [page(0), page(1)]), ...node(1, [page(2)], 0), init(0x3000)], [advance(0x2064), revert(100), revert(1), revert(4095)]);
    expect(t.states.map(bvecqState)).toEqual(v.states);
  });

  it('should match bvecq_revert_past_head_oopses (a NULL prev is a bug)', () => {
    edgeVector('bvecq_revert_past_head_oopses');
    const t = trace([...node(0, [page(0)]), ...node(1, [page(1)], 0), init(0x1000, 0, 1)], [revert(4097)]);
    expect(ids(t.last)).toEqual(['bug.iov_iter_revert.past_start']);
  });

  it('should match revert_more_than_MAX_RW_COUNT_is_noop_with_WARN', () => {
    const v = edgeVector('revert_more_than_MAX_RW_COUNT_is_noop_with_WARN');
    const t = trace([...node(0, [page(0)]), init(0x1000)], [revert(num(v.ops?.[0]?.split(' ')[1]))]);
    expect([bvecqState(t.states[0]), ids(t.last)]).toEqual([v.state_after, ['warn.iov_iter_revert.too_large']]);
  });
});

describe('copy_to_iter (derived edge vectors)', () => {
  it('should match copy_to_exact_segment_end_normalisation on both iterator types', () => {
    const v = edgeVector('copy_to_exact_segment_end_normalisation');
    const q = trace([kbuf, ...node(0, [page(0), page(1)]), init(0x2000)], [copy(0x1000)]);
    const b = trace([kbuf, { type: 'bvec_array', bvec: 0, bv: [page(0), page(1)] }, { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 0x2000 }], [copy(0x1000)]);
    expect([bvecqState(q.states[0]), bvecState(b.states[0])]).toEqual([v.bvecq_state, v.bvec_state]);
  });

  it('should match bvecq_count_exceeds_chain_short_copy, with no WARN', () => {
    const v = edgeVector('bvecq_count_exceeds_chain_short_copy');
    const t = trace([kbuf, ...node(0, [page(0)]), init(0x3000)], [copy(0x3000)]);
    expect([t.last.ret, bvecqState(t.states[0]), ids(t.last)]).toEqual([num(v.copied), v.state_after, []]);
  });
});

describe('iov_iter_extract_pages (derived edge vectors)', () => {
  it('should match bvecq_extract_run_breaks_on_partial_page', () => {
    const v = edgeVector('bvecq_extract_run_breaks_on_partial_page');
    const ex: BvsimEvent = { type: 'iov_iter_extract_pages', iter: 0, maxsize: 0x19000, maxpages: 8 };
    const t = trace([...node(0, [{ page: 10, offset: 0, len: 4096 }, { page: 20, offset: 0, len: 2048 }, { page: 30, offset: 0, len: 4096 }]), init(0x2800)], [ex, ex]);
    const want = (v.calls ?? []).map((c) => ({ ret: { len: num(c.len), offset0: c.offset0, pages: c.pages }, state: c.state_after }));
    expect(t.after.map((o, k) => ({ ret: o.ret, state: bvecqState(t.states[k]) }))).toEqual(want);
  });
});

describe('iov_iter_npages (derived edge vectors)', () => {
  it('should match bvecq_npages on the KUnit chain', () => {
    const v = edgeVector('bvecq_npages');
    const np = (maxpages: number): BvsimEvent => ({ type: 'iov_iter_npages', iter: 0, maxpages });
    const t = trace([...kunitChain(), init(0x18794)], [advance(0x5193), np(2147483647), np(8)]);
    expect(bvecqState(t.states[0])).toEqual(v.state);
    expect(t.after.slice(1).map((o) => o.ret)).toEqual([v['npages(maxpages=INT_MAX)'], v['npages(maxpages=8)']]);
  });
});
