// ModelOptions.eventChecks: the per-event invariant checkers run unless it is false (the
// benchmark's switch); the checks inside recipes and at quiescence run either way.
import { describe, expect, it } from 'vitest';
import { createEngine, type BvsimEvent, type EngineMode } from '../../core/index.ts';

/** A node published past its capacity: only the per-event checker reports it. */
const OVERFULL: BvsimEvent[] = [
  { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false },
  { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 3 },
];

function ids(mode: EngineMode, eventChecks: boolean | undefined, events: readonly BvsimEvent[]): string[] {
  const engine = createEngine(mode, eventChecks === undefined ? { mutants: {} } : { mutants: {}, eventChecks });
  return events.flatMap((e) => engine.step(e).findings.map((f) => `${f.kind} ${f.id}`));
}

describe('engine per-event checks (ModelOptions.eventChecks)', () => {
  for (const mode of ['immutable', 'mutable'] as const) {
    it(`should run the per-event checkers by default and when true (${mode})`, () => {
      expect(ids(mode, undefined, OVERFULL)).toEqual(['invariant bvecq.nr_slots_le_max_slots']);
      expect(ids(mode, true, OVERFULL)).toEqual(['invariant bvecq.nr_slots_le_max_slots']);
    });

    it(`should skip them when false but keep the quiescence checks (${mode})`, () => {
      expect(ids(mode, false, OVERFULL)).toEqual([]);
      expect(ids(mode, false, [...OVERFULL, { type: 'sim.quiesce' }])).toEqual(['invariant refcount.leak']);
    });
  }
});
