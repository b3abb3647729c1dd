// A run is a pure function of (config, choices): the same seed gives byte-identical traces run
// after run, in both engine modes, under both scheduling policies, and from a config given back.
import { describe, expect, it } from 'vitest';
import { runSeedTrace, type SeedRunOptions } from '../../fuzz/index.ts';
import { ACTOR_KINDS, drawConfig, type SimConfig } from '../../sim/index.ts';
import { encodeTrace } from '../../traces/index.ts';
import { parseSimConfig } from '../../tools/config_file.ts';

const SEEDS_FIRST = 1;
const SEEDS_COUNT = 200;
const seeds = Array.from({ length: SEEDS_COUNT }, (_, k) => SEEDS_FIRST + k);

function traceText(seed: number, opts: Partial<SeedRunOptions> = {}): string {
  return encodeTrace(runSeedTrace(seed, { mutants: [], mode: 'mutable', ...opts }).trace);
}

/** The seeds, in `n` groups, so each `it` stays short. */
function groups(n: number): number[][] {
  const size = Math.ceil(seeds.length / n);
  return Array.from({ length: n }, (_, k) => seeds.slice(k * size, (k + 1) * size));
}

describe(`simulate (seeds ${SEEDS_FIRST}..${SEEDS_FIRST + SEEDS_COUNT - 1})`, () => {
  for (const [k, group] of groups(8).entries()) {
    it(`should give the same trace bytes run twice and in immutable mode (group ${k + 1} of 8)`, () => {
      const differ: string[] = [];
      for (const seed of group) {
        const first = traceText(seed);
        if (traceText(seed) !== first) differ.push(`${seed}: second run`);
        if (traceText(seed, { mode: 'immutable' }) !== first) differ.push(`${seed}: immutable mode`);
      }
      expect(differ).toEqual([]);
    });
  }

  it('should run every actor kind among the swarm configs', () => {
    const kinds = new Set(seeds.flatMap((seed) => drawConfig(seed).actors.map((a) => a.kind)));
    const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    expect([...kinds].sort(byName)).toEqual([...ACTOR_KINDS].sort(byName));
  });

  it('should run some seeds with a single actor kind (swarm over kinds)', () => {
    const single = seeds.filter((seed) => new Set(drawConfig(seed).actors.map((a) => a.kind)).size === 1);
    expect(single.length).toBeGreaterThan(SEEDS_COUNT / 10);
  });
});

describe('simulate under each scheduling policy (seeds 1..40)', () => {
  for (const policy of ['random', 'pct'] as const) {
    it(`should be deterministic under the ${policy} policy`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const config = drawConfig(seed, { policy });
        expect(config.policy.kind).toBe(policy);
        expect(traceText(seed, { config })).toBe(traceText(seed, { config }));
      }
    });
  }

  it('should draw the same config but for the policy when a seed is forced to either (paired comparison)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { policy: _r, ...random } = drawConfig(seed, { policy: 'random' });
      const { policy: _p, ...pct } = drawConfig(seed, { policy: 'pct' });
      expect(pct).toEqual(random);
    }
  });

  it('should schedule differently under pct and random for some seed', () => {
    const differ = Array.from({ length: 40 }, (_, k) => k + 1).filter((seed) => {
      const order = (policy: 'random' | 'pct') =>
        runSeedTrace(seed, { mutants: [], mode: 'mutable', config: drawConfig(seed, { policy }) }).result.steps.map((s) => s.by).join();
      return order('random') !== order('pct');
    });
    expect(differ.length).toBeGreaterThan(0);
  });
});

describe('simulate from an explicit config (seeds 1..60)', () => {
  it('should reproduce the drawn run when the drawn config is given back as JSON', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const drawn: SimConfig = drawConfig(seed);
      const parsed = parseSimConfig(JSON.stringify(drawn));
      if (!parsed.ok) throw new Error(`seed ${seed}: drawn config does not parse: ${parsed.message}`);
      expect(parsed.config).toEqual(drawn);
      expect(traceText(seed, { config: parsed.config })).toBe(traceText(seed));
    }
  });

  it('should reject a config whose actor has a misspelt field', () => {
    const drawn = drawConfig(1, { kinds: ['iter_user'] });
    const bad = { ...drawn, actors: drawn.actors.map((a) => ({ ...a, opsMaxx: 3 })) };
    const parsed = parseSimConfig(JSON.stringify(bad));
    expect(parsed.ok).toBe(false);
  });
});

describe('the clean model (seeds 1..300)', () => {
  for (const from of [1, 101, 201]) {
    it(`should give no finding and always quiesce (seeds ${from}..${from + 99})`, () => {
      const failing: string[] = [];
      for (let seed = from; seed < from + 100; seed++) {
        const r = runSeedTrace(seed, { mutants: [], mode: 'mutable' }).result;
        const f = r.findings[0];
        if (f !== undefined || !r.quiesced) failing.push(`${seed}: ${f === undefined ? 'not quiesced' : `${f.kind} ${f.id}: ${f.detail}`}`);
      }
      expect(failing).toEqual([]);
    });
  }
});
