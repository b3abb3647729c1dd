// Run options that make a run cheaper without changing its story: a run without step digests
// (campaign runs and shrink candidates whose trace is dropped), a run that keeps no steps (a
// campaign run) and a run that stops at its first finding (shrinking's stage 1).
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/index.ts';
import { runSeedResult, runSeedTrace } from '../../fuzz/index.ts';
import { drawConfig } from '../../sim/index.ts';

const SEEDS = Array.from({ length: 15 }, (_, k) => k + 1);
const storyOf = (steps: readonly { event: unknown; ret?: unknown; by?: string }[]): string[] => steps.map((s) => canonicalJson({ e: s.event, r: s.ret ?? null, by: s.by ?? '' }));

describe('a run without step digests', () => {
  it('should tell the same story and carry no digest at all, where the full run has one every 64 steps and a final one', () => {
    for (const seed of SEEDS) {
      const full = runSeedTrace(seed, { mutants: [], mode: 'mutable' }).trace;
      const bare = runSeedTrace(seed, { mutants: [], mode: 'mutable', digests: false }).trace;
      expect(storyOf(bare.steps)).toEqual(storyOf(full.steps));
      expect(bare.footer?.digest).toBeUndefined();
      expect(full.footer?.digest).toMatch(/^[0-9a-f]{16}$/);
      expect(full.steps.at(-1)?.digest).toBe(full.footer?.digest);
      expect(bare.steps.filter((s) => s.digest !== undefined)).toEqual([]);
      expect(full.steps.filter((s) => s.digest !== undefined).length).toBeGreaterThan(Math.floor(full.steps.length / 64) - 1);
    }
  });
});

describe('a run that keeps no steps', () => {
  it('should count the steps it applied and end as the full run does, with its steps list empty', () => {
    let found = 0;
    for (const seed of Array.from({ length: 40 }, (_, k) => k)) {
      const mutants = seed % 2 === 0 ? [] : ['bvecq_pos_advance_inverted'];
      const full = runSeedTrace(seed, { mutants, mode: 'mutable' }).result;
      const { result } = runSeedResult(seed, { mutants, mode: 'mutable', digests: false });
      expect(result.steps).toEqual([]);
      expect(result.stepCount).toBe(full.steps.length);
      expect(full.stepCount).toBe(full.steps.length);
      expect(result.findings).toEqual(full.findings);
      expect(result.choices).toEqual(full.choices);
      expect(result.quiesced).toBe(full.quiesced);
      if (full.findings.length > 0) found++;
    }
    expect(found).toBeGreaterThan(0);
  });
});

describe('a run with stopAtFinding', () => {
  it('should end at the step of its first finding, with the same events up to there and no quiescence', () => {
    let stopped = 0;
    for (const seed of Array.from({ length: 80 }, (_, k) => k)) {
      const config = drawConfig(seed);
      const full = runSeedTrace(seed, { mutants: ['bvecq_pos_advance_inverted'], mode: 'mutable', config });
      const at = full.result.steps.findIndex((s) => s.outcome.findings.length > 0);
      if (at < 0) continue;
      const short = runSeedTrace(seed, { mutants: ['bvecq_pos_advance_inverted'], mode: 'mutable', config: { ...config, stopAtFinding: true } });
      expect(short.result.steps).toHaveLength(at + 1);
      expect(storyOf(short.trace.steps)).toEqual(storyOf(full.trace.steps.slice(0, at + 1)));
      expect(short.result.findings).toEqual(full.result.steps[at]?.outcome.findings);
      expect(short.result.quiesced).toBe(false);
      stopped++;
    }
    expect(stopped).toBeGreaterThan(3);
  });

  it('should change nothing for a run without findings', () => {
    for (const seed of SEEDS) {
      const config = drawConfig(seed);
      const full = runSeedTrace(seed, { mutants: [], mode: 'mutable', config });
      if (full.result.findings.length > 0) continue;
      const again = runSeedTrace(seed, { mutants: [], mode: 'mutable', config: { ...config, stopAtFinding: true } });
      expect(storyOf(again.trace.steps)).toEqual(storyOf(full.trace.steps));
      expect(again.result.quiesced).toBe(true);
    }
  });
});
