/**
 * The actor catalogue: each config entry names an actor kind and its parameters; the run
 * builds one actor per entry. Drawing parameters for a kind lives beside it, so swarm configs
 * and explicit JSON configs go through the same constructors.
 */
import type { Draw } from '../choices.ts';
import type { ActorSpec } from '../actor.ts';
import { stackingDriver, type StackingDriverParams } from './stacking_driver.ts';

export type ActorConfig = { kind: 'stacking_driver'; name: string } & StackingDriverParams;

export type ActorKind = ActorConfig['kind'];

export const ACTOR_KINDS: readonly ActorKind[] = ['stacking_driver'];

export function buildActor(c: ActorConfig): ActorSpec {
  switch (c.kind) {
    case 'stacking_driver':
      return stackingDriver(c.name, c);
    default:
      return assertNever(c.kind);
  }
}

/** Draws the parameters of one actor of `kind` (swarm testing: every seed its own shape). */
export function drawActorConfig(kind: ActorKind, name: string, draw: Draw): ActorConfig {
  switch (kind) {
    case 'stacking_driver':
      return {
        kind,
        name,
        folios: 1 + draw.int(draw.chance({ numerator: 1, denominator: 4 }) ? 40 : 6),
        orderMax: draw.int(3),
        limitSectors: 8 * (1 + draw.int(draw.chance({ numerator: 1, denominator: 2 }) ? 2 : 32)),
        rounds: 1 + draw.int(3),
      };
    default:
      return assertNever(kind);
  }
}

function assertNever(x: never): never {
  throw new Error(`unknown actor kind ${String(x)}`);
}
