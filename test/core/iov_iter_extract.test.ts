// Page extraction (iov_iter_extract_pages, iov_iter_extract_bvecs, extract_iter_to_sg,
// iov_iter_extract_will_pin): examples per iterator type, the pin accounting of ITER_UBUF
// (vectors/README.md §4.2) and the errno / WARN edges. Folded through the immutable engine.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { allIds, ids, node, pagesAt, run } from './iov_iter_copy_fixtures.ts';

/** User pages: an order-2 folio at 64 entered at page 65 (65, 66, 67), then a lone page 80. */
const user: BvsimEvent[] = [{ type: 'sim.user_map', runs: [[64, 2, 1, 3], [80, 0, 0, 1]] }];
const ubuf = (start: number, len: number, direction = 0): BvsimEvent => ({ type: 'iov_iter_ubuf', iter: 0, direction, start, len, nofault: false });
const extract = (maxsize: number, maxpages: number, fail?: boolean): BvsimEvent =>
  fail === undefined ? { type: 'iov_iter_extract_pages', iter: 0, maxsize, maxpages } : { type: 'iov_iter_extract_pages', iter: 0, maxsize, maxpages, fail };

describe('iov_iter_extract_pages', () => {
  it('should pin every ITER_UBUF page it returns, one pin per page on its folio', () => {
    const { last, state } = run([...user, ubuf(100, 20000), extract(100000, 8)]);
    expect(last?.ret).toEqual({ len: 4 * 4096 - 100, offset0: 100, pages: [65, 66, 67, 80] });
    expect([state.folios[64]?.pincount, state.folios[80]?.pincount, state.folios[64]?.refcount]).toEqual([3, 1, 1]);
    expect(state.iters[0]).toMatchObject({ iov_offset: 4 * 4096 - 100, count: 20000 - (4 * 4096 - 100), consumed: 4 * 4096 - 100 });
  });

  it('should stop pinning at the first page holding a faulting byte', () => {
    const { last, state } = run([...user, { type: 'sim.user_fault', offset: 5000 }, ubuf(100, 20000), extract(100000, 8)]);
    expect(last?.ret).toEqual({ len: 3996, offset0: 100, pages: [65] });
    expect(state.folios[64]?.pincount).toBe(1);
  });

  it('should return -EFAULT and pin nothing when the first page faults', () => {
    const { last, state } = run([...user, { type: 'sim.user_fault', offset: 0 }, ubuf(100, 200), extract(100000, 8)]);
    expect([last?.ret, state.folios[64]?.pincount, state.iters[0]?.count]).toEqual([-14, 0, 200]);
  });

  it('should WARN and return -ENOMEM when no page is wanted (maxpages 0)', () => {
    const { last } = run([...user, ubuf(0, 200), extract(100000, 0)]);
    expect([last?.ret, ids(last)]).toEqual([-12, ['warn.want_pages_array.no_pages']]);
  });

  it('should return -ENOMEM and pin nothing when the page array allocation fails', () => {
    const { last, state } = run([...user, ubuf(0, 200), extract(100000, 8, true)]);
    expect([last?.ret, state.folios[64]?.pincount]).toEqual([-12, 0]);
  });

  it('should return 0 with offset0 unset for an empty iterator', () => {
    const { last } = run([...user, ubuf(0, 0), extract(100000, 8)]);
    expect(last?.ret).toEqual({ len: 0, offset0: null, pages: [] });
  });

  it('should return -EFAULT for ITER_DISCARD', () => {
    const { last } = run([{ type: 'iov_iter_discard', iter: 0, direction: 0, count: 10 }, extract(100, 8)]);
    expect(last?.ret).toBe(-14);
  });

  it('should list ITER_BVEC pages with no reference and no pin, sizing the array from the in-bvec skip', () => {
    const { last, state } = run([
      ...pagesAt([16, 17, 18]),
      { type: 'bvec_array', bvec: 0, bv: [{ page: 16, offset: 0, len: 0 }, { page: 16, offset: 4000, len: 4192 }, { page: 18, offset: 0, len: 100 }, { page: 18, offset: 200, len: 10 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 4, count: 4302 },
      extract(100000, 8),
    ]);
    // want_pages_array() sizes the run from skip 0 and 4302 bytes: 2 pages, though the first
    // piece starts 4000 bytes into its page.
    expect(last?.ret).toEqual({ len: 4192, offset0: 4000, pages: [16, 17] });
    expect(state.iters[0]).toMatchObject({ bvec_index: 2, nr_segs: 2, iov_offset: 0, count: 110 });
    expect([16, 17, 18].map((p) => [state.folios[p]?.refcount, state.folios[p]?.pincount])).toEqual([[1, 0], [1, 0], [1, 0]]);
  });

  it('should list the pages behind an ITER_KVEC from the kbuf it points into', () => {
    const { last, state } = run([
      { type: 'kbuf_alloc', buf: 0, size: 12288, pages: [200, 150, 300] },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 0, offset: 5, len: 0 }, { buf: 0, offset: 4000, len: 5000 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 2, count: 5000 },
      extract(100000, 2),
    ]);
    expect(last?.ret).toEqual({ len: 4192, offset0: 4000, pages: [200, 150] });
    expect(state.iters[0]).toMatchObject({ kvec_index: 1, nr_segs: 1, iov_offset: 4192, count: 808 });
  });

  it('should reject ITER_KVEC extraction from a kbuf whose pages were never named', () => {
    const r = run([
      { type: 'kbuf_alloc', buf: 0, size: 100 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 0, offset: 0, len: 100 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 1, count: 100 },
    ]);
    expect(r.engine.step(extract(100, 2)).rejection?.field).toBe('iter');
  });

  it('should hop an empty ITER_BVECQ node and take whole pages across nodes', () => {
    const { last, state } = run([
      ...node(0, [{ page: 16, offset: 0, len: 4096 }]),
      ...node(1, [], 0, 1),
      ...node(2, [{ page: 32, offset: 0, len: 8192 }, { page: 40, offset: 0, len: 100 }], 1),
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 20000 },
      extract(100000, 8),
    ]);
    expect(last?.ret).toEqual({ len: 4096 + 8192 + 100, offset0: 0, pages: [16, 32, 33, 40] });
    expect(state.iters[0]).toMatchObject({ bvecq: 2, bvecq_slot: 2, iov_offset: 0, count: 20000 - 12388, consumed: 12388 });
    expect(allIds([last!])).toEqual([]);
  });
});

describe('iov_iter_extract_will_pin', () => {
  it('should be true for ITER_UBUF only', () => {
    const a = run([...user, ubuf(0, 10), { type: 'iov_iter_extract_will_pin', iter: 0 }]);
    const b = run([{ type: 'iov_iter_discard', iter: 0, direction: 0, count: 10 }, { type: 'iov_iter_extract_will_pin', iter: 0 }]);
    expect([a.last?.ret, b.last?.ret]).toEqual([true, false]);
  });
});

describe('iov_iter_extract_bvecs', () => {
  const bvecs = (max_size: number, nr_vecs: number, max_vecs: number, mem_align_mask = 0): BvsimEvent => ({ type: 'iov_iter_extract_bvecs', iter: 0, max_size, nr_vecs, max_vecs, mem_align_mask });

  it('should merge consecutive pages of one folio and keep physically adjacent folios apart', () => {
    const { last, state } = run([{ type: 'sim.user_map', runs: [[64, 2, 1, 3], [68, 0, 0, 1]] }, ubuf(512, 16000), bvecs(100000, 2, 16)]);
    expect(last?.ret).toEqual({ size: 4 * 4096 - 512, nr_vecs: 4, bv: [{ page: 65, offset: 512, len: 3 * 4096 - 512 }, { page: 68, offset: 0, len: 4096 }] });
    expect([state.folios[64]?.pincount, state.folios[68]?.pincount]).toEqual([3, 1]);
  });

  it('should refuse a misaligned segment with -EINVAL before extracting', () => {
    const { last, state } = run([...user, ubuf(4097, 100), bvecs(100000, 0, 4, 511)]);
    expect(last?.ret).toEqual({ size: -22, nr_vecs: 0, bv: [] });
    expect(state.folios[64]?.pincount).toBe(0);
  });

  it('should WARN and return -ENOMEM with no room left', () => {
    const { last } = run([...user, ubuf(0, 100), bvecs(100000, 4, 4)]);
    expect([last?.ret, ids(last)]).toEqual([{ size: -12, nr_vecs: 4, bv: [] }, ['warn.want_pages_array.no_pages']]);
  });

  it('should return -EFAULT when nothing could be extracted', () => {
    const { last } = run([...user, ubuf(0, 0), bvecs(100000, 0, 4)]);
    expect(last?.ret).toEqual({ size: -14, nr_vecs: 0, bv: [] });
  });
});

describe('extract_iter_to_sg', () => {
  const sg = (maxsize: number, sg_max: number): BvsimEvent => ({ type: 'extract_iter_to_sg', iter: 0, maxsize, sg_max });

  it('should give one entry per ITER_BVEC part, at the part offset even past a page', () => {
    const { last, state } = run([
      { type: 'bvec_array', bvec: 0, bv: [{ page: 16, offset: 0, len: 10 }, { page: 32, offset: 4000, len: 5000 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 5010 },
      { type: 'iov_iter_advance', iter: 0, bytes: 4 },
      sg(3000, 8),
    ]);
    expect(last?.ret).toEqual({ len: 3000, sg: [{ page: 16, offset: 4, len: 6 }, { page: 32, offset: 4000, len: 2994 }] });
    expect(state.iters[0]).toMatchObject({ bvec_index: 1, iov_offset: 2994 });
  });

  it('should give one entry per page of an ITER_KVEC', () => {
    const { last } = run([
      { type: 'kbuf_alloc', buf: 0, size: 12288, pages: [200, 150, 300] },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 0, offset: 4000, len: 5000 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 1, count: 5000 },
      sg(5000, 2),
    ]);
    expect(last?.ret).toEqual({ len: 4192, sg: [{ page: 200, offset: 4000, len: 96 }, { page: 150, offset: 0, len: 4096 }] });
  });

  it('should give one entry per ITER_BVECQ slot part, limited by count', () => {
    const { last, outs } = run([
      ...node(0, [{ page: 16, offset: 0, len: 8192 }]),
      ...node(1, [], 0, 1),
      ...node(2, [{ page: 32, offset: 100, len: 100 }], 1),
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 10, count: 8232 },
      sg(100000, 8),
    ]);
    expect(last?.ret).toEqual({ len: 8232, sg: [{ page: 16, offset: 10, len: 8182 }, { page: 32, offset: 100, len: 50 }] });
    expect(allIds(outs)).toEqual([]);
  });

  it('should pin ITER_UBUF pages, and unpin them all when a later round fails', () => {
    const ok = run([...user, ubuf(0, 5000), sg(5000, 8)]);
    expect(ok.last?.ret).toEqual({ len: 5000, sg: [{ page: 65, offset: 0, len: 4096 }, { page: 66, offset: 0, len: 904 }] });
    expect(ok.state.folios[64]?.pincount).toBe(2);
    const failed = run([...user, ubuf(0, 5000), sg(6000, 8)]);
    expect(failed.last?.ret).toEqual({ len: 0, sg: [] });
    expect([failed.state.folios[64]?.pincount, failed.state.iters[0]?.count]).toEqual([0, 0]);
  });

  it('should WARN and return -EIO for ITER_DISCARD, and 0 for sg_max 0', () => {
    const a = run([{ type: 'iov_iter_discard', iter: 0, direction: 0, count: 10 }, sg(10, 1)]);
    const b = run([{ type: 'iov_iter_discard', iter: 0, direction: 0, count: 10 }, sg(10, 0)]);
    expect([a.last?.ret, ids(a.last), b.last?.ret]).toEqual([{ len: -5, sg: [] }, ['warn.extract_iter_to_sg.unsupported'], { len: 0, sg: [] }]);
  });
});
