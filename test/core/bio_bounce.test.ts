// Bounce-buffered direct I/O: kunit-style tables that push a position-derived pattern (each byte's
// provenance label) through the bounce buffer and back, comparing images by first bad index; the
// error paths; and a fast-check property over bounce read then unbounce (seeded).
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { BOUNCE, bouncePfn, firstBad, pattern, run, USER_BYTES, USER_RUNS, userImage, vecsImage } from './bio_bounce_fixtures.ts';

const SEED = 20261207;
const NO_MAX = 4294967295;

function setup(dir: 0 | 1, start: number, len: number, maxVecs: number, extra: BvsimEvent[] = []): BvsimEvent[] {
  return [
    { type: 'sim.user_map', runs: USER_RUNS },
    ...extra,
    { type: 'iov_iter_ubuf', iter: 0, direction: dir, start, len, nofault: false },
    { type: 'bio_alloc', bio: 0, nr_vecs: maxVecs, opf: dir, max_vecs: maxVecs <= 4 ? maxVecs : 16, fail: false },
  ];
}

const bounce = (minsize: number, allocs: (number | null)[], maxlen = NO_MAX): BvsimEvent => ({ type: 'bio_iov_iter_bounce', bio: 0, iter: 0, maxlen, minsize, allocs });

describe('bio_iov_iter_bounce (write)', () => {
  it.each([
    { name: 'one page', start: 0, len: 4096, allocs: [bouncePfn(0)], size: 4096, vecs: 1 },
    { name: 'unaligned start, 8 KiB + 512', start: 1000, len: 8704, allocs: [bouncePfn(0), bouncePfn(1)], size: 8704, vecs: 2 },
    { name: 'straddling pages', start: 4000, len: 12288, allocs: [bouncePfn(0), bouncePfn(1)], size: 12288, vecs: 2 },
    { name: 'ending just short of a page', start: 512, len: 3584, allocs: [bouncePfn(0), bouncePfn(1), bouncePfn(2)], size: 3584, vecs: 3 },
    { name: 'a NORETRY failure shrinking the first chunk', start: 0, len: 16384, allocs: [null, bouncePfn(0), bouncePfn(1)], size: 16384, vecs: 2 },
    { name: 'the whole buffer, to the last byte', start: 0, len: USER_BYTES, allocs: [bouncePfn(0), bouncePfn(1), bouncePfn(2)], size: USER_BYTES, vecs: 3 },
  ])('should copy the user bytes into the bounce folios: $name', ({ start, len, allocs, size, vecs }) => {
    const { outs, ids, state } = run([...setup(1, start, len, 16), bounce(512, allocs)]);
    expect(ids.flat()).toEqual([]);
    expect(outs.at(-1)?.ret).toBe(0);
    const b = state.bios[0];
    expect(b?.bi_size).toBe(size);
    expect(b?.bi_vcnt).toBe(vecs);
    expect(firstBad(vecsImage(state, b?.vecs ?? []), pattern('user', start, size))).toBe(-1);
    expect(state.iters[0]?.count).toBe(len - size);
  });

  it('should stop at the last vec and leave the rest of the iterator', () => {
    const { outs, state } = run([...setup(1, 0, 12288, 1), bounce(512, [bouncePfn(0)])]);
    expect(outs.at(-1)?.ret).toBe(0);
    expect(state.bios[0]).toMatchObject({ bi_size: 8192, bi_vcnt: 1 });
    expect(state.iters[0]?.count).toBe(4096);
  });

  it('should WARN and fail with -ENOMEM for an empty iterator (get_order(0) is 52)', () => {
    const { outs, ids } = run([...setup(1, 0, 0, 4), bounce(512, [])]);
    expect(outs.at(-1)?.ret).toBe(-12);
    expect(ids.at(-1)).toEqual(['warn.folio_alloc.order_too_large']);
  });

  it('should revert the iterator, free the folios and fail with -EFAULT on a short copy', () => {
    const { outs, ids, state } = run([...setup(1, 0, 8192, 4, [{ type: 'sim.user_fault', offset: 5000 }]), bounce(512, [bouncePfn(0)]), { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }]);
    expect(outs[4]?.ret).toBe(-14);
    expect(ids.flat()).toEqual([]);
    expect(state.iters[0]).toMatchObject({ count: 8192, iov_offset: 0 });
    expect(state.folios[BOUNCE]?.freed).toBe(true);
  });

  it('should align the size down to minsize, reverting the iterator by the bytes cut', () => {
    const { outs, state } = run([...setup(1, 0, 12288, 16), bounce(8192, [bouncePfn(0)])]);
    expect(outs.at(-1)?.ret).toBe(0);
    expect(state.bios[0]?.vecs).toEqual([{ page: BOUNCE, offset: 0, len: 8192 }]);
    expect(state.iters[0]?.count).toBe(4096);
  });

  // At 10c5ed1d align down drops whole trailing vecs without putting their folios, and
  // bio_free_folios() only walks the bi_vcnt left: a count that is not a multiple of minsize leaks.
  it('should leak a trailing bounce folio that align down drops (kernel behaviour at 10c5ed1d)', () => {
    const allocs = [bouncePfn(0), bouncePfn(1)];
    const tail: BvsimEvent[] = [{ type: 'bio_iov_iter_unbounce', bio: 0, is_error: false, mark_dirty: false }, { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }];
    const { outs, ids, state } = run([...setup(1, 0, 16484, 16), bounce(512, allocs), ...tail]);
    expect(outs[3]?.ret).toBe(0);
    expect(state.bios[0]).toMatchObject({ bi_size: 16384, bi_vcnt: 1 });
    expect(ids.at(-1)).toEqual(['invariant.folio.leak']);
    expect(state.folios[bouncePfn(0)]?.freed).toBe(true);
    expect(state.folios[bouncePfn(1)]).toMatchObject({ freed: false, refcount: 1 });
  });
});

/** A bounce read, the device filling the bounce buffer from sector 0, and the unbounce. */
function readStory(start: number, len: number, maxVecs: number, allocs: (number | null)[], extra: BvsimEvent[] = []) {
  const head = [...setup(0, start, len, maxVecs, extra), bounce(512, allocs)];
  const first = run(head);
  const size = first.state.bios[0]?.bi_size ?? 0;
  // DIO callers unbounce only a bio whose bounce succeeded.
  const tail: BvsimEvent[] =
    first.outs.at(-1)?.ret !== 0
      ? []
      : [
          { type: 'submit_bio', bio: 0, io: 0 },
          { type: 'sim.device_complete', io: 0, bytes: size, error: 0 },
          { type: 'bio_iov_iter_unbounce', bio: 0, is_error: false, mark_dirty: true },
        ];
  return { ret: first.outs.at(-1)?.ret, size, bounced: first.state, ...run([...head, ...tail, { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }]) };
}

describe('bio_iov_iter_bounce (read) and bio_iov_iter_unbounce', () => {
  it.each([
    { name: 'two pages of two folios', start: 0, len: 8192, maxVecs: 4, allocs: [bouncePfn(0)], size: 8192, vcnt: 2 },
    { name: 'unaligned start straddling a large folio, in two rounds', start: 1536, len: 12800, maxVecs: 4, allocs: [bouncePfn(0)], size: 12800, vcnt: 3 },
    { name: 'ending just short of a page', start: 0, len: 3584, maxVecs: 4, allocs: [bouncePfn(0)], size: 3584, vcnt: 1 },
    { name: 'limited by the vecs (two user vecs)', start: 0, len: USER_BYTES, maxVecs: 3, allocs: [bouncePfn(0)], size: 8192, vcnt: 2 },
    { name: 'a NORETRY failure halving the bounce buffer', start: 4096, len: 16384, maxVecs: 16, allocs: [null, bouncePfn(0)], size: 8192, vcnt: 1 },
    { name: 'the whole buffer', start: 0, len: USER_BYTES, maxVecs: 16, allocs: [bouncePfn(0)], size: USER_BYTES, vcnt: 4 },
  ])('should deliver each device byte to its user byte: $name', ({ start, len, maxVecs, allocs, size, vcnt }) => {
    const r = readStory(start, len, maxVecs, allocs);
    expect(r.ret).toBe(0);
    expect(r.bounced.bios[0]).toMatchObject({ bi_size: size, bi_vcnt: vcnt, flags: ['PAGE_PINNED'] });
    expect(r.bounced.bios[0]?.vecs[0]).toEqual({ page: BOUNCE, offset: 0, len: size });
    expect(r.bounced.bios[0]?.vecs).toHaveLength(vcnt + 1);
    expect(r.ids.flat()).toEqual([]);
    expect(firstBad(userImage(r.state, start, size), pattern('disk', 0, size))).toBe(-1);
    expect(firstBad(userImage(r.state, 0, start), pattern('user', 0, start))).toBe(-1);
    expect(firstBad(userImage(r.state, start + size, USER_BYTES - start - size), pattern('user', start + size, USER_BYTES - start - size))).toBe(-1);
    expect(Object.values(r.state.folios).every((f) => f.pincount === 0)).toBe(true);
    expect(r.state.folios[64]?.dirty).toBe(start < 4096);
    expect(r.state.folios[BOUNCE]?.freed).toBe(true);
  });

  it('should copy nothing, dirty nothing and still unpin and free on error', () => {
    const events = [...setup(0, 0, 8192, 4), bounce(512, [bouncePfn(0)]), { type: 'bio_iov_iter_unbounce', bio: 0, is_error: true, mark_dirty: true } as const];
    const { ids, state } = run([...events, { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }]);
    expect(ids.flat()).toEqual([]);
    expect(firstBad(userImage(state, 0, 8192), pattern('user', 0, 8192))).toBe(-1);
    expect(state.folios[64]).toMatchObject({ dirty: false, pincount: 0 });
    expect(state.folios[BOUNCE]?.freed).toBe(true);
  });

  it('should report user folios dirtied for a bio that failed but was unbounced as a success', () => {
    const events = [...setup(0, 0, 8192, 4), bounce(512, [bouncePfn(0)]), { type: 'bio_set_status', bio: 0, status: 10 } as const];
    const { ids } = run([...events, { type: 'bio_iov_iter_unbounce', bio: 0, is_error: false, mark_dirty: true }]);
    expect(ids.at(-1)).toEqual(['invariant.folio.dirtied_after_error']);
  });

  it('should WARN in want_pages_array and put the folio when the bio has a single vec (no user slot)', () => {
    const { outs, ids, state } = run([...setup(0, 0, 8192, 1), bounce(512, [bouncePfn(0)])]);
    expect(outs.at(-1)?.ret).toBe(-12);
    expect(ids.at(-1)).toEqual(['warn.want_pages_array.no_pages']);
    expect(state.folios[BOUNCE]?.freed).toBe(true);
  });

  it('should fail with -EFAULT and put the folio when the first user page faults', () => {
    const { outs, state } = run([...setup(0, 0, 8192, 4, [{ type: 'sim.user_fault', offset: 0 }]), bounce(512, [bouncePfn(0)])]);
    expect(outs.at(-1)?.ret).toBe(-14);
    expect(state.folios[BOUNCE]?.freed).toBe(true);
    expect(state.bios[0]).toMatchObject({ bi_vcnt: 0, vecs: [], flags: [] });
  });

  it('should keep BIO_PAGE_PINNED and put the folio when align down leaves no vec', () => {
    const { outs, state } = run([...setup(0, 0, 4096, 4), bounce(8192, [bouncePfn(0)])]);
    expect(outs.at(-1)?.ret).toBe(-14);
    expect(state.bios[0]).toMatchObject({ bi_vcnt: 0, bi_size: 0, flags: ['PAGE_PINNED'] });
    expect(state.folios[BOUNCE]?.freed).toBe(true);
    expect(state.iters[0]?.count).toBe(4096);
  });

  it('should reject outcomes the allocator was never asked for, leaving the state untouched', () => {
    for (const mode of ['immutable', 'mutable'] as const) {
      const { outs, state } = run([...setup(0, 0, 8192, 4), bounce(512, [bouncePfn(0), bouncePfn(1)])], {}, mode);
      expect(outs.at(-1)?.rejection?.field).toBe('allocs');
      expect(state.folios[BOUNCE]).toBeUndefined();
      expect(state.iters[0]?.count).toBe(8192);
    }
  });
});

describe('bio_iov_iter_bounce (write) data check', () => {
  // A chain whose middle node is empty with a filled, unpublished slot, its first node ending
  // mid-page so that one page of the copy crosses it; the first posting's walker reads the
  // unpublished slot, so the bounce folio gets page 32's bytes where page 48's belong.
  const chain: BvsimEvent[] = [
    { type: 'folio_alloc', folio: 1, order: 0, pfn: 16, fail: false },
    { type: 'folio_alloc', folio: 2, order: 0, pfn: 32, fail: false },
    { type: 'folio_alloc', folio: 3, order: 0, pfn: 48, fail: false },
    { type: 'bvec_array', bvec: 0, bv: [16, 32, 48].map((page) => ({ page, offset: 0, len: 4096 })) },
    { type: 'kbuf_alloc', buf: 0, size: 12288 },
    { type: 'iov_iter_bvec', iter: 1, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 12288 },
    { type: 'copy_to_iter', iter: 1, bytes: 12288, buf: 0, offset: 0 },
    { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 1, max_slots: 1, fail: false },
    { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 16, offset: 0, len: 2048 },
    { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 1 },
    { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 1, max_slots: 1, fail: false },
    { type: 'bvecq_set_slot', bvecq: 1, slot: 0, page: 32, offset: 0, len: 4096 },
    { type: 'bvecq_append', to: 0, add: 1 },
    { type: 'bvecq_alloc_one', bvecq: 2, nr_slots: 1, max_slots: 1, fail: false },
    { type: 'bvecq_set_slot', bvecq: 2, slot: 0, page: 48, offset: 0, len: 4096 },
    { type: 'bvecq_filled_to', bvecq: 2, nr_slots: 1 },
    { type: 'bvecq_append', to: 1, add: 2 },
    { type: 'iov_iter_bvec_queue', iter: 0, direction: 1, bvecq: 0, slot: 0, offset: 0, count: 6144 },
    { type: 'bio_alloc', bio: 0, nr_vecs: 2, opf: 1, max_vecs: 2, fail: false },
    bounce(512, [bouncePfn(0), bouncePfn(1)]),
  ];

  it('should fill the bounce folio from the published slots', () => {
    const { ids, state } = run(chain);
    expect(ids.flat()).toEqual([]);
    expect(firstBad(vecsImage(state, state.bios[0]?.vecs ?? []), [...pattern('kbuf:0', 0, 2048), ...pattern('kbuf:0', 8192, 4096)])).toBe(-1);
  });

  it('should report data.misplaced for the bounce copy when the iterator walker misplaces bytes', () => {
    const { ids } = run(chain, { iov_iter_bvecq_empty_not_skipped: true });
    expect(ids.at(-1)).toEqual(['invariant.data.misplaced']);
  });
});

/** The NORETRY attempts folio_alloc_greedy() makes for `size` above `minsize` before the blocking one. */
function noretryAttempts(size: number, minsize: number): number {
  let n = 0;
  for (let s = size; s > minsize; n++) {
    let p = 1;
    while (p * 2 <= s - 1) p *= 2;
    s = p;
  }
  return n;
}

describe(`bio_iov_iter_bounce then bio_iov_iter_unbounce (seed ${SEED})`, () => {
  const story = fc.record({
    start: fc.integer({ min: 0, max: 48 }).map((k) => 512 * k),
    blocks: fc.integer({ min: 1, max: 56 }),
    nrVecs: fc.constantFrom(2, 3, 4, 16),
    failures: fc.integer({ min: 0, max: 3 }),
    fault: fc.option(fc.integer({ min: 0, max: 56 }).map((k) => 512 * k), { nil: null }),
  });

  test.prop([story], { seed: SEED, numRuns: 150 })('should deliver every device byte to its user byte and leak no pin or folio', (s) => {
    const len = Math.min(512 * s.blocks, USER_BYTES - s.start);
    const extra: BvsimEvent[] = s.fault === null ? [] : [{ type: 'sim.user_fault', offset: s.fault }];
    const failures = Math.min(s.failures, noretryAttempts(len, 512));
    const r = readStory(s.start, len, s.nrVecs, [...Array<null>(failures).fill(null), BOUNCE], extra);
    expect(r.ids.flat()).toEqual([]);
    expect(Object.values(r.state.folios).every((f) => f.pincount === 0)).toBe(true);
    if (r.ret !== 0) {
      expect(r.state.iters[0]?.count).toBe(len);
      expect(firstBad(userImage(r.state, 0, USER_BYTES), pattern('user', 0, USER_BYTES))).toBe(-1);
      return;
    }
    expect(r.size % 512).toBe(0);
    expect(r.state.iters[0]?.count).toBe(len - r.size);
    expect(firstBad(userImage(r.state, s.start, r.size), pattern('disk', 0, r.size))).toBe(-1);
    expect(firstBad(userImage(r.state, 0, s.start), pattern('user', 0, s.start))).toBe(-1);
    const after = s.start + r.size;
    expect(firstBad(userImage(r.state, after, USER_BYTES - after), pattern('user', after, USER_BYTES - after))).toBe(-1);
  });
});
