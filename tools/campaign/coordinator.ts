/**
 * The campaign loop: hands batches of runs to the worker pool, commits their results in run
 * order (ledger.ts), shrinks each new finding in the background, writes stats periodically,
 * and stops on the time or run budget, the first finding (`--until-finding`), or a signal.
 * Stopping drains: no new batches, the ones in flight are committed, a running shrink is
 * told to return its best so far.
 */
import {
  boostRun,
  campaignRun,
  configOf,
  headerOnlyTrace,
  INTERNAL,
  runCampaignRun,
  shardRunK,
  type CampaignRunOptions,
  type EndReason,
  type RunSpec,
  type RunSummary,
} from '../../fuzz/index.ts';
import { encodeTrace } from '../../traces/index.ts';
import { commitRun, commitShrunk, statsRecord, type Ledger, type NewFinding } from './ledger.ts';
import type { JobOutcome, Pool } from './pool.ts';
import type { StoreWriter } from './store.ts';

export interface CampaignSetup {
  readonly campaignSeed: number;
  readonly opts: CampaignRunOptions;
  readonly timeMs: number | null;
  /** Campaign runs k < runsMax (this shard's share of them); null: no limit. */
  readonly runsMax: number | null;
  readonly untilFinding: boolean;
  /** Per-finding shrink budget; null: store findings unshrunk. */
  readonly shrinkMs: number | null;
  /** Mix boost runs of favoured configs in (never with a run budget: those runs are exact). */
  readonly favour: boolean;
  readonly statsEveryMs: number;
  readonly now: () => number;
  /** Shared with the workers: set to 1 when stopping, so a shrink returns early. */
  readonly stopFlag: Int32Array;
  readonly onFinding: (f: NewFinding) => void;
  readonly onShrunk: (signature: string, outcome: ShrinkNews) => void;
  readonly onTick: () => void;
}

/** A shrink's end: the new file, or why the stored trace stays as it is. */
export type ShrinkNews = { readonly file: string; readonly before: number; readonly after: number } | { readonly why: string };

export interface Campaign {
  readonly ledger: Ledger;
  readonly started: number;
  stopping: EndReason | null;
  /** Stop now (a second Ctrl-C): in-flight work is abandoned, what is committed stays. */
  aborted: boolean;
  stop(reason: EndReason): void;
}

interface Loop {
  readonly c: Campaign;
  readonly setup: CampaignSetup;
  readonly pool: Pool;
  readonly store: StoreWriter;
  /** Next run index in the shard to hand out. */
  nextJ: number;
  readonly pending: Map<number, RunSummary>;
  readonly retry: RunSpec[];
  readonly shrinkQueue: { signature: string; text: string }[];
  batches: number;
  shrinks: number;
  batchSize: number;
  wake: () => void;
}

const BATCH_TARGET_MS = 200;
const BATCH_MAX = 64;
/** A batch that runs this long holds a run that never ends (every run is bounded: our bug). */
const BATCH_LIMIT_MS = 10 * 60_000;
/** How far past the first uncommitted run to hand out runs: bounds the reorder buffer. */
const AHEAD_MAX = 10_000;

export function createCampaign(ledger: Ledger, now: () => number): Campaign {
  const c: Campaign = {
    ledger,
    started: now(),
    stopping: null,
    aborted: false,
    stop(reason) {
      c.stopping ??= reason;
    },
  };
  return c;
}

/** Runs the campaign to its end; returns why it ended. The store is consistent at every await. */
export async function runCampaign(c: Campaign, setup: CampaignSetup, pool: Pool, store: StoreWriter): Promise<EndReason> {
  const loop: Loop = { c, setup, pool, store, nextJ: c.ledger.commitJ, pending: new Map(), retry: [], shrinkQueue: [], batches: 0, shrinks: 0, batchSize: 4, wake: () => undefined };
  let lastStats = setup.now();
  const timer = setInterval(() => {
    if (setup.timeMs !== null && setup.now() - c.started >= setup.timeMs) c.stop('time');
    if (setup.now() - lastStats >= setup.statsEveryMs) {
      lastStats = setup.now();
      store.append(statsRecord(c.ledger, setup.now() - c.started));
    }
    setup.onTick();
    loop.wake();
  }, 100);
  try {
    for (;;) {
      // Out of time or interrupted: a running shrink returns its best so far. After the last run
      // or the first finding (--until-finding) shrinks still get their own budget.
      if (c.stopping === 'time' || c.stopping === 'signal') Atomics.store(setup.stopFlag, 0, 1);
      if (pool.broken() !== null) c.aborted = true;
      if (c.aborted) break;
      fill(loop);
      if (loop.batches === 0 && loop.shrinks === 0 && (c.stopping !== null || !moreRuns(loop))) break;
      await new Promise<void>((resolve) => (loop.wake = resolve));
    }
  } finally {
    clearInterval(timer);
  }
  return c.stopping ?? 'runs';
}

function moreRuns(l: Loop): boolean {
  if (l.retry.length > 0) return true;
  if (l.nextJ - l.c.ledger.commitJ >= AHEAD_MAX) return false;
  return l.setup.runsMax === null || shardRunK(l.c.ledger.stream.shard, l.nextJ) < l.setup.runsMax;
}

/** Hands out work while workers are free: shrinks (at most a quarter of the pool) and run batches. */
function fill(l: Loop): void {
  const shrinksMax = Math.max(1, Math.floor(l.pool.size / 4));
  if (l.c.stopping === 'time' || l.c.stopping === 'signal') l.shrinkQueue.length = 0;
  while (l.batches + l.shrinks < l.pool.size) {
    const job = l.shrinkQueue[0];
    if (job !== undefined && l.shrinks < shrinksMax) {
      l.shrinkQueue.shift();
      startShrink(l, job);
      continue;
    }
    if (l.c.stopping !== null || !moreRuns(l)) return;
    startBatch(l, nextBatch(l));
  }
}

function nextBatch(l: Loop): RunSpec[] {
  const retried = l.retry.shift();
  if (retried !== undefined) return [retried];
  const { ledger } = l.c;
  const specs: RunSpec[] = [];
  const favoured = l.setup.favour ? ledger.favoured : [];
  for (let n = 0; n < l.batchSize && moreRuns(l); n++) {
    const j = l.nextJ++;
    specs.push(campaignRun(l.setup.campaignSeed, shardRunK(ledger.stream.shard, j)));
    // One boost run per four campaign runs while any config is favoured.
    if (favoured.length > 0 && j % 4 === 3) {
      const b = ledger.boostNext++;
      specs.push(boostRun(l.setup.campaignSeed, ledger.stream.shard, b, favoured[b % favoured.length] ?? 0));
    }
  }
  return specs;
}

function startBatch(l: Loop, specs: RunSpec[]): void {
  l.batches++;
  const sent = l.setup.now();
  void l.pool.submit({ type: 'runs', specs, known: [...l.c.ledger.files.keys()] }, BATCH_LIMIT_MS).then((outcome) => {
    l.batches--;
    if (!l.c.aborted) onBatch(l, specs, outcome, l.setup.now() - sent);
    l.wake();
  });
}

function onBatch(l: Loop, specs: readonly RunSpec[], outcome: JobOutcome, ms: number): void {
  if (outcome.type === 'runs') {
    // Aim for batches of about BATCH_TARGET_MS: big enough to amortise messages, small enough to stop promptly.
    const perRun = ms / Math.max(1, specs.length);
    l.batchSize = Math.max(1, Math.min(BATCH_MAX, Math.round(BATCH_TARGET_MS / Math.max(1, perRun))));
    for (const r of outcome.results) accept(l, r);
  } else if (outcome.type === 'died' && specs.length > 1) {
    // Find the run that kills its worker: each run of the batch again, on its own.
    l.retry.push(...specs);
  } else if (outcome.type === 'died') {
    for (const spec of specs) accept(l, workerExitSummary(spec, l.setup.opts, outcome.why));
  }
  drain(l);
}

function accept(l: Loop, r: RunSummary): void {
  const j = r.spec.k === null ? null : Math.floor((r.spec.k - l.c.ledger.stream.shard.index) / l.c.ledger.stream.shard.count);
  if (j === null) commit(l, r);
  else l.pending.set(j, r);
}

/** Commits the buffered runs that are next in order. */
function drain(l: Loop): void {
  for (;;) {
    const r = l.pending.get(l.c.ledger.commitJ);
    if (r === undefined || l.c.stopping === 'finding' || l.c.aborted) return;
    l.pending.delete(l.c.ledger.commitJ);
    commit(l, r);
  }
}

function commit(l: Loop, r: RunSummary): void {
  if (l.c.stopping === 'finding' || l.c.aborted) return;
  const rerun = (x: RunSummary): string => runCampaignRun(x.spec, l.setup.opts, new Set()).trace ?? '';
  const found = commitRun(l.c.ledger, l.store, r, rerun, l.setup.now() - l.c.started);
  if (found !== null) {
    l.setup.onFinding(found);
    const internal = r.first?.kind === 'internal' || r.first?.id.startsWith('canary.') === true;
    if (l.setup.shrinkMs !== null && !internal) l.shrinkQueue.push({ signature: found.signature, text: r.trace ?? rerun(r) });
  }
  if (r.first !== null && l.setup.untilFinding) l.c.stop('finding');
}

function startShrink(l: Loop, job: { signature: string; text: string }): void {
  l.shrinks++;
  const budgetMs = l.setup.shrinkMs ?? 0;
  const sent = l.setup.now();
  void l.pool.submit({ type: 'shrink', signature: job.signature, text: job.text, budgetMs }, budgetMs + BATCH_LIMIT_MS).then((outcome) => {
    l.shrinks--;
    if (!l.c.aborted) l.setup.onShrunk(job.signature, shrinkNews(l, job.signature, outcome, l.setup.now() - sent));
    l.wake();
  });
}

function shrinkNews(l: Loop, signature: string, outcome: JobOutcome, ms: number): ShrinkNews {
  if (outcome.type === 'died') return { why: `the worker died: ${outcome.why}` };
  if (outcome.type !== 'shrunk') return { why: `unexpected answer ${outcome.type}` };
  const r = outcome.result;
  if (!r.ok) return { why: r.why };
  const events = { before: r.eventsBefore, after: r.eventsAfter };
  const file = commitShrunk(l.c.ledger, l.store, signature, r.text, { ...events, ms });
  return file === null ? { why: `no smaller trace (${r.eventsBefore} events)` } : { file, ...events };
}

/** A run that takes its worker thread down with it (on its own, so it is this run). */
function workerExitSummary(spec: RunSpec, opts: CampaignRunOptions, why: string): RunSummary {
  const first = { ...INTERNAL.workerExit, detail: `${why} (seed ${spec.seed}, config seed ${spec.configSeed})` };
  let config = null;
  try {
    config = configOf(spec, opts);
  } catch {
    config = null;
  }
  return { spec, events: 0, coverage: [], findings: 1, first, trace: encodeTrace(headerOnlyTrace(spec, config, opts, first)) };
}
