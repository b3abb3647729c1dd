/** The trace layer's registry: one spec per event type, complete by construction. */
import type { BvsimEvent, EventType } from '../../core/index.ts';
import type { EventSpec, SpecTable } from './common.ts';
import { folioSpecs, simSpecs, userMemSpecs } from './folio.ts';
import { bvecqSpecs } from './bvecq.ts';
import { bvecSpecs } from './bvec.ts';
import { iovIterInitSpecs, iovIterSpecs, kvecSpecs } from './iov_iter.ts';
import { bvecqPosSpecs } from './bvecq_pos.ts';
import { bioSpecs } from './bio.ts';
import { iovIterCopySpecs, iovIterExtractSpecs } from './iov_iter_copy.ts';
import { netfsSpecs } from './netfs.ts';

export const eventSpecs: SpecTable<BvsimEvent> = {
  ...folioSpecs,
  ...simSpecs,
  ...userMemSpecs,
  ...bvecqSpecs,
  ...bvecSpecs,
  ...iovIterInitSpecs,
  ...iovIterSpecs,
  ...kvecSpecs,
  ...bvecqPosSpecs,
  ...bioSpecs,
  ...iovIterCopySpecs,
  ...iovIterExtractSpecs,
  ...netfsSpecs,
};

export function specFor(type: string): EventSpec<BvsimEvent> | null {
  if (!Object.hasOwn(eventSpecs, type)) return null;
  return eventSpecs[type as EventType];
}
