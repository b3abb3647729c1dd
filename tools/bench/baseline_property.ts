/**
 * The baseline's property: plain fast-check `fc.commands` over the whole event vocabulary,
 * with uniform choices and no swarm, PCT or coverage guidance, judged differentially. The
 * generator makes illegal calls too, so the clean model reports findings of its own; a
 * sequence finds the mutant only at a step where the mutant engine reports a finding whose
 * signature the clean engine, stepped in lockstep on the same event, does not report there.
 */
import fc from 'fast-check';
import { createEngine, EVENT_TYPES, findingSignature, type BvsimEvent, type Engine, type EventType, type StepOutcome } from '../../core/index.ts';
import { generateEvent } from '../../fuzz/index.ts';
import type { Draw } from '../../sim/index.ts';

/**
 * Random sequences of the clean model end early: 81% of generated events are rejected as
 * malformed, and the clean engine halts on a bug of the sequence itself (a double put, say) at
 * a median of 45 steps, 90% of them by step 90. Past ~200 nearly every sequence has halted and
 * its remaining commands are skipped, so a longer limit would only cost generation time.
 */
export const MAX_COMMANDS = 200;

/** Enough draws for 99% of events (measured: median 3, 99th percentile 23). */
const INTS_PER_COMMAND = { minLength: 8, maxLength: 24 } as const;

/** The mutant engine's extra finding; carries the step so a shrunk sequence can be measured. */
export class MutantFound extends Error {
  readonly signature: string;
  readonly step: number;
  constructor(signature: string, step: number) {
    super(`mutant found at step ${step}: ${signature}`);
    this.signature = signature;
    this.step = step;
  }
}

/**
 * Draws from a fixed integer list by remainder. `replayingSource` clamps instead, which lets a
 * shrinker lower a value to the smallest choice, but a uniform 31-bit value clamped to a small
 * bound is almost always the largest choice; the remainder keeps every choice equally likely,
 * and fast-check shrinking a value to 0 still means the first choice. Exhausted: 0.
 */
export function remainderDraw(ints: readonly number[]): Draw {
  let k = 0;
  const d: Draw = {
    int: (max) => {
      if (!Number.isSafeInteger(max) || max < 1) throw new Error(`draw: bad bound ${max}`);
      return (ints[k++] ?? 0) % max;
    },
    range: (min, max) => min + d.int(max - min + 1),
    chance: (p) => p.numerator > 0 && d.int(p.denominator) < p.numerator,
    pick: (items) => {
      const item = items[d.int(items.length)];
      if (item === undefined) throw new Error('draw.pick: empty list');
      return item;
    },
    weighted: (weights) => {
      let x = d.int(weights.reduce((a, b) => a + b, 0));
      for (const [i, w] of weights.entries()) {
        if (x < w) return i;
        x -= w;
      }
      throw new Error('draw.weighted: no positive weight');
    },
  };
  return d;
}

/** fast-check's model side: only whether comparing is over (then commands are skipped). */
export interface DiffModel {
  stopped: boolean;
}

/**
 * When comparing stops: `halt` (the default) once the clean engine halts on a bug, so a find
 * may follow a warn or invariant finding of the clean model (say, a bvecq appended to itself);
 * `finding-free` at the clean engine's first finding of any kind, as the simulator's table
 * credits a seed only when its clean run has none.
 */
export type CleanRule = 'halt' | 'finding-free';

export interface EnginePair {
  readonly clean: Engine;
  readonly mutant: Engine;
  /** generateEvent's next fresh id per kind, shared by both engines' events. */
  readonly fresh: Record<string, number>;
  readonly rule: CleanRule;
  steps: number;
  /** The clean engine reported a finding (under `finding-free`, comparing is over). */
  cleanFound: boolean;
  /** The mutant engine threw where the step could not count: its state is half-applied. */
  broken: boolean;
}

export function enginePair(flags: Readonly<Record<string, boolean>>, rule: CleanRule = 'halt'): EnginePair {
  const engine = (mutants: Readonly<Record<string, boolean>>): Engine => createEngine('mutable', { mutants });
  return { clean: engine({}), mutant: engine(flags), fresh: {}, rule, steps: 0, cleanFound: false, broken: false };
}

/**
 * The signature of the mutant's extra finding at this step, or null. A step the clean engine
 * rejects (not a call the kernel could make) or no longer applies cannot count, nor under
 * `finding-free` any step once it has reported a finding, this one included. An exception
 * only in the mutant engine counts, as the campaign counts it; one in the clean engine is
 * our bug and propagates.
 */
export function diffStep(pair: EnginePair, e: BvsimEvent): string | null {
  const c = pair.clean.step(e);
  if (c.findings.length > 0) pair.cleanFound = true;
  const cleanStep = c.rejection === null && !c.halted && !(pair.rule === 'finding-free' && pair.cleanFound);
  let m: StepOutcome;
  try {
    m = pair.mutant.step(e);
  } catch {
    pair.broken = !cleanStep;
    return cleanStep ? 'internal.model.exception' : null;
  }
  if (!cleanStep || m.rejection !== null || m.halted) return null;
  const seen = new Set(c.findings.map(findingSignature));
  const extra = m.findings.find((f) => !seen.has(findingSignature(f)));
  return extra === undefined ? null : findingSignature(extra);
}

/** One event of a fixed type, its fields drawn from the command's own integers. */
export class EventCommand implements fc.Command<DiffModel, EnginePair> {
  readonly type: EventType;
  readonly ints: readonly number[];
  constructor(type: EventType, ints: readonly number[]) {
    this.type = type;
    this.ints = ints;
  }

  check(m: Readonly<DiffModel>): boolean {
    return !m.stopped;
  }

  run(m: DiffModel, r: EnginePair): void {
    // Both engines get the event made from the clean world, so they see identical calls.
    const e = generateEvent(remainderDraw(this.ints), r.clean.peek(), r.fresh, this.type);
    const step = r.steps++;
    const found = diffStep(r, e);
    if (r.clean.peek().halted !== null || r.broken || (r.rule === 'finding-free' && r.cleanFound)) m.stopped = true;
    if (found !== null) throw new MutantFound(found, step);
  }

  toString(): string {
    return `${this.type}[${this.ints.join(',')}]`;
  }
}

/**
 * One command arbitrary per event type: fc.commands picks among them uniformly, as
 * generateEvent would pick the type. The integers are unbiased so every field choice is
 * uniform too; the sequence length keeps fast-check's own distribution. `size: 'max'` makes
 * lengths span 0..MAX_COMMANDS: without it fast-check's default size caps them at 10.
 */
export function commandsArb(): fc.Arbitrary<Iterable<fc.Command<DiffModel, EnginePair>>> {
  const ints = fc.noBias(fc.array(fc.nat(), INTS_PER_COMMAND));
  const arbs = EVENT_TYPES.map((t) => ints.map((xs): fc.Command<DiffModel, EnginePair> => new EventCommand(t, xs)));
  return fc.commands(arbs, { maxCommands: MAX_COMMANDS, size: 'max' });
}

/** Runs one sequence; throws MutantFound at the first step the mutant adds a finding. */
export function runSequence(flags: Readonly<Record<string, boolean>>, cmds: Iterable<fc.Command<DiffModel, EnginePair>>, rule: CleanRule = 'halt'): void {
  fc.modelRun(() => ({ model: { stopped: false }, real: enginePair(flags, rule) }), cmds);
}
