// iterate_and_advance() and iov_iter_peek(), the walkers the copy helpers build on: segment
// shapes per iterator type, where the walk leaves the iterator (unlike iov_iter_advance), short
// steps, and the NULL-page bug. Worlds are built by the engine, then walked directly.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type World } from '../../core/index.ts';
import { makeCtx } from '../../core/ctx.ts';
import { iov_iter_peek, iterate_and_advance, type IterSegment } from '../../core/iov_iter_iterate.ts';
import { iov_iter_advance } from '../../core/iov_iter.ts';

function world(events: BvsimEvent[]): World {
  const engine = createEngine('mutable', DEFAULT_OPTIONS);
  for (const e of events) expect(engine.step(e).rejection).toBeNull();
  return engine.snapshot();
}

/** Runs iterate_and_advance with a step that takes at most `budget` bytes in total. */
function iterate(w: World, n: number, budget = Infinity) {
  const ctx = makeCtx(0, DEFAULT_OPTIONS);
  const segs: IterSegment[] = [];
  let left = budget;
  const progress = iterate_and_advance(w, w.iters[0]!, n, (seg) => {
    segs.push(seg);
    const take = Math.min(seg.len, left);
    left -= take;
    return seg.len - take;
  }, ctx);
  return { progress, segs, findings: ctx.findings, it: w.iters[0]! };
}

const bvecSetup: BvsimEvent[] = [
  { type: 'bvec_array', bvec: 0, bv: [{ page: 40, offset: 4000, len: 200 }, { page: 9, offset: 0, len: 0 }, { page: 60, offset: 0, len: 50 }] },
  { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 3, count: 250 },
];

describe('iov_iter_peek', () => {
  it('should list page pieces, an empty piece for an empty bvec, and leave the iterator alone', () => {
    const w = world(bvecSetup);
    const before = { ...w.iters[0]! };
    expect(iov_iter_peek(w, w.iters[0]!, 1000, makeCtx(0, DEFAULT_OPTIONS))).toEqual([
      { kind: 'page', page: 40, offset: 4000, len: 96 },
      { kind: 'page', page: 41, offset: 0, len: 104 },
      { kind: 'page', page: 9, offset: 0, len: 0 },
      { kind: 'page', page: 60, offset: 0, len: 50 },
    ]);
    expect(w.iters[0]).toEqual(before);
  });
});

describe('iterate_and_advance', () => {
  it('should leave ITER_BVEC on the empty bvec after the last byte, where iov_iter_advance skips it', () => {
    const w = world(bvecSetup);
    expect(iterate(w, 200).it).toMatchObject({ bvec_index: 1, nr_segs: 2, iov_offset: 0, count: 50, consumed: 200 });
    const w2 = world(bvecSetup);
    iov_iter_advance(w2, w2.iters[0]!, 200, makeCtx(0, DEFAULT_OPTIONS));
    expect(w2.iters[0]).toMatchObject({ bvec_index: 2, nr_segs: 1, iov_offset: 0 });
  });

  it('should stop at a short step with the iterator moved by what was taken', () => {
    const w = world(bvecSetup);
    const r = iterate(w, 250, 120);
    expect(r.progress).toBe(120);
    expect(r.segs.map((s) => s.len)).toEqual([96, 104]);
    expect(r.it).toMatchObject({ bvec_index: 0, iov_offset: 120, count: 130 });
  });

  it('should leave ITER_BVECQ at iov_offset == bv_len when the bytes end at a slot end', () => {
    const w = world([
      { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false },
      { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 10, offset: 0, len: 5000 },
      { type: 'bvecq_set_slot', bvecq: 0, slot: 1, page: 20, offset: 0, len: 10 },
      { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 2 },
      { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 5010 },
    ]);
    const r = iterate(w, 5000);
    expect(r.segs).toEqual([
      { kind: 'page', page: 10, offset: 0, len: 4096 },
      { kind: 'page', page: 11, offset: 0, len: 904 },
    ]);
    expect(r.it).toMatchObject({ bvecq: 0, bvecq_slot: 0, iov_offset: 5000, count: 10 });
  });

  it('should hand ITER_KVEC whole element parts as kbuf segments', () => {
    const w = world([
      { type: 'kbuf_alloc', buf: 3, size: 10000 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 3, offset: 100, len: 6000 }, { buf: 3, offset: 0, len: 0 }, { buf: 3, offset: 8000, len: 10 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 3, count: 6010 },
    ]);
    const r = iterate(w, 6005);
    expect(r.segs).toEqual([
      { kind: 'kbuf', buf: 3, offset: 100, len: 6000 },
      { kind: 'kbuf', buf: 3, offset: 8000, len: 5 },
    ]);
    expect(r.it).toMatchObject({ kvec_index: 2, iov_offset: 5, count: 5 });
  });

  it('should hand ITER_UBUF one user range and ITER_DISCARD nothing', () => {
    const w = world([
      { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 300, len: 9000, nofault: false },
      { type: 'iov_iter_discard', iter: 1, direction: 0, count: 40 },
    ]);
    const r = iterate(w, 10000, 7000);
    expect([r.progress, r.segs, r.it.iov_offset, r.it.count]).toEqual([7000, [{ kind: 'user', uoff: 300, len: 9000 }], 7000, 2000]);
    const ctx = makeCtx(0, DEFAULT_OPTIONS);
    const calls: IterSegment[] = [];
    expect(iterate_and_advance(w, w.iters[1]!, 100, (s) => (calls.push(s), 0), ctx)).toBe(40);
    expect([calls, w.iters[1]?.count]).toEqual([[], 0]);
  });

  it('should report a non-empty piece on a NULL page as a bug', () => {
    const w = world([
      { type: 'bvec_array', bvec: 0, bv: [{ page: null, offset: 0, len: 0 }, { page: null, offset: 0, len: 8 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 8 },
    ]);
    const r = iterate(w, 8);
    expect(r.progress).toBeNull();
    expect(r.findings.map((f) => f.id)).toEqual(['iov_iter.null_page']);
    expect(r.segs).toEqual([{ kind: 'page', page: null, offset: 0, len: 0 }]);
  });
});
