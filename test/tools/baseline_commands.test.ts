// The fc.commands baseline of the mutant benchmark: under a fixed fast-check seed and a run
// budget (never the clock), it finds a mutant that random sequences hit within a few dozen
// runs and shrinks the counterexample, while the differential never reports the clean model
// against itself; the table summarizes seeds the way the simulator's table does.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { baselineRow, formatSummary, summarize, type BaselineRow } from '../../tools/bench/baseline_commands.ts';
import { remainderDraw } from '../../tools/bench/baseline_property.ts';

const now = (): number => performance.now();
const SIGNATURE = /^(warn|bug|invariant|internal)\.\S+$/;

describe('baselineRow', () => {
  it('should find iov_iter_bvecq_empty_not_skipped within 1000 sequences and shrink it', () => {
    const r = baselineRow('iov_iter_bvecq_empty_not_skipped', 1, { runs: 1000 }, now);
    expect(r.found).toBe(true);
    expect(r.runs).toBeLessThanOrEqual(1000);
    expect(r.signature).toMatch(SIGNATURE);
    expect(r.shrunkLength).toBeGreaterThanOrEqual(1);
    expect(r.firstMs).not.toBeNull();
    expect(r.totalMs).toBeGreaterThanOrEqual(r.firstMs ?? Infinity);
  });

  it.each(['halt', 'finding-free'] as const)('should never find the clean model against itself (rule %s)', (rule) => {
    const r = baselineRow('', 1, { runs: 300 }, now, { rule });
    expect(r).toMatchObject({ found: false, runs: 300, signature: null, shrunkLength: null });
  });

  it('should refuse an unknown mutant name', () => {
    expect(() => baselineRow('no_such_mutant', 1, { runs: 1 }, now)).toThrow(/unknown mutant/);
  });
});

describe('remainderDraw', () => {
  it('should take each integer modulo the bound and give 0 once the list runs out', () => {
    const d = remainderDraw([7, 2 ** 31 - 1, 12]);
    expect([d.int(5), d.int(4), d.pick(['a', 'b', 'c']), d.int(9)]).toEqual([2, 3, 'a', 0]);
  });
});

describe('summarize', () => {
  const row = (seed: number, found: boolean, ms: number, runs: number, sig: string): BaselineRow => ({
    mutant: 'm',
    seed,
    found,
    firstMs: found ? ms : null,
    runs,
    signature: found ? sig : null,
    shrunkLength: found ? seed + 1 : null,
    shrinkInterrupted: false,
    totalMs: ms,
  });

  it('should count a seed without a find as infinite, average the middle pair and take the commonest signature', () => {
    const s = summarize('m', [row(1, true, 300, 30, 'bug.b'), row(2, false, 0, 900, ''), row(3, true, 100, 10, 'warn.a'), row(4, true, 200, 20, 'warn.a')]);
    expect(s).toMatchObject({ found: 3, medianMs: 250, worstMs: Infinity, medianRuns: 25, worstRuns: Infinity, signature: 'warn.a', medianShrunk: 4 });
    const line = formatSummary(s, 20_000);
    expect(line).toMatch(/^m\s+3\/4\s+0\.25s\s+>20s\s+25\s+-\s+4 warn\.a$/);
  });
});
