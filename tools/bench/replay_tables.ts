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

function run(w: Workload, mode: EngineMode, n: number, now: () => number, print: (l: string) => void, eventChecks = true): ThroughputResult {
  const r = measureReplay(asTrace(w.events(n)), mode, now, eventChecks);
  const label = eventChecks ? mode : `${mode}, no per-event checks`;
  print(`${w.name.padEnd(14)} ${label.padEnd(32)} ${fmt(n).padStart(10)} ${r.seconds.toFixed(2).padStart(8)} ${fmt(r.eventsPerSecond).padStart(11)}`);
  return r;
}

export function throughputTable(events: number, small: number, now: () => number, print: (l: string) => void): void {
  print('\nReplay throughput (replayTrace in memory: no decoding, no output)\n');
  print(`${'workload'.padEnd(14)} ${'mode'.padEnd(32)} ${'events'.padStart(10)} ${'seconds'.padStart(8)} ${'events/s'.padStart(11)}`);
  for (const w of WORKLOADS) {
    const full = run(w, 'mutable', events, now, print);
    run(w, 'mutable', events, now, print, false);
    const mutSmall = run(w, 'mutable', small, now, print);
    run(w, 'immutable', Math.max(1, Math.floor(small / 2)), now, print);
    const immSmall = run(w, 'immutable', small, now, print);
    const ratio = mutSmall.eventsPerSecond / immSmall.eventsPerSecond;
    const ok = full.eventsPerSecond >= TARGET_EVENTS_PER_SECOND && ratio >= TARGET_RATIO;
    print(
      `  mutable/immutable at ${fmt(small)} events: ${ratio.toFixed(1)}x; mutable at ${fmt(events)}: ${fmt(full.eventsPerSecond)}/s — ` +
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
