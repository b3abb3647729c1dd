/**
 * One seed, start to finish: draw (or take) the config, run the simulator, and write the run
 * as a trace — header with seed, config and mutants; a step per event with its `ret`, who
 * proposed it and a digest every 64 steps; a footer with the findings and the choice sequence
 * that re-runs the actors.
 */
import { modelId, mutantNames, resolveMutants, type EngineMode, type Finding } from '../core/index.ts';
import { drawConfig, rerunChoices, runSeed, type ChoiceLog, type NetfsDesign, type RunOptions, type RunResult, type SimConfig, type StepObserver } from '../sim/index.ts';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceStep } from '../traces/index.ts';

export interface SeedRunOptions {
  readonly mutants: readonly string[];
  readonly mode: EngineMode;
  /** A given config; otherwise drawn from the seed (swarm). */
  readonly config?: SimConfig;
  readonly eventsMax?: number;
  /** Force the netfs design of a drawn config (or override a given one's). */
  readonly design?: NetfsDesign;
  /**
   * False for a run whose trace is only looked at, not kept (a campaign run without a new
   * finding, a shrink candidate): its steps and footer then carry no digests.
   */
  readonly digests?: boolean;
  /** Sees every step as the simulator applies it (a campaign's coverage). */
  readonly observer?: StepObserver;
}

export interface SeedRun {
  readonly seed: number;
  readonly config: SimConfig;
  readonly result: RunResult;
  readonly trace: Trace;
}

export function modelOptions(mutants: readonly string[]): { mutants: Record<string, boolean> } {
  const r = resolveMutants(mutants);
  if ('unknown' in r) throw new Error(`unknown mutant ${r.unknown}`);
  return { mutants: r.flags };
}

export function configFor(seed: number, opts: Pick<SeedRunOptions, 'config' | 'eventsMax' | 'design'>): SimConfig {
  if (opts.config !== undefined) return opts.design === undefined ? opts.config : { ...opts.config, design: opts.design };
  return drawConfig(seed, {
    ...(opts.eventsMax === undefined ? {} : { eventsMax: opts.eventsMax }),
    ...(opts.design === undefined ? {} : { design: opts.design }),
  });
}

export function runSeedTrace(seed: number, opts: SeedRunOptions): SeedRun {
  const config = configFor(seed, opts);
  const result = runSeed(config, seed, runOptions(opts));
  return { seed, config, result, trace: traceOf(seed, config, opts.mutants, result) };
}

/**
 * The run alone, its steps counted and not kept, with no trace written: a campaign run whose
 * trace is dropped needs neither (`result.steps` is empty; `result.stepCount` says how many).
 */
export function runSeedResult(seed: number, opts: SeedRunOptions): { config: SimConfig; result: RunResult } {
  const config = configFor(seed, opts);
  return { config, result: runSeed(config, seed, { ...runOptions(opts), keepSteps: false }) };
}

/** Re-runs the actors of `config` from an edited choice sequence (shrinking, --from-choices). */
export function runChoicesTrace(seed: number, config: SimConfig, choices: Partial<ChoiceLog>, opts: SeedRunOptions): SeedRun {
  const result = rerunChoices(config, choices, runOptions(opts));
  return { seed, config, result, trace: traceOf(seed, config, opts.mutants, result) };
}

function runOptions(opts: SeedRunOptions): RunOptions {
  return {
    model: modelOptions(opts.mutants),
    mode: opts.mode,
    ...(opts.digests === false ? { digestEvery: 0 } : {}),
    ...(opts.observer === undefined ? {} : { observer: opts.observer }),
  };
}

export function traceOf(seed: number, config: SimConfig, mutants: readonly string[], result: RunResult): Trace {
  const steps: TraceStep[] = result.steps.map((s, i) => {
    const step: TraceStep = { i, event: s.event, ret: s.outcome.ret, by: s.by };
    if (s.outcome.findings.length > 0) step.findings = [...s.outcome.findings];
    if (s.digest !== undefined) step.digest = s.digest;
    return step;
  });
  const known = new Set(mutantNames());
  const header: Trace['header'] = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: modelId(mutantNames()),
    seed: String(seed),
    config: { ...config },
  };
  if (mutants.length > 0) header.mutants = mutants.filter((m) => known.has(m));
  return {
    header,
    steps,
    footer: { end: true, events: steps.length, findings: [...result.findings] as Finding[], ...(result.digest === null ? {} : { digest: result.digest }), choices: { ...result.choices } },
  };
}
