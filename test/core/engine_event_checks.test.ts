// ModelOptions.eventChecks: the per-event invariant checkers and the data-placement check of
// each copy run unless it is false (the benchmark's switch); WARN/BUG sites and the
// quiescence checks run either way.
import { describe, expect, it } from 'vitest';
import { createEngine, type BvsimEvent, type EngineMode } from '../../core/index.ts';

/** A node published past its capacity: only the per-event checker reports it. */
const OVERFULL: BvsimEvent[] = [
  { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false },
  { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 3 },
];

/**
 * A chain A -> B -> C with B unpublished: with mutant iov_iter_bvecq_empty_not_skipped the copy
 * walks into B's slot, so bytes land in the wrong page; only the placement check sees it.
 */
const MISPLACED: BvsimEvent[] = [
  ...[1, 2, 3].map((f): BvsimEvent => ({ type: 'folio_alloc', folio: f, order: 0, pfn: 16 * f, fail: false })),
  ...[0, 1, 2].flatMap((q): BvsimEvent[] => [
    { type: 'bvecq_alloc_one', bvecq: q, nr_slots: 1, max_slots: 1, fail: false },
    { type: 'bvecq_set_slot', bvecq: q, slot: 0, page: 16 * (q + 1), offset: 0, len: 4096 },
    ...(q === 1 ? [] : [{ type: 'bvecq_filled_to', bvecq: q, nr_slots: 1 } as const]),
    ...(q === 0 ? [] : [{ type: 'bvecq_append', to: q - 1, add: q } as const]),
  ]),
  { type: 'kbuf_alloc', buf: 0, size: 8192 },
  { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 8192 },
  { type: 'copy_to_iter', iter: 0, bytes: 8192, buf: 0, offset: 0 },
];

function ids(mode: EngineMode, eventChecks: boolean | undefined, events: readonly BvsimEvent[], mutants: Record<string, boolean> = {}): string[] {
  const engine = createEngine(mode, eventChecks === undefined ? { mutants } : { mutants, eventChecks });
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

    it(`should check where copied bytes land only with the per-event checks (${mode})`, () => {
      const mutant = { iov_iter_bvecq_empty_not_skipped: true };
      expect(ids(mode, undefined, MISPLACED, mutant)).toContain('invariant data.misplaced');
      expect(ids(mode, false, MISPLACED, mutant)).not.toContain('invariant data.misplaced');
      expect(ids(mode, undefined, MISPLACED)).toEqual([]);
    });
  }
});
