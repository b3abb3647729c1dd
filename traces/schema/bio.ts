import type { BioEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bool, event, id, size, type SpecTable } from './common.ts';

const bioOnly = <T extends string>(type: T) => event(type, { bio: id });
/** A C `int` argument: negative values are legal input (bio_split WARNs on them). */
const cInt = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const endIo = z.enum(['record', 'record_put']).nullable();
/** A C `bool` argument as the reference vectors write it: true/false or 0/1. */
const cBool = z.union([z.boolean(), z.literal(0), z.literal(1)]);
/** Page-allocator outcomes in call order: the PFN of the folio granted, or null for a failure. */
const allocs = z.array(id.nullable());

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
  bio_iov_iter_get_pages: {
    schema: event('bio_iov_iter_get_pages', { bio: id, iter: id, maxlen: size, mem_align_mask: size, len_align_mask: size }),
    example: { type: 'bio_iov_iter_get_pages', bio: 0, iter: 0, maxlen: 4294967295, mem_align_mask: 511, len_align_mask: 511 },
    doc: 'ITER_BVEC: the bio adopts the iterator\'s bio_vec array (BIO_CLONED). Otherwise pages are extracted into bi_io_vec (user pages pinned, BIO_PAGE_PINNED) until the iterator is empty or the bio full, then aligned down to `len_align_mask`; ret 0 or a negative errno.',
  },
  bio_iov_iter_align_down: {
    schema: event('bio_iov_iter_align_down', { bio: id, iter: id, mask: size }),
    example: { type: 'bio_iov_iter_align_down', bio: 0, iter: 0, mask: 4095 },
    doc: 'The static helper on its own, from bi_io_vec[bi_vcnt - 1]: trims `bi_size & mask` bytes, reverting the iterator, unpinning one page per dropped vec; ret 0 or -14 when no vec is left.',
  },
  bio_release_pages: {
    schema: event('bio_release_pages', { bio: id, mark_dirty: cBool }),
    example: { type: 'bio_release_pages', bio: 0, mark_dirty: true },
    doc: 'For a BIO_PAGE_PINNED bio: each folio piece is marked dirty (if asked) and unpinned by the pages it spans.',
  },
  bio_iov_vecs_to_alloc: {
    schema: event('bio_iov_vecs_to_alloc', { iter: id, max: size }),
    example: { type: 'bio_iov_vecs_to_alloc', iter: 0, max: 256 },
    doc: 'Query: 0 for ITER_BVEC (adopted whole), else iov_iter_npages(iter, max).',
  },
  bio_iov_bounce_nr_vecs: {
    schema: event('bio_iov_bounce_nr_vecs', { iter: id, op: size }),
    example: { type: 'bio_iov_bounce_nr_vecs', iter: 0, op: 0 },
    doc: 'Query: vecs for a bounce bio, npages(iter, 256) for a write (`op` & 1), npages(iter, 255) + 1 for a read.',
  },
  bio_for_each_segment: {
    schema: bioOnly('bio_for_each_segment'),
    example: { type: 'bio_for_each_segment', bio: 0 },
    doc: 'Query: the single-page segments from bi_iter as [{page, offset, len}].',
  },
  bio_for_each_bvec: {
    schema: bioOnly('bio_for_each_bvec'),
    example: { type: 'bio_for_each_bvec', bio: 0 },
    doc: 'Query: the multi-page bvecs from bi_iter as [{page, offset, len}].',
  },
  bio_for_each_segment_all: {
    schema: bioOnly('bio_for_each_segment_all'),
    example: { type: 'bio_for_each_segment_all', bio: 0 },
    doc: 'Query: bi_io_vec[0..bi_vcnt) cut at page ends, ignoring bi_iter.',
  },
  bio_for_each_bvec_all: {
    schema: bioOnly('bio_for_each_bvec_all'),
    example: { type: 'bio_for_each_bvec_all', bio: 0 },
    doc: 'Query: bi_io_vec[0..bi_vcnt) as they are; WARNs on a clone.',
  },
  bio_for_each_folio_all: {
    schema: bioOnly('bio_for_each_folio_all'),
    example: { type: 'bio_for_each_folio_all', bio: 0 },
    doc: 'Query: bi_io_vec[0..bi_vcnt) split at folio ends as [{folio (head PFN), offset, length}]; WARNs on a clone.',
  },
  bio_truncate: {
    schema: event('bio_truncate', { bio: id, new_size: size }),
    example: { type: 'bio_truncate', bio: 0, new_size: 3584 },
    doc: 'Shrinks bi_size to `new_size` (as guard_bio_eod does); for a READ the part cut off is zeroed first.',
  },
  bio_iov_iter_bounce: {
    schema: event('bio_iov_iter_bounce', { bio: id, iter: id, maxlen: size, minsize: size, allocs }),
    example: { type: 'bio_iov_iter_bounce', bio: 0, iter: 0, maxlen: 4294967295, minsize: 4096, allocs: [null, 1048576] },
    doc: 'A write allocates bounce folios and copies the iterator into them; a read allocates one bounce folio (slot 0) and pins the user fragments into slots 1.. (bi_vcnt counts only those); both align down to `minsize`. `allocs` are the page-allocator outcomes in call order: a PFN (the folio is then named by it) or null; an order above 10 takes none. ret 0 or a negative errno.',
  },
  bio_iov_iter_unbounce: {
    schema: event('bio_iov_iter_unbounce', { bio: id, is_error: cBool, mark_dirty: cBool }),
    example: { type: 'bio_iov_iter_unbounce', bio: 0, is_error: false, mark_dirty: true },
    doc: 'A write frees its bounce folios (not the zero folio). A read copies the bounce buffer back to the user vecs unless `is_error` (which also forces mark_dirty off), unpins them (dirtying if asked) and puts the bounce folio.',
  },
  bio_alloc_bounce_folios: {
    schema: event('bio_alloc_bounce_folios', { bio: id, total_len: size, minsize: size, allocs }),
    example: { type: 'bio_alloc_bounce_folios', bio: 0, total_len: 1049088, minsize: 2048, allocs: [null, 1048576] },
    doc: 'Adds bounce folios for up to `total_len` bytes in chunks of at most 1 MiB; WARN and -22 for a clone, a non-empty bio or no free vec; -12 when nothing was added.',
  },
  folio_alloc_greedy: {
    schema: event('folio_alloc_greedy', { size, minsize: size, allocs }),
    example: { type: 'folio_alloc_greedy', size: 12288, minsize: 4096, allocs: [null, 1048576] },
    doc: 'The static helper on its own: NORETRY attempts shrinking to smaller powers of two while above `minsize`, then one blocking attempt; ret {folio (PFN or null), size used}. The caller owns the folio.',
  },
  bio_free_folios: {
    schema: bioOnly('bio_free_folios'),
    example: { type: 'bio_free_folios', bio: 0 },
    doc: 'Puts the folio of every vec in bi_io_vec[0..bi_vcnt) except the zero folio.',
  },
  'sim.device_complete': {
    schema: event('sim.device_complete', { io: id, bytes: size, error: size }),
    example: { type: 'sim.device_complete', io: 0, bytes: 4096, error: 0 },
    doc: 'The device finishes `bytes` of io `io` with status `error`: the driver sets the status on error, advances the bio and, when it is done or failed, calls bio_endio. A short completion without error leaves the rest in flight.',
  },
};
