/**
 * The runs of a campaign, as pure synchronous functions; the wall clock, worker threads and
 * files are tools/'s. Run k of a campaign uses seed `campaignRunSeed(campaignSeed, k)`, so it
 * is the same run whatever the number of workers, shards or machines; shard i/n takes the
 * runs with k % n == i. "Boost" runs are extra: a favoured seed's config (one that reached a
 * rare coverage goal) re-run with fresh choices from a seed of their own.
 */
import { findingSignature, modelId, mutantNames, type Finding } from '../core/index.ts';
import { campaignRunSeed, drawConfig, type SimConfig } from '../sim/index.ts';
import { decodeTrace, encodeTrace, replayTrace, TRACE_FORMAT, TRACE_VERSION, type Trace } from '../traces/index.ts';
import { coverageTracker } from './coverage.ts';
import { modelOptions, runSeedResult, runSeedTrace } from './run_trace.ts';

export const DESIGNS = ['cursor', 'rolling'] as const;
export type Design = (typeof DESIGNS)[number];
/** A campaign's netfs design: forced for every run, or `swarm` (each seed draws its own). */
export type DesignChoice = Design | 'swarm';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface CampaignRunOptions {
  readonly mutants: readonly string[];
  /** Every run's scheduling policy, or null to let each seed draw its own (swarm). */
  readonly policy: 'random' | 'pct' | null;
  /** Report reaching this coverage goal as a finding (`warn canary.<goal>`): proves the pipeline. */
  readonly canary: string | null;
  /** Every run's netfs design; absent to let each seed draw its own (swarm). */
  readonly design?: Design;
}

export interface RunSpec {
  /** The run's index in the campaign; null for a boost run. */
  readonly k: number | null;
  /** The boost run's index in its shard; null for a campaign run. */
  readonly boost: number | null;
  /** The seed of the run's choices. */
  readonly seed: number;
  /** The seed its config is drawn from: `seed` itself except in boost runs. */
  readonly configSeed: number;
}

export interface RunSummary {
  readonly spec: RunSpec;
  readonly events: number;
  /** Coverage goals reached, sorted. */
  readonly coverage: readonly string[];
  readonly findings: number;
  readonly first: Finding | null;
  /** The encoded trace, when the first finding's signature was not in the `known` set. */
  readonly trace: string | null;
}

/** Ids of the findings the campaign loop itself reports (docs/findings.md lists them). */
export const INTERNAL = {
  exception: { kind: 'internal', id: 'model.exception' },
  workerExit: { kind: 'internal', id: 'model.worker_exit' },
  modeDivergence: { kind: 'internal', id: 'model.mode_divergence' },
} as const;

export function shardRunK(shard: Shard, j: number): number {
  return shard.index + j * shard.count;
}

/** The index in the shard of its first run at or after campaign run `k`. */
export function shardRunJ(shard: Shard, k: number): number {
  return Math.max(0, Math.ceil((k - shard.index) / shard.count));
}

export function campaignRun(campaignSeed: number, k: number): RunSpec {
  const seed = campaignRunSeed(campaignSeed, k);
  return { k, boost: null, seed, configSeed: seed };
}

/** Boost seeds come from their own stream (the campaign seed mixed with a constant), per shard. */
export function boostRun(campaignSeed: number, shard: Shard, b: number, configSeed: number): RunSpec {
  return { k: null, boost: b, seed: campaignRunSeed((campaignSeed ^ 0xb0057ed) >>> 0, shardRunK(shard, b)), configSeed };
}

export function configOf(spec: RunSpec, opts: CampaignRunOptions): SimConfig {
  return drawConfig(spec.configSeed, {
    ...(opts.policy === null ? {} : { policy: opts.policy }),
    ...(opts.design === undefined ? {} : { design: opts.design }),
  });
}

/**
 * One run, start to finish, in the fast (mutable) mode. An exception is our bug, not the
 * kernel's: it becomes an `internal model.exception` finding with a header-only trace (seed
 * and config reproduce it), and the campaign goes on.
 */
export function runCampaignRun(spec: RunSpec, opts: CampaignRunOptions, known: ReadonlySet<string>): RunSummary {
  let config: SimConfig | null = null;
  try {
    config = configOf(spec, opts);
    // Most runs find nothing new and their trace is dropped: run without step digests or a
    // trace, and run again with them (the same run: a pure function of seed and config) for a
    // trace kept. Coverage is counted as the steps are applied.
    const seedOpts = { mutants: opts.mutants, mode: 'mutable', config } as const;
    const tracker = coverageTracker();
    const { result } = runSeedResult(spec.seed, { ...seedOpts, digests: false, observer: tracker });
    const model = modelOptions(opts.mutants);
    const coverage = tracker.goals();
    const findings = [...result.findings];
    if (opts.canary !== null && coverage.includes(opts.canary)) {
      findings.push({ kind: 'warn', id: `canary.${opts.canary}`, detail: `the run reached coverage goal ${opts.canary} (--canary)` });
    }
    const found = findings[0] ?? null;
    if (found === null || known.has(findingSignature(found))) {
      return { spec, events: result.stepCount, coverage, findings: findings.length, first: found, trace: null };
    }
    const text = encodeTrace(runSeedTrace(spec.seed, seedOpts).trace);
    const first = confirmImmutable(text, model) ?? found;
    return { spec, events: result.stepCount, coverage, findings: findings.length, first, trace: text };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const first = { ...INTERNAL.exception, detail: `${e.message} (seed ${spec.seed}, config seed ${spec.configSeed})` };
    return { spec, events: 0, coverage: [], findings: 1, first, trace: encodeTrace(headerOnlyTrace(spec, config, opts, first)) };
  }
}

/**
 * DESIGN "Two ways to run the same reducers": a finding from a mutable-mode run is replayed
 * once in immutable mode before it is reported; a difference is our bug.
 */
function confirmImmutable(text: string, model: ReturnType<typeof modelOptions>): Finding | null {
  const decoded = decodeTrace(text);
  if (!decoded.ok) return { ...INTERNAL.modeDivergence, detail: `the run's own trace does not decode: line ${decoded.error.line}: ${decoded.error.message}` };
  const r = replayTrace(decoded.value, { model, mode: 'immutable' });
  if (r.error !== null) return { ...INTERNAL.modeDivergence, detail: `immutable replay rejects line ${r.error.line}: ${r.error.message}` };
  if (r.divergence === null) return null;
  const d = r.divergence;
  return { ...INTERNAL.modeDivergence, detail: `immutable replay differs at step ${d.i} (${d.what}): mutable ${d.expected}, immutable ${d.got}` };
}

/** A run that threw has no steps to show; its header still reproduces it with `bvsim run`. */
export function headerOnlyTrace(spec: RunSpec, config: SimConfig | null, opts: CampaignRunOptions, finding: Finding): Trace {
  const known = new Set(mutantNames());
  const header: Trace['header'] = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: modelId(mutantNames()),
    seed: String(spec.seed),
    config: config === null ? {} : { ...config },
  };
  if (opts.mutants.length > 0) header.mutants = opts.mutants.filter((m) => known.has(m));
  return { header, steps: [], footer: { end: true, events: 0, findings: [finding] } };
}
