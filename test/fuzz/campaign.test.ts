// The runs of a campaign: run k is a pure function of (campaign seed, k), shards partition the
// runs, a run summary is deterministic, and an exception inside a run becomes an internal
// finding with a header-only trace instead of escaping.
import { describe, expect, it } from 'vitest';
import { boostRun, campaignRun, configOf, configFor, runCampaignRun, shardRunJ, shardRunK, type Shard } from '../../fuzz/index.ts';
import { decodeTrace } from '../../traces/index.ts';

const SEED = 20240601;
const opts = { mutants: [], policy: null, canary: null } as const;

describe(`campaign runs (seed ${SEED})`, () => {
  it('should give every run k to exactly one shard of n, in order', () => {
    for (const count of [1, 3, 4]) {
      const seen: number[] = [];
      for (let index = 0; index < count; index++) {
        const shard: Shard = { index, count };
        for (let j = 0; shardRunK(shard, j) < 40; j++) {
          seen.push(shardRunK(shard, j));
          expect(shardRunJ(shard, shardRunK(shard, j))).toBe(j);
        }
      }
      expect(seen.sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    }
    expect(shardRunJ({ index: 1, count: 4 }, 6)).toBe(2);
  });

  it('should make run k the same run whatever else ran, and boost runs keep their config seed', () => {
    expect(campaignRun(SEED, 17)).toEqual(campaignRun(SEED, 17));
    expect(campaignRun(SEED, 17).seed).not.toBe(campaignRun(SEED, 18).seed);
    const b = boostRun(SEED, { index: 0, count: 1 }, 3, 99);
    expect(b).toMatchObject({ k: null, boost: 3, configSeed: 99 });
    expect(b.seed).not.toBe(campaignRun(SEED, 3).seed);
  });

  it('should give campaigns with nearby seeds runs of their own, and repeat no run within one', () => {
    // Campaign 1's run 2 once was campaign 2's run 1 and campaign 3's run 0 (seed ^ k mixed):
    // two machines started with seeds 1 and 2 ran the same runs in another order.
    const seeds = (c: number, n: number): number[] => Array.from({ length: n }, (_, k) => campaignRun(c, k).seed);
    const first = new Set(seeds(1, 4096));
    expect(first.size).toBe(4096);
    for (const c of [0, 2, 3, 4, 5, 8, 0x80000001]) {
      const shared = seeds(c, 4096).filter((s) => first.has(s)).length;
      // Independent u32 draws: 4096 * 4096 / 2^32, about 0.004 shared runs expected.
      expect(shared, `campaign ${c}`).toBeLessThanOrEqual(2);
    }
  });

  it('should force the netfs design of every drawn config when asked, and draw it per seed otherwise', () => {
    const drawn = new Set<string>();
    for (let k = 0; k < 16; k++) {
      const spec = campaignRun(SEED, k);
      drawn.add(configOf(spec, opts).design ?? 'cursor');
      for (const design of ['cursor', 'rolling'] as const) {
        const forced = configOf(spec, { ...opts, design });
        expect(forced.design).toBe(design);
        expect({ ...forced, design: null }).toEqual({ ...configOf(spec, opts), design: null });
        expect(configFor(spec.seed, { design }).design).toBe(design);
      }
    }
    expect([...drawn].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(['cursor', 'rolling']);
  });

  it('should summarise a run deterministically', () => {
    const spec = campaignRun(SEED, 2);
    const a = runCampaignRun(spec, opts, new Set());
    const b = runCampaignRun(spec, opts, new Set());
    expect(a).toEqual(b);
    expect(a.events).toBeGreaterThan(0);
  });

  it('should add the canary finding exactly to the runs that reach its goal', () => {
    const canary = { ...opts, canary: 'alloc.failed' };
    let hits = 0;
    for (let k = 0; k < 6; k++) {
      const plain = runCampaignRun(campaignRun(SEED, k), opts, new Set());
      const withCanary = runCampaignRun(campaignRun(SEED, k), canary, new Set());
      const reached = plain.coverage.includes('alloc.failed');
      if (reached) hits++;
      expect(withCanary.findings).toBe(plain.findings + (reached ? 1 : 0));
      if (plain.first === null) expect(withCanary.first?.id ?? null).toBe(reached ? 'canary.alloc.failed' : null);
    }
    expect(hits).toBeGreaterThan(0);
  });

  it('should leave out the trace of a signature the caller already knows', () => {
    const canary = { ...opts, canary: 'alloc.failed' };
    let k = 0;
    while (runCampaignRun(campaignRun(SEED, k), canary, new Set()).first === null && k < 50) k++;
    const fresh = runCampaignRun(campaignRun(SEED, k), canary, new Set());
    expect(fresh.first).not.toBeNull();
    expect(fresh.trace).not.toBeNull();
    const sig = `${fresh.first?.kind ?? ''}.${fresh.first?.id ?? ''}`;
    expect(runCampaignRun(campaignRun(SEED, k), canary, new Set([sig])).trace).toBeNull();
  });

  it('should turn an exception inside a run into an internal finding with a header-only trace', () => {
    const spec = campaignRun(SEED, 0);
    const r = runCampaignRun(spec, { ...opts, mutants: ['no_such_mutant'] }, new Set());
    expect(r.first).toMatchObject({ kind: 'internal', id: 'model.exception' });
    expect(r.first?.detail).toContain(`seed ${spec.seed}`);
    const decoded = decodeTrace(r.trace ?? '');
    expect(decoded.ok && decoded.value.header.seed).toBe(String(spec.seed));
    expect(decoded.ok && decoded.value.footer?.findings[0]?.id).toBe('model.exception');
  });
});
