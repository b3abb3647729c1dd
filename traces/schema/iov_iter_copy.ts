import type { IovIterCopyEvent, IovIterExtractEvent } from '../../core/index.ts';
import { bool, event, id, size, type SpecTable } from './common.ts';

const MISPLACED = 'Each copy is checked: a byte landing anywhere but where the flat window as set up says is `invariant data.misplaced`.';

export const iovIterCopySpecs: SpecTable<IovIterCopyEvent> = {
  copy_to_iter: {
    schema: event('copy_to_iter', { iter: id, bytes: size, buf: id, offset: size }),
    example: { type: 'copy_to_iter', iter: 0, bytes: 4096, buf: 0, offset: 0 },
    doc: `copy_to_iter(): kbuf \`buf\` bytes [offset, offset + bytes) into the iterator → ret bytes copied. An ITER_SOURCE iterator is \`warn copy_to_iter.wrong_direction\` and 0; more than INT_MAX bytes \`warn check_copy_size.too_large\` and 0. User memory stops at the first fault; ITER_DISCARD consumes. ${MISPLACED}`,
  },
  copy_from_iter: {
    schema: event('copy_from_iter', { iter: id, bytes: size, buf: id, offset: size }),
    example: { type: 'copy_from_iter', iter: 0, bytes: 4096, buf: 0, offset: 0 },
    doc: `copy_from_iter(): the iterator's next \`bytes\` into kbuf \`buf\` from \`offset\` → ret bytes copied; an ITER_DEST iterator is \`warn copy_from_iter.wrong_direction\` and 0. Reading or writing past the kbuf is \`bug kbuf.out_of_bounds\`. ${MISPLACED}`,
  },
  copy_to_iter_full: {
    schema: event('copy_to_iter_full', { iter: id, bytes: size, buf: id, offset: size }),
    example: { type: 'copy_to_iter_full', iter: 0, bytes: 4096, buf: 0, offset: 0 },
    doc: 'copy_to_iter_full(): as copy_to_iter, but a short copy is reverted → ret true when all `bytes` were copied, else false.',
  },
  copy_from_iter_full: {
    schema: event('copy_from_iter_full', { iter: id, bytes: size, buf: id, offset: size }),
    example: { type: 'copy_from_iter_full', iter: 0, bytes: 4096, buf: 0, offset: 0 },
    doc: 'copy_from_iter_full(): as copy_from_iter, but a short copy is reverted → ret true or false.',
  },
  iov_iter_zero: {
    schema: event('iov_iter_zero', { iter: id, bytes: size }),
    example: { type: 'iov_iter_zero', iter: 0, bytes: 512 },
    doc: 'iov_iter_zero(): `bytes` zero bytes into the iterator (no direction check) → ret bytes zeroed.',
  },
  copy_page_to_iter: {
    schema: event('copy_page_to_iter', { iter: id, page: size, offset: size, bytes: size }),
    example: { type: 'copy_page_to_iter', iter: 0, page: 16, offset: 100, bytes: 4000 },
    doc: 'copy_page_to_iter(): bytes [offset, offset + bytes) of the compound page holding PFN `page` (offset may pass the first page) into the iterator, a page at a time → ret bytes copied. A range past the compound page is `warn page_copy_sane.out_of_range` and 0; an ITER_SOURCE iterator `warn copy_page_to_iter.wrong_direction`.',
  },
  copy_page_from_iter: {
    schema: event('copy_page_from_iter', { iter: id, page: size, offset: size, bytes: size }),
    example: { type: 'copy_page_from_iter', iter: 0, page: 16, offset: 0, bytes: 4096 },
    doc: 'copy_page_from_iter(): the iterator\'s next `bytes` into the page range at PFN `page` + `offset` → ret bytes copied; a page of a freed folio is `bug folio.use_after_free`.',
  },
};

const flags = size.exactOptional();

export const iovIterExtractSpecs: SpecTable<IovIterExtractEvent> = {
  iov_iter_extract_pages: {
    schema: event('iov_iter_extract_pages', { iter: id, maxsize: size, maxpages: size, extraction_flags: flags, fail: bool.exactOptional() }),
    example: { type: 'iov_iter_extract_pages', iter: 0, maxsize: 102400, maxpages: 8 },
    doc: 'iov_iter_extract_pages() with a NULL page array → ret `{len, offset0, pages}` (one virtually contiguous run; `offset0` null when unset; pages are PFNs) or a negative errno (-EFAULT for ITER_DISCARD or nothing pinnable, -ENOMEM when no page is wanted or `fail`: the array allocation fails). ITER_UBUF pins each page (folio `pincount` + 1); the other types take no reference and no pin. ITER_KVEC needs its kbuf\'s `pages`.',
  },
  iov_iter_extract_bvecs: {
    schema: event('iov_iter_extract_bvecs', { iter: id, max_size: size, nr_vecs: size, max_vecs: size, mem_align_mask: size, extraction_flags: flags }),
    example: { type: 'iov_iter_extract_bvecs', iter: 0, max_size: 65536, nr_vecs: 0, max_vecs: 16, mem_align_mask: 511 },
    doc: 'iov_iter_extract_bvecs() into a caller array holding `nr_vecs` of `max_vecs` entries → ret `{size, nr_vecs, bv}`: bytes (or -EINVAL misaligned, -EFAULT nothing extracted, -ENOMEM no room), the new count, and the bio_vecs appended (consecutive pages of one folio merged).',
  },
  extract_iter_to_sg: {
    schema: event('extract_iter_to_sg', { iter: id, maxsize: size, sg_max: size, extraction_flags: flags }),
    example: { type: 'extract_iter_to_sg', iter: 0, maxsize: 8192, sg_max: 4 },
    doc: 'extract_iter_to_sg() into an empty table → ret `{len, sg: [{page, offset, len}]}`; advances the iterator. ITER_UBUF pins (and unpins everything on a failed round); ITER_DISCARD is `warn extract_iter_to_sg.unsupported` and -EIO.',
  },
  iov_iter_extract_will_pin: {
    schema: event('iov_iter_extract_will_pin', { iter: id }),
    example: { type: 'iov_iter_extract_will_pin', iter: 0 },
    doc: 'iov_iter_extract_will_pin() → ret true for ITER_UBUF only.',
  },
};
