/**
 * One simulated run: actors propose, devices offer completions, the scheduler picks one per
 * step, the engine applies it. After `eventsMax` events the drain phase stops injecting
 * faults and lets every actor and device finish; then `sim.quiesce` runs the leak checks.
 * The result is a pure function of (config, choices).
 */
import { createEngine, type BvsimEvent, type EngineMode, type Finding, type ModelOptions, type Ret, type StepOutcome, type World } from '../core/index.ts';
import { isWait, type ActorEnv, type ActorProgram, type ActorSpec, type ActorYield, type Wait } from './actor.ts';
import type { ChoiceLog, ChoiceSource } from './choices.ts';
import type { Device } from './devices.ts';
import type { IdAllocator } from './ids.ts';
import type { StepClock } from './live_ids.ts';
import { createScheduler, type Candidate, type SchedulerPolicy } from './scheduler.ts';
import type { Ratio } from './prng.ts';

export interface RunSetup {
  readonly actors: readonly ActorSpec[];
  readonly devices: readonly Device[];
  /** The run's id allocator: the actors' ids, and what the devices know to be in flight. */
  readonly ids: IdAllocator;
  /** Advanced at every applied step, for the live-id lists made for this run. */
  readonly clock: StepClock;
  readonly policy: SchedulerPolicy;
  readonly eventsMax: number;
  /** Extra steps allowed for the drain phase before the run is declared stuck. */
  readonly drainMax: number;
  readonly allocFailRate: Ratio;
  readonly model: ModelOptions;
  readonly mode: EngineMode;
  /** Relative scheduling weight of device completions against actor calls (random policy). */
  readonly deviceWeight: number;
  /**
   * A state digest is taken after every `digestEvery`-th step and after the last; 0 takes none
   * (a run whose trace is not kept: hashing the whole state cost a tenth of a campaign).
   */
  readonly digestEvery: number;
  /** End the run right after the step that reports the first finding (SimConfig.stopAtFinding). */
  readonly stopAtFinding: boolean;
  /** Sees every step as it is applied (a campaign's coverage probes); never changes the run. */
  readonly observer?: StepObserver;
  /**
   * False: the steps are counted, not kept (`steps` stays empty). A campaign run whose trace is
   * not wanted keeps none: a run's kept steps, reached from its objects that outlived a
   * minor collection, were a third of what each minor collection had to copy.
   */
  readonly keepSteps?: boolean;
}

/**
 * Watches the run's steps: the world just before each event and just after it is applied,
 * read during the call only. Coverage is counted this way rather than by folding the finished
 * run through the model again, which cost a quarter of every campaign run.
 */
export interface StepObserver {
  before(world: World, event: BvsimEvent): void;
  after(world: World, event: BvsimEvent, ret: Ret): void;
}

export interface RunStep {
  readonly event: BvsimEvent;
  readonly outcome: StepOutcome;
  /** Who proposed it: "actor:<name>", "io:<id>" or "sim". */
  readonly by: string;
  digest?: string;
}

export interface RunResult {
  /** Every applied step, in order; empty when the run kept none (RunSetup.keepSteps). */
  readonly steps: readonly RunStep[];
  /** How many steps were applied, kept or not. */
  readonly stepCount: number;
  readonly findings: readonly Finding[];
  readonly choices: ChoiceLog;
  /** The final state's digest; null when the run took no digests (`digestEvery` 0). */
  readonly digest: string | null;
  /** Whether every actor finished and every device drained. */
  readonly quiesced: boolean;
}

interface LiveActor {
  readonly spec: ActorSpec;
  /** `actor:<name>`: its scheduling key and the trace's `by`. */
  readonly key: string;
  readonly program: ActorProgram;
  pending: ActorYield | null;
  /**
   * The pending yield when it is a wait, else null: told apart once per yield rather than by
   * an `in` test of every pending call's shape at every step (a megamorphic lookup).
   */
  waiting: Wait | null;
}

/** A candidate for the next step: an actor's pending call or a device completion. */
interface Enabled extends Candidate {
  key: string;
  weight: number;
  actor: LiveActor | null;
  /** For a completion: its device and the operation's id there. */
  dev: Device | null;
  id: number;
}

/** Writes candidate `k` of this step into the run's list, over last step's entry if there is one. */
function offer(list: Enabled[], k: number, key: string, weight: number, actor: LiveActor | null, dev: Device | null, id: number): void {
  const e = list[k];
  if (e === undefined) {
    list.push({ key, weight, actor, dev, id });
    return;
  }
  e.key = key;
  e.weight = weight;
  e.actor = actor;
  e.dev = dev;
  e.id = id;
}

export function simulate(setup: RunSetup, source: ChoiceSource): RunResult {
  const engine = createEngine(setup.mode, setup.model);
  const faults = source.stream('faults');
  let draining = false;
  const env: ActorEnv = {
    world: () => engine.peek(),
    draw: source.stream('actors'),
    ids: setup.ids,
    allocFails: () => !draining && faults.chance(setup.allocFailRate),
    draining: () => draining,
    mutant: (name) => setup.model.mutants[name] === true,
  };
  const actors: LiveActor[] = setup.actors.map((spec) => ({ spec, key: `actor:${spec.name}`, program: spec.start(env), pending: null, waiting: null }));
  for (const a of actors) advanceActor(a, undefined);
  const scheduler = createScheduler(setup.policy, source.stream('scheduler'), setup.eventsMax);
  const devDraw = source.stream('devices');
  const steps: RunStep[] = [];
  const findings: Finding[] = [];
  const ioKeys = setup.devices.map(() => new Map<number, string>());
  const enabled: Enabled[] = [];
  const observer = setup.observer;
  const keepSteps = setup.keepSteps !== false;
  let stepCount = 0;
  const apply = (event: BvsimEvent, by: string): StepOutcome => {
    observer?.before(engine.peek(), event);
    const outcome = engine.step(event);
    setup.clock.applied++;
    // A rejection means an actor or device proposed a call that names what cannot be: a bug
    // in the simulator, never a kernel finding.
    if (outcome.rejection !== null) {
      throw new Error(`${by} proposed a malformed ${event.type} at step ${stepCount}: ${outcome.rejection.message} (${outcome.rejection.field})`);
    }
    observer?.after(engine.peek(), event, outcome.ret);
    if (keepSteps) {
      const step: RunStep = { event, outcome, by };
      if (setup.digestEvery > 0 && stepCount % setup.digestEvery === setup.digestEvery - 1) step.digest = engine.digest();
      steps.push(step);
    }
    stepCount++;
    for (let k = 0; k < outcome.findings.length; k++) findings.push(outcome.findings[k] as Finding);
    return outcome;
  };
  for (let step = 0; step < setup.eventsMax + setup.drainMax; step++) {
    draining = step >= setup.eventsMax;
    const world = engine.peek();
    if (world.halted !== null) break;
    // Plain entries, dispatched after the pick: a closure per candidate per step cost more
    // than the scheduling itself (and tsx wraps every one to keep its name). The entries are
    // the run's own, rewritten at every step: only the pick reads them, before the next one.
    let n = 0;
    for (const a of actors) {
      if (a.pending === null || (a.waiting !== null && !a.waiting.until(world))) continue;
      offer(enabled, n++, a.key, 1, a, null, 0);
    }
    for (let d = 0; d < setup.devices.length; d++) {
      const dev = setup.devices[d] as Device;
      const keys = ioKeys[d];
      for (const id of dev.inflight(world)) {
        // One key string per operation for the run, not one per operation per step.
        let key = keys?.get(id);
        if (key === undefined) {
          key = `io:${dev.keyPrefix}${id}`;
          keys?.set(id, key);
        }
        offer(enabled, n++, key, setup.deviceWeight, null, dev, id);
      }
    }
    if (n === 0) break;
    if (enabled.length !== n) enabled.length = n;
    const picked = enabled[scheduler.pick(enabled, step)];
    if (picked?.actor != null) runActor(picked.actor, apply);
    else if (picked?.dev != null) apply(picked.dev.complete(world, picked.id, devDraw, draining), picked.key);
    if (setup.stopAtFinding && findings.length > 0) break;
  }
  // A run stopped at its first finding is over by request: no quiescence, no stuck report.
  const stopped = setup.stopAtFinding && findings.length > 0;
  const quiesced = !stopped && engine.peek().halted === null && actors.every((a) => a.pending === null) && setup.devices.every((d) => d.inflight(engine.peek()).length === 0);
  if (quiesced) apply({ type: 'sim.quiesce' }, 'sim');
  else if (!stopped && engine.peek().halted === null) findings.push(stuckFinding(actors));
  const last = steps[steps.length - 1];
  const digest = setup.digestEvery > 0 ? engine.digest() : null;
  if (last !== undefined && digest !== null) last.digest = digest;
  engine.release();
  return { steps, stepCount, findings, choices: source.log, digest, quiesced };
}

function runActor(a: LiveActor, apply: (e: BvsimEvent, by: string) => StepOutcome): void {
  const p = a.pending;
  if (p === null) return;
  if (a.waiting !== null) {
    advanceActor(a, undefined);
    return;
  }
  advanceActor(a, apply(p as BvsimEvent, a.key));
}

/** Resumes the actor's program and records what it yields next (null once it is done). */
function advanceActor(a: LiveActor, outcome: StepOutcome | undefined): void {
  // A generator's first next() takes no value; later ones deliver the outcome of its call.
  const r = outcome === undefined ? a.program.next() : a.program.next(outcome);
  a.pending = r.done === true ? null : r.value;
  a.waiting = a.pending !== null && isWait(a.pending) ? a.pending : null;
}

function stuckFinding(actors: readonly LiveActor[]): Finding {
  const blocked = actors.filter((a) => a.pending !== null).map((a) => {
    const p = a.pending;
    return `${a.spec.name}${p !== null && isWait(p) ? ` (waiting: ${p.wait})` : ''}`;
  });
  return { kind: 'invariant', id: 'sim.not_quiesced', detail: `run ended before quiescence; still active: ${blocked.join(', ') || 'devices'}` };
}
