/**
 * How fast the simulator finds each mutant: seeds 1..N are split into five disjoint ranges;
 * in each, runs go in seed order until the first one whose run with the mutant has a finding
 * while its clean run has none, so a finding of the model or of an actor itself is never
 * credited to the mutant (such a seed simply cannot count). The table gives the first
 * seed that finds it, the median runs-to-first-finding over the five ranges, and what it
 * found. `npm run bench -- --only mutants [--mutant-seeds 2000]`.
 */
import { mutantNames } from '../../core/index.ts';
import { runSeedTrace } from '../../fuzz/index.ts';
import { drawConfig, type SimConfig } from '../../sim/index.ts';

export const RANGES = 5;

export interface MutantRow {
  readonly mutant: string;
  /** The first seed (over the ranges in order) whose run finds the mutant, or null. */
  readonly firstSeed: number | null;
  readonly firstFinding: string | null;
  /** Runs to the first finding in each range; null where the range has none. */
  readonly perRange: readonly (number | null)[];
  readonly runs: number;
}

export interface MutantBenchOptions {
  readonly seedsMax: number;
  /** Force a scheduling policy (else each seed draws its own). */
  readonly policy?: 'random' | 'pct';
}

function configOf(seed: number, opts: MutantBenchOptions): SimConfig {
  return opts.policy === undefined ? drawConfig(seed) : drawConfig(seed, { policy: opts.policy });
}

/** The mutant's own first finding in the run of `seed`, as `kind.id`, or null. */
function mutantFinding(seed: number, mutant: string, opts: MutantBenchOptions): string | null {
  const config = configOf(seed, opts);
  const first = runSeedTrace(seed, { mutants: [mutant], mode: 'mutable', config }).result.findings[0];
  if (first === undefined) return null;
  const clean = runSeedTrace(seed, { mutants: [], mode: 'mutable', config }).result;
  return clean.findings.length === 0 ? `${first.kind} ${first.id}` : null;
}

export function mutantRow(mutant: string, opts: MutantBenchOptions): MutantRow {
  const size = Math.max(1, Math.floor(opts.seedsMax / RANGES));
  const perRange: (number | null)[] = [];
  let firstSeed: number | null = null;
  let firstFinding: string | null = null;
  let runs = 0;
  for (let r = 0; r < RANGES; r++) {
    let hit: number | null = null;
    for (let k = 1; k <= size && hit === null; k++) {
      const seed = r * size + k;
      runs++;
      const found = mutantFinding(seed, mutant, opts);
      if (found === null) continue;
      hit = k;
      if (firstSeed === null) [firstSeed, firstFinding] = [seed, found];
    }
    perRange.push(hit);
  }
  return { mutant, firstSeed, firstFinding, perRange, runs };
}

/** The median of the ranges' runs-to-first-finding, a range without one counting as infinite. */
export function medianRuns(row: MutantRow): number | null {
  const sorted = row.perRange.map((v) => v ?? Infinity).sort((a, b) => a - b);
  const mid = sorted[Math.floor(sorted.length / 2)] ?? Infinity;
  return Number.isFinite(mid) ? mid : null;
}

export function formatRow(row: MutantRow, seedsMax: number): string {
  const size = Math.floor(seedsMax / RANGES);
  const median = medianRuns(row);
  const ranges = row.perRange.map((v) => (v === null ? '-' : String(v))).join(',');
  return [
    row.mutant.padEnd(36),
    (row.firstSeed === null ? `none<=${seedsMax}` : String(row.firstSeed)).padStart(10),
    (median === null ? `>${size}` : String(median)).padStart(8),
    ranges.padEnd(24),
    row.firstFinding ?? '',
  ].join(' ');
}

export function mutantTable(opts: MutantBenchOptions, print: (line: string) => void, only: readonly string[] = mutantNames()): MutantRow[] {
  const policy = opts.policy ?? 'drawn per seed';
  print(`\nMutants: seeds 1..${opts.seedsMax} in ${RANGES} ranges of ${Math.floor(opts.seedsMax / RANGES)}, policy ${policy}\n`);
  print(`${'mutant'.padEnd(36)} ${'first seed'.padStart(10)} ${'median'.padStart(8)} ${'per range'.padEnd(24)} first finding`);
  const rows: MutantRow[] = [];
  for (const m of only) {
    const row = mutantRow(m, opts);
    rows.push(row);
    print(formatRow(row, opts.seedsMax));
  }
  return rows;
}
