/**
 * The actor parameters stage 1 lowers (its config pass, one at a time; its restarts, all at
 * once), and how to read and set one on an actor config of any kind.
 */
import type { ActorConfig } from '../sim/index.ts';

/** An actor parameter and its least valid value. */
export interface ActorKnob {
  readonly field: string;
  readonly min: number;
}

/**
 * Actor parameters worth lowering, by name, whatever the actor kind (a kind without the field
 * is skipped): counts go down to their least valid value, feature switches to false.
 */
export const ACTOR_FIELDS: readonly ActorKnob[] = [
  { field: 'folios', min: 1 },
  { field: 'pages', min: 1 },
  { field: 'rounds', min: 1 },
  { field: 'opsMax', min: 1 },
  { field: 'inflightMax', min: 1 },
  { field: 'orderMax', min: 0 },
  { field: 'emptyNodes', min: 0 },
  { field: 'zeroSlots', min: 0 },
  // A bvecq buffer with no pages of the caller's own is grown from nothing by
  // bvecq_expand_buffer(), which allocates the first node itself: one call instead of three.
  { field: 'callerPages', min: 0 },
  { field: 'growPages', min: 0 },
  { field: 'growSteps', min: 1 },
  { field: 'fragmented', min: 0 },
  { field: 'sendErrors', min: 0 },
  // A rolling buffer grown by bvecq_expand_buffer(): one call for a node and its pages.
  { field: 'ownPages', min: 0 },
  // Smaller nodes and pieces reach a node boundary in fewer calls.
  { field: 'headSlots', min: 1 },
  { field: 'slotsMax', min: 1 },
  { field: 'sliceSlotsMax', min: 1 },
  { field: 'pieceSlotsMax', min: 1 },
  { field: 'sliceMax', min: 1 },
  { field: 'pieceMax', min: 1 },
];

/** A numeric or boolean (as 0/1) actor parameter, or null when this kind has no such field. */
export function actorField(a: ActorConfig, field: string): number | null {
  const v: unknown = Reflect.get(a, field);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' ? v : null;
}

/** The actor with one parameter replaced; only called for a field `actorField` found, keeping its type. */
export function withActorField(a: ActorConfig, field: string, v: number): ActorConfig {
  const old: unknown = Reflect.get(a, field);
  return Object.assign({ ...a }, { [field]: typeof old === 'boolean' ? v !== 0 : v });
}

/** The actor with every knob it has at its least value. */
export function leastActor(actor: ActorConfig, knobs: readonly ActorKnob[] = ACTOR_FIELDS): ActorConfig {
  return knobs.reduce((a, { field, min }) => (actorField(a, field) === null ? a : withActorField(a, field, min)), actor);
}
