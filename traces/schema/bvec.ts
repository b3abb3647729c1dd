import type { BvecEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bioVecSchema, event, id, size, type SpecTable } from './common.ts';

export const bvecSpecs: SpecTable<BvecEvent> = {
  bvec_array: {
    schema: event('bvec_array', { bvec: id, bv: z.array(bioVecSchema) }),
    example: { type: 'bvec_array', bvec: 0, bv: [{ page: 10, offset: 0, len: 4096 }, { page: 20, offset: 512, len: 8192 }] },
    doc: 'A bio_vec[] in memory; `page` is a PFN (or null for a NULL bv_page). `offset` and `len` are `unsigned int` (truncation recorded); `offset + len` may pass the first page (multi-page bvec).',
  },
  bvec_iter_init: {
    schema: event('bvec_iter_init', { biter: id, bvec: id, bi_size: size, bi_idx: size, bi_bvec_done: size, bi_sector: size }),
    example: { type: 'bvec_iter_init', biter: 0, bvec: 0, bi_size: 12288, bi_idx: 0, bi_bvec_done: 0, bi_sector: 0 },
    doc: 'A standalone struct bvec_iter over bio_vec array `bvec` (fields copied as given, u32 truncation recorded).',
  },
  bvec_iter_advance: {
    schema: event('bvec_iter_advance', { biter: id, bytes: size }),
    example: { type: 'bvec_iter_advance', biter: 0, bytes: 4096 },
    doc: 'bvec_iter_advance(): ret true, or false with `warn bvec_iter_advance.past_end` (bi_size zeroed) when `bytes` > bi_size. An exact landing rests on the next index even if that bvec is empty.',
  },
  bvec_iter_advance_single: {
    schema: event('bvec_iter_advance_single', { biter: id, bytes: size }),
    example: { type: 'bvec_iter_advance_single', biter: 0, bytes: 512 },
    doc: 'bvec_iter_advance_single(): `bytes` must stay within the current bvec; finishing it moves to the next index.',
  },
  for_each_bvec: {
    schema: event('for_each_bvec', { biter: id }),
    example: { type: 'for_each_bvec', biter: 0 },
    doc: 'Runs the for_each_bvec() loop from a copy of the iterator; ret is the single-page pieces [{page, offset, len}] (offset < 4096). The iterator does not move.',
  },
  for_each_mp_bvec: {
    schema: event('for_each_mp_bvec', { biter: id }),
    example: { type: 'for_each_mp_bvec', biter: 0 },
    doc: 'Runs the for_each_mp_bvec() loop; ret is the whole-element pieces [{page, offset, len}] (offset may pass 4096).',
  },
};
