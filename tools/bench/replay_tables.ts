/**
 * The replay sections of the benchmark: engine throughput per workload and mode (issue 2's
 * targets: mutable >= 1M events/s and >= 10x immutable), and one `bvsim replay` process over a
 * corpus of small traces (target: 1,200 in under 5 s).
 */
import type { EngineMode } from '../../core/index.ts';
import { asTrace, measureReplay, type ThroughputResult } from './throughput.ts';
import { measureCorpus } from './cli_corpus.ts';
import { WORKLOADS, type Workload } from './workloads.ts';

const TARGET_EVENTS_PER_SECOND = 1_000_000;
const TARGET_RATIO = 10;
const TARGET_CORPUS_SECONDS = 5;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function row(w: Workload, label: string, n: number, seconds: number, perSecond: number, print: (l: string) => void): void {
  print(`${w.name.padEnd(14)} ${label.padEnd(32)} ${fmt(n).padStart(10)} ${seconds.toFixed(2).padStart(8)} ${fmt(perSecond).padStart(11)}`);
}

function run(w: Workload, mode: EngineMode, n: number, now: () => number, print: (l: string) => void, eventChecks = true): ThroughputResult {
  const r = measureReplay(asTrace(w.events(n)), mode, now, eventChecks);
  row(w, eventChecks ? mode : `${mode}, no per-event checks`, n, r.seconds, r.eventsPerSecond, print);
  return r;
}

/** Runs after the first of a process whose median is the steady-state figure. */
const WARM_RUNS = 3;

/**
 * The full-size mutable replay, first cold (the first replay in the process: JIT warming up,
 * the heap growing from nothing, every new page faulted in) and then warm, the median of
 * WARM_RUNS more replays of the same trace: what a long replay or campaign process sees.
 */
function fullRun(w: Workload, n: number, now: () => number, print: (l: string) => void): ThroughputResult {
  const trace = asTrace(w.events(n));
  const cold = measureReplay(trace, 'mutable', now);
  row(w, 'mutable, cold (first replay)', n, cold.seconds, cold.eventsPerSecond, print);
  const warm = Array.from({ length: WARM_RUNS }, () => measureReplay(trace, 'mutable', now)).sort((a, b) => a.seconds - b.seconds);
  const median = warm[Math.floor(WARM_RUNS / 2)] ?? cold;
  row(w, `mutable, warm (median of ${WARM_RUNS})`, n, median.seconds, median.eventsPerSecond, print);
  return median;
}

export function throughputTable(events: number, small: number, now: () => number, print: (l: string) => void): void {
  print('\nReplay throughput (replayTrace in memory: no decoding, no output)\n');
  print(`${'workload'.padEnd(14)} ${'mode'.padEnd(32)} ${'events'.padStart(10)} ${'seconds'.padStart(8)} ${'events/s'.padStart(11)}`);
  for (const w of WORKLOADS) {
    const full = fullRun(w, events, now, print);
    run(w, 'mutable', events, now, print, false);
    const mutSmall = run(w, 'mutable', small, now, print);
    run(w, 'immutable', Math.max(1, Math.floor(small / 2)), now, print);
    const immSmall = run(w, 'immutable', small, now, print);
    const ratio = mutSmall.eventsPerSecond / immSmall.eventsPerSecond;
    const ok = full.eventsPerSecond >= TARGET_EVENTS_PER_SECOND && ratio >= TARGET_RATIO;
    print(
      `  mutable/immutable at ${fmt(small)} events: ${ratio.toFixed(1)}x; mutable (warm) at ${fmt(events)}: ${fmt(full.eventsPerSecond)}/s — ` +
        `${ok ? 'meets' : 'MISSES'} the target (>= ${fmt(TARGET_EVENTS_PER_SECOND)}/s and >= ${TARGET_RATIO}x)`,
    );
  }
}

export function corpusTable(traces: number, perTrace: number, now: () => number, print: (l: string) => void): void {
  print(`\nOne \`bvsim replay\` process on ${fmt(traces)} traces of ${perTrace} events (tsx start-up included; target < ${TARGET_CORPUS_SECONDS} s for 1,200)\n`);
  for (const w of WORKLOADS) {
    const r = measureCorpus(w, traces, perTrace, now);
    print(`${w.name.padEnd(14)} ${r.seconds.toFixed(2)} s (exit ${String(r.exitCode)}), ${((r.seconds * 1000) / traces).toFixed(2)} ms/trace`);
  }
}
