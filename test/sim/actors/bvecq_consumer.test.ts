// The bvecq rolling-buffer actor: producer, dispatcher, subrequests and collector over bvecq
// positions. A clean model balances every reference; the position-helper mutants are caught.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../../core/index.ts';
import { failures, findingSeeds, range, runKind } from './helpers.ts';

const runs = range(1, 60).map((seed) => runKind(seed, 'bvecq_consumer'));
const events: BvsimEvent[] = runs.flatMap((r) => r.result.steps.map((s) => s.event));
const count = (type: BvsimEvent['type']): number => events.filter((e) => e.type === type).length;

describe('bvecq_consumer (seeds 1..60)', () => {
  it('should give no finding on the clean model and always quiesce', () => {
    expect(failures(runs)).toEqual([]);
  });

  it('should exercise every position helper it is built on', () => {
    const types = [
      'bvecq_buffer_init', 'bvecq_buffer_append', 'bvecq_append_page', 'bvecq_pos_set', 'bvecq_pos_unset',
      'bvecq_pos_advance', 'bvecq_pos_step', 'bvecq_pos_nudge', 'bvecq_slice', 'bvecq_extract', 'bvecq_zero',
      'bvecq_delete_spent', 'iov_iter_bvec_queue', 'bvecq_expand_buffer',
    ] as const;
    for (const type of types) expect(count(type), type).toBeGreaterThan(0);
  });

  it('should unset every position it sets', () => {
    const leftSet = runs.flatMap((r) => {
      // A failed bvecq_buffer_init() leaves its position unset: nothing to undo.
      const set = new Set(r.result.steps.flatMap(({ event: e, outcome }) => (e.type === 'bvecq_pos_set' || (e.type === 'bvecq_buffer_init' && outcome.ret === 0) ? [e.pos] : [])));
      const unset = new Set(r.result.steps.flatMap(({ event: e }) => (e.type === 'bvecq_pos_unset' ? [e.pos] : [])));
      return [...set].filter((p) => !unset.has(p)).map((p) => `seed ${r.seed}: position ${p}`);
    });
    expect(leftSet).toEqual([]);
  });

  it('should grow some buffers with bvecq_expand_buffer() alone, whose ALLOCED pages are freed with their nodes', () => {
    const grown = runs.filter((r) => r.config.actors.every((a) => a.kind === 'bvecq_consumer' && !a.ownPages));
    expect(grown.length).toBeGreaterThan(3);
    for (const r of grown) {
      const evs = r.result.steps.map((s) => s.event);
      expect(evs.some((e) => e.type === 'bvecq_append_page'), `seed ${r.seed}`).toBe(false);
      const pages = evs.flatMap((e) => (e.type === 'bvecq_expand_buffer' ? e.allocs.filter((a): a is number => a !== null) : []));
      expect(pages.length, `seed ${r.seed}`).toBeGreaterThan(0);
      const engine = createEngine('mutable', DEFAULT_OPTIONS);
      for (const e of evs) engine.step(e);
      expect(pages.filter((pfn) => engine.peek().folios[pfn]?.freed !== true), `seed ${r.seed}`).toEqual([]);
    }
  });

  it('should delete spent nodes that really are spent', () => {
    const rets = runs.flatMap((r) => r.result.steps.filter((s) => s.event.type === 'bvecq_delete_spent').map((s) => s.outcome.ret));
    expect(rets).toContain(true);
    expect(rets).toContain(false);
  });
});

describe('bvecq_consumer against the bvecq_pos_v1 mutants (seeds 1..40)', () => {
  for (const mutant of ['bvecq_pos_advance_inverted', 'bvecq_pos_step_off_by_one', 'bvecq_delete_spent_stale_slot', 'bvecq_pos_v1']) {
    it(`should find ${mutant} in some seed`, () => {
      expect(findingSeeds('bvecq_consumer', [mutant], 1, 40).length).toBeGreaterThan(0);
    });
  }
});
