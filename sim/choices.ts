/**
 * Choices, not dice (DESIGN.md): every decision the simulator makes is one draw recorded in a
 * per-stream choice sequence, so a run is a pure function of (config, choices). A recording
 * source draws from the seeded PRNG streams; a replaying source reads a (possibly edited)
 * sequence back — a value too large for its bound is clamped and an exhausted stream yields 0,
 * which is what lets the shrinker delete and lower choices freely.
 */
import { prngFor, STREAMS, type Prng, type Ratio, type StreamName } from './prng.ts';

export type ChoiceLog = Record<StreamName, number[]>;

export function emptyChoiceLog(): ChoiceLog {
  const log = {} as ChoiceLog;
  for (const s of STREAMS) log[s] = [];
  return log;
}

/** One stream's view: integer draws only. */
export interface Draw {
  int(maxExclusive: number): number;
  range(min: number, max: number): number;
  chance(p: Ratio): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index drawn with the given non-negative integer weights (at least one positive). */
  weighted(weights: readonly number[]): number;
}

export interface ChoiceSource {
  stream(name: StreamName): Draw;
  /** The choices drawn so far, per stream. */
  readonly log: ChoiceLog;
}

function drawOn(next: (maxExclusive: number) => number): Draw {
  const d: Draw = {
    int: (maxExclusive) => {
      if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1) throw new Error(`draw: bad bound ${maxExclusive}`);
      return next(maxExclusive);
    },
    range: (min, max) => min + d.int(max - min + 1),
    chance: (p) => p.numerator > 0 && d.int(p.denominator) < p.numerator,
    pick: <T>(items: readonly T[]): T => {
      const item = items[d.int(items.length)];
      if (item === undefined) throw new Error('draw.pick: empty list');
      return item;
    },
    weighted(weights) {
      // Index loops: entries() and its pairs were a tenth of a campaign's garbage (the
      // scheduler draws once per step).
      let total = 0;
      for (let k = 0; k < weights.length; k++) total += weights[k] ?? 0;
      let x = d.int(total);
      for (let k = 0; k < weights.length; k++) {
        const w = weights[k] ?? 0;
        if (x < w) return k;
        x -= w;
      }
      throw new Error('draw.weighted: no positive weight');
    },
  };
  return d;
}

/** A source whose per-stream views are made once, on first use, by `next(name)`. */
function lazySource(log: ChoiceLog, next: (name: StreamName) => (maxExclusive: number) => number): ChoiceSource {
  const views = new Map<StreamName, Draw>();
  return {
    log,
    stream(name) {
      let v = views.get(name);
      if (v === undefined) {
        v = drawOn(next(name));
        views.set(name, v);
      }
      return v;
    },
  };
}

/** Draws from the seed's PRNG streams and records every value. */
export function recordingSource(seed: number): ChoiceSource {
  const log = emptyChoiceLog();
  return lazySource(log, (name) => {
    const p: Prng = prngFor(seed, name);
    return (max) => {
      const x = p.int(max);
      log[name].push(x);
      return x;
    };
  });
}

/** Reads a recorded (or edited) sequence back; records what it actually used. */
export function replayingSource(given: Readonly<Record<string, readonly number[]>>): ChoiceSource {
  const log = emptyChoiceLog();
  return lazySource(log, (name) => {
    let k = 0;
    return (max) => {
      const raw = given[name]?.[k++] ?? 0;
      const x = Math.min(Math.max(0, Math.floor(raw)), max - 1);
      log[name].push(x);
      return x;
    };
  });
}
