import type { BvecqEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bool, event, id, nullableId, size, type SpecTable } from './common.ts';

const memType = z.enum(['EXTERNAL', 'PAGECACHE', 'GUP', 'ALLOCED']);

export const bvecqSpecs: SpecTable<BvecqEvent> = {
  bvecq_alloc_one: {
    schema: event('bvecq_alloc_one', { bvecq: id, nr_slots: size, max_slots: size, fail: bool, mem_type: memType.exactOptional() }),
    example: { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 13, max_slots: 13, fail: false, mem_type: 'PAGECACHE' },
    doc: 'bvecq_alloc_one(): a node with ref 1; `max_slots` is what the allocator granted; `mem_type` is what the caller sets right after (default EXTERNAL).',
  },
  bvecq_set_slot: {
    schema: event('bvecq_set_slot', { bvecq: id, slot: size, page: nullableId, offset: size, len: size }),
    example: { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 64, offset: 0, len: 4096 },
    doc: 'Writes one bv[] entry (bvec_set_page). A slot past max_slots is `bug bvecq.slot_out_of_range`.',
  },
  bvecq_filled_to: {
    schema: event('bvecq_filled_to', { bvecq: id, nr_slots: size }),
    example: { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 1 },
    doc: 'Publishes nr_slots (u16).',
  },
  bvecq_append: {
    schema: event('bvecq_append', { to: id, add: id }),
    example: { type: 'bvecq_append', to: 0, add: 1 },
    doc: "Links `add` after `to`; the caller's reference on `add` becomes the link reference.",
  },
  bvecq_get: { schema: event('bvecq_get', { bvecq: id }), example: { type: 'bvecq_get', bvecq: 0 }, doc: 'Takes a reference.' },
  bvecq_put: {
    schema: event('bvecq_put', { bvecq: id }),
    example: { type: 'bvecq_put', bvecq: 0 },
    doc: 'Drops a reference; cascades along `next`, releasing slot pages per mem_type. A put of a freed node is `bug bvecq.put_underflow`.',
  },
};
