// Walking a bio: bio_for_each_segment/bvec from bi_iter, the _all walks over the table (and their
// WARN on clones), bio_for_each_folio_all, bio_truncate zeroing a READ's tail; plus a seeded
// fast-check property tying the walks to bi_size and the table.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { labelAt, run } from './bio_bounce_fixtures.ts';

const SEED = 20261208;

/** A READ bio over folio 16 (order 2) bytes [1024, 13312) and page 40 bytes [0, 2048). */
const readBio: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 16, order: 2, pfn: 16, fail: false },
  { type: 'folio_alloc', folio: 40, order: 0, pfn: 40, fail: false },
  { type: 'bio_alloc', bio: 0, nr_vecs: 2, opf: 0, max_vecs: 2, fail: false },
  { type: 'bio_add_folio', bio: 0, folio: 16, len: 12288, offset: 1024 },
  { type: 'bio_add_page', bio: 0, page: 40, len: 2048, offset: 0 },
];
const walk = (type: 'bio_for_each_segment' | 'bio_for_each_bvec' | 'bio_for_each_segment_all' | 'bio_for_each_bvec_all' | 'bio_for_each_folio_all', bio = 0): BvsimEvent => ({ type, bio });

describe('bio_for_each_segment and bio_for_each_bvec', () => {
  it('should cut segments at page ends from bi_iter', () => {
    const { outs } = run([...readBio, { type: 'bio_advance', bio: 0, bytes: 5120 }, walk('bio_for_each_segment')]);
    expect(outs.at(-1)?.ret).toEqual([
      { page: 17, offset: 2048, len: 2048 },
      { page: 18, offset: 0, len: 4096 },
      { page: 19, offset: 0, len: 1024 },
      { page: 40, offset: 0, len: 2048 },
    ]);
  });

  it('should give whole bvecs, the first one shortened by bi_bvec_done', () => {
    const { outs } = run([...readBio, { type: 'bio_advance', bio: 0, bytes: 5120 }, walk('bio_for_each_bvec')]);
    expect(outs.at(-1)?.ret).toEqual([
      { page: 16, offset: 6144, len: 7168 },
      { page: 40, offset: 0, len: 2048 },
    ]);
  });

  it('should yield nothing for a data-less op (discard)', () => {
    const { outs } = run([{ type: 'bio_alloc', bio: 0, nr_vecs: 0, opf: 3, max_vecs: 0, fail: false }, { type: 'bio_set_size', bio: 0, size: 4096 }, walk('bio_for_each_segment')]);
    expect(outs.at(-1)?.ret).toEqual([]);
  });
});

describe('bio_for_each_segment_all, bio_for_each_bvec_all and bio_for_each_folio_all', () => {
  it('should walk the whole table whatever bi_iter says', () => {
    const { outs } = run([...readBio, { type: 'bio_advance', bio: 0, bytes: 13000 }, walk('bio_for_each_segment_all'), walk('bio_for_each_bvec_all'), walk('bio_for_each_folio_all')]);
    expect(outs.at(-3)?.ret).toEqual([
      { page: 16, offset: 1024, len: 3072 },
      { page: 17, offset: 0, len: 4096 },
      { page: 18, offset: 0, len: 4096 },
      { page: 19, offset: 0, len: 1024 },
      { page: 40, offset: 0, len: 2048 },
    ]);
    expect(outs.at(-2)?.ret).toEqual([
      { page: 16, offset: 1024, len: 12288 },
      { page: 40, offset: 0, len: 2048 },
    ]);
    expect(outs.at(-1)?.ret).toEqual([
      { folio: 16, offset: 1024, length: 12288 },
      { folio: 40, offset: 0, length: 2048 },
    ]);
  });

  it('should split a vec at folio ends, moving on to the next folio', () => {
    const events: BvsimEvent[] = [
      { type: 'folio_alloc', folio: 8, order: 0, pfn: 8, fail: false },
      { type: 'folio_alloc', folio: 10, order: 1, pfn: 10, fail: false },
      { type: 'bio_alloc', bio: 0, nr_vecs: 1, opf: 0, max_vecs: 1, fail: false },
      { type: 'bio_add_page', bio: 0, page: 9, len: 10000, offset: 512 },
      walk('bio_for_each_folio_all'),
    ];
    expect(run(events).outs.at(-1)?.ret).toEqual([
      { folio: 9, offset: 512, length: 3584 },
      { folio: 10, offset: 0, length: 6416 },
    ]);
  });

  it.each([
    { type: 'bio_for_each_bvec_all', warns: ['warn.bio_first_bvec_all.cloned'] },
    { type: 'bio_for_each_folio_all', warns: ['warn.bio_first_bvec_all.cloned'] },
    { type: 'bio_for_each_segment_all', warns: [] },
  ] as const)('should WARN on a clone as the kernel does: $type', ({ type, warns }) => {
    const { ids, outs } = run([...readBio, { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false }, walk(type, 1)]);
    expect(ids.at(-1)).toEqual(warns);
    expect(outs.at(-1)?.ret).toEqual([]);
  });
});

describe('bio_truncate', () => {
  // The device delivered 6000 bytes (folio bytes [1024, 7024)) and advanced the bio; 4000 more
  // bytes are kept (to folio byte 11024, page 18 byte 2832), everything after is zeroed.
  it('should zero the part of a READ past the new size, then shrink bi_size', () => {
    const events: BvsimEvent[] = [...readBio, { type: 'submit_bio', bio: 0, io: 0 }, { type: 'sim.device_complete', io: 0, bytes: 6000, error: 0 }];
    const { state } = run([...events, { type: 'bio_truncate', bio: 0, new_size: 4000 }]);
    expect(state.bios[0]?.bi_size).toBe(4000);
    expect([labelAt(state, 17, 2927), labelAt(state, 17, 2928)]).toEqual(['disk:5999', 'none']);
    expect([labelAt(state, 18, 2831), labelAt(state, 18, 2832)]).toEqual(['none', 'zero']);
    expect([labelAt(state, 19, 1023), labelAt(state, 19, 1024), labelAt(state, 40, 2047)]).toEqual(['zero', 'none', 'zero']);
  });

  it('should leave the data of a WRITE alone', () => {
    const write = readBio.map((e) => (e.type === 'bio_alloc' ? { ...e, opf: 1 } : e));
    const { state } = run([...write, { type: 'bio_truncate', bio: 0, new_size: 512 }]);
    expect(state.bios[0]?.bi_size).toBe(512);
    expect(labelAt(state, 40, 0)).toBe('none');
  });

  it('should do nothing for a size that is not smaller', () => {
    const a = run(readBio);
    const b = run([...readBio, { type: 'bio_truncate', bio: 0, new_size: 14336 }]);
    expect(b.state.bios[0]).toEqual(a.state.bios[0]);
  });
});

describe(`bio walks (seed ${SEED})`, () => {
  const vec = fc.record({ page: fc.integer({ min: 0, max: 63 }), offset: fc.integer({ min: 0, max: 8191 }), len: fc.integer({ min: 1, max: 12288 }) });
  test.prop([fc.array(vec, { minLength: 1, maxLength: 4 }), fc.nat()], { seed: SEED, numRuns: 100 })('should cover bi_size in page-bounded segments and the table in folio pieces', (vecs, skipSeed) => {
    const events: BvsimEvent[] = [{ type: 'folio_alloc', folio: 0, order: 4, pfn: 1024, fail: false }, { type: 'bio_alloc', bio: 0, nr_vecs: 4, opf: 0, max_vecs: 4, fail: false }];
    for (const v of vecs) events.push({ type: '__bio_add_page', bio: 0, page: 1024 + v.page % 16, len: v.len, offset: v.offset });
    const total = vecs.reduce((s, v) => s + v.len, 0);
    events.push({ type: 'bio_advance', bio: 0, bytes: skipSeed % total }, walk('bio_for_each_segment'), walk('bio_for_each_bvec'), walk('bio_for_each_folio_all'));
    const { outs, ids } = run(events);
    expect(ids.flat()).toEqual([]);
    const [segs, bvecs, folios] = outs.slice(-3).map((o) => o.ret as { offset: number; len?: number; length?: number }[]);
    const left = total - (skipSeed % total);
    expect((segs ?? []).reduce((s, p) => s + (p.len ?? 0), 0)).toBe(left);
    expect((segs ?? []).every((p) => p.offset + (p.len ?? 0) <= 4096)).toBe(true);
    expect((bvecs ?? []).reduce((s, p) => s + (p.len ?? 0), 0)).toBe(left);
    expect((folios ?? []).reduce((s, p) => s + (p.length ?? 0), 0)).toBe(total);
  });
});
