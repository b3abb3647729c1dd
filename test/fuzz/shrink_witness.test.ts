// A mutant's shrunk finding must stay the mutant's: the witness levels, and both stages
// holding a candidate to them.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { runSeedTrace, shrinkTrace } from '../../fuzz/index.ts';
import { judgeEvents } from '../../fuzz/shrink_events.ts';
import { mutantWitness, WITNESS_CLEAN_MISSES, WITNESS_CLEAN_QUIET, WITNESS_MUTANT_DIFFERS, WITNESS_NONE } from '../../fuzz/shrink_witness.ts';
import type { Trace } from '../../traces/index.ts';

const MUTANT = 'bvecq_delete_spent_stale_slot';
const model = { mutants: { [MUTANT]: true } };
const target = { kind: 'warn', id: 'bvecq_pos_advance.past_end' } as const;

/**
 * An empty head node, two positions on it, a one-byte node appended after it, the spent head
 * deleted through one position; then the other advances by `amount`. The older
 * bvecq_delete_spent() leaves that position on a stale slot, so even one byte runs off the
 * chain; the fixed helper WARNs only when `amount` is more than the byte there is.
 */
function staleSlotStory(amount: number): BvsimEvent[] {
  return [
    { type: 'bvecq_buffer_init', pos: 1, bvecq: 1, fail: false },
    { type: 'bvecq_pos_set', pos: 3, at: 1 },
    { type: 'bvecq_pos_set', pos: 4, at: 1 },
    { type: 'bvecq_alloc_one', bvecq: 4, nr_slots: 29, max_slots: 29, fail: false },
    { type: 'bvecq_buffer_append', pos: 1, bvecq: 4 },
    { type: 'bvecq_append_page', pos: 1, page: 1048588, offset: 0, len: 1 },
    { type: 'bvecq_delete_spent', pos: 4 },
    { type: 'bvecq_pos_advance', pos: 3, amount },
  ];
}

function traceOf(events: readonly BvsimEvent[]): Trace {
  return {
    header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: [MUTANT] },
    steps: events.map((event, i) => ({ i, event })),
    footer: null,
  };
}

function firstOf(events: readonly BvsimEvent[], mutants: Record<string, boolean>): string {
  const v = judgeEvents(events, { mutants });
  return 'first' in v && v.first !== undefined ? `${v.first.kind}.${v.first.id}` : 'none';
}

describe('mutantWitness', () => {
  it('should rank a story by how much of it is the mutant', () => {
    const last = staleSlotStory(1).length - 1;
    // The clean model folds the one-byte advance without a WARN, or any finding at all.
    expect(mutantWitness(staleSlotStory(1), target, last, model, 'mutable')).toBe(WITNESS_CLEAN_QUIET);
    // A caller bug of another kind on the way: the clean model misses the target, not everything.
    const noisy: BvsimEvent[] = [{ type: 'folio_alloc', folio: 7, order: 11, pfn: 0, fail: false }, ...staleSlotStory(1)];
    expect(firstOf(noisy, {})).toBe('warn.folio_alloc.order_too_large');
    expect(mutantWitness(noisy, target, noisy.length - 1, model, 'mutable')).toBe(WITNESS_CLEAN_MISSES);
    // Two bytes: the fixed helper WARNs as well, but the mutant changed the deletion on the way.
    expect(mutantWitness(staleSlotStory(2), target, last, model, 'mutable')).toBe(WITNESS_MUTANT_DIFFERS);
    // Without the deletion both models tell one story: a caller bug, not the mutant's.
    const bare = staleSlotStory(2).filter((e) => e.type !== 'bvecq_delete_spent');
    expect(mutantWitness(bare, target, bare.length - 1, model, 'mutable')).toBe(WITNESS_NONE);
    // With no mutant on, there is nothing to witness.
    expect(mutantWitness(bare, target, bare.length - 1, { mutants: {} }, 'mutable')).toBe(WITNESS_CLEAN_QUIET);
  });
});

describe('shrinking with a mutant on', () => {
  // Stage 2 alone could cut this to "advance an empty buffer by one byte", which the fixed
  // kernel WARNs about too. Starting from a trace the clean model also fails, it must end on
  // one the clean model passes.
  it('should turn a story the clean model also fails into one only the mutant fails', () => {
    const input = staleSlotStory(2);
    expect(firstOf(input, {})).toBe('warn.bvecq_pos_advance.past_end');
    const out = shrinkTrace({ trace: traceOf(input), run: null });
    if (!out.ok) throw new Error(out.message);
    const events = out.report.trace.steps.map((s) => s.event);
    expect(firstOf(events, model.mutants)).toBe('warn.bvecq_pos_advance.past_end');
    expect(firstOf(events, {})).toBe('none');
    expect(events.some((e) => e.type === 'bvecq_delete_spent')).toBe(true);
    expect(out.report.eventsAfter).toBeLessThanOrEqual(input.length);
  });

  // Seed 6 under this mutant (then 5 once the rolling-buffer consumer drew how it grows, 33
  // once the bvecq buffer drew how it resumes after a cut): before stage 1 held candidates to
  // the witness, its run shrank to three events on which the clean model WARNs the same.
  it('should keep a simulated run the mutant\'s own through both stages', () => {
    const seed = 33;
    const r = runSeedTrace(seed, { mutants: [MUTANT], mode: 'mutable' });
    expect(r.result.findings[0]?.id).toBe('bvecq_pos_advance.past_end');
    const out = shrinkTrace({ trace: r.trace, run: { seed, config: r.config, choices: r.result.choices } }, { candidatesMax: 400 });
    if (!out.ok) throw new Error(out.message);
    const events = out.report.trace.steps.map((s) => s.event);
    expect(out.report.eventsAfter).toBeLessThan(r.trace.steps.length);
    expect(firstOf(events, model.mutants)).toBe('warn.bvecq_pos_advance.past_end');
    expect(firstOf(events, {})).toBe('none');
  });
});
