/**
 * The simulator's only randomness: pure-rand's xoroshiro128plus behind an integer-only API.
 * Each subsystem draws from its own stream (the root generator jumped k + 1 times for the
 * k-th name in STREAMS), so an extra draw in fault injection never shifts the workload, and a
 * stream added at the end of the list leaves every old seed's streams unchanged.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

/** Append-only: a stream's index fixes its jump count, so never reorder or remove names. */
export const STREAMS = ['scheduler', 'workload', 'devices', 'actors', 'faults', 'config'] as const;
export type StreamName = (typeof STREAMS)[number];

export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
}

export interface Prng {
  /** Uniform in [0, maxExclusive); maxExclusive >= 1. */
  int(maxExclusive: number): number;
  /** Uniform in [min, max], both inclusive. */
  range(min: number, max: number): number;
  chance(p: Ratio): boolean;
  /** The generator state, to resume the stream later (`prngFromState`). */
  state(): number[];
}

function wrap(gen: ReturnType<typeof xoroshiro128plus>): Prng {
  const prng: Prng = {
    int(maxExclusive) {
      if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1) throw new Error(`prng.int: bad bound ${maxExclusive}`);
      return uniformInt(gen, 0, maxExclusive - 1);
    },
    range(min, max) {
      if (max < min) throw new Error(`prng.range: empty range [${min}, ${max}]`);
      return uniformInt(gen, min, max);
    },
    chance(p) {
      if (p.denominator <= 0 || p.numerator < 0) throw new Error('prng.chance: bad ratio');
      return prng.int(p.denominator) < p.numerator;
    },
    state: () => [...gen.getState()],
  };
  return prng;
}

/** The stream `name` of the run seeded by `seed` (a u32). */
export function prngFor(seed: number, name: StreamName): Prng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed ${seed} is not a u32`);
  const gen = xoroshiro128plus(seed | 0);
  const jumps = STREAMS.indexOf(name) + 1;
  for (let k = 0; k < jumps; k++) gen.jump();
  return wrap(gen);
}

export function prngFromState(state: readonly number[]): Prng {
  return wrap(xoroshiro128plusFromState(state));
}

/** A bijection of u32 (murmur3's finaliser): every input bit moves every output bit. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The seed of run `k` of a campaign, so run k is the same whatever the number of workers or
 * shards. Run k is mixed as `start + k * stride` (mod 2^32), both drawn from the campaign seed
 * and the stride odd, so one campaign never repeats a run within 2^32 runs, and two campaigns
 * share runs only by chance. (Mixing `campaignSeed ^ k` made campaign 1's run 2 campaign 2's
 * run 1 and campaign 3's run 0: campaigns with nearby seeds ran the same runs in another order.)
 */
export function runSeed(campaignSeed: number, k: number): number {
  const start = mix32((campaignSeed ^ 0x9e3779b9) >>> 0);
  const stride = (mix32((campaignSeed ^ 0x7f4a7c15) >>> 0) | 1) >>> 0;
  const high = mix32(Math.floor(k / 0x100000000) >>> 0);
  return mix32(((start + Math.imul(k >>> 0, stride)) ^ high) >>> 0);
}
