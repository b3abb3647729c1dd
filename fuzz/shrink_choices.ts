/**
 * Shrinking, stage 1 (DESIGN "Choices, not dice"): edit the run's choice sequence and config
 * and re-run the actors, so the smaller trace still tells the causal story. First the run is
 * made to stop at its first finding; then passes simplify the config (drop actors,
 * pct→random, fault and short rates to 0, fewer folios and rounds, a smaller eventsMax), delete chunks of each stream's choices, lower each choice. A candidate
 * is kept when its first finding matches and its size key — (events, choices, sum of choices,
 * config weight) — is smaller, so every kept candidate makes progress and the search ends;
 * with mutant flags on, it must also witness the mutant as strongly as the start
 * (shrink_witness.ts). With stage 2 to follow, the search also ends on a plateau of
 * candidates that shorten nothing. At the end, once, the actors that told the story are
 * restarted alone from fresh seeds (shrink_restart.ts), and the passes go round again if one
 * of those runs was kept.
 */
import type { EngineMode, Finding, ModelOptions } from '../core/index.ts';
import { STREAMS, type ChoiceLog, type SimConfig, type StreamName } from '../sim/index.ts';
import { modelOptions, runChoicesTrace, runSeedTrace, type SeedRun } from './run_trace.ts';
import { ACTOR_FIELDS, actorField, withActorField } from './shrink_knobs.ts';
import { restartsOf } from './shrink_restart.ts';
import { mutantWitness, type Witness } from './shrink_witness.ts';
import { compareKeys, deleteChunks, lowerValue, sameFinding, spend, type SearchCtx } from './shrink_search.ts';

export interface ChoiceRunSpec {
  readonly seed: number;
  readonly config: SimConfig;
  readonly choices: Readonly<Partial<ChoiceLog>>;
  readonly mutants: readonly string[];
  readonly mode: EngineMode;
}

interface Best {
  readonly config: SimConfig;
  readonly choices: ChoiceLog;
  readonly run: SeedRun;
  readonly key: readonly number[];
}

/** A config number the shrinker may lower, and the least value that keeps the config valid. */
interface Knob {
  readonly min: number;
  get(c: SimConfig): number;
  set(c: SimConfig, v: number): SimConfig;
}

/**
 * Runs a spec once: the starting point of stage 1, and `--from-choices`. A candidate is run
 * without step digests (`digests: false`); the run stage 1 ends with is run again with them.
 */
export function runSpec(spec: ChoiceRunSpec, digests = true): SeedRun {
  return runChoicesTrace(spec.seed, spec.config, spec.choices, { mutants: spec.mutants, mode: spec.mode, digests });
}

/** Stage 1 from `start` (whose first finding is the target); returns the smallest run found. */
export function shrinkChoices(ctx: SearchCtx, spec: ChoiceRunSpec, start: SeedRun): SeedRun {
  const state = { best: bestOf(spec.config, start) };
  const model = modelOptions(spec.mutants);
  const witness = witnessOf(start, ctx.target, model, spec.mode);
  let shorterAt = ctx.tried;
  /** Runs a candidate (a choice sequence to re-run, or a fresh seed) and keeps it if it is smaller. */
  const consider = (config: SimConfig, run: (s: ChoiceRunSpec) => SeedRun): boolean => {
    if (ctx.stageTwoFollows && ctx.stop === null && ctx.tried - shorterAt >= STAGE_ONE_PLATEAU) ctx.stop = 'plateau';
    if (!spend(ctx)) return false;
    // Choices edited from a restart's run carry the restart's seed: the header names the seed
    // the story came from (a re-run from choices does not read it).
    const candidate = runCandidate(ctx, () => run({ ...spec, seed: state.best.run.seed, config }));
    const first = candidate?.result.findings[0] ?? null;
    const accepted =
      candidate !== null &&
      sameFinding(first ?? undefined, ctx.target) &&
      compareKeys(keyOf(config, candidate), state.best.key) < 0 &&
      witnessOf(candidate, ctx.target, model, spec.mode) >= witness;
    if (accepted) {
      if (candidate.result.steps.length < state.best.run.result.steps.length) shorterAt = ctx.tried;
      state.best = bestOf(config, candidate);
      ctx.accepted++;
    }
    ctx.budget.onProgress({ stage: 1, tried: ctx.tried, accepted: ctx.accepted, events: state.best.run.result.steps.length, improved: accepted, first });
    return accepted;
  };
  const attempt: Attempt = (config, choices) => consider(config, (s) => runSpec({ ...s, choices }, false));
  const get = (): Best => state.best;
  // The story ends at its bug: every later candidate then runs only that far.
  if (spec.config.stopAtFinding !== true) attempt({ ...spec.config, stopAtFinding: true }, state.best.choices);
  // Rounds until one changes nothing (a fixpoint), the budget is spent or edits stop paying
  // (a plateau); then, once, restarts from fresh seeds, and rounds again if one was kept.
  for (let restarted = false; ; restarted = true) {
    while (ctx.stop === null) {
      const a = configPass(ctx, get, attempt);
      const b = deletePass(ctx, get, attempt);
      const c = lowerPass(ctx, get, attempt);
      if (!a && !b && !c) break;
    }
    if (restarted || (ctx.stop !== null && ctx.stop !== 'plateau')) break;
    const stop = ctx.stop;
    ctx.stop = null;
    shorterAt = ctx.tried;
    if (!restartPass(ctx, get().run, consider)) {
      ctx.stop = stop;
      break;
    }
  }
  return state.best.run === start ? start : runSpec({ ...spec, seed: state.best.run.seed, config: state.best.config, choices: state.best.choices });
}

/**
 * Restarts (shrink_restart.ts): each config from `restartsOf`, seed by seed; a config's
 * remaining seeds are skipped once one is kept (the next config must then beat it).
 */
function restartPass(ctx: SearchCtx, run: SeedRun, consider: (config: SimConfig, run: (s: ChoiceRunSpec) => SeedRun) => boolean): boolean {
  let any = false;
  for (const { config, seeds } of restartsOf(run, ACTOR_FIELDS)) {
    for (const seed of seeds) {
      if (ctx.stop !== null) return any;
      const stopped: SimConfig = { ...config, stopAtFinding: true };
      if (consider(stopped, (s) => runSeedTrace(seed, { mutants: s.mutants, mode: s.mode, config: stopped, digests: false }))) {
        any = true;
        break;
      }
    }
  }
  return any;
}

/**
 * With stage 2 to follow, stage 1 ends once this many candidates in a row made no run shorter:
 * the rest of its search only trims choices, and stage 2 cuts events far faster.
 */
export const STAGE_ONE_PLATEAU = 200;

/**
 * How strongly the run witnesses its mutant (shrink_witness.ts): a candidate must do so as
 * strongly as the run stage 1 started from. A finding the simulator makes after the last step
 * (not on one) has no step to compare.
 */
function witnessOf(run: SeedRun, target: Finding, model: ModelOptions, mode: EngineMode): Witness {
  const at = run.result.steps.findIndex((s) => s.outcome.findings.length > 0);
  return mutantWitness(run.result.steps.map((s) => s.event), target, at, model, mode);
}

type Attempt = (config: SimConfig, choices: Readonly<Partial<ChoiceLog>>) => boolean;

function runCandidate(ctx: SearchCtx, run: () => SeedRun): SeedRun | null {
  try {
    return run();
  } catch (err) {
    // An edited config or choice log made the simulator throw: a simulator bug, which the
    // shrinker reports in its summary rather than dying on.
    ctx.crashes++;
    ctx.firstCrash ??= err instanceof Error ? err.message : String(err);
    return null;
  }
}

function configPass(ctx: SearchCtx, get: () => Best, attempt: Attempt): boolean {
  let any = false;
  for (let k = get().config.actors.length - 1; k >= 0 && ctx.stop === null; k--) {
    const { config, choices } = get();
    if (config.actors.length > 1 && k < config.actors.length) {
      any = attempt({ ...config, actors: config.actors.filter((_, j) => j !== k) }, choices) || any;
    }
  }
  const { config, choices } = get();
  if (config.policy.kind === 'pct' && ctx.stop === null) any = attempt({ ...config, policy: { kind: 'random' } }, choices) || any;
  for (const knob of knobsOf(get().config)) {
    any = lowerValue(ctx, knob.get(get().config), knob.min, (v) => attempt(knob.set(get().config, v), get().choices)) || any;
  }
  return any;
}

function deletePass(ctx: SearchCtx, get: () => Best, attempt: Attempt): boolean {
  let any = false;
  for (const s of STREAMS) {
    any = deleteChunks(ctx, () => get().choices[s], (cand) => attempt(get().config, withStream(get().choices, s, cand))) || any;
  }
  return any;
}

function lowerPass(ctx: SearchCtx, get: () => Best, attempt: Attempt): boolean {
  let any = false;
  for (const s of STREAMS) {
    for (let i = 0; i < get().choices[s].length && ctx.stop === null; i++) {
      const v = get().choices[s][i] ?? 0;
      any = lowerValue(ctx, v, 0, (x) => attempt(get().config, withStream(get().choices, s, get().choices[s].map((y, j) => (j === i ? x : y))))) || any;
    }
  }
  return any;
}

function withStream(log: ChoiceLog, s: StreamName, values: number[]): ChoiceLog {
  return { ...log, [s]: values };
}

function bestOf(config: SimConfig, run: SeedRun): Best {
  return { config, choices: trimmed(run.result.choices), run, key: keyOf(config, run) };
}

/** The choices a run actually used, without trailing zeros (an exhausted stream yields 0 anyway). */
function trimmed(log: ChoiceLog): ChoiceLog {
  const out = { ...log };
  for (const s of STREAMS) {
    let n = log[s].length;
    while (n > 0 && log[s][n - 1] === 0) n--;
    out[s] = log[s].slice(0, n);
  }
  return out;
}

function keyOf(config: SimConfig, run: SeedRun): number[] {
  const used = trimmed(run.result.choices);
  let count = 0;
  let sum = 0;
  for (const s of STREAMS) {
    count += used[s].length;
    for (const v of used[s]) sum += v;
  }
  return [run.result.steps.length, count, sum, configWeight(config)];
}

function configWeight(c: SimConfig): number {
  let w = c.actors.length + (c.policy.kind === 'pct' ? 1 : 0);
  for (const knob of knobsOf(c)) w += knob.get(c);
  return w;
}

function knobsOf(c: SimConfig): Knob[] {
  const knobs: Knob[] = [
    { min: 0, get: (x) => x.allocFailRate.numerator, set: (x, v) => ({ ...x, allocFailRate: { ...x.allocFailRate, numerator: v } }) },
    { min: 0, get: (x) => x.device.errorRate.numerator, set: (x, v) => ({ ...x, device: { ...x.device, errorRate: { ...x.device.errorRate, numerator: v } } }) },
    { min: 0, get: (x) => x.device.shortRate.numerator, set: (x, v) => ({ ...x, device: { ...x.device, shortRate: { ...x.device.shortRate, numerator: v } } }) },
    { min: 1, get: (x) => x.device.weight, set: (x, v) => ({ ...x, device: { ...x.device, weight: v } }) },
    { min: 0, get: (x) => x.eventsMax, set: (x, v) => ({ ...x, eventsMax: v }) },
    { min: 1, get: (x) => (x.policy.kind === 'pct' ? x.policy.depth : 1), set: (x, v) => (x.policy.kind === 'pct' ? { ...x, policy: { kind: 'pct', depth: v } } : x) },
  ];
  for (const [k, a] of c.actors.entries()) {
    for (const { field, min } of ACTOR_FIELDS) {
      if (actorField(a, field) === null) continue;
      knobs.push({
        min,
        get: (x) => (x.actors[k] === undefined ? min : (actorField(x.actors[k], field) ?? min)),
        set: (x, v) => ({ ...x, actors: x.actors.map((y, j) => (j === k ? withActorField(y, field, v) : y)) }),
      });
    }
  }
  return knobs;
}
