/**
 * Simulator throughput and the clean sweep. `sim`: what `bvsim run` does for seeds 1..K of
 * the standard (swarm-drawn) workload in mutable mode — draw the config, run the actors,
 * build and encode the trace, no file or process start-up — with the per-event invariant
 * checks on and off (ModelOptions.eventChecks). `clean`: seeds 1..N on the clean model,
 * counting runs with a finding by first finding and by actor kind; it must print 0.
 * `npm run bench -- --only sim [--sim-seeds 500]`, `--only clean [--clean-seeds 10000]`.
 */
import { runSeedTrace, traceOf } from '../../fuzz/index.ts';
import { drawConfig, runSeed } from '../../sim/index.ts';
import { encodeTrace } from '../../traces/index.ts';

export interface SimRunsResult {
  readonly eventChecks: boolean;
  readonly runs: number;
  readonly events: number;
  /** Bytes of encoded trace made (the encoding is part of what is measured). */
  readonly bytes: number;
  readonly seconds: number;
  /** CPU seconds of this process: the figure to trust on a loaded machine. */
  readonly cpuSeconds: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Seeds 1..`seeds` as `bvsim run` makes them, minus the files. */
export function measureSimRuns(seeds: number, eventChecks: boolean, now: () => number): SimRunsResult {
  let events = 0;
  let bytes = 0;
  const t0 = now();
  const c0 = cpuNow();
  for (let seed = 1; seed <= seeds; seed++) {
    const config = drawConfig(seed);
    const result = runSeed(config, seed, { model: { mutants: {}, eventChecks }, mode: 'mutable' });
    events += result.steps.length;
    bytes += encodeTrace(traceOf(seed, config, [], result)).length;
  }
  return { eventChecks, runs: seeds, events, bytes, seconds: (now() - t0) / 1000, cpuSeconds: cpuNow() - c0 };
}

export function simRunsTable(seeds: number, now: () => number, print: (line: string) => void): void {
  print(`\nbvsim run, seeds 1..${seeds}, swarm configs, mutable mode (config + actors + trace encoding)\n`);
  print('per-event checks     runs  events  seconds    runs/s   events/s   cpu s  runs/cpu-s  events/cpu-s');
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  // A warm-up pass first, so the first measured row does not pay for the JIT alone.
  measureSimRuns(Math.min(seeds, 20), true, now);
  for (const checks of [true, false]) {
    const r = measureSimRuns(seeds, checks, now);
    print(
      `${(checks ? 'on' : 'off').padEnd(16)} ${fmt(r.runs).padStart(8)} ${fmt(r.events).padStart(7)} ${r.seconds.toFixed(2).padStart(8)} ` +
        `${fmt(r.runs / r.seconds).padStart(9)} ${fmt(r.events / r.seconds).padStart(10)} ${r.cpuSeconds.toFixed(2).padStart(7)} ` +
        `${fmt(r.runs / r.cpuSeconds).padStart(11)} ${fmt(r.events / r.cpuSeconds).padStart(13)}`,
    );
  }
}

/** Seeds 1..`seeds` on the clean model: the number of runs with a finding, by first finding. */
export function cleanSweep(seeds: number, print: (line: string) => void): number {
  const byFinding: Record<string, number[]> = {};
  let failing = 0;
  let events = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = runSeedTrace(seed, { mutants: [], mode: 'mutable' });
    events += run.result.steps.length;
    const f = run.result.findings[0];
    if (f === undefined && run.result.quiesced) continue;
    failing++;
    const kinds = [...new Set(run.config.actors.map((a) => a.kind))].join('+');
    const key = `${f === undefined ? 'not quiesced' : `${f.kind} ${f.id}`} [${kinds}]`;
    (byFinding[key] ??= []).push(seed);
  }
  print(`\nClean model, seeds 1..${seeds}: ${failing} run(s) with a finding (${events.toLocaleString('en-US')} events)`);
  for (const key of Object.keys(byFinding).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = byFinding[key] ?? [];
    print(`  ${String(list.length).padStart(6)}  ${key}  e.g. seeds ${list.slice(0, 5).join(', ')}`);
  }
  return failing;
}
