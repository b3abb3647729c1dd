// Stage 1's restarts: the actor that told the story, run alone from fresh seeds. Seed 0 under
// netfs_reissue_write_content_leak is a fourteen-actor run whose writeback leaks a content
// reference on a reissued subrequest; editing its choices keeps the other actors' interleaving,
// while the writeback alone tells the story in a fraction of the events.
import { describe, expect, it } from 'vitest';
import { runSeedTrace, shrinkTrace, type ShrinkReport } from '../../fuzz/index.ts';
import { RESTART_ACTORS, RESTART_SEEDS, restartsOf } from '../../fuzz/shrink_restart.ts';
import { judgeEvents } from '../../fuzz/shrink_events.ts';

const MUTANT = 'netfs_reissue_write_content_leak';
const KNOBS = [{ field: 'folios', min: 1 }, { field: 'rounds', min: 1 }, { field: 'sendErrors', min: 0 }];

describe('restartsOf', () => {
  const run = runSeedTrace(0, { mutants: [MUTANT], mode: 'mutable' });

  it('should restart the actors that proposed events, each alone, the first few only, with seeds of their own', () => {
    const restarts = restartsOf(run, KNOBS);
    const proposers = new Set(run.result.steps.flatMap((s) => (s.by.startsWith('actor:') ? [s.by.slice(6).split('.')[0]] : [])));
    expect(restarts.length).toBeGreaterThan(RESTART_ACTORS);
    expect(restarts.length).toBeLessThanOrEqual(2 * RESTART_ACTORS);
    for (const r of restarts) {
      expect(r.config.actors).toHaveLength(1);
      expect(proposers.has(r.config.actors[0]?.name)).toBe(true);
      expect(r.seeds).toHaveLength(RESTART_SEEDS);
      expect(new Set(r.seeds).size).toBe(RESTART_SEEDS);
      for (const s of r.seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    }
    const seeds = restarts.flatMap((r) => r.seeds);
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(restartsOf(run, KNOBS)).toEqual(restarts);
  });

  it('should put the actor whose event reported the finding first', () => {
    const at = run.result.steps.findIndex((s) => s.outcome.findings.length > 0);
    const by = run.result.steps[at]?.by ?? '';
    const restarts = restartsOf(run, KNOBS);
    if (by.startsWith('actor:')) expect(restarts[0]?.config.actors[0]?.name).toBe(by.slice(6).split('.')[0]);
    else expect(restarts[0]?.config.actors[0]?.name).toBe(run.result.steps.find((s) => s.by.startsWith('actor:'))?.by.slice(6).split('.')[0]);
  });

  it('should give the least variant every knob at its least value, and the other fields as configured', () => {
    const [alone, least] = restartsOf(run, KNOBS);
    const a = alone?.config.actors[0] as Record<string, unknown> | undefined;
    const l = least?.config.actors[0] as Record<string, unknown> | undefined;
    expect(l?.['name']).toBe(a?.['name']);
    for (const { field, min } of KNOBS) {
      if (typeof a?.[field] === 'number') expect(l?.[field]).toBe(min);
      if (typeof a?.[field] === 'boolean') expect(l?.[field]).toBe(min !== 0);
    }
    for (const [k, v] of Object.entries(a ?? {})) if (!KNOBS.some((x) => x.field === k)) expect(l?.[k]).toEqual(v);
  });
});

describe('shrinkTrace with restarts', () => {
  it('should shrink the fourteen-actor run to a lone actor\'s story, re-runnable from its choices', () => {
    const run = runSeedTrace(0, { mutants: [MUTANT], mode: 'mutable' });
    expect(run.config.actors.length).toBeGreaterThan(1);
    const stage1 = shrinkTrace({ trace: run.trace, run: { seed: run.seed, config: run.config, choices: run.result.choices } }, { shouldStop: (q) => q.stage === 2 });
    if (!stage1.ok) throw new Error(stage1.message);
    const report: ShrinkReport = stage1.report;
    expect(report.stage).toBe(1);
    const config = report.trace.header.config as { actors: { name: string }[] };
    expect(config.actors).toHaveLength(1);
    // Every step is the lone actor's, or the simulator's and its devices' answering it.
    const actors = new Set(report.trace.steps.flatMap((s) => (s.by?.startsWith('actor:') === true ? [s.by.slice(6).split('.')[0]] : [])));
    expect([...actors]).toEqual([config.actors[0]?.name]);
    const v = judgeEvents(report.trace.steps.map((s) => s.event), { mutants: { [MUTANT]: true } });
    expect('first' in v && v.first?.id).toBe('refcount.leak');
    expect(report.eventsAfter).toBeLessThan(60);
    // The header names the restart's seed, the one the lone actor's story came from, not run 0's.
    const restartSeeds = restartsOf(run, KNOBS).flatMap((r) => r.seeds.map(String));
    expect(report.trace.header.seed).not.toBe('0');
    expect(restartSeeds).toContain(report.trace.header.seed);
  });
});
