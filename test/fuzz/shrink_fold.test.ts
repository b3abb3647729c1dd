// Stage 2's last moves: deleting two events that are not adjacent, and folding a node linked
// by hand and filled page by page into one bvecq_expand_buffer() call. The story is a
// campaign's bvecq_delete_spent_stale_slot finding (seed 33), as stage 2 left it before them.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { shrinkTrace } from '../../fuzz/index.ts';
import { judgeEvents } from '../../fuzz/shrink_events.ts';
import { deleteChunks, deletePairs, searchCtx } from '../../fuzz/shrink_search.ts';
import { mutantWitness, WITNESS_CLEAN_QUIET } from '../../fuzz/shrink_witness.ts';

const MUTANT = 'bvecq_delete_spent_stale_slot';
const MODEL = { mutants: { [MUTANT]: true } };

const ctxOf = () => searchCtx({ shouldStop: () => false, candidatesMax: 100_000, onProgress: () => undefined }, { kind: 'warn', id: 'x', detail: '' });

/** A greedy search over a list: `attempt` keeps the candidate when `ok` says so. */
function search(start: number[], ok: (xs: readonly number[]) => boolean, pass: typeof deletePairs): number[] {
  let best = start;
  const ctx = ctxOf();
  pass(ctx, () => best, (cand) => {
    if (!ok(cand)) return false;
    best = cand;
    return true;
  });
  return best;
}

describe('deletePairs', () => {
  const bothOrNeither = (a: number, b: number) => (xs: readonly number[]) => xs.includes(a) === xs.includes(b) && Array.from({ length: 10 }, (_, i) => i).every((i) => i === a || i === b || xs.includes(i));

  it('should delete two events that only go together, where deleting chunks cannot', () => {
    const start = Array.from({ length: 10 }, (_, i) => i);
    expect(search(start, bothOrNeither(3, 7), deleteChunks)).toEqual(start);
    expect(search(start, bothOrNeither(3, 7), deletePairs)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
  });

  test.prop([fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })])('should find any non-adjacent pair', (a, b) => {
    fc.pre(Math.abs(a - b) >= 2);
    const start = Array.from({ length: 10 }, (_, i) => i);
    expect(search(start, bothOrNeither(a, b), deletePairs)).toEqual(start.filter((x) => x !== a && x !== b));
  });
});

const head: BvsimEvent[] = [
  { type: 'bvecq_buffer_init', pos: 1, bvecq: 1, fail: false },
  { type: 'bvecq_pos_set', pos: 3, at: 1 },
];

/** The eight-event story: a second position on the empty head node is the one delete_spent moves on. */
const byHand: BvsimEvent[] = [
  ...head,
  { type: 'bvecq_pos_set', pos: 4, at: 1 },
  { type: 'folio_alloc', folio: 1048584, order: 0, pfn: 1048584, fail: false },
  { type: 'bvecq_alloc_one', bvecq: 3, nr_slots: 1, max_slots: 1, fail: false },
  { type: 'bvecq_buffer_append', pos: 1, bvecq: 3 },
  { type: 'bvecq_append_page', pos: 1, page: 1048584, offset: 0, len: 4096 },
  { type: 'bvecq_delete_spent', pos: 4 },
  { type: 'bvecq_pos_advance', pos: 3, amount: 1 },
];

describe('shrinkTrace, the fold pass', () => {
  it('should grow the buffer with bvecq_expand_buffer instead of a node and page linked by hand, down to the hand minimum', () => {
    const v = judgeEvents(byHand, MODEL);
    expect('first' in v && v.first?.id).toBe('bvecq_pos_advance.past_end');
    expect(judgeEvents(byHand, { mutants: {} })).toEqual({ first: undefined, at: -1 });
    const out = shrinkTrace({ trace: { header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: [MUTANT] }, steps: byHand.map((event, i) => ({ i, event })), footer: null }, run: null });
    if (!out.ok) throw new Error(out.message);
    const events = out.report.trace.steps.map((s) => s.event);
    expect(events).toEqual([
      ...head,
      { type: 'bvecq_expand_buffer', bvecq: 1, cur_size: 0, size: 1, nodes: [3], allocs: [1048584] },
      { type: 'bvecq_delete_spent', pos: 1 },
      { type: 'bvecq_pos_advance', pos: 3, amount: 1 },
    ]);
    const w = judgeEvents(events, MODEL);
    expect('first' in w && w.first !== undefined && mutantWitness(events, w.first, w.at, MODEL, 'mutable')).toBe(WITNESS_CLEAN_QUIET);
  });

});

describe('shrinkTrace, the fold pass on a node filled through a position set on it', () => {
  // A campaign's bvecq_shorten_keeps_empty_slot finding (seed 0), as stage 2 left it before the
  // fold learnt this pattern: the node, the position on it and the one-byte page become an expand.
  const MUTANT_SHORTEN = 'bvecq_shorten_keeps_empty_slot';
  const init: BvsimEvent = { type: 'bvecq_pos_init', pos: 1, bvecq: 1, slot: 0, offset: 0 };
  const shorten: BvsimEvent = { type: 'bvecq_shorten_buffer', bvecq: 1, slot: 0, size: 0 };
  const appendEmpty: BvsimEvent = { type: 'bvecq_append_page', pos: 1, page: 1048577, offset: 0, len: 0 };
  const byHand: BvsimEvent[] = [
    { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 1, max_slots: 1, mem_type: 'EXTERNAL', fail: false },
    init,
    { type: 'bvecq_append_page', pos: 1, page: 1048576, offset: 0, len: 1 },
    shorten,
    init,
    appendEmpty,
  ];

  it('should make the node with bvecq_expand_buffer and set the position on it after', () => {
    const model = { mutants: { [MUTANT_SHORTEN]: true } };
    const v = judgeEvents(byHand, model);
    expect('first' in v && v.first?.id).toBe('bvecq_append_page.not_at_end');
    const out = shrinkTrace({ trace: { header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: [MUTANT_SHORTEN] }, steps: byHand.map((event, i) => ({ i, event })), footer: null }, run: null });
    if (!out.ok) throw new Error(out.message);
    expect(out.report.trace.steps.map((s) => s.event)).toEqual([
      { type: 'bvecq_expand_buffer', bvecq: null, cur_size: 0, size: 1, nodes: [1], allocs: [1048576] },
      init,
      shorten,
      appendEmpty,
    ]);
  });
});
