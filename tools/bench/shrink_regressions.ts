/**
 * The shrinking benchmark. Each regression trace in test/regressions/ whose header names a
 * mutant is the hand-written minimum of its finding: shrink it (stage 2 alone: it has no
 * choices) and print events before → after, the time and after/min, where min is the shorter of
 * the hand trace's calls and its own shrink. Then look for a seed
 * that the simulator, with that mutant on, fails with the same first finding, shrink that run
 * (both stages) and print the same figures: how close the shrinker gets to a human.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingSignature, type Finding } from '../../core/index.ts';
import { budgetStop, runSeedTrace, shrinkTrace, type ShrinkReport } from '../../fuzz/index.ts';
import { decodeTrace, type Trace } from '../../traces/index.ts';
import { simRunOf } from '../sim_trace.ts';
import { handLength } from './campaign_mutants.ts';

export interface ShrinkBenchOptions {
  readonly dir: string;
  /** Seeds 0..seeds-1 are searched for a simulator run with the regression's first finding. */
  readonly seeds: number;
  readonly budgetMs: number;
  readonly now: () => number;
  readonly print: (line: string) => void;
}

const LABEL = 62;
const FINDING = 42;

interface Shrunk {
  readonly report: ShrinkReport;
  readonly seconds: number;
}

export function shrinkBench(o: ShrinkBenchOptions): void {
  o.print('\nShrinking: each regression trace is the hand-written minimum of its finding\n');
  o.print(`${'input'.padEnd(LABEL)} ${'first finding'.padEnd(FINDING)} ${'events'.padStart(12)} ${'seconds'.padStart(8)} ${'after/min'.padStart(10)}`);
  const names = readdirSync(o.dir).filter((f) => f.endsWith('.trace.jsonl')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const decoded = decodeTrace(readFileSync(join(o.dir, name), 'utf8'));
    if (!decoded.ok) {
      o.print(`${name}: does not decode (line ${decoded.error.line}: ${decoded.error.message})`);
      continue;
    }
    const hand = decoded.value;
    const mutants = hand.header.mutants ?? [];
    if (mutants.length === 0) continue;
    const own = shrinkOne(hand, o);
    if (own === null) {
      o.print(`${name}: no finding to shrink`);
      continue;
    }
    // The shortest known story: the hand trace's calls, or its own shrink where that is shorter.
    const minimum = Math.min(handLength(hand), own.report.eventsAfter);
    row(name.replace(/\.trace\.jsonl$/, ''), own, minimum, o);
    simulatorRow(mutants, own.report.target, minimum, o);
  }
}

function shrinkOne(trace: Trace, o: ShrinkBenchOptions): Shrunk | null {
  const sim = simRunOf(trace);
  const started = o.now();
  const out = shrinkTrace(
    { trace, run: sim.ok ? sim.run : null },
    { shouldStop: budgetStop(() => o.now() - started, o.budgetMs) },
  );
  return out.ok ? { report: out.report, seconds: (o.now() - started) / 1000 } : null;
}

/**
 * The first seed whose run, with `mutants` on, fails first with `target`, shrunk and printed;
 * failing that, the first seed that fails at all under the mutant (a different first finding).
 */
function simulatorRow(mutants: readonly string[], target: Finding, minimum: number, o: ShrinkBenchOptions): void {
  const want = findingSignature(target);
  let other: { seed: number; trace: Trace } | null = null;
  for (let seed = 0; seed < o.seeds; seed++) {
    const run = runSeedTrace(seed, { mutants, mode: 'mutable' });
    const first = run.result.findings[0];
    if (first === undefined) continue;
    if (findingSignature(first) === want) {
      const shrunk = shrinkOne(run.trace, o);
      if (shrunk !== null) row(`  seed ${seed}`, shrunk, minimum, o);
      return;
    }
    other ??= { seed, trace: run.trace };
  }
  const shrunk = other === null ? null : shrinkOne(other.trace, o);
  if (other === null || shrunk === null) {
    o.print(`  no seed in 0..${o.seeds - 1} fails under ${mutants.join(',')}`);
    return;
  }
  row(`  seed ${other.seed} (other finding)`, shrunk, minimum, o);
}

function row(label: string, s: Shrunk, minimum: number, o: ShrinkBenchOptions): void {
  const r = s.report;
  const events = `${r.eventsBefore} → ${r.eventsAfter}`;
  const ratio = (r.eventsAfter / Math.max(1, minimum)).toFixed(2);
  const stopped = r.stopped === 'done' ? '' : ` (stopped: ${r.stopped})`;
  o.print(`${label.padEnd(LABEL)} ${findingSignature(r.target).padEnd(FINDING)} ${events.padStart(12)} ${s.seconds.toFixed(2).padStart(8)} ${ratio.padStart(10)}${stopped}`);
}
