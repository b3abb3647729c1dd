// Clones and splits: every bio_split() error case as a KUnit-style table, the front/rest split
// sharing one table, clones of clones, and clone allocation failure.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  const ids = outs.map((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
  return { outs, ids, state: engine.snapshot() };
}

const iterOf = (b: { bi_sector: number; bi_size: number; bi_idx: number; bi_bvec_done: number } | undefined) =>
  b === undefined ? null : [b.bi_sector, b.bi_size, b.bi_idx, b.bi_bvec_done];

/** An 8 KiB bio (16 sectors) over two non-contiguous pages, starting at sector 1000. */
function eightK(opf: number): BvsimEvent[] {
  return [
    { type: 'bio_alloc', bio: 0, nr_vecs: 2, opf, max_vecs: 2, fail: false },
    { type: 'bio_add_page', bio: 0, page: 100, len: 4096, offset: 0 },
    { type: 'bio_add_page', bio: 0, page: 300, len: 4096, offset: 0 },
    { type: 'bio_set_sector', bio: 0, sector: 1000 },
  ];
}

describe('bio_split', () => {
  it.each([
    { name: 'negative sectors', opf: 1, sectors: -1, fail: false, ret: -22, ids: ['warn.bio_split.sectors_not_positive'] },
    { name: 'zero sectors', opf: 1, sectors: 0, fail: false, ret: -22, ids: ['warn.bio_split.sectors_not_positive'] },
    { name: 'the whole bio', opf: 1, sectors: 16, fail: false, ret: -22, ids: ['warn.bio_split.too_many_sectors'] },
    { name: 'more than the bio', opf: 1, sectors: 17, fail: false, ret: -22, ids: ['warn.bio_split.too_many_sectors'] },
    { name: 'a count that wraps the int negative', opf: 1, sectors: 2 ** 31 + 4, fail: false, ret: -22, ids: ['warn.bio_split.sectors_not_positive'] },
    { name: 'a zone append', opf: 7, sectors: 4, fail: false, ret: -22, ids: ['warn.bio_split.zone_append'] },
    { name: 'an atomic write', opf: 1 + 2 ** 27, sectors: 4, fail: false, ret: -22, ids: [] },
    { name: 'a failed allocation', opf: 1, sectors: 4, fail: true, ret: -12, ids: [] },
  ])('should refuse $name and leave the bio whole', ({ opf, sectors, fail, ret, ids }) => {
    const r = run([...eightK(opf), { type: 'bio_split', bio: 0, split: 1, sectors, fail }]);
    expect(r.outs[4]?.ret).toBe(ret);
    expect(r.ids[4]).toEqual(ids);
    expect(iterOf(r.state.bios[0])).toEqual([1000, 8192, 0, 0]);
    expect(r.state.bios[1]).toBeUndefined();
  });

  it('should give the front to the new bio and the rest to the old one, sharing the table', () => {
    const { outs, state } = run([...eightK(1), { type: 'bio_split', bio: 0, split: 1, sectors: 10, fail: false }]);
    expect(outs[4]?.ret).toBe(0);
    expect(iterOf(state.bios[1])).toEqual([1000, 5120, 0, 0]);
    expect(iterOf(state.bios[0])).toEqual([1010, 3072, 1, 1024]);
    expect(state.bios[1]).toMatchObject({ flags: ['CLONED'], bi_vcnt: 0, bi_max_vecs: 0, opf: 1, bi_io_vec: { bio: 0, bvec: null, at: 0 } });
    expect(state.bios[0]?.table?.users).toEqual([1]);
  });

  it('should split a split against the original owner table', () => {
    const { state } = run([
      ...eightK(1),
      { type: 'bio_split', bio: 0, split: 1, sectors: 10, fail: false },
      { type: 'bio_split', bio: 1, split: 2, sectors: 2, fail: false },
    ]);
    expect(iterOf(state.bios[2])).toEqual([1000, 1024, 0, 0]);
    expect(iterOf(state.bios[1])).toEqual([1002, 4096, 0, 1024]);
    expect(state.bios[0]?.table?.users).toEqual([1, 2]);
  });
});

describe('bio_alloc_clone', () => {
  it('should copy the iterator of a clone of a clone and point at the owner table', () => {
    const { state } = run([
      ...eightK(1),
      { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false },
      { type: 'bio_advance', bio: 1, bytes: 4608 },
      { type: 'bio_alloc_clone', bio: 1, clone: 2, fail: false },
    ]);
    expect(iterOf(state.bios[2])).toEqual([1009, 3584, 1, 512]);
    expect(state.bios[2]?.bi_io_vec).toEqual({ bio: 0, bvec: null, at: 0 });
  });

  it('should return false and create nothing when the allocation fails', () => {
    const { outs, state } = run([...eightK(1), { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: true }]);
    expect(outs[4]?.ret).toBe(false);
    expect(state.bios[1]).toBeUndefined();
  });
});

describe('bio_init_clone', () => {
  it('should return 0 and make a caller-memory clone that bio_put cannot free', () => {
    const { outs, ids } = run([...eightK(1), { type: 'bio_init_clone', bio: 0, clone: 1 }, { type: 'bio_put', bio: 1 }]);
    expect(outs[4]?.ret).toBe(0);
    expect(ids[5]).toEqual(['bug.bio_free.no_bio_set']);
  });
});
