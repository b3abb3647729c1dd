// The KUnit iov_iter tests as data (vectors/kunit/kunit_iov_iter.json): copy_to/from for ITER_KVEC,
// ITER_BVEC and ITER_BVECQ with the byte pattern modelled as provenance (byte x of the pattern is
// byte x of its kbuf), their final iterator states and images, and the extract_pages loops.
// The folioq and xarray cases are not modelled: ITER_FOLIOQ is gone and ITER_XARRAY is not in
// the model (SPEC §1).
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type Engine, type World } from '../../core/index.ts';
import { kbufSrc } from '../../core/iov_iter_kvec.ts';
import { allIds } from './iov_iter_copy_fixtures.ts';
import { type ExtractCallV, type ImageEntry, type KunitCaseV, BASE, BUF, BUFSIZE, bufferPages, bvecqState, bvecState, heldPieces, imagePieces, kbufs, kunitCase, kunitChain, KUNIT, num, SCRATCH } from './kunit_vectors.ts';

/** An engine that has stepped `events`; with `seed`, the buffer pages first hold the pattern. */
function engineAfter(events: BvsimEvent[], seed = false): Engine {
  const pre = createEngine('mutable', DEFAULT_OPTIONS);
  for (const e of events) expect(pre.step(e).rejection).toBeNull();
  const w: World = pre.snapshot();
  if (seed) for (let j = 0; j < 256; j++) w.folios[BASE + j]!.data = [{ at: 0, len: 4096, src: kbufSrc(BUF), off: j * 4096 }];
  return createEngine('immutable', DEFAULT_OPTIONS, w);
}

function step(engine: Engine, e: BvsimEvent) {
  const o = engine.step(e);
  expect(o.rejection).toBeNull();
  expect(allIds([o]), e.type).toEqual([]);
  return o.ret;
}

const own = (buf: number) => (k: number, n: number) => ({ src: kbufSrc(buf), off: k, len: n });
const unwritten = (_k: number, n: number) => ({ src: null, off: 0, len: n });

function expectPagesImage(w: World, image: readonly ImageEntry[], src: string) {
  for (let j = 0; j < 256; j++) expect(heldPieces(w.folios[BASE + j]!.data, 0, 4096), `buffer page ${j}`).toEqual(imagePieces(image, src, j * 4096, 4096, unwritten));
}

const kvecEvents = (c: KunitCaseV): BvsimEvent => ({
  type: 'kvec_array',
  kvec: 0,
  iov: c.setup.kvec.map((k) => ({ buf: BUF, offset: num(k.iov_base_offset), len: num(k.iov_len) })),
});
const bvecEvents = (c: KunitCaseV): BvsimEvent => ({
  type: 'bvec_array',
  bvec: 0,
  bv: c.setup.bvec_nomerge.map((b) => ({ page: BASE + b.page, offset: num(b.bv_offset), len: num(b.bv_len) })),
});

describe('copy_to_iter (KUnit)', () => {
  it('should match iov_kunit_copy_to_kvec', () => {
    const c = kunitCase('iov_kunit_copy_to_kvec');
    const engine = engineAfter([...kbufs(), kvecEvents(c), { type: 'iov_iter_kvec', iter: 0, direction: 0, kvec: 0, start: 0, nr_segs: c.setup.nr_segs, count: num(c.setup.count) }]);
    expect(step(engine, { type: 'copy_to_iter', iter: 0, bytes: num(c.operations[0]?.bytes), buf: SCRATCH, offset: 0 })).toBe(num(c.expected.copied));
    const w = engine.snapshot();
    expect(w.iters[0]).toMatchObject({ count: c.expected['iter.count'], nr_segs: c.expected['iter.nr_segs'], kvec_index: c.derived_final_state.kvec_index, iov_offset: c.derived_final_state.iov_offset });
    expect(heldPieces(w.kbufs[BUF]!.data, 0, BUFSIZE)).toEqual(imagePieces(c.expected.image, kbufSrc(SCRATCH), 0, BUFSIZE, own(BUF)));
  });

  it('should match iov_kunit_copy_to_bvec', () => {
    const c = kunitCase('iov_kunit_copy_to_bvec');
    const engine = engineAfter([...bufferPages(), ...kbufs(), bvecEvents(c), { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 8, count: num(c.setup.count) }]);
    expect(step(engine, { type: 'copy_to_iter', iter: 0, bytes: num(c.operations[0]?.bytes), buf: SCRATCH, offset: 0 })).toBe(num(c.expected.copied));
    const w = engine.snapshot();
    expect(bvecState(w.iters[0])).toEqual({ ...c.derived_final_state, count: c.expected['iter.count'] });
    expectPagesImage(w, c.expected.image, kbufSrc(SCRATCH));
  });

  it('should match iov_kunit_copy_to_bvecq step by step', () => {
    const c = kunitCase('iov_kunit_copy_to_bvecq');
    const engine = engineAfter([...bufferPages(), ...kbufs(), ...kunitChain()]);
    let i = 0;
    for (const s of c.steps) {
      step(engine, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: s.init.bvecq_index, slot: s.init.slot, offset: s.init.offset, count: num(s.init.count) });
      step(engine, { type: 'iov_iter_advance', iter: 0, bytes: num(s.advance) });
      expect(bvecqState(engine.peek().iters[0])).toEqual(s.derived_state_after_advance);
      expect(step(engine, { type: 'copy_to_iter', iter: 0, bytes: num(s.copy_bytes), buf: SCRATCH, offset: i })).toBe(num(s.expected.copied));
      expect(bvecqState(engine.peek().iters[0])).toEqual({ ...s.derived_state_after_copy, count: s.expected['iter.count'] });
      i += num(s.copy_bytes);
    }
    expectPagesImage(engine.snapshot(), c.expected.final_image, kbufSrc(SCRATCH));
  });
});

describe('copy_from_iter (KUnit)', () => {
  it('should match iov_kunit_copy_from_kvec', () => {
    const c = kunitCase('iov_kunit_copy_from_kvec');
    const count = num(c.setup.count);
    const engine = engineAfter([...kbufs(), kvecEvents(c), { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: c.setup.nr_segs, count }]);
    expect(step(engine, { type: 'copy_from_iter', iter: 0, bytes: Math.min(count, BUFSIZE), buf: SCRATCH, offset: 0 })).toBe(num(c.expected.copied));
    const w = engine.snapshot();
    expect(w.iters[0]).toMatchObject({ count: c.expected['iter.count'], nr_segs: c.expected['iter.nr_segs'], kvec_index: c.derived_final_state.kvec_index });
    expect(heldPieces(w.kbufs[SCRATCH]!.data, 0, BUFSIZE)).toEqual(imagePieces(c.expected.image, kbufSrc(BUF), 0, BUFSIZE, own(SCRATCH)));
  });

  it('should match iov_kunit_copy_from_bvec', () => {
    const c = kunitCase('iov_kunit_copy_from_bvec');
    const engine = engineAfter([...bufferPages(), ...kbufs(), bvecEvents(c), { type: 'iov_iter_bvec', iter: 0, direction: 1, bvec: 0, start: 0, nr_segs: 8, count: num(c.setup.count) }], true);
    expect(step(engine, { type: 'copy_from_iter', iter: 0, bytes: num(c.operations[0]?.bytes), buf: SCRATCH, offset: 0 })).toBe(num(c.expected.copied));
    const w = engine.snapshot();
    expect(bvecState(w.iters[0])).toEqual({ ...c.derived_final_state, count: c.expected['iter.count'] });
    expect(heldPieces(w.kbufs[SCRATCH]!.data, 0, BUFSIZE)).toEqual(imagePieces(c.expected.image, kbufSrc(BUF), 0, BUFSIZE, own(SCRATCH)));
  });

  it('should match iov_kunit_copy_from_bvecq step by step', () => {
    const c = kunitCase('iov_kunit_copy_from_bvecq');
    const engine = engineAfter([...bufferPages(), ...kbufs(), ...kunitChain()], true);
    let i = 0;
    for (const s of c.steps) {
      step(engine, { type: 'iov_iter_bvec_queue', iter: 0, direction: 1, bvecq: s.init.bvecq_index, slot: s.init.slot, offset: s.init.offset, count: num(s.init.count) });
      step(engine, { type: 'iov_iter_advance', iter: 0, bytes: num(s.advance) });
      expect(bvecqState(engine.peek().iters[0])).toEqual(s.derived_state_after_advance);
      expect(step(engine, { type: 'copy_from_iter', iter: 0, bytes: num(s.copy_bytes), buf: SCRATCH, offset: i })).toBe(num(s.expected.copied));
      expect(bvecqState(engine.peek().iters[0])).toEqual({ ...s.derived_state_after_copy, count: s.expected['iter.count'] });
      i += num(s.copy_bytes);
    }
    expect(heldPieces(engine.snapshot().kbufs[SCRATCH]!.data, 0, BUFSIZE)).toEqual(imagePieces(c.expected.final_image, kbufSrc(BUF), 0, BUFSIZE, own(SCRATCH)));
  });
});

const MAXSIZE = num(KUNIT.constants.extract_maxsize);
const MAXPAGES = num(KUNIT.constants.extract_maxpages);

/** Runs the KUnit extraction loop and compares each call with the derived calls. */
function extractLoop(engine: Engine, calls: readonly ExtractCallV[], withState: boolean) {
  let k = 0;
  while (engine.peek().iters[0]!.count > 0) {
    const before = engine.peek().iters[0]!.count;
    const r = step(engine, { type: 'iov_iter_extract_pages', iter: 0, maxsize: MAXSIZE, maxpages: MAXPAGES }) as { len: number; offset0: number; pages: number[] };
    const want = calls[k];
    if (want === undefined) throw new Error(`call ${k} is not in the vectors`);
    expect({ len: r.len, offset0: r.offset0, pages: r.pages.map((p) => p - BASE), count_after: engine.peek().iters[0]!.count }, `call ${k}`).toEqual({
      len: num(want.len),
      offset0: num(want.offset0),
      pages: want.pages,
      count_after: num(want.count_after),
    });
    expect(r.offset0 >= 0 && r.offset0 < 4096 && r.len <= before).toBe(true);
    if (withState) expect(bvecState(engine.peek().iters[0])).toEqual(want.state_after);
    k += 1;
  }
  expect(k).toBe(calls.length);
}

describe('iov_iter_extract_pages (KUnit)', () => {
  it('should match iov_kunit_extract_pages_kvec call by call', () => {
    const c = kunitCase('iov_kunit_extract_pages_kvec');
    const engine = engineAfter([...kbufs(), kvecEvents(kunitCase('iov_kunit_copy_to_kvec')), { type: 'iov_iter_kvec', iter: 0, direction: 0, kvec: 0, start: 0, nr_segs: 8, count: num(c.setup.count) }]);
    extractLoop(engine, c.derived_calls, false);
    expect(engine.peek().iters[0]?.count).toBe(c.expected_final['iter.count']);
  });

  it('should match iov_kunit_extract_pages_bvec call by call', () => {
    const c = kunitCase('iov_kunit_extract_pages_bvec');
    const engine = engineAfter([...bufferPages(), bvecEvents(kunitCase('iov_kunit_copy_to_bvec')), { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 8, count: num(c.setup.count) }]);
    extractLoop(engine, c.derived_calls, true);
  });

  it('should match iov_kunit_extract_pages_bvecq range by range', () => {
    const c = kunitCase('iov_kunit_extract_pages_bvecq');
    const engine = engineAfter([...bufferPages(), ...kunitChain()]);
    for (const r of c.per_range) {
      const init = r.init.iov_iter_bvec_queue;
      step(engine, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: init.slot, offset: init.offset, count: num(init.count) });
      step(engine, { type: 'iov_iter_advance', iter: 0, bytes: num(r.init.advance) });
      const start = engine.peek().iters[0]!.consumed;
      extractLoop(engine, r.derived_calls, false);
      expect(engine.peek().iters[0]!.consumed - start).toBe(num(r.expected.sum_len));
      expect(engine.peek().iters[0]?.count).toBe(r.expected['iter.count']);
    }
  });
});
