// netfs readers in simulated runs: both execution modes give the same steps, digests and findings,
// and each netfs mutant is found by the swarm within a small number of seeds.
import { describe, expect, it } from 'vitest';
import { drawConfig, runSeed, type RunResult } from '../../sim/index.ts';

const SEEDS = [3, 11, 27];

function run(seed: number, design: 'cursor' | 'rolling', mode: 'mutable' | 'immutable', mutants: Record<string, boolean> = {}, hazards = false): RunResult {
  const drawn = drawConfig(seed, { kinds: ['netfs_reader'], design });
  const config = { ...drawn, actors: drawn.actors.map((a) => (a.kind === 'netfs_reader' ? { ...a, hazards } : a)) };
  return runSeed(config, seed, { model: { mutants }, mode, digestEvery: 8 });
}

describe('netfs_reader actors (simulated runs)', () => {
  it.each(SEEDS.flatMap((s) => [[s, 'cursor'] as const, [s, 'rolling'] as const]))('should agree across both execution modes (seed %i, %s)', (seed, design) => {
    const a = run(seed, design, 'mutable');
    const b = run(seed, design, 'immutable');
    expect(b.steps.map((s) => s.event)).toEqual(a.steps.map((s) => s.event));
    expect(b.steps.map((s) => s.digest ?? '')).toEqual(a.steps.map((s) => s.digest ?? ''));
    expect(b.findings).toEqual(a.findings);
    expect(a.steps.some((s) => s.event.type === 'netfs_read_collection')).toBe(true);
  });

  it('should report nothing in clean swarm runs of either design (hazards off)', () => {
    const failing: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      for (const design of ['cursor', 'rolling'] as const) {
        const r = run(seed, design, 'mutable');
        if (r.findings.length > 0 || !r.quiesced) failing.push(`${seed} ${design}: ${r.findings[0]?.id ?? 'not quiesced'}`);
      }
    }
    expect(failing).toEqual([]);
  });

  it('should reach the documented kernel findings with hazards on', () => {
    const ids = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) for (const design of ['cursor', 'rolling'] as const) for (const f of run(seed, design, 'mutable', {}, true).findings) ids.add(f.id);
    expect(ids.has('bvecq.use_after_free')).toBe(true);
    expect(ids.has('folio.collected_not_uptodate')).toBe(true);
  });

  // netfs_alloc_subrequest() cannot fail (a GFP_KERNEL mempool), so a retry is never handed a
  // failed spare, however faulty the run: the NULL path leaves a range no subrequest reads.
  it('should hand retries only subrequests that were allocated, even under allocation faults', () => {
    let retries = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const drawn = drawConfig(seed, { kinds: ['netfs_reader'] });
      const config = { ...drawn, allocFailRate: { numerator: 1, denominator: 4 }, device: { ...drawn.device, shortRate: { numerator: 1, denominator: 2 } } };
      for (const s of runSeed(config, seed, { model: { mutants: {} }, mode: 'mutable' }).steps) {
        if (s.event.type !== 'netfs_retry_reads') continue;
        retries++;
        expect(s.event.spare.every((x) => x !== null)).toBe(true);
      }
    }
    expect(retries).toBeGreaterThan(0);
  });

  it('should draw both designs and pass the design to the readers', () => {
    const designs = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => drawConfig(s).design));
    expect([...designs].sort((a, b) => String(a).localeCompare(String(b)))).toEqual(['cursor', 'rolling']);
    const r = run(3, 'rolling', 'mutable');
    const ra = r.steps.find((s) => s.event.type === 'netfs_readahead');
    expect(ra?.event).toMatchObject({ design: 'rolling' });
  });

  it.each([
    ['netfs_collect_stale_slot', 'cursor'],
    ['netfs_unlock_uncollected_folio', 'cursor'],
    ['netfs_subreq_terminated_twice', 'cursor'],
    ['netfs_no_transferred_check', 'cursor'],
    ['netfs_9p_revert_after_read', 'rolling'],
  ] as const)('should find mutant %s within 60 seeds (%s design)', (mutant, design) => {
    // The 9p revert only bites where the collector frees nodes under the iterators: hazards on.
    const hazards = mutant === 'netfs_9p_revert_after_read';
    let found = -1;
    for (let seed = 1; seed <= 60 && found < 0; seed++) {
      const clean = run(seed, design, 'mutable', {}, hazards);
      const mut = run(seed, design, 'mutable', { [mutant]: true }, hazards);
      const sig = (r: RunResult) => r.findings.map((f) => `${f.kind}.${f.id}`).join(',');
      if (sig(mut) !== sig(clean)) found = seed;
    }
    expect(found).toBeGreaterThan(0);
  });
});
