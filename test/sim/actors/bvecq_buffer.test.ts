// The bvecq buffer actor: a buffer built from the caller's pages and grown with
// bvecq_expand_buffer(), pieces extracted and sent, ranges cleared, the buffer shortened.
// A clean model reports nothing for any shape; each bvecq_pos_v1 flag the actors reach is
// caught by a seed measured with `bench --only mutants` (the rest: see the regression traces).
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { BvsimEvent } from '../../../core/index.ts';
import type { ActorConfig, ActorKind, SimConfig } from '../../../sim/index.ts';
import { failures, range, runConfig, runKind } from './helpers.ts';

const params = fc.record({
  rounds: fc.integer({ min: 1, max: 3 }),
  callerPages: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
  orderMax: fc.integer({ min: 0, max: 2 }),
  headSlots: fc.oneof(fc.constantFrom(1, 2, 3, 29), fc.integer({ min: 1, max: 29 })),
  growPages: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 })),
  growSteps: fc.integer({ min: 1, max: 3 }),
  fragmented: fc.boolean(),
  opsMax: fc.integer({ min: 0, max: 16 }),
  pieceMax: fc.oneof(fc.constantFrom(1, 4096, 8192, 65536), fc.integer({ min: 1, max: 65536 })),
  pieceSlotsMax: fc.integer({ min: 1, max: 29 }),
});

function config(actor: ActorConfig, faults: boolean): SimConfig {
  const rate = faults ? { numerator: 4, denominator: 64 } : { numerator: 0, denominator: 1 };
  return { actors: [actor], policy: { kind: 'random' }, eventsMax: 600, drainMax: 5000, allocFailRate: rate, device: { shortRate: rate, errorRate: rate, weight: 1 } };
}

describe('bvecq_buffer on the clean model', () => {
  test.prop([fc.integer({ min: 1, max: 0xffff }), params, fc.boolean()], { seed: 20260706, numRuns: 100 })('should report nothing and quiesce, whatever the shape', (seed, p, faults) => {
    expect(failures([runConfig(seed, config({ kind: 'bvecq_buffer', name: 'b', ...p }, faults))])).toEqual([]);
  });

  it('should call every helper it models', () => {
    const events: BvsimEvent[] = range(1, 30).flatMap((seed) => runKind(seed, 'bvecq_buffer').result.steps.map((s) => s.event));
    const types = ['bvecq_alloc_one', 'bvecq_append_page', 'bvecq_shorten_buffer', 'bvecq_expand_buffer', 'bvecq_extract', 'bvecq_zero', 'copy_from_iter', 'folio_get'] as const;
    for (const type of types) expect(events.filter((e) => e.type === type).length, type).toBeGreaterThan(0);
  });

  it('should resume after a cut both ways: from a saved position, and from one set up again at the cut', () => {
    // An abandoned batch: the producer position let go, the buffer cut, the same position back.
    const resumes = range(1, 60).flatMap((seed) => {
      const events = runKind(seed, 'bvecq_buffer').result.steps.map((s) => s.event);
      return events.flatMap((e, k) => {
        const [before, after] = [events[k - 1], events[k + 1]];
        if (e.type !== 'bvecq_shorten_buffer' || before?.type !== 'bvecq_pos_unset' || after === undefined) return [];
        return (after.type === 'bvecq_pos_transfer' || after.type === 'bvecq_pos_init') && after.pos === before.pos ? [after.type] : [];
      });
    });
    expect(resumes.filter((t) => t === 'bvecq_pos_transfer').length).toBeGreaterThan(0);
    expect(resumes.filter((t) => t === 'bvecq_pos_init').length).toBeGreaterThan(0);
  });
});

/** [mutant, actor kind, seed (configs of that kind alone), first finding]. */
const FOUND: [string, ActorKind, number, string][] = [
  ['bvecq_pos_advance_inverted', 'bvecq_consumer', 1, 'warn bvecq_pos_advance.past_end'],
  ['bvecq_pos_step_off_by_one', 'bvecq_consumer', 3, 'warn bvecq_pos_advance.past_end'],
  ['bvecq_delete_spent_stale_slot', 'bvecq_consumer', 10, 'warn bvecq_pos_advance.past_end'],
  ['bvecq_zero_slice_walk', 'bvecq_buffer', 3, 'bug bvecq_pos.null_deref'],
  ['bvecq_shorten_keeps_empty_slot', 'bvecq_buffer', 1, 'warn bvecq_append_page.not_at_end'],
  ['bvecq_expand_mixes_mem_types', 'bvecq_buffer', 1, 'invariant refcount.leak'],
  ['bvecq_free_slot_page_pool', 'bvecq_buffer', 2, 'invariant netfs_page_pool.page_in_use'],
  ['bvecq_extract_crosses_nodes', 'bvecq_buffer', 2, 'bug kbuf.out_of_bounds'],
];

describe.each(FOUND)('mutant %s', (mutant, kind, seed, finding) => {
  it(`should be found by ${kind} seed ${seed} (${finding}), which is clean without it`, () => {
    expect(failures([runKind(seed, kind)])).toEqual([]);
    const f = runKind(seed, kind, [mutant]).result.findings[0];
    expect(f === undefined ? null : `${f.kind} ${f.id}`).toBe(finding);
  });
});
