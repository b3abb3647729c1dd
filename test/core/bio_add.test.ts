// Adding pages: physical-contiguity merging, the C int return, the BIO_MAX_SIZE edge, WARNs on
// clones and full bios, writes past the table; examples first, then a fast-check property.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type ModelOptions } from '../../core/index.ts';

function run(events: BvsimEvent[], opts: ModelOptions = DEFAULT_OPTIONS) {
  const engine = createEngine('immutable', opts);
  const outs = events.map((e) => engine.step(e));
  const ids = outs.map((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
  return { outs, ids, state: engine.snapshot() };
}

const alloc = (bio: number, nr_vecs: number, max_vecs: number): BvsimEvent => ({ type: 'bio_alloc', bio, nr_vecs, opf: 1, max_vecs, fail: false });
const add = (bio: number, page: number, len: number, offset = 0): BvsimEvent => ({ type: 'bio_add_page', bio, page, len, offset });
const UINT_MAX = 4294967295;

describe('bio_add_page', () => {
  it.each([
    { name: 'the rest of the same page', first: add(0, 100, 3072), second: add(0, 100, 1024, 3072), vecs: [[100, 0, 4096]] },
    { name: 'the next page', first: add(0, 100, 4096), second: add(0, 101, 4096), vecs: [[100, 0, 8192]] },
    { name: 'an offset past the first page', first: add(0, 100, 4096), second: add(0, 100, 512, 4096), vecs: [[100, 0, 4608]] },
    { name: 'a gap', first: add(0, 100, 3072), second: add(0, 101, 512, 512), vecs: [[100, 0, 3072], [101, 512, 512]] },
    { name: 'a page before', first: add(0, 100, 3072), second: add(0, 99, 4096), vecs: [[100, 0, 3072], [99, 0, 4096]] },
  ])('should merge only a physically contiguous range: $name', ({ first, second, vecs }) => {
    const { state, outs } = run([alloc(0, 4, 4), first, second]);
    expect(outs[2]?.ret).toBe((second as { len: number }).len);
    expect(state.bios[0]?.vecs.map((v) => [v.page, v.offset, v.len])).toEqual(vecs);
  });

  it('should return the length as a C int, negative from 2^31', () => {
    const { outs, state } = run([alloc(0, 4, 4), add(0, 100, 2 ** 31)]);
    expect(outs[1]?.ret).toBe(-(2 ** 31));
    expect(state.bios[0]?.bi_size).toBe(2 ** 31);
  });

  it('should accept exactly up to BIO_MAX_SIZE and refuse one byte more without a WARN', () => {
    const { outs, state } = run([alloc(0, 4, 4), add(0, 100, UINT_MAX - 512), add(0, 5000, 512), add(0, 6000, 1)]);
    expect(outs.map((o) => o.ret)).toEqual([true, -513, 512, 0]);
    expect(outs[3]?.findings).toEqual([]);
    expect(state.bios[0]?.bi_size).toBe(UINT_MAX);
  });

  it('should refuse a bio with no free slot once merging fails', () => {
    const { outs } = run([alloc(0, 1, 1), add(0, 100, 4096), add(0, 101, 4096), add(0, 300, 4096)]);
    expect(outs.map((o) => o.ret)).toEqual([true, 4096, 4096, 0]);
  });

  it.each([
    { name: 'a zero length', prep: [] as BvsimEvent[], bio: 0, id: 'warn.bio_add_page.zero_len', len: 0 },
    { name: 'a clone', prep: [{ type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false }] as BvsimEvent[], bio: 1, id: 'warn.bio_add_page.cloned', len: 512 },
  ])('should WARN and return 0 for $name', ({ prep, bio, id, len }) => {
    const { outs, ids } = run([alloc(0, 4, 4), ...prep, add(bio, 100, len)]);
    expect(outs.at(-1)?.ret).toBe(0);
    expect(ids.at(-1)).toEqual([id]);
  });
});

describe('__bio_add_page', () => {
  it('should WARN twice on a clone and overwrite the slot of the table it shares', () => {
    const { ids, state } = run([
      alloc(0, 8, 16),
      add(0, 100, 4096),
      add(0, 300, 4096),
      { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false },
      { type: '__bio_add_page', bio: 1, page: 500, len: 512, offset: 0 },
    ]);
    expect(ids[4]).toEqual(['warn.__bio_add_page.cloned', 'warn.__bio_add_page.full', 'invariant.bio.vcnt_exceeds_max_vecs']);
    expect(state.bios[0]?.vecs[0]).toEqual({ page: 500, offset: 0, len: 512 });
    expect(state.bios[1]?.vecs).toEqual([{ page: 500, offset: 0, len: 512 }]);
  });

  it('should use the whole inline area, then report the write past it', () => {
    const adds = [0, 1, 2, 3, 4].map((k): BvsimEvent => ({ type: '__bio_add_page', bio: 0, page: 100 + 2 * k, len: 512, offset: 0 }));
    const { ids, state } = run([alloc(0, 1, 1), ...adds]);
    expect(ids[1]).toEqual([]);
    expect(ids[2]).toEqual(['warn.__bio_add_page.full', 'invariant.bio.vcnt_exceeds_max_vecs']);
    expect(ids[5]).toEqual(['warn.__bio_add_page.full', 'bug.bio.io_vec_out_of_bounds', 'invariant.bio.vcnt_exceeds_max_vecs']);
    expect(state.bios[0]?.bi_vcnt).toBe(4);
  });

  it('should report a write through a NULL bi_io_vec', () => {
    const { ids } = run([alloc(0, 0, 0), { type: '__bio_add_page', bio: 0, page: 100, len: 512, offset: 0 }]);
    expect(ids[1]).toEqual(['warn.__bio_add_page.full', 'bug.bio.io_vec_null']);
  });
});

describe('bio_add_folio', () => {
  it('should add from the folio page holding the offset', () => {
    const { state, outs } = run([
      { type: 'folio_alloc', folio: 7, order: 2, pfn: 64, fail: false },
      alloc(0, 1, 1),
      { type: 'bio_add_folio', bio: 0, folio: 7, len: 3502, offset: 9229 },
    ]);
    expect(outs[2]?.ret).toBe(true);
    expect(state.bios[0]?.vecs).toEqual([{ page: 66, offset: 1037, len: 3502 }]);
  });

  it('should refuse more than BIO_MAX_SIZE, and bio_add_folio_nofail WARN and truncate it', () => {
    const { outs, ids, state } = run([
      { type: 'folio_alloc', folio: 7, order: 0, pfn: 64, fail: false },
      alloc(0, 4, 4),
      { type: 'bio_add_folio', bio: 0, folio: 7, len: UINT_MAX + 513, offset: 0 },
      { type: 'bio_add_folio_nofail', bio: 0, folio: 7, len: UINT_MAX + 513, offset: 0 },
    ]);
    expect(outs[2]?.ret).toBe(false);
    expect(ids[3]).toEqual(['warn.bio_add_folio_nofail.too_large']);
    expect(state.bios[0]?.bi_size).toBe(512);
  });
});

describe('bio_full', () => {
  it('should see a free slot but no room for one more byte at BIO_MAX_SIZE', () => {
    const { outs } = run([alloc(0, 4, 4), add(0, 100, UINT_MAX), { type: 'bio_full', bio: 0, len: 0 }, { type: 'bio_full', bio: 0, len: 1 }]);
    expect([outs[2]?.ret, outs[3]?.ret]).toEqual([false, true]);
  });

  it('should test bi_vcnt only under mutant bio_size_overflow', () => {
    const { outs } = run([alloc(0, 4, 4), add(0, 100, UINT_MAX), { type: 'bio_full', bio: 0, len: 1 }], { mutants: { bio_size_overflow: true } });
    expect(outs[2]?.ret).toBe(false);
  });
});

describe('bio_add_page (property)', () => {
  const addArb = fc.record({ page: fc.integer({ min: 0, max: 40 }), offset: fc.integer({ min: 0, max: 8192 }), len: fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.constant(2 ** 31), fc.constant(UINT_MAX)) });

  test.prop([fc.array(addArb, { maxLength: 12 })], { seed: 20260704 })('should keep bi_size the sum of bv_len, within BIO_MAX_SIZE', (adds) => {
    const { state, ids } = run([alloc(0, 5, 16), ...adds.map((a) => add(0, a.page, a.len, a.offset))]);
    const b = state.bios[0]!;
    expect(b.bi_size).toBe(b.vecs.reduce((s, v) => s + v.len, 0));
    expect(b.bi_size).toBeLessThanOrEqual(UINT_MAX);
    expect(ids.flat().filter((id) => !id.startsWith('warn.'))).toEqual([]);
  });
});
