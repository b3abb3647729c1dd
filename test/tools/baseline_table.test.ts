// The baseline table's cells run on worker threads: a cell must give the row the same search
// gives in process (a run budget, never the clock, keeps both deterministic).
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { baselineRow } from '../../tools/bench/baseline_commands.ts';
import { runBaselineCell } from '../../tools/bench/baseline_table.ts';

const deterministic = (r: { found: boolean; runs: number; signature: string | null; shrunkLength: number | null }) => ({
  found: r.found,
  runs: r.runs,
  signature: r.signature,
  shrunkLength: r.shrunkLength,
});

describe('runBaselineCell', () => {
  it('should give on a worker thread the row the in-process search gives', async () => {
    const cell = { mutant: 'iov_iter_bvecq_empty_not_skipped', seed: 1, budget: { runs: 1000 }, shrinkMs: 10_000, rule: 'halt' } as const;
    const here = baselineRow(cell.mutant, cell.seed, cell.budget, () => performance.now(), { shrinkMs: cell.shrinkMs, rule: cell.rule });
    const there = await runBaselineCell(cell);
    expect(there.found).toBe(true);
    expect(deterministic(there)).toEqual(deterministic(here));
  });

  it('should reject when the cell fails (an unknown mutant)', async () => {
    await expect(runBaselineCell({ mutant: 'no_such_mutant', seed: 1, budget: { runs: 1 }, shrinkMs: 1000, rule: 'halt' })).rejects.toThrow(/unknown mutant/);
  });
});
