// Stage 2's merge pass: a copied position folded into its original, a second node into the
// first, where deleting events alone cannot get there.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { shrinkTrace } from '../../fuzz/index.ts';
import { judgeEvents } from '../../fuzz/shrink_events.ts';
import type { Trace } from '../../traces/index.ts';

function traceOf(events: readonly BvsimEvent[], mutants: string[]): Trace {
  return {
    header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants },
    steps: events.map((event, i) => ({ i, event })),
    footer: null,
  };
}

function shrunkEvents(events: readonly BvsimEvent[], mutants: string[]): BvsimEvent[] {
  const out = shrinkTrace({ trace: traceOf(events, mutants), run: null });
  if (!out.ok) throw new Error(out.message);
  return out.report.trace.steps.map((s) => s.event);
}

describe('shrinkTrace, the merge pass', () => {
  // The bvecq consumer's story under the inverted advance: its dispatch position is set at
  // the buffer's start, a subrequest position copied from it, then advanced by one byte. The
  // copy is not needed: the dispatch position advanced itself shows the same WARN.
  it('should fold a copied position into the one it was copied from', () => {
    const events: BvsimEvent[] = [
      { type: 'bvecq_buffer_init', pos: 1, bvecq: 1, fail: false },
      { type: 'bvecq_pos_set', pos: 3, at: 1 },
      { type: 'bvecq_append_page', pos: 1, page: 1048592, offset: 0, len: 1 },
      { type: 'bvecq_pos_set', pos: 5, at: 3 },
      { type: 'bvecq_pos_advance', pos: 5, amount: 1 },
    ];
    const out = shrunkEvents(events, ['bvecq_pos_advance_inverted']);
    expect(out).toEqual([events[0], events[1], events[2], { type: 'bvecq_pos_advance', pos: 3, amount: 1 }]);
    const v = judgeEvents(out, { mutants: { bvecq_pos_advance_inverted: true } });
    expect('first' in v && v.first?.id).toBe('bvecq_pos_advance.past_end');
  });
});
