/**
 * `npm run bench`: replay throughput of each engine mode over each workload, and the time of
 * one `bvsim replay` process on a corpus of small traces. Immutable mode is measured on a
 * shorter prefix (at two lengths, to show how its cost per event grows with the state), as
 * the full workload would take hours in it. Quick look: `npm run bench -- --events 100000 --traces 100`.
 * Then the shrinking table (shrink_regressions.ts); `--only shrink` runs it alone.
 * Simulator sections: `sim` (runs/s with per-event checks on and off), `mutants` (the
 * detection table, mutants_sim.ts), and, only when asked for by `--only`, `policies` (the
 * table under forced random and PCT scheduling) and `clean` (the clean-model sweep).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { EngineMode } from '../../core/index.ts';
import { asTrace, measureReplay, type ThroughputResult } from './throughput.ts';
import { measureCorpus } from './cli_corpus.ts';
import { WORKLOADS, type Workload } from './workloads.ts';
import { shrinkBench } from './shrink_regressions.ts';
import { parseDuration } from '../duration.ts';
import { mutantTable } from './mutants_sim.ts';
import { cleanSweep, simRunsTable } from './sim_runs.ts';

const TARGET_EVENTS_PER_SECOND = 1_000_000;
const TARGET_RATIO = 10;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'immutable-events': { type: 'string', default: '20000' },
    traces: { type: 'string', default: '1200' },
    'trace-events': { type: 'string', default: '40' },
    'shrink-seeds': { type: 'string', default: '50' },
    'shrink-budget': { type: 'string', default: '30s' },
    only: { type: 'string' },
    'sim-seeds': { type: 'string', default: '300' },
    'mutant-seeds': { type: 'string', default: '500' },
    mutant: { type: 'string', multiple: true },
    'clean-seeds': { type: 'string', default: '10000' },
  },
});

function count(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`not a positive integer: ${s}`);
  return n;
}

const now = (): number => performance.now();
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function run(w: Workload, mode: EngineMode, n: number, eventChecks = true): ThroughputResult {
  const r = measureReplay(asTrace(w.events(n)), mode, now, eventChecks);
  const label = eventChecks ? mode : `${mode}, no per-event checks`;
  console.log(`${w.name.padEnd(14)} ${label.padEnd(32)} ${fmt(n).padStart(10)} ${r.seconds.toFixed(2).padStart(8)} ${fmt(r.eventsPerSecond).padStart(11)}`);
  return r;
}

function throughputTable(events: number, small: number): void {
  console.log('\nReplay throughput (replayTrace in memory: no decoding, no output)\n');
  console.log(`${'workload'.padEnd(14)} ${'mode'.padEnd(32)} ${'events'.padStart(10)} ${'seconds'.padStart(8)} ${'events/s'.padStart(11)}`);
  for (const w of WORKLOADS) {
    const full = run(w, 'mutable', events);
    run(w, 'mutable', events, false);
    const mutSmall = run(w, 'mutable', small);
    run(w, 'immutable', Math.max(1, Math.floor(small / 2)));
    const immSmall = run(w, 'immutable', small);
    const ratio = mutSmall.eventsPerSecond / immSmall.eventsPerSecond;
    const ok = full.eventsPerSecond >= TARGET_EVENTS_PER_SECOND && ratio >= TARGET_RATIO;
    console.log(
      `  mutable/immutable at ${fmt(small)} events: ${ratio.toFixed(1)}x; mutable at ${fmt(events)}: ${fmt(full.eventsPerSecond)}/s — ` +
        `${ok ? 'meets' : 'MISSES'} the target (>= ${fmt(TARGET_EVENTS_PER_SECOND)}/s and >= ${TARGET_RATIO}x)`,
    );
  }
}

function corpusTable(traces: number, perTrace: number): void {
  console.log(`\nOne \`bvsim replay\` process on ${fmt(traces)} traces of ${perTrace} events (tsx start-up included)\n`);
  for (const w of WORKLOADS) {
    const r = measureCorpus(w, traces, perTrace, now);
    console.log(`${w.name.padEnd(14)} ${r.seconds.toFixed(2)} s (exit ${String(r.exitCode)}), ${((r.seconds * 1000) / traces).toFixed(2)} ms/trace`);
  }
}

// `--only throughput|corpus|sim|mutants|policies|clean|shrink` runs one section.
const wanted = (section: string): boolean => values.only === undefined || values.only === section;
if (wanted('throughput')) throughputTable(count(values.events), count(values['immutable-events']));
if (wanted('corpus')) corpusTable(count(values.traces), count(values['trace-events']));
if (wanted('sim')) simRunsTable(count(values['sim-seeds']), now, (l) => console.log(l));
const mutantsWanted = values.mutant?.flatMap((m) => m.split(',')) ?? [];
if (wanted('mutants')) {
  mutantTable({ seedsMax: count(values['mutant-seeds']) }, (l) => console.log(l), mutantsWanted.length > 0 ? mutantsWanted : undefined);
}
if (values.only === 'policies') {
  const list = mutantsWanted.length > 0 ? mutantsWanted : ['bvecq_pos_step_off_by_one', 'iov_iter_bvecq_empty_not_skipped'];
  for (const policy of ['random', 'pct'] as const) mutantTable({ seedsMax: count(values['mutant-seeds']), policy }, (l) => console.log(l), list);
}
if (values.only === 'clean' && cleanSweep(count(values['clean-seeds']), (l) => console.log(l)) > 0) process.exitCode = 1;
if (wanted('shrink')) {
  const dir = new URL('../../test/regressions/', import.meta.url).pathname;
  shrinkBench({ dir, seeds: count(values['shrink-seeds']), budgetMs: parseDuration(values['shrink-budget']), now, print: (l) => console.log(l) });
}
