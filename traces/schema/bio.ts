import type { BioEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bool, event, id, size, type SpecTable } from './common.ts';

const bioOnly = <T extends string>(type: T) => event(type, { bio: id });
/** A C `int` argument: negative values are legal input (bio_split WARNs on them). */
const cInt = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const endIo = z.enum(['record', 'record_put']).nullable();

export const bioSpecs: SpecTable<BioEvent> = {
  bio_alloc: {
    schema: event('bio_alloc', { bio: id, nr_vecs: size, opf: size, max_vecs: size, fail: bool }),
    example: { type: 'bio_alloc', bio: 0, nr_vecs: 8, opf: 1, max_vecs: 16, fail: false },
    doc: 'bio_alloc_bioset(): `max_vecs` is what was granted (nr_vecs up to 4 inline, else the 16/64/128/256 slab or 256 from the mempool); `fail` is a NULL return.',
  },
  bio_init: {
    schema: event('bio_init', { bio: id, table: size, max_vecs: size, opf: size }),
    example: { type: 'bio_init', bio: 0, table: 2, max_vecs: 2, opf: 0 },
    doc: 'bio_init() on caller memory with a caller table of `table` entries (0: NULL); ended with bio_uninit, never bio_put.',
  },
  bio_get: { schema: bioOnly('bio_get'), example: { type: 'bio_get', bio: 0 }, doc: 'Sets BIO_REFFED and takes a reference (__bi_cnt).' },
  bio_put: {
    schema: bioOnly('bio_put'),
    example: { type: 'bio_put', bio: 0 },
    doc: 'Drops a reference (only counted with BIO_REFFED) and frees the bio at the last; on a caller-memory bio it is `bug bio_free.no_bio_set`.',
  },
  bio_uninit: { schema: bioOnly('bio_uninit'), example: { type: 'bio_uninit', bio: 0 }, doc: 'Ends the use of a bio, as caller-memory bios must.' },
  bio_reset: {
    schema: event('bio_reset', { bio: id, opf: size }),
    example: { type: 'bio_reset', bio: 0, opf: 1 },
    doc: 'Zeroes everything before bi_max_vecs, keeping the table; with a clone still pointing into it, `invariant bio.shared_vec_freed`.',
  },
  bio_reuse: {
    schema: event('bio_reuse', { bio: id, opf: size }),
    example: { type: 'bio_reuse', bio: 0, opf: 1 },
    doc: 'A reset that keeps the payload, bi_end_io and bi_private; WARNs on a clone.',
  },
  bio_set_status: {
    schema: event('bio_set_status', { bio: id, status: size }),
    example: { type: 'bio_set_status', bio: 0, status: 10 },
    doc: 'The store `bio->bi_status = status` (u8).',
  },
  bio_set_sector: {
    schema: event('bio_set_sector', { bio: id, sector: size }),
    example: { type: 'bio_set_sector', bio: 0, sector: 2048 },
    doc: 'The store `bio->bi_iter.bi_sector = sector`.',
  },
  bio_set_size: {
    schema: event('bio_set_size', { bio: id, size }),
    example: { type: 'bio_set_size', bio: 0, size: 4096 },
    doc: 'The store `bio->bi_iter.bi_size = size` (u32).',
  },
  bio_add_page: {
    schema: event('bio_add_page', { bio: id, page: size, len: size, offset: size }),
    example: { type: 'bio_add_page', bio: 0, page: 64, len: 4096, offset: 0 },
    doc: 'Merges into the last bvec when physically contiguous, else appends; ret is the C int (0 when refused, negative for len >= 2^31).',
  },
  __bio_add_page: {
    schema: event('__bio_add_page', { bio: id, page: size, len: size, offset: size }),
    example: { type: '__bio_add_page', bio: 0, page: 64, len: 4096, offset: 0 },
    doc: 'Appends a new bvec with no merge; WARNs on a clone or a full bio and writes anyway.',
  },
  bio_add_folio: {
    schema: event('bio_add_folio', { bio: id, folio: id, len: size, offset: size }),
    example: { type: 'bio_add_folio', bio: 0, folio: 1, len: 8192, offset: 4096 },
    doc: 'bio_add_page() at the folio page holding `offset`; false past BIO_MAX_SIZE; ret is whether the int result was > 0.',
  },
  bio_add_folio_nofail: {
    schema: event('bio_add_folio_nofail', { bio: id, folio: id, len: size, offset: size }),
    example: { type: 'bio_add_folio_nofail', bio: 0, folio: 1, len: 4096, offset: 0 },
    doc: '__bio_add_page() at the folio page holding `offset`; WARNs past BIO_MAX_SIZE and adds the u32-truncated length.',
  },
  bio_full: {
    schema: event('bio_full', { bio: id, len: size }),
    example: { type: 'bio_full', bio: 0, len: 4096 },
    doc: 'Query: no free vec, or `len` more bytes would pass BIO_MAX_SIZE.',
  },
  bio_advance: {
    schema: event('bio_advance', { bio: id, bytes: size }),
    example: { type: 'bio_advance', bio: 0, bytes: 512 },
    doc: 'Advances bi_iter; exactly bi_size only zeroes bi_size; past it, `warn bvec_iter_advance.past_end`.',
  },
  bio_advance_iter: {
    schema: event('bio_advance_iter', { bio: id, bytes: size }),
    example: { type: 'bio_advance_iter', bio: 0, bytes: 512 },
    doc: 'Query: advances a copy of bi_iter; ret is [bi_sector, bi_size, bi_idx, bi_bvec_done].',
  },
  bio_trim: {
    schema: event('bio_trim', { bio: id, offset: size, size }),
    example: { type: 'bio_trim', bio: 0, offset: 1, size: 2 },
    doc: 'Keeps sectors [offset, offset+size); out of range (or an atomic write) WARNs and does nothing.',
  },
  bio_alloc_clone: {
    schema: event('bio_alloc_clone', { bio: id, clone: id, fail: bool }),
    example: { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false },
    doc: 'A bio_set clone sharing `bio`\'s bi_io_vec and copying its iterator (BIO_CLONED); `fail` is a NULL return.',
  },
  bio_init_clone: {
    schema: event('bio_init_clone', { bio: id, clone: id }),
    example: { type: 'bio_init_clone', bio: 0, clone: 1 },
    doc: 'The same clone in caller memory; ret 0.',
  },
  bio_split: {
    schema: event('bio_split', { bio: id, split: id, sectors: cInt, fail: bool }),
    example: { type: 'bio_split', bio: 0, split: 1, sectors: 8, fail: false },
    doc: 'The new bio `split` covers the front `sectors`, `bio` the rest, sharing one table; ret 0, -22 (WARN for sectors <= 0, >= the size, zone append) or -12 when `fail`.',
  },
  bio_chain: {
    schema: event('bio_chain', { bio: id, parent: id }),
    example: { type: 'bio_chain', bio: 1, parent: 0 },
    doc: '`parent` completes only after `bio` does; `bug bio_chain.already_has_end_io` if `bio` has bi_end_io or bi_private.',
  },
  bio_set_end_io: {
    schema: event('bio_set_end_io', { bio: id, end_io: endIo }),
    example: { type: 'bio_set_end_io', bio: 0, end_io: 'record' },
    doc: 'The store to bi_end_io: null, `record` (each call noted in end_io_calls) or `record_put` (noted, then bio_put).',
  },
  bio_endio: {
    schema: event('bio_endio', { bio: id, status: size.exactOptional() }),
    example: { type: 'bio_endio', bio: 1, status: 10 },
    doc: 'bio_endio(), or bio_endio_status() with `status`: counts down __bi_remaining; the last call runs bi_end_io, a chained child passing its first error to the parent.',
  },
  submit_bio: {
    schema: event('submit_bio', { bio: id, io: id }),
    example: { type: 'submit_bio', bio: 1, io: 0 },
    doc: 'Hands the bio to the simulated device as in-flight operation `io`.',
  },
  'sim.device_complete': {
    schema: event('sim.device_complete', { io: id, bytes: size, error: size }),
    example: { type: 'sim.device_complete', io: 0, bytes: 4096, error: 0 },
    doc: 'The device finishes `bytes` of io `io` with status `error`: the driver sets the status on error, advances the bio and, when it is done or failed, calls bio_endio. A short completion without error leaves the rest in flight.',
  },
};
