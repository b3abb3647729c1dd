// Filling bios from iterators: bio_iov_iter_get_pages() (ITER_BVEC adoption, user extraction in
// rounds with pins, alignment failures), bio_iov_iter_align_down() with its pin accounting,
// bio_release_pages(), and the vec-count helpers. Each case folds events through the engine.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { run } from './bio_bounce_fixtures.ts';

const NO_MAX = 4294967295;
const getPages = (maxlen: number, mem_align_mask: number, len_align_mask: number, bio = 0): BvsimEvent => ({ type: 'bio_iov_iter_get_pages', bio, iter: 0, maxlen, mem_align_mask, len_align_mask });
const alloc = (max_vecs: number, opf = 0, bio = 0): BvsimEvent => ({ type: 'bio_alloc', bio, nr_vecs: max_vecs, opf, max_vecs, fail: false });

/** Three bvecs over external pages: [200017 +1024, 2560], [200020 +512, 2560], [200024, 12288]. */
const bvecIter: BvsimEvent[] = [
  { type: 'bvec_array', bvec: 7, bv: [{ page: 200017, offset: 1024, len: 2560 }, { page: 200020, offset: 512, len: 2560 }, { page: 200024, offset: 0, len: 12288 }] },
  { type: 'iov_iter_bvec', iter: 0, direction: 1, bvec: 7, start: 0, nr_segs: 3, count: 17408 },
];

describe('bio_iov_iter_get_pages (ITER_BVEC)', () => {
  it.each([
    { name: 'the whole array', skip: 0, maxlen: NO_MAX, mask: 511, ret: 0, size: 17408, done: 0, at: 0, left: 0 },
    { name: 'clamped to maxlen', skip: 0, maxlen: 3000, mask: 0, ret: 0, size: 3000, done: 0, at: 0, left: 14408 },
    { name: 'from the second bvec', skip: 2560, maxlen: NO_MAX, mask: 511, ret: 0, size: 14848, done: 0, at: 1, left: 0 },
    { name: 'from inside the second bvec', skip: 3072, maxlen: NO_MAX, mask: 511, ret: 0, size: 14336, done: 512, at: 1, left: 0 },
    { name: 'a misaligned first offset', skip: 2816, maxlen: NO_MAX, mask: 511, ret: -22, size: 14592, done: 256, at: 1, left: 14592 },
  ])('should adopt the array as a clone: $name', ({ skip, maxlen, mask, ret, size, done, at, left }) => {
    const { outs, ids, state } = run([...bvecIter, { type: 'iov_iter_advance', iter: 0, bytes: skip }, alloc(0), getPages(maxlen, mask, 0)]);
    expect(outs.at(-1)?.ret).toBe(ret);
    expect(ids.flat()).toEqual([]);
    expect(state.bios[0]).toMatchObject({ bi_size: size, bi_idx: 0, bi_bvec_done: done, bi_vcnt: 0, flags: ['CLONED'], bi_io_vec: { bio: null, bvec: 7, at } });
    expect(state.iters[0]?.count).toBe(left);
  });

  it('should WARN for a bio with vecs of its own and adopt the array anyway', () => {
    const { ids, state } = run([...bvecIter, alloc(2), getPages(NO_MAX, 0, 0)]);
    expect(ids.at(-1)).toEqual(['warn.bio_iov_iter_set.has_vecs']);
    expect(state.bios[0]?.bi_io_vec).toEqual({ bio: null, bvec: 7, at: 0 });
  });

  it('should WARN and return -EIO for a clone', () => {
    const { outs, ids } = run([...bvecIter, alloc(0), getPages(NO_MAX, 0, 0), getPages(NO_MAX, 0, 0)]);
    expect(outs.at(-1)?.ret).toBe(-5);
    expect(ids.at(-1)).toEqual(['warn.bio_iov_iter_get_pages.cloned']);
  });
});

/** User pages 4112..4127 (one order-4 folio), then 4160 and 4161 (order-0 folios). */
const user = (len: number, start = 0, dir = 0): BvsimEvent[] => [
  { type: 'sim.user_map', runs: [[4112, 4, 0, 16], [4160, 0, 0, 1], [4161, 0, 0, 1]] },
  { type: 'iov_iter_ubuf', iter: 0, direction: dir, start, len, nofault: false },
];

describe('bio_iov_iter_get_pages (ITER_UBUF)', () => {
  it('should pin in rounds, one bvec per run of one folio per round (d-004)', () => {
    const { outs, state } = run([...user(48597), alloc(2), getPages(NO_MAX, 0, 0)]);
    expect(outs.at(-1)?.ret).toBe(0);
    expect(state.bios[0]?.vecs).toEqual([{ page: 4112, offset: 0, len: 8192 }, { page: 4114, offset: 0, len: 4096 }]);
    expect(state.bios[0]?.flags).toEqual(['PAGE_PINNED']);
    expect(state.folios[4112]?.pincount).toBe(3);
    expect(state.iters[0]?.count).toBe(48597 - 12288);
  });

  it('should not merge pages of different folios, however contiguous', () => {
    const { state } = run([...user(8192, 15 * 4096), alloc(4), getPages(NO_MAX, 0, 0)]);
    expect(state.bios[0]?.vecs).toEqual([{ page: 4127, offset: 0, len: 4096 }, { page: 4160, offset: 0, len: 4096 }]);
  });

  it.each([
    { name: 'none', mask: 0, size: 10000, vecs: 1, left: 0 },
    { name: '512', mask: 511, size: 9728, vecs: 1, left: 272 },
    { name: '8 KiB', mask: 8191, size: 8192, vecs: 1, left: 1808 },
  ])('should align the size down to len_align_mask ($name), reverting the iterator', ({ mask, size, vecs, left }) => {
    const { state } = run([...user(10000), alloc(4), getPages(NO_MAX, 0, mask)]);
    expect(state.bios[0]).toMatchObject({ bi_size: size, bi_vcnt: vecs });
    expect(state.iters[0]?.count).toBe(left);
    expect(state.folios[4112]?.pincount).toBe(3);
  });

  it('should release the pins of earlier rounds when a later one is misaligned', () => {
    const { outs, state } = run([...user(8192), alloc(4), getPages(6000, 511, 0)]);
    expect(outs.at(-1)?.ret).toBe(-22);
    expect(state.bios[0]).toMatchObject({ bi_vcnt: 0, flags: [] });
    expect(state.folios[4112]?.pincount).toBe(0);
  });

  it('should keep what it pinned before a fault and fail only when nothing was pinned', () => {
    const fault: BvsimEvent = { type: 'sim.user_fault', offset: 5000 };
    const ok = run([...user(12288), fault, alloc(4), getPages(NO_MAX, 0, 0)]);
    expect(ok.outs.at(-1)?.ret).toBe(0);
    expect(ok.state.bios[0]?.bi_size).toBe(4096);
    const none = run([...user(12288), { ...fault, offset: 0 }, alloc(4), getPages(NO_MAX, 0, 0)]);
    expect(none.outs.at(-1)?.ret).toBe(-14);
    expect(none.state.bios[0]?.flags).toEqual(['PAGE_PINNED']);
  });

  it('should WARN in want_pages_array for a bio with no vecs and keep BIO_PAGE_PINNED (d-104)', () => {
    const { outs, ids, state } = run([...user(8192, 0, 1), alloc(0, 1), getPages(NO_MAX, 0, 0)]);
    expect(outs.at(-1)?.ret).toBe(-12);
    expect(ids.at(-1)).toEqual(['warn.want_pages_array.no_pages']);
    expect(state.bios[0]?.flags).toEqual(['PAGE_PINNED']);
  });
});

const alignDown = (mask: number): BvsimEvent => ({ type: 'bio_iov_iter_align_down', bio: 0, iter: 0, mask });
const release = (mark_dirty: boolean): BvsimEvent => ({ type: 'bio_release_pages', bio: 0, mark_dirty });
const finish: BvsimEvent[] = [release(false), { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }];

describe('bio_iov_iter_align_down', () => {
  it('should drop whole trailing vecs, unpinning one page each', () => {
    const { outs, ids, state } = run([...user(12288, 15 * 4096), alloc(4), getPages(NO_MAX, 0, 0), alignDown(8191), ...finish]);
    expect(outs[4]?.ret).toBe(0);
    expect(state.bios[0]?.vecs).toEqual([{ page: 4127, offset: 0, len: 4096 }, { page: 4160, offset: 0, len: 4096 }]);
    expect(state.iters[0]?.count).toBe(4096);
    expect(ids.flat()).toEqual([]);
  });

  it('should return -EFAULT when no vec is left', () => {
    const { outs, state } = run([...user(4096), alloc(4), getPages(NO_MAX, 0, 0), alignDown(8191)]);
    expect(outs.at(-1)?.ret).toBe(-14);
    expect(state.bios[0]).toMatchObject({ bi_vcnt: 0, bi_size: 0 });
    expect(state.iters[0]?.count).toBe(4096);
  });

  // REFERENCE §3 item 15: shortening a multi-page vec keeps its pins, but bio_release_pages()
  // then unpins only the pages it still spans.
  it('should leak the pins of pages cut off a multi-page vec (REFERENCE §3 item 15, d-108)', () => {
    const { ids, state } = run([...user(20000), alloc(16), getPages(NO_MAX, 0, 0), alignDown(16383), ...finish]);
    expect(state.bios[0]?.vecs).toEqual([{ page: 4112, offset: 0, len: 16384 }]);
    expect(ids.at(-1)).toEqual(['invariant.pin.leak']);
    expect(state.folios[4112]?.pincount).toBe(1);
  });

  it('should read before the table when there is a size to trim but no vec', () => {
    const { ids } = run([...user(4096), alloc(4), { type: 'iov_iter_advance', iter: 0, bytes: 4096 }, { type: 'bio_set_size', bio: 0, size: 100 }, alignDown(511)]);
    expect(ids.at(-1)).toEqual(['bug.bio.io_vec_out_of_bounds']);
  });
});

describe('bio_release_pages', () => {
  it('should mark each folio dirty and unpin the pages each piece spans', () => {
    const { ids, state } = run([...user(3 * 4096, 14 * 4096), alloc(4), getPages(NO_MAX, 0, 0), release(true), { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }]);
    expect(ids.flat()).toEqual([]);
    expect(state.folios[4112]).toMatchObject({ dirty: true, pincount: 0 });
    expect(state.folios[4160]).toMatchObject({ dirty: true, pincount: 0 });
    expect(state.folios[4161]?.dirty).toBe(false);
  });

  it('should do nothing for a bio that pinned nothing', () => {
    const { ids, state } = run([...bvecIter, alloc(0), getPages(NO_MAX, 0, 0), release(true)]);
    expect(ids.flat()).toEqual([]);
    expect(state.bios[0]?.flags).toEqual(['CLONED']);
  });

  it('should report a second release as a double unpin', () => {
    const { ids } = run([...user(4096), alloc(4), getPages(NO_MAX, 0, 0), release(false), release(false)]);
    expect(ids.at(-1)).toEqual(['bug.pin.double_unpin']);
  });
});

describe('bio_iov_vecs_to_alloc and bio_iov_bounce_nr_vecs', () => {
  it.each([
    { ev: { type: 'bio_iov_vecs_to_alloc', iter: 0, max: 256 }, ret: 4 },
    { ev: { type: 'bio_iov_vecs_to_alloc', iter: 0, max: 2 }, ret: 2 },
    { ev: { type: 'bio_iov_bounce_nr_vecs', iter: 0, op: 1 }, ret: 4 },
    { ev: { type: 'bio_iov_bounce_nr_vecs', iter: 0, op: 0 }, ret: 5 },
  ] as { ev: BvsimEvent; ret: number }[])('should answer $ev.type ($ev) with $ret (e-160)', ({ ev, ret }) => {
    const { outs } = run([{ type: 'sim.user_map', runs: [[4100, 1, 0, 2]] }, { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 2393, len: 12979, nofault: false }, ev]);
    expect(outs[2]?.ret).toBe(ret);
  });

  it('should need no vecs for an ITER_BVEC, which is adopted whole', () => {
    const { outs } = run([...bvecIter, { type: 'bio_iov_vecs_to_alloc', iter: 0, max: 256 }]);
    expect(outs[2]?.ret).toBe(0);
  });
});
