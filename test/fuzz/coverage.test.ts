// Semantic coverage goals on hand-written traces whose states are known: a split bio chained
// three times, a short completion, an error, the parent ended by its last child — and the same
// story reordered so that one goal is not reached.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { campaignRun, configOf, coverageOf, coverageTracker, GOALS, goalsNeverReached, isRareGoal, REQUIRED_GOALS, runSeedTrace } from '../../fuzz/index.ts';
import { recordTrace } from '../../traces/index.ts';

const SETUP: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 1048576, order: 2, pfn: 1048576, fail: false },
  { type: 'bio_alloc', bio: 1, nr_vecs: 1, opf: 0, max_vecs: 1, fail: false },
  { type: 'bio_add_folio', bio: 1, folio: 1048576, len: 16384, offset: 0 },
  { type: 'bio_set_sector', bio: 1, sector: 0 },
  { type: 'bio_set_end_io', bio: 1, end_io: 'record_put' },
  { type: 'bio_split', bio: 1, split: 2, sectors: 8, fail: false },
  { type: 'bio_chain', bio: 2, parent: 1 },
  { type: 'bio_split', bio: 1, split: 3, sectors: 8, fail: false },
  { type: 'bio_chain', bio: 3, parent: 1 },
  { type: 'bio_split', bio: 1, split: 4, sectors: 8, fail: false },
  { type: 'bio_chain', bio: 4, parent: 1 },
  { type: 'submit_bio', bio: 2, io: 2 },
  { type: 'submit_bio', bio: 3, io: 3 },
  { type: 'submit_bio', bio: 4, io: 4 },
  { type: 'submit_bio', bio: 1, io: 1 },
];

const PARENT_FIRST: BvsimEvent[] = [
  { type: 'sim.device_complete', io: 1, bytes: 512, error: 0 },
  { type: 'sim.device_complete', io: 1, bytes: 3584, error: 0 },
  { type: 'sim.device_complete', io: 2, bytes: 4096, error: 0 },
  { type: 'sim.device_complete', io: 3, bytes: 0, error: 10 },
  { type: 'sim.device_complete', io: 4, bytes: 4096, error: 0 },
];

const PARENT_LAST: BvsimEvent[] = [
  { type: 'sim.device_complete', io: 2, bytes: 4096, error: 0 },
  { type: 'sim.device_complete', io: 3, bytes: 4096, error: 0 },
  { type: 'sim.device_complete', io: 4, bytes: 4096, error: 0 },
  { type: 'sim.device_complete', io: 1, bytes: 4096, error: 0 },
];

const END: BvsimEvent[] = [{ type: 'folio_put', folio: 1048576 }, { type: 'sim.quiesce' }];

function coverage(events: BvsimEvent[]): string[] {
  const r = recordTrace(events);
  if (!r.ok) throw new Error(`does not record: ${JSON.stringify(r.error)}`);
  expect(r.trace.footer?.findings).toEqual([]);
  return coverageOf(r.trace.steps, { mutants: {} });
}

describe('coverageOf', () => {
  it('should see three chained children, a short completion, an error and the parent ended by its last child', () => {
    expect(coverage([...SETUP, ...PARENT_FIRST, ...END])).toEqual([
      'bio_chain.child_error_to_parent',
      'bio_chain.parent_ended_by_child',
      'bio_chain.parent_overtook_children',
      'bio_chain.three_children',
      'device.error',
      'device.short',
    ]);
  });

  it('should not credit the children when the parent completes last, nor errors or short completions that did not happen', () => {
    expect(coverage([...SETUP, ...PARENT_LAST, ...END])).toEqual(['bio_chain.three_children']);
  });

  it('should see a failed allocation', () => {
    expect(coverage([{ type: 'folio_alloc', folio: 1048576, order: 0, pfn: 1048576, fail: true }])).toEqual(['alloc.failed']);
  });

  it('should stop at a step the model rejects', () => {
    const steps = [{ i: 0, event: { type: 'folio_put', folio: 7 } as BvsimEvent }, { i: 1, event: { type: 'folio_alloc', folio: 1, order: 0, pfn: 1, fail: true } as BvsimEvent }];
    expect(coverageOf(steps, { mutants: {} })).toEqual([]);
  });
});

describe('coverage counted while the run is simulated', () => {
  // Campaigns count goals as the simulator applies each step, where they used to fold the
  // finished run through the model again: the two must agree on every run.
  it('should reach the same goals as folding the finished run again', () => {
    const opts = { mutants: [], policy: null, canary: null } as const;
    let reachedSome = 0;
    for (let k = 0; k < 80; k++) {
      const spec = campaignRun(11, k);
      const tracker = coverageTracker();
      const run = runSeedTrace(spec.seed, { mutants: [], mode: 'mutable', config: configOf(spec, opts), digests: false, observer: tracker });
      const folded = coverageOf(run.trace.steps, { mutants: {} });
      expect(tracker.goals(), `run ${k}`).toEqual(folded);
      if (folded.length > 0) reachedSome++;
    }
    expect(reachedSome).toBeGreaterThan(40);
  });
});

describe('the goal catalogue', () => {
  it('should have unique goal ids, each described, and some required', () => {
    const ids = GOALS.map((g) => g.goal);
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of GOALS) expect(g.about.length).toBeGreaterThan(10);
    expect(REQUIRED_GOALS.length).toBeGreaterThan(3);
  });

  it('should call a goal rare while few runs reached it', () => {
    expect(isRareGoal('device.short', {}, 10)).toBe(true);
    expect(isRareGoal('device.short', { 'device.short': 3 }, 10)).toBe(true);
    expect(isRareGoal('device.short', { 'device.short': 4 }, 10)).toBe(false);
    expect(isRareGoal('device.short', { 'device.short': 9 }, 10_000)).toBe(true);
  });

  it('should list the goals never reached in catalogue order', () => {
    const all = Object.fromEntries(GOALS.map((g) => [g.goal, 1]));
    expect(goalsNeverReached(all)).toEqual([]);
    expect(goalsNeverReached({ ...all, 'device.short': 0 })).toEqual(['device.short']);
  });
});
