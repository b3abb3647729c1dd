/** The simulator's public face: configs, choice sources, and running one seed. */
import type { EngineMode, ModelOptions } from '../core/index.ts';
import { buildActors } from './actors/index.ts';
import { netfsServer, newNetfsFiles } from './netfs_server.ts';
import { blockDevice } from './blockdev.ts';
import { createIdAllocator } from './ids.ts';
import { liveIos, liveSubreqs } from './live_ids.ts';
import { recordingSource, replayingSource, type ChoiceLog, type ChoiceSource } from './choices.ts';
import type { SimConfig } from './config.ts';
import { simulate, type RunResult, type StepObserver } from './run.ts';

export * from './config.ts';
export * from './choices.ts';
export * from './prng.ts';
// prng's runSeed (run k of a campaign) is shadowed by runSeed below; campaigns import it by this name.
export { runSeed as campaignRunSeed } from './prng.ts';
export type { RunResult, RunStep, StepObserver } from './run.ts';
export type { ActorConfig, ActorKind } from './actors/index.ts';
export { ACTOR_KINDS } from './actors/index.ts';
export type { SchedulerPolicy } from './scheduler.ts';

export interface RunOptions {
  readonly model: ModelOptions;
  readonly mode: EngineMode;
  /** Digest cadence for the trace (default 64, the trace format's; 0: no digests at all). */
  readonly digestEvery?: number;
  readonly observer?: StepObserver;
  /** False: count the steps, keep none (RunSetup.keepSteps). */
  readonly keepSteps?: boolean;
}

/** Runs `config` against a choice source (fresh from a seed, or a recorded/edited log). */
export function runConfig(config: SimConfig, source: ChoiceSource, opts: RunOptions): RunResult {
  const files = newNetfsFiles();
  const ids = createIdAllocator();
  const clock = { applied: 0 };
  const run = { design: config.design ?? 'cursor', files, subreqs: liveSubreqs(ids, clock) } as const;
  const { shortRate, errorRate } = config.device;
  const overReadRate = { numerator: errorRate.numerator, denominator: errorRate.denominator * 4 };
  return simulate(
    {
      actors: config.actors.flatMap((c) => buildActors(c, run)),
      ids,
      clock,
      devices: [blockDevice(config.device, liveIos(ids, clock)), netfsServer({ shortRate, errorRate, overReadRate, shortRetriesMax: 3 }, files, run.subreqs)],
      policy: config.policy,
      eventsMax: config.eventsMax,
      drainMax: config.drainMax,
      allocFailRate: config.allocFailRate,
      model: opts.model,
      mode: opts.mode,
      deviceWeight: config.device.weight,
      digestEvery: opts.digestEvery ?? 64,
      stopAtFinding: config.stopAtFinding === true,
      ...(opts.observer === undefined ? {} : { observer: opts.observer }),
      ...(opts.keepSteps === undefined ? {} : { keepSteps: opts.keepSteps }),
    },
    source,
  );
}

export function runSeed(config: SimConfig, seed: number, opts: RunOptions): RunResult {
  return runConfig(config, recordingSource(seed), opts);
}

export function rerunChoices(config: SimConfig, choices: Readonly<Partial<ChoiceLog>>, opts: RunOptions): RunResult {
  return runConfig(config, replayingSource(choices), opts);
}
