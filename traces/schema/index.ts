/** The trace layer's registry: one spec per event type, complete by construction. */
import type { BvsimEvent, EventType } from '../../core/index.ts';
import type { EventSpec, SpecTable } from './common.ts';
import { folioSpecs, simSpecs, userMemSpecs } from './folio.ts';
import { bvecqSpecs } from './bvecq.ts';

export const eventSpecs: SpecTable<BvsimEvent> = {
  ...folioSpecs,
  ...simSpecs,
  ...userMemSpecs,
  ...bvecqSpecs,
};

export function specFor(type: string): EventSpec<BvsimEvent> | null {
  if (!Object.hasOwn(eventSpecs, type)) return null;
  return eventSpecs[type as EventType];
}
