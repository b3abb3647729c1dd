// The stacking driver against the completion-ordering mutant bio_endio_parent_early: it needs the
// parent's own I/O to overtake two of its chained splits, which PCT's priorities (starving the
// splits below the submitting actor) produce far more often than uniform scheduling.
import { describe, expect, it } from 'vitest';
import { runSeedTrace } from '../../../fuzz/index.ts';
import { drawConfig } from '../../../sim/index.ts';
import { failures, range } from './helpers.ts';

const MUTANT = 'bio_endio_parent_early';

function run(seed: number, policy: 'random' | 'pct', mutants: readonly string[]) {
  return runSeedTrace(seed, { mutants, mode: 'mutable', config: drawConfig(seed, { kinds: ['stacking_driver'], policy }) });
}

describe('stacking_driver against mutant bio_endio_parent_early', () => {
  it('should report bio.endio_before_children under PCT for seed 5, and nothing on the clean model', () => {
    const f = run(5, 'pct', [MUTANT]).result.findings[0];
    expect(f === undefined ? null : `${f.kind} ${f.id}`).toBe('invariant bio.endio_before_children');
    expect(failures([run(5, 'pct', [])])).toEqual([]);
  });

  it('should find it in more of seeds 1..60 under PCT than under the uniform policy (paired configs)', () => {
    const found = (policy: 'random' | 'pct') => range(1, 60).filter((seed) => run(seed, policy, [MUTANT]).result.findings.length > 0).length;
    const pct = found('pct');
    expect(pct).toBeGreaterThan(found('random') + 2);
  });
});
