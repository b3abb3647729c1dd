/**
 * Actors model callers of the kernel API. Each is a generator: it yields the next kernel call
 * it wants to make (an event) or a wait condition, and receives the outcome of its call once
 * the scheduler ran it. Actors read the world and propose; they never change state, so a run
 * is reproduced by re-running the actors against the same choices.
 */
import type { BvsimEvent, StepOutcome, World } from '../core/index.ts';
import type { Draw } from './choices.ts';
import type { IdAllocator } from './ids.ts';

/** An actor that cannot proceed until `until` holds on the world (e.g. its I/O completed). */
export interface Wait {
  readonly wait: string;
  until(w: World): boolean;
}

export type ActorYield = BvsimEvent | Wait;

export type ActorProgram = Generator<ActorYield, void, StepOutcome>;

export interface ActorEnv {
  /** The current world; read it, never keep it past the step. */
  world(): World;
  /** The actors' choice stream (workload sizes, branches). */
  readonly draw: Draw;
  readonly ids: IdAllocator;
  /** Whether an allocation of this kind should fail now (faults stream; never while draining). */
  allocFails(kind: 'folio' | 'bvecq' | 'bio'): boolean;
  /** True once the event budget is spent: actors finish what they started and stop. */
  draining(): boolean;
  /**
   * Whether the kernel under test is an earlier revision (a mutant flag). Only for callers
   * whose events carry the outcomes of a loop the revision shapes: a bounce's allocator
   * answers must be as many as that kernel asks for, or the call is malformed.
   */
  mutant(name: string): boolean;
}

export interface ActorSpec {
  readonly name: string;
  start(env: ActorEnv): ActorProgram;
}

export function isWait(y: ActorYield): y is Wait {
  return 'wait' in y;
}
