/**
 * The engine: applies one event to a world in either execution mode (DESIGN "Two ways to
 * run the same reducers"). Immutable mode runs the recipe under immer's `produce` and yields
 * frozen, structurally shared snapshots; mutable mode runs it on a private working copy. Both
 * run the same recipe and the same checkers, so they must give the same rets and digests.
 */
import { produce } from 'immer';
import { makeCtx, type ModelOptions, type ReusableCtx, type StepCtx } from './ctx.ts';
import type { Finding, Rejection } from './findings.ts';
import type { Wrap } from './kernel_int.ts';
import type { Ret } from './recipe.ts';
import { recipeFor, type BvsimEvent } from './registry.ts';
import { checkAfterEvent } from './invariants/index.ts';
import { emptyWorld, type World } from './state.ts';
import { stateDigest } from './json.ts';

export interface StepOutcome {
  readonly ret: Ret;
  readonly findings: readonly Finding[];
  readonly wraps: readonly Wrap[];
  /** Non-null when the event was malformed; the state is then unchanged. */
  readonly rejection: Rejection | null;
  /** True when an earlier bug halted the run and this event was not applied. */
  readonly halted: boolean;
}

const NONE: readonly never[] = Object.freeze([]);
const HALTED: StepOutcome = Object.freeze({ ret: null, findings: NONE, wraps: NONE, rejection: null, halted: true });

function applyStep(d: World, e: BvsimEvent, ctx: StepCtx): Ret {
  const ret = recipeFor(e.type)(d, e, ctx);
  if (ctx.rejection !== null) return null;
  if (ctx.opts.eventChecks !== false) checkAfterEvent(d, ctx);
  for (const f of ctx.findings) {
    if (f.kind !== 'bug') continue;
    d.halted = { i: ctx.i, id: f.id };
    break;
  }
  return ret;
}

/** The step's outcome, with its own copies of what the (reused) context collected. */
function outcomeOf(ctx: StepCtx, ret: Ret): StepOutcome {
  if (ctx.rejection !== null) {
    return { ret: null, findings: NONE, wraps: NONE, rejection: ctx.rejection, halted: false };
  }
  if (ctx.findings.length === 0 && ctx.wraps.length === 0) {
    // Most events report nothing and answer null or a boolean: one shared, frozen outcome
    // each, where an object per event would be a tenth of a replay's garbage.
    if (ret === null) return QUIET_NULL;
    if (ret === true) return QUIET_TRUE;
    if (ret === false) return QUIET_FALSE;
  }
  const findings = ctx.findings.length === 0 ? NONE : ctx.findings.slice();
  const wraps = ctx.wraps.length === 0 ? NONE : ctx.wraps.slice();
  return { ret, findings, wraps, rejection: null, halted: false };
}

const quiet = (ret: null | boolean): StepOutcome => Object.freeze({ ret, findings: NONE, wraps: NONE, rejection: null, halted: false });
const QUIET_NULL = quiet(null);
const QUIET_TRUE = quiet(true);
const QUIET_FALSE = quiet(false);

/** The context for event `i`: the engine's own, emptied, or a fresh one. */
function ctxFor(i: number, opts: ModelOptions, reuse: ReusableCtx | undefined): StepCtx {
  if (reuse === undefined) return makeCtx(i, opts);
  reuse.reset(i);
  return reuse;
}

/** Immutable mode: returns the next snapshot (the same reference when nothing changed). */
export function stepImmutable(world: World, e: BvsimEvent, i: number, opts: ModelOptions, reuse?: ReusableCtx): { world: World; outcome: StepOutcome } {
  if (world.halted !== null) return { world, outcome: HALTED };
  const ctx = ctxFor(i, opts, reuse);
  let ret: Ret = null;
  const next = produce(world, (d) => {
    ret = applyStep(d, e, ctx);
  });
  const outcome = outcomeOf(ctx, ret);
  return { world: outcome.rejection === null ? next : world, outcome };
}

/** Mutable mode: mutates `working` in place; the caller owns it and never shares it. */
export function stepMutable(working: World, e: BvsimEvent, i: number, opts: ModelOptions, reuse?: ReusableCtx): StepOutcome {
  if (working.halted !== null) return HALTED;
  const ctx = ctxFor(i, opts, reuse);
  const ret = applyStep(working, e, ctx);
  return outcomeOf(ctx, ret);
}

export type EngineMode = 'immutable' | 'mutable';

/** A model instance in one mode: a fold over events with digests and snapshots on demand. */
export interface Engine {
  readonly mode: EngineMode;
  step(e: BvsimEvent): StepOutcome;
  /** The digest of the current state. */
  digest(): string;
  /** A state snapshot that the caller may keep (frozen in immutable mode, a deep copy otherwise). */
  snapshot(): World;
  /** The current state, to read during this step only (never keep it or mutate it). */
  peek(): World;
  /** Number of events stepped so far. */
  readonly count: number;
  /**
   * The caller is done with this engine: a mutable engine lets go of its working copy's
   * contents (the engine may not be used afterwards). Why bother, when the engine is garbage
   * anyway: a run's tables that outlived a minor collection sit in the old generation until the
   * next full one, and everything the run put in them later stays reachable from there, so
   * each following minor collection copied the rest of a finished run (a third of a campaign's
   * collector work).
   */
  release(): void;
}

export function createEngine(mode: EngineMode, opts: ModelOptions, initial: World = emptyWorld()): Engine {
  let world: World = mode === 'mutable' ? structuredClone(initial) : initial;
  let count = 0;
  const ctx = makeCtx(0, opts);
  return {
    mode,
    step(e) {
      const i = count++;
      if (mode === 'mutable') return stepMutable(world, e, i, opts, ctx);
      const r = stepImmutable(world, e, i, opts, ctx);
      world = r.world;
      return r.outcome;
    },
    digest: () => stateDigest(world),
    snapshot: () => (mode === 'mutable' ? structuredClone(world) : world),
    peek: () => world,
    release() {
      // Over the old copy's own fields: dropping the engine's reference alone would leave them.
      if (mode === 'mutable') Object.assign(world, emptyWorld());
    },
    get count() {
      return count;
    },
  };
}
