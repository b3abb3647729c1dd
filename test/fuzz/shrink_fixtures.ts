// Inputs for the shrinking tests: the hand-written regression traces (stage 2) and two small
// simulator configs with hand-written choice logs (stage 1), whose findings the stacking
// driver reaches with the current actors.
import { readFileSync } from 'node:fs';
import { runChoicesTrace, type SeedRun } from '../../fuzz/index.ts';
import type { ChoiceLog, SimConfig } from '../../sim/index.ts';
import { decodeTrace, type Trace } from '../../traces/index.ts';

export const REGRESSIONS = ['bio.size_overflow__hand', 'data.misplaced__bvecq_empty'] as const;

export function regression(name: string): Trace {
  const d = decodeTrace(readFileSync(new URL(`../regressions/${name}.trace.jsonl`, import.meta.url), 'utf8'));
  if (!d.ok) throw new Error(`${name} does not decode: ${JSON.stringify(d.error)}`);
  return d.value;
}

const device = { shortRate: { numerator: 8, denominator: 32 }, errorRate: { numerator: 4, denominator: 64 }, weight: 2 };

/**
 * Two drivers under PCT with faults and short completions, and an event budget (12 + a drain
 * of 3) too small for them to finish: `invariant sim.not_quiesced`, which only the simulator
 * reports (replay cannot see it), so only stage 1 applies.
 */
export const NOT_QUIESCED: { config: SimConfig; choices: Partial<ChoiceLog> } = {
  config: {
    actors: [
      { kind: 'stacking_driver', name: 'a', folios: 3, orderMax: 1, limitSectors: 8, rounds: 2 },
      { kind: 'stacking_driver', name: 'b', folios: 2, orderMax: 0, limitSectors: 16, rounds: 1 },
    ],
    policy: { kind: 'pct', depth: 2 },
    eventsMax: 12,
    drainMax: 3,
    allocFailRate: { numerator: 8, denominator: 64 },
    device,
  },
  // Faults of 63 (out of 64) never fire; an exhausted faults stream would fail every allocation.
  choices: { scheduler: [3, 1, 0, 2, 1, 1, 0, 0, 1, 2, 0, 1], actors: [1, 0, 1, 5, 3, 7, 2, 1, 0, 4, 6, 2, 9, 1], devices: [3, 1, 2], faults: Array<number>(24).fill(63) },
};

/**
 * A driver building one bio over 260 folios (more than the 256 the config file allows, which
 * is the point): `bio_alloc` of 260 vecs BUGs in biovec_slab() (`bug biovec_slab.too_many_vecs`),
 * a finding replay sees, so both stages apply. A second driver and the faults are noise.
 */
export const SLAB: { config: SimConfig; choices: Partial<ChoiceLog> } = {
  config: {
    actors: [
      { kind: 'stacking_driver', name: 'a', folios: 260, orderMax: 2, limitSectors: 64, rounds: 2 },
      { kind: 'stacking_driver', name: 'b', folios: 3, orderMax: 1, limitSectors: 8, rounds: 1 },
    ],
    policy: { kind: 'pct', depth: 3 },
    eventsMax: 400,
    drainMax: 1000,
    allocFailRate: { numerator: 1, denominator: 64 },
    device,
  },
  choices: { actors: Array.from({ length: 40 }, (_, i) => (i * 7) % 5), scheduler: [5, 9, 1, 3, 2, 8], faults: Array<number>(400).fill(63), devices: [3, 1, 4, 1, 5] },
};

export const SEED = 7;

export function simulated(f: { config: SimConfig; choices: Partial<ChoiceLog> }): SeedRun {
  return runChoicesTrace(SEED, f.config, f.choices, { mutants: [], mode: 'mutable' });
}
