// The byte movers (copy_to_iter, copy_from_iter, the _full forms, iov_iter_zero, copy_page_*):
// kunit-style range tables per iterator type over poisoned pages, compared byte by byte with a
// flat walk written here, plus the WARN / BUG edges and the data.misplaced check staying quiet.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent, World } from '../../core/index.ts';
import { allIds, ids, kbufLabels, node, pageLabels, pagesAt, run, type Label } from './iov_iter_copy_fixtures.ts';

type Elem = { page: number; offset: number; len: number };

/** The (page, in-page offset) of every byte of a list of page ranges, in order. */
function flat(elems: readonly Elem[]): [number, number][] {
  const out: [number, number][] = [];
  for (const e of elems) for (let j = 0; j < e.len; j++) out.push([e.page + Math.floor((e.offset + j) / 4096), (e.offset + j) % 4096]);
  return out;
}

/** Compresses per-byte labels into runs as the model reports them. */
function runsOf(bytes: readonly (readonly [string, number] | null)[]): Label[] {
  const out: Label[] = [];
  for (const b of bytes) {
    const last = out[out.length - 1];
    const src = b === null ? null : b[0];
    const off = b === null ? 0 : b[1];
    if (last !== undefined && last[0] === src && (src === null || src === 'zero' || last[1] + last[2] === off)) last[2] += 1;
    else out.push([src, src === 'zero' ? 0 : off, 1]);
  }
  return out;
}

/** Expected page images: `poison` labels every window byte first, then [from, from+n) gets `src` from `srcOff`. */
function expectPages(w: World, window: [number, number][], pages: readonly number[], poison: string | null, from: number, n: number, src: string, srcOff: number) {
  const img = new Map<number, ([string, number] | null)[]>(pages.map((p) => [p, new Array<[string, number] | null>(4096).fill(null)]));
  for (const [k, [p, o]] of window.entries()) img.get(p)![o] = poison === null ? null : [poison, k];
  for (let k = 0; k < n; k++) {
    const [p, o] = window[from + k]!;
    img.get(p)![o] = [src, srcOff + k];
  }
  for (const p of pages) expect(pageLabels(w, p), `page ${p}`).toEqual(runsOf(img.get(p)!));
}

const elems: Elem[] = [
  { page: 16, offset: 100, len: 3992 },
  { page: 17, offset: 0, len: 0 },
  { page: 18, offset: 4000, len: 200 },
  { page: 20, offset: 0, len: 4096 },
];
const PAGES = [16, 17, 18, 19, 20];
const TOTAL = 3992 + 200 + 4096;

function bvecSetup(direction: number): BvsimEvent[] {
  return [
    ...pagesAt(PAGES),
    { type: 'bvec_array', bvec: 0, bv: elems },
    { type: 'kbuf_alloc', buf: 1, size: 16384 },
    { type: 'kbuf_alloc', buf: 9, size: 16384 },
    // Poison: every window byte first carries kbuf 9's label at its window position.
    { type: 'iov_iter_bvec', iter: 9, direction: 0, bvec: 0, start: 0, nr_segs: 4, count: TOTAL },
    { type: 'copy_to_iter', iter: 9, bytes: TOTAL, buf: 9, offset: 0 },
    { type: 'iov_iter_bvec', iter: 0, direction, bvec: 0, start: 0, nr_segs: 4, count: TOTAL },
  ];
}

// [advance, bytes]: zero-length, one byte, ending just short of a page end, straddling
// elements (across the empty one), the whole window, the last byte, and more than count.
const RANGES: [number, number][] = [
  [0, 0],
  [0, 1],
  [0, 3991],
  [3990, 20],
  [0, TOTAL],
  [TOTAL - 1, 1],
  [100, TOTAL],
];

describe('copy_to_iter', () => {
  it.each(RANGES)('should place kbuf bytes exactly on ITER_BVEC after advance %i, copy %i', (adv, bytes) => {
    const { state, last, outs } = run([...bvecSetup(0), { type: 'iov_iter_advance', iter: 0, bytes: adv }, { type: 'copy_to_iter', iter: 0, bytes, buf: 1, offset: 7 }]);
    const n = Math.min(bytes, TOTAL - adv);
    expect(last?.ret).toBe(n);
    expect(allIds(outs)).toEqual([]);
    expectPages(state, flat(elems), PAGES, 'kbuf:9', adv, n, 'kbuf:1', 7);
    expect(state.iters[0]).toMatchObject({ count: TOTAL - adv - n, consumed: adv + n });
  });

  it('should WARN and copy nothing into an ITER_SOURCE iterator', () => {
    const { last, state } = run([...bvecSetup(1), { type: 'copy_to_iter', iter: 0, bytes: 10, buf: 1, offset: 0 }]);
    expect([last?.ret, ids(last)]).toEqual([0, ['warn.copy_to_iter.wrong_direction']]);
    expect(state.iters[0]?.count).toBe(TOTAL);
  });

  it('should WARN on more than INT_MAX bytes (check_copy_size)', () => {
    const { last } = run([...bvecSetup(0), { type: 'copy_to_iter', iter: 0, bytes: 2 ** 31, buf: 1, offset: 0 }]);
    expect([last?.ret, ids(last)]).toEqual([0, ['warn.check_copy_size.too_large']]);
  });

  it('should report reading past the end of the kbuf', () => {
    const { last } = run([...bvecSetup(0), { type: 'kbuf_alloc', buf: 2, size: 100 }, { type: 'copy_to_iter', iter: 0, bytes: 200, buf: 2, offset: 0 }]);
    expect(ids(last)).toEqual(['bug.kbuf.out_of_bounds']);
  });

  it('should report writing into a freed folio', () => {
    const { last } = run([...bvecSetup(0), { type: 'folio_put', folio: 16 }, { type: 'copy_to_iter', iter: 0, bytes: 10, buf: 1, offset: 0 }]);
    expect(ids(last)).toEqual(['bug.folio.use_after_free']);
  });

  it('should consume ITER_DISCARD without touching memory', () => {
    const { last, state } = run([{ type: 'kbuf_alloc', buf: 1, size: 100 }, { type: 'iov_iter_discard', iter: 0, direction: 0, count: 50 }, { type: 'copy_to_iter', iter: 0, bytes: 80, buf: 1, offset: 0 }]);
    expect([last?.ret, state.iters[0]?.count]).toEqual([50, 0]);
  });

  it('should stop ITER_UBUF at the first faulting byte', () => {
    const { last, state } = run([
      { type: 'sim.user_map', runs: [[64, 1, 0, 2]] },
      { type: 'sim.user_fault', offset: 5000 },
      { type: 'kbuf_alloc', buf: 1, size: 8192 },
      { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 4000, len: 4000, nofault: false },
      { type: 'copy_to_iter', iter: 0, bytes: 4000, buf: 1, offset: 0 },
    ]);
    expect([last?.ret, ids(last)]).toEqual([1000, []]);
    expect(pageLabels(state, 64, 4000, 96)).toEqual([['kbuf:1', 0, 96]]);
    expect(pageLabels(state, 65, 0, 904)).toEqual([['kbuf:1', 96, 904]]);
    expect(pageLabels(state, 65, 904, 96)).toEqual([['user', 4096 + 904, 96]]);
    expect(state.iters[0]).toMatchObject({ iov_offset: 1000, count: 3000 });
  });
});

describe('copy_from_iter', () => {
  it.each(RANGES)('should gather ITER_BVEC bytes exactly after advance %i, copy %i', (adv, bytes) => {
    const { state, last, outs } = run([...bvecSetup(1), { type: 'iov_iter_advance', iter: 0, bytes: adv }, { type: 'copy_from_iter', iter: 0, bytes, buf: 1, offset: 3 }]);
    const n = Math.min(bytes, TOTAL - adv);
    expect([last?.ret, allIds(outs)]).toEqual([n, []]);
    const want: Label[] = n > 0 ? [['kbuf:1', 0, 3], ['kbuf:9', adv, n], ['kbuf:1', 3 + n, 16384 - 3 - n]] : [['kbuf:1', 0, 16384]];
    expect(kbufLabels(state, 1, 0, 16384)).toEqual(want);
  });

  it('should WARN and copy nothing out of an ITER_DEST iterator', () => {
    const { last } = run([...bvecSetup(0), { type: 'copy_from_iter', iter: 0, bytes: 10, buf: 1, offset: 0 }]);
    expect([last?.ret, ids(last)]).toEqual([0, ['warn.copy_from_iter.wrong_direction']]);
  });

  it('should gather an ITER_KVEC across empty elements', () => {
    const { last, state } = run([
      { type: 'kbuf_alloc', buf: 0, size: 1000 },
      { type: 'kbuf_alloc', buf: 1, size: 1000 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 0, offset: 10, len: 5 }, { buf: 0, offset: 0, len: 0 }, { buf: 0, offset: 500, len: 20 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 3, count: 25 },
      { type: 'copy_from_iter', iter: 0, bytes: 25, buf: 1, offset: 100 },
    ]);
    expect([last?.ret, ids(last)]).toEqual([25, []]);
    expect(kbufLabels(state, 1, 100, 25)).toEqual([['kbuf:0', 10, 5], ['kbuf:0', 500, 20]]);
    expect(state.iters[0]).toMatchObject({ kvec_index: 3, nr_segs: 0, count: 0 });
  });

  it('should stop ITER_BVECQ at the chain end and leave count with the unbacked rest', () => {
    const { last, state } = run([
      ...pagesAt([16, 32]),
      ...node(0, [{ page: 16, offset: 0, len: 4096 }]),
      ...node(1, [], 0, 2),
      ...node(2, [{ page: 32, offset: 0, len: 100 }], 1),
      { type: 'kbuf_alloc', buf: 1, size: 8192 },
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 1, bvecq: 0, slot: 0, offset: 0, count: 8000 },
      { type: 'copy_from_iter', iter: 0, bytes: 8000, buf: 1, offset: 0 },
    ]);
    expect([last?.ret, ids(last)]).toEqual([4196, []]);
    expect(kbufLabels(state, 1, 4000, 200)).toEqual([[null, 0, 196], ['kbuf:1', 4196, 4]]);
    expect(state.iters[0]).toMatchObject({ bvecq: 2, bvecq_slot: 1, iov_offset: 0, count: 3804 });
  });
});

describe('copy_to_iter_full', () => {
  it('should revert a short copy and answer false', () => {
    const { last, state } = run([...bvecSetup(0), { type: 'iov_iter_advance', iter: 0, bytes: 100 }, { type: 'copy_to_iter_full', iter: 0, bytes: TOTAL, buf: 1, offset: 0 }]);
    expect([last?.ret, ids(last)]).toEqual([false, []]);
    expect(state.iters[0]).toMatchObject({ count: TOTAL - 100, consumed: 100, bvec_index: 0, iov_offset: 100 });
  });

  it('should answer true when everything was copied', () => {
    const { last } = run([...bvecSetup(0), { type: 'copy_to_iter_full', iter: 0, bytes: 50, buf: 1, offset: 0 }]);
    expect(last?.ret).toBe(true);
  });
});

describe('copy_from_iter_full', () => {
  it('should revert a short copy of an ITER_SOURCE iterator', () => {
    const { last, state } = run([...bvecSetup(1), { type: 'copy_from_iter_full', iter: 0, bytes: TOTAL + 1, buf: 1, offset: 0 }]);
    expect(last?.ret).toBe(false);
    expect(state.iters[0]).toMatchObject({ count: TOTAL, consumed: 0 });
  });
});

describe('iov_iter_zero', () => {
  it('should zero the window bytes, even through a source iterator (no direction check)', () => {
    const { last, state } = run([...bvecSetup(1), { type: 'iov_iter_advance', iter: 0, bytes: 3990 }, { type: 'iov_iter_zero', iter: 0, bytes: 10 }]);
    expect([last?.ret, ids(last)]).toEqual([10, []]);
    expect(pageLabels(state, 16, 4088, 8)).toEqual([['kbuf:9', 3988, 2], ['zero', 0, 2], [null, 0, 4]]);
    expect(pageLabels(state, 18, 4000, 12)).toEqual([['zero', 0, 8], ['kbuf:9', 4000, 4]]);
  });
});

describe('copy_page_to_iter', () => {
  const setup: BvsimEvent[] = [
    { type: 'folio_alloc', folio: 1, order: 1, pfn: 64, fail: false },
    { type: 'kbuf_alloc', buf: 1, size: 8192 },
    { type: 'kvec_array', kvec: 0, iov: [{ buf: 1, offset: 0, len: 8192 }] },
    { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 1, count: 8192 },
    { type: 'copy_page_from_iter', iter: 0, page: 64, offset: 0, bytes: 8192 },
  ];

  it('should copy a compound page range crossing its page boundary, page by page', () => {
    const { last, state } = run([
      ...setup,
      { type: 'kbuf_alloc', buf: 2, size: 8192 },
      { type: 'kvec_array', kvec: 1, iov: [{ buf: 2, offset: 0, len: 8192 }] },
      { type: 'iov_iter_kvec', iter: 1, direction: 0, kvec: 1, start: 0, nr_segs: 1, count: 8192 },
      { type: 'copy_page_to_iter', iter: 1, page: 64, offset: 4000, bytes: 200 },
    ]);
    expect([last?.ret, ids(last)]).toEqual([200, []]);
    expect(kbufLabels(state, 2, 0, 200)).toEqual([['kbuf:1', 4000, 200]]);
  });

  it('should WARN for a range past the compound page (page_copy_sane)', () => {
    const { last } = run([...setup, { type: 'iov_iter_discard', iter: 1, direction: 0, count: 9000 }, { type: 'copy_page_to_iter', iter: 1, page: 65, offset: 100, bytes: 4000 }]);
    expect([last?.ret, ids(last)]).toEqual([0, ['warn.page_copy_sane.out_of_range']]);
  });

  it('should WARN for an ITER_SOURCE iterator', () => {
    const { last } = run([...setup, { type: 'copy_page_to_iter', iter: 0, page: 64, offset: 0, bytes: 10 }]);
    expect([last?.ret, ids(last)]).toEqual([0, ['warn.copy_page_to_iter.wrong_direction']]);
  });
});

describe('copy_page_from_iter', () => {
  it('should fill both pages of an order-1 folio from a kvec', () => {
    const { last, state } = run([
      { type: 'folio_alloc', folio: 1, order: 1, pfn: 64, fail: false },
      { type: 'kbuf_alloc', buf: 1, size: 8192 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 1, offset: 0, len: 8192 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 1, count: 8192 },
      { type: 'copy_page_from_iter', iter: 0, page: 64, offset: 100, bytes: 5000 },
    ]);
    expect([last?.ret, ids(last)]).toEqual([5000, []]);
    expect(pageLabels(state, 64, 0, 4096)).toEqual([[null, 0, 100], ['kbuf:1', 0, 3996]]);
    expect(pageLabels(state, 65, 0, 4096)).toEqual([['kbuf:1', 3996, 1004], [null, 0, 3092]]);
  });
});
