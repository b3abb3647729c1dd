import type { IovIterEvent, IovIterInitEvent, KvecEvent } from '../../core/index.ts';
import { z } from 'zod';
import { event, id, size, type SpecTable } from './common.ts';

const direction = size;

export const iovIterInitSpecs: SpecTable<IovIterInitEvent> = {
  iov_iter_bvec: {
    schema: event('iov_iter_bvec', { iter: id, direction, bvec: id, start: size, nr_segs: size, count: size }),
    example: { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 12288 },
    doc: 'ITER_BVEC over elements [start, start + nr_segs) of bio_vec array `bvec`. direction 0 READ/ITER_DEST, 1 WRITE/ITER_SOURCE; other values `warn iov_iter.bad_direction` and still give data_source true. Re-initialising an iterator id is allowed.',
  },
  iov_iter_kvec: {
    schema: event('iov_iter_kvec', { iter: id, direction, kvec: id, start: size, nr_segs: size, count: size }),
    example: { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 2, count: 100 },
    doc: 'ITER_KVEC over elements [start, start + nr_segs) of kvec array `kvec`.',
  },
  iov_iter_bvec_queue: {
    schema: event('iov_iter_bvec_queue', { iter: id, direction, bvecq: id, slot: size, offset: size, count: size }),
    example: { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 8192 },
    doc: 'ITER_BVECQ from (`bvecq`, `slot`, `offset`); no reference taken, nothing validated (count may exceed the chain).',
  },
  iov_iter_ubuf: {
    schema: event('iov_iter_ubuf', { iter: id, direction, start: size, len: size, nofault: z.union([z.boolean(), z.literal(0), z.literal(1)]) }),
    example: { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 512, len: 8192, nofault: false },
    doc: 'ITER_UBUF over `len` bytes of user memory from user offset `start`; then sets `nofault` (boolean or 0/1).',
  },
  iov_iter_discard: {
    schema: event('iov_iter_discard', { iter: id, direction, count: size }),
    example: { type: 'iov_iter_discard', iter: 0, direction: 0, count: 4096 },
    doc: 'ITER_DISCARD of `count` bytes; a direction other than READ is `bug iov_iter_discard.bad_direction`.',
  },
};

export const iovIterSpecs: SpecTable<IovIterEvent> = {
  iov_iter_advance: {
    schema: event('iov_iter_advance', { iter: id, bytes: size }),
    example: { type: 'iov_iter_advance', iter: 0, bytes: 100 },
    doc: 'iov_iter_advance(): `bytes` is clamped to count. ITER_BVEC/KVEC end normalised; ITER_BVECQ may stop at slot == nr_slots or on an empty slot.',
  },
  iov_iter_revert: {
    schema: event('iov_iter_revert', { iter: id, bytes: size }),
    example: { type: 'iov_iter_revert', iter: 0, bytes: 100 },
    doc: 'iov_iter_revert(): > MAX_RW_COUNT is `warn iov_iter_revert.too_large` and no change; walking off the front is `bug iov_iter_revert.past_start`; going before the setup position is `invariant iov_iter.over_revert`.',
  },
  iov_iter_truncate: {
    schema: event('iov_iter_truncate', { iter: id, count: size }),
    example: { type: 'iov_iter_truncate', iter: 0, count: 4096 },
    doc: 'iov_iter_truncate(): count = min(count, `count`).',
  },
  iov_iter_reexpand: {
    schema: event('iov_iter_reexpand', { iter: id, count: size }),
    example: { type: 'iov_iter_reexpand', iter: 0, count: 8192 },
    doc: 'iov_iter_reexpand(): count = `count`, unchecked.',
  },
  iov_iter_npages: {
    schema: event('iov_iter_npages', { iter: id, maxpages: size }),
    example: { type: 'iov_iter_npages', iter: 0, maxpages: 2147483647 },
    doc: 'iov_iter_npages() → ret pages spanned by the next count bytes, capped at `maxpages` (a C int).',
  },
  iov_iter_single_seg_count: {
    schema: event('iov_iter_single_seg_count', { iter: id }),
    example: { type: 'iov_iter_single_seg_count', iter: 0 },
    doc: 'iov_iter_single_seg_count() → ret bytes to the end of the current segment.',
  },
  iov_iter_alignment: {
    schema: event('iov_iter_alignment', { iter: id }),
    example: { type: 'iov_iter_alignment', iter: 0 },
    doc: 'iov_iter_alignment() → ret OR of every part start and length (user and kbuf addresses are offsets from page-aligned bases).',
  },
};

const kvecSchema = z.strictObject({ buf: id, offset: size, len: size });

export const kvecSpecs: SpecTable<KvecEvent> = {
  kbuf_alloc: {
    schema: event('kbuf_alloc', { buf: id, size, pages: z.array(id).exactOptional() }),
    example: { type: 'kbuf_alloc', buf: 0, size: 4096 },
    doc: 'A kmalloc\'d kernel buffer of `size` bytes; byte k carries provenance "kbuf:<buf>" offset k. `pages` (optional, one PFN per started page) names the pages behind it (virt_to_page / vmalloc_to_page), which page extraction from an ITER_KVEC reports; they do not hold the kbuf\'s bytes.',
  },
  kbuf_free: {
    schema: event('kbuf_free', { buf: id }),
    example: { type: 'kbuf_free', buf: 0 },
    doc: 'kfree(); a second free is `bug kbuf.double_free`.',
  },
  kvec_array: {
    schema: event('kvec_array', { kvec: id, iov: z.array(kvecSchema) }),
    example: { type: 'kvec_array', kvec: 0, iov: [{ buf: 0, offset: 0, len: 100 }, { buf: 0, offset: 200, len: 50 }] },
    doc: 'A kvec[] in memory; each element is `len` bytes of kbuf `buf` from `offset` (must lie inside the kbuf).',
  },
};
