/**
 * A run's configuration. Swarm testing: unless a config is given, each seed draws its own —
 * which actors run and how many, their sizes, fault and short-completion rates, the
 * scheduling policy and PCT depth — so some seeds switch whole features off and others
 * stress one. The resolved config is plain JSON and goes into the trace header.
 */
import type { Ratio } from './prng.ts';
import { recordingSource } from './choices.ts';
import type { SchedulerPolicy } from './scheduler.ts';
import { ACTOR_KINDS, drawActorConfig, type ActorConfig, type NetfsRunContext } from './actors/index.ts';

/** The netfs buffer design a run's requests use (SPEC §1): the seeds' cursors, or the merged rolling buffer. */
export type NetfsDesign = NetfsRunContext['design'];

export interface SimConfig {
  readonly actors: readonly ActorConfig[];
  readonly policy: SchedulerPolicy;
  readonly eventsMax: number;
  readonly drainMax: number;
  readonly allocFailRate: Ratio;
  readonly device: { readonly shortRate: Ratio; readonly errorRate: Ratio; readonly weight: number };
  /** The netfs buffer design of the run (default `cursor`). */
  readonly design?: NetfsDesign;
  /**
   * End the run at the step that reports its first finding: no drain, no quiescence checks.
   * Shrinking sets it, so a shrunk story ends at its bug (and each candidate costs only that much).
   */
  readonly stopAtFinding?: boolean;
}

export interface DrawOptions {
  readonly eventsMax?: number;
  readonly policy?: 'random' | 'pct';
  /** Restrict the actor kinds a seed may draw. */
  readonly kinds?: readonly ActorConfig['kind'][];
  readonly design?: NetfsDesign;
}

const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator });

/** The config of run `seed`, drawn from its own `config` stream. */
export function drawConfig(seed: number, opts: DrawOptions = {}): SimConfig {
  const draw = recordingSource(seed).stream('config');
  const allowed = opts.kinds ?? ACTOR_KINDS;
  // Swarm over kinds as well: a third of the seeds run a single kind, so its calls are not
  // drowned among the others' and a bug only it reaches is found in fewer runs.
  const alone = allowed.length > 1 && draw.chance(ratio(1, 3)) ? allowed[draw.int(allowed.length)] : undefined;
  const kinds = alone === undefined ? allowed : [alone];
  const actors: ActorConfig[] = [];
  for (const kind of kinds) {
    // Swarm: a kind may be switched off entirely, but at least one actor always runs.
    const count = draw.chance(ratio(1, 4)) ? 0 : 1 + draw.int(3);
    for (let k = 0; k < count; k++) actors.push(drawActorConfig(kind, `${kind}${k}`, draw));
  }
  if (actors.length === 0) {
    const kind = kinds[draw.int(kinds.length)] ?? 'stacking_driver';
    actors.push(drawActorConfig(kind, `${kind}0`, draw));
  }
  const drawnPct = draw.chance(ratio(1, 2));
  // A forced policy still makes both draws, so a seed forced to random and forced to PCT gets
  // the same actors and faults: the two policies are compared on paired configs.
  const depth = opts.policy !== undefined || drawnPct ? 1 + draw.int(4) : 1;
  const policyKind = opts.policy ?? (drawnPct ? 'pct' : 'random');
  const policy: SchedulerPolicy = policyKind === 'pct' ? { kind: 'pct', depth } : { kind: 'random' };
  const faulty = draw.chance(ratio(1, 2));
  return {
    actors,
    policy,
    eventsMax: opts.eventsMax ?? 200 + draw.int(800),
    drainMax: 5000,
    allocFailRate: faulty ? ratio(1 + draw.int(8), 64) : ratio(0, 1),
    device: {
      shortRate: draw.chance(ratio(1, 2)) ? ratio(1 + draw.int(16), 32) : ratio(0, 1),
      errorRate: faulty ? ratio(1 + draw.int(4), 64) : ratio(0, 1),
      weight: 1 + draw.int(4),
    },
    // Drawn last, so that adding it left every earlier draw of a seed in place.
    design: opts.design ?? (draw.chance(ratio(1, 2)) ? 'rolling' : 'cursor'),
  };
}
