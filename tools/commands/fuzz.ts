/**
 * `bvsim fuzz`: a campaign. Prints the campaign seed first, runs seeds on worker threads
 * until the time or run budget is spent, the first finding (`--until-finding`) or Ctrl-C /
 * SIGTERM, writes each new distinct finding to `OUT/findings/` and a log to
 * `OUT/campaign.jsonl`, and ends with a summary. Re-running with the same `--out` (and shard
 * and options) resumes where the store left off. Exit 1 when this session saw a finding,
 * 70 when one was internal (a bvsim bug), 4 when the store cannot be used.
 */
import { Worker } from 'node:worker_threads';
import { latestSeed, shardRunJ, streamId, type CampaignRunOptions, type DesignChoice, type EndReason, type Shard, type StreamKey } from '../../fuzz/index.ts';
import { createCampaign, runCampaign, type Campaign, type CampaignSetup } from '../campaign/coordinator.ts';
import { createLedger, statsRecord } from '../campaign/ledger.ts';
import { createPool, type SpawnWorker } from '../campaign/pool.ts';
import { createProgress, type Progress } from '../campaign/progress.ts';
import type { WorkerInit } from '../campaign/protocol.ts';
import { openStore, readStore, StoreBusyError, type StoreWriter } from '../campaign/store.ts';
import { printSummary } from '../campaign/summary.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { freshSeed } from '../seed.ts';

export interface FuzzArgs {
  readonly timeMs: number | null;
  readonly runs: number | null;
  readonly workers: number;
  readonly seed: number | null;
  readonly shard: Shard;
  readonly out: string;
  /** `swarm`: each seed draws its own design. */
  readonly design: DesignChoice;
  readonly mutants: readonly string[];
  readonly policy: 'random' | 'pct' | null;
  readonly untilFinding: boolean;
  readonly canary: string | null;
  /** Per-finding shrink budget; null with --no-shrink. */
  readonly shrinkMs: number | null;
  /** Plain progress line cadence when stdout is not a terminal. */
  readonly progressEveryMs: number;
}

const STATS_EVERY_MS = 10_000;

export function defaultSpawn(init: WorkerInit): SpawnWorker {
  return () => new Worker(new URL('../campaign/worker_boot.mjs', import.meta.url), { workerData: init });
}

export async function runFuzz(args: FuzzArgs, io: Io, spawn: (init: WorkerInit) => SpawnWorker = defaultSpawn): Promise<ExitCode> {
  let store: StoreWriter;
  try {
    store = openStore(args.out);
  } catch (err) {
    io.err(`bvsim fuzz: ${err instanceof StoreBusyError ? err.message : `${args.out}: cannot open the findings store: ${String(err)}`}\n`);
    return EXIT.traceError;
  }
  try {
    return await campaignIn(store, args, io, spawn);
  } finally {
    store.release();
  }
}

async function campaignIn(store: StoreWriter, args: FuzzArgs, io: Io, spawn: (init: WorkerInit) => SpawnWorker): Promise<ExitCode> {
  const contents = readStore(args.out);
  for (const e of contents.errors) io.err(`${args.out}/campaign.jsonl:${e.line}: ignored: ${e.message}\n`);
  const like: Omit<StreamKey, 'seed'> = {
    shard: args.shard,
    design: args.design,
    policy: args.policy ?? 'swarm',
    mutants: [...args.mutants].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    canary: args.canary,
  };
  const stream: StreamKey = { ...like, seed: args.seed ?? latestSeed(contents.records, like) ?? freshSeed() };
  io.out(`campaign seed ${stream.seed}\n`);
  const resume = contents.view.streams.get(streamId(stream)) ?? null;
  const ledger = createLedger(stream, contents.view.files, resume, resume === null ? 0 : shardRunJ(args.shard, resume.nextK));
  if (resume !== null) io.out(`resuming at run ${resume.nextK}: ${resume.runs} runs and ${contents.view.files.size} distinct findings in ${args.out}\n`);
  store.append({ type: 'start', stream, nextK: resume?.nextK ?? args.shard.index, workers: args.workers, timeMs: args.timeMs, runsMax: args.runs });
  const now = io.now ?? (() => performance.now());
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  const opts: CampaignRunOptions = { mutants: args.mutants, policy: args.policy, canary: args.canary, ...(args.design === 'swarm' ? {} : { design: args.design }) };
  const pool = createPool(args.workers, spawn({ opts, stop: stopFlag.buffer }));
  const campaign = createCampaign(ledger, now);
  const progress = createProgress({ io, campaign, timeMs: args.timeMs, workers: args.workers, replaced: () => pool.replaced(), everyMs: args.progressEveryMs, now });
  const unhook = onSignals(campaign, progress, () => void pool.terminate());
  let reason: EndReason;
  try {
    reason = await runCampaign(campaign, setupOf(args, stream.seed, opts, stopFlag, now, progress), pool, store);
  } finally {
    unhook();
    await pool.terminate();
  }
  if (campaign.aborted) reason = 'aborted';
  const broken = pool.broken();
  if (broken !== null) io.err(`bvsim fuzz: internal error: the worker pool gave up: ${broken}\n`);
  store.append(statsRecord(ledger, now() - campaign.started));
  store.append({ type: 'end', stream, reason, nextK: statsRecord(ledger, 0).nextK, runs: ledger.runs });
  progress.done();
  printSummary(io, { args, campaign, reason, elapsedMs: now() - campaign.started, replaced: pool.replaced() });
  if (ledger.session.internal > 0 || broken !== null) return EXIT.internal;
  return ledger.session.findings > 0 ? EXIT.finding : EXIT.ok;
}

function setupOf(args: FuzzArgs, campaignSeed: number, opts: CampaignRunOptions, stopFlag: Int32Array, now: () => number, progress: Progress): CampaignSetup {
  return {
    campaignSeed,
    opts,
    timeMs: args.timeMs,
    runsMax: args.runs,
    untilFinding: args.untilFinding,
    shrinkMs: args.shrinkMs,
    favour: args.runs === null,
    statsEveryMs: STATS_EVERY_MS,
    now,
    stopFlag,
    onFinding: (f) =>
      progress.news(`new finding ${f.signature} at ${f.summary.spec.k === null ? 'a boost run' : `run ${f.summary.spec.k}`} (seed ${f.summary.spec.seed}): ${args.out}/findings/${f.file}`),
    onShrunk: (sig, e) =>
      progress.news('file' in e ? `shrunk ${sig}: ${e.before} → ${e.after} events: ${args.out}/findings/${e.file}` : `kept ${sig} unshrunk: ${e.why}`),
    onTick: () => progress.tick(),
  };
}

/** First Ctrl-C or SIGTERM: stop and drain. A second: abandon what is in flight at once. */
function onSignals(c: Campaign, progress: Progress, abort: () => void): () => void {
  let signals = 0;
  const handler = (): void => {
    if (signals++ > 0) {
      c.aborted = true;
      abort();
      return;
    }
    c.stop('signal');
    progress.news('stopping: finishing the runs in flight (Ctrl-C again to abandon them)');
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
