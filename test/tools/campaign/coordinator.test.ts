// The campaign loop against an in-process pool that answers batches in reverse order: runs are
// still committed in run order (nextK means "every run below is counted"), counts match the
// runs computed one by one, favoured configs get boost runs, and --until-finding stops at the
// first finding in run order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingSignature } from '../../../core/index.ts';
import { campaignRun, runCampaignRun, type CampaignRunOptions, type StreamKey } from '../../../fuzz/index.ts';
import { createCampaign, runCampaign, type CampaignSetup } from '../../../tools/campaign/coordinator.ts';
import { createLedger } from '../../../tools/campaign/ledger.ts';
import type { JobOutcome, Pool } from '../../../tools/campaign/pool.ts';
import type { ToWorker } from '../../../tools/campaign/protocol.ts';
import { openStore, readStore } from '../../../tools/campaign/store.ts';

const SEED = 31337;
const opts: CampaignRunOptions = { mutants: [], policy: null, canary: 'alloc.failed' };

type Job = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never;

/** Answers every job in this thread, the latest submitted first. */
function reversePool(size: number): Pool & { batches: number } {
  const waiting: { job: Job; resolve: (o: JobOutcome) => void }[] = [];
  const answer = (job: Job): JobOutcome => {
    if (job.type === 'shrink') return { type: 'shrunk', id: 0, signature: job.signature, result: { ok: false, why: 'not here' } };
    return { type: 'runs', id: 0, results: job.specs.map((s) => runCampaignRun(s, opts, new Set(job.known))) };
  };
  const pool = {
    size,
    batches: 0,
    idle: () => size - waiting.length,
    submit(job: Job) {
      pool.batches++;
      return new Promise<JobOutcome>((resolve) => {
        waiting.push({ job, resolve });
        if (waiting.length === 1) {
          setTimeout(() => {
            for (const w of waiting.splice(0).reverse()) w.resolve(answer(w.job));
          }, 5);
        }
      });
    },
    replaced: () => 0,
    broken: () => null,
    terminate: () => Promise.resolve(),
  };
  return pool;
}

function counts(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 0; k < n; k++) {
    const r = runCampaignRun(campaignRun(SEED, k), opts, new Set());
    if (r.first !== null) out[findingSignature(r.first)] = (out[findingSignature(r.first)] ?? 0) + 1;
  }
  return out;
}

async function campaign(over: Partial<CampaignSetup>) {
  const dir = mkdtempSync(join(tmpdir(), 'bvsim-coord-'));
  const stream: StreamKey = { seed: SEED, shard: { index: 0, count: 1 }, design: 'cursor', policy: 'swarm', mutants: [], canary: 'alloc.failed' };
  const store = openStore(dir);
  const ledger = createLedger(stream, new Map(), null, 0);
  const c = createCampaign(ledger, () => 0);
  const setup: CampaignSetup = {
    campaignSeed: SEED,
    opts,
    timeMs: null,
    runsMax: 8,
    untilFinding: false,
    shrinkMs: null,
    favour: false,
    statsEveryMs: 1e9,
    now: () => 0,
    stopFlag: new Int32Array(1),
    onFinding: () => undefined,
    onShrunk: () => undefined,
    onTick: () => undefined,
    ...over,
  };
  const reason = await runCampaign(c, setup, reversePool(3), store);
  store.release();
  return { reason, ledger, store: readStore(dir) };
}

describe(`runCampaign (seed ${SEED}, answers in reverse)`, () => {
  it('should commit every run once, in run order, with the counts of the runs one by one', async () => {
    const r = await campaign({});
    expect(r.reason).toBe('runs');
    expect(r.ledger.commitJ).toBe(8);
    expect(r.ledger.counts).toEqual(counts(8));
    const ks = r.store.records.flatMap((x) => (x.type === 'finding' && x.k !== null ? [x.k] : []));
    expect(ks).toEqual([...ks].sort((a, b) => a - b));
  });

  it('should mix boost runs of favoured configs in when favouring', async () => {
    const r = await campaign({ favour: true, runsMax: 20 });
    expect(r.ledger.boostNext).toBeGreaterThan(0);
    expect(r.ledger.runs).toBe(20 + r.ledger.boostNext);
  });

  it('should stop at the first finding in run order (--until-finding)', async () => {
    const r = await campaign({ untilFinding: true, runsMax: 30 });
    expect(r.reason).toBe('finding');
    const first = r.store.records.find((x) => x.type === 'finding');
    expect(first?.type === 'finding' && first.k).toBe(r.ledger.commitJ - 1);
    expect(Object.values(r.ledger.counts)).toEqual([1]);
  });
});
