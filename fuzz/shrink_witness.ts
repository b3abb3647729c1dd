/**
 * Whether a shrink candidate still witnesses its mutant. With mutant flags on, deleting events
 * or choices freely can turn the mutant's finding into one a caller bug produces on the fixed
 * kernel just the same (advance a position past bytes it was never given): a shorter trace,
 * but the wrong story. Both stages therefore keep a candidate only if it witnesses the mutant
 * at least as strongly as the trace they started from:
 *
 * - `clean-quiet` (strongest): the clean model, folding the same events, reports nothing at
 *   all by the step where the mutant reports the target (or rejects an event first): the
 *   events are a correct caller's, and only the mutant makes them go wrong;
 * - `clean-misses`: the clean model does not report the target by that step, but something
 *   else (a trace cut down from a clean-quiet one must not turn into a caller bug that the
 *   fixed kernel reports differently, such as data claimed transferred and never copied);
 * - `mutant-differs`: it does report it (the events are the reaction of actors to a world the
 *   mutant bent, which a clean replay cannot undo), but the mutant changes some ret, finding
 *   or the state on the way there, so its code path is part of the story;
 * - `none`: the two models tell the same story up to the finding.
 */
import { createEngine, type BvsimEvent, type EngineMode, type Finding, type ModelOptions } from '../core/index.ts';
import { sameFinding } from './shrink_search.ts';

export type Witness = 0 | 1 | 2 | 3;
export const WITNESS_NONE: Witness = 0;
export const WITNESS_MUTANT_DIFFERS: Witness = 1;
export const WITNESS_CLEAN_MISSES: Witness = 2;
export const WITNESS_CLEAN_QUIET: Witness = 3;

/** How strongly `events` (whose first finding, `target`, is at step `at`) witness the mutants of `model`. */
export function mutantWitness(events: readonly BvsimEvent[], target: Pick<Finding, 'kind' | 'id'>, at: number, model: ModelOptions, mode: EngineMode): Witness {
  if (!Object.values(model.mutants).some((on) => on) || at < 0) return WITNESS_CLEAN_QUIET;
  const clean = cleanReport(events, target, at, mode);
  if (clean !== 'target') return clean === 'quiet' ? WITNESS_CLEAN_QUIET : WITNESS_CLEAN_MISSES;
  return mutantDiffers(events, at, model, mode) ? WITNESS_MUTANT_DIFFERS : WITNESS_NONE;
}

/** What the clean model reports by step `at`: the target, only other findings, or nothing (a rejection ends the fold). */
function cleanReport(events: readonly BvsimEvent[], target: Pick<Finding, 'kind' | 'id'>, at: number, mode: EngineMode): 'target' | 'other' | 'quiet' {
  const engine = createEngine(mode, { mutants: {} });
  let other = false;
  for (let i = 0; i <= at && i < events.length; i++) {
    const event = events[i];
    if (event === undefined) break;
    const out = engine.step(event);
    if (out.rejection !== null) break;
    if (out.findings.some((f) => sameFinding(f, target))) return 'target';
    other ||= out.findings.length > 0;
  }
  return other ? 'other' : 'quiet';
}

/** Folds both models in lockstep up to `at`; true on a difference in some step's outcome or in the state reached. */
function mutantDiffers(events: readonly BvsimEvent[], at: number, model: ModelOptions, mode: EngineMode): boolean {
  const clean = createEngine(mode, { mutants: {} });
  const mutant = createEngine(mode, model);
  for (let i = 0; i <= at && i < events.length; i++) {
    const event = events[i];
    if (event === undefined) break;
    const a = clean.step(event);
    const b = mutant.step(event);
    if ((a.rejection === null) !== (b.rejection === null)) return true;
    if (!sameOutcome(a.ret, b.ret) || a.findings.length !== b.findings.length) return true;
    if (a.findings.some((f, k) => { const g = b.findings[k]; return g === undefined || !sameFinding(f, g); })) return true;
  }
  return clean.digest() !== mutant.digest();
}

function sameOutcome(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
