// Runs seeds with configs restricted to one actor kind, for the actor tests.
import { runSeedTrace, type SeedRun } from '../../../fuzz/index.ts';
import { drawConfig, type ActorKind, type SimConfig } from '../../../sim/index.ts';

export function runKind(seed: number, kind: ActorKind, mutants: readonly string[] = []): SeedRun {
  return runSeedTrace(seed, { mutants, mode: 'mutable', config: drawConfig(seed, { kinds: [kind] }) });
}

export function runConfig(seed: number, config: SimConfig, mutants: readonly string[] = []): SeedRun {
  return runSeedTrace(seed, { mutants, mode: 'mutable', config });
}

/** "seed: kind id: detail" for every run of `seeds` that has a finding or did not quiesce. */
export function failures(runs: readonly SeedRun[]): string[] {
  return runs.flatMap((r) => {
    const f = r.result.findings[0];
    if (f === undefined && r.result.quiesced) return [];
    return [`${r.seed}: ${f === undefined ? 'not quiesced' : `${f.kind} ${f.id}: ${f.detail}`}`];
  });
}

/** The seeds of `from..to` whose run with `mutants` has a finding. */
export function findingSeeds(kind: ActorKind, mutants: readonly string[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let seed = from; seed <= to; seed++) if (runKind(seed, kind, mutants).result.findings.length > 0) out.push(seed);
  return out;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}
