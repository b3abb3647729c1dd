// Bio lifetime: allocation grants, references, caller-memory bios, reset/reuse, shared tables
// and the leak check. Each case folds events through the immutable engine and checks the result.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  const ids = outs.map((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
  return { outs, ids, state: engine.snapshot() };
}

const alloc = (bio: number, nr_vecs: number, max_vecs: number): BvsimEvent => ({ type: 'bio_alloc', bio, nr_vecs, opf: 1, max_vecs, fail: false });
const add = (bio: number, page: number, len: number, offset = 0): BvsimEvent => ({ type: 'bio_add_page', bio, page, len, offset });

describe('bio_alloc_bioset', () => {
  it.each([
    { nr_vecs: 0, max_vecs: 0, ok: true },
    { nr_vecs: 3, max_vecs: 3, ok: true },
    { nr_vecs: 3, max_vecs: 4, ok: false },
    { nr_vecs: 5, max_vecs: 16, ok: true },
    { nr_vecs: 5, max_vecs: 256, ok: true },
    { nr_vecs: 5, max_vecs: 64, ok: false },
    { nr_vecs: 65, max_vecs: 128, ok: true },
    { nr_vecs: 129, max_vecs: 256, ok: true },
    { nr_vecs: 300, max_vecs: 256, ok: true },
  ])('should accept only a grantable bi_max_vecs ($nr_vecs -> $max_vecs)', ({ nr_vecs, max_vecs, ok }) => {
    const { outs, state } = run([alloc(0, nr_vecs, max_vecs)]);
    expect(outs[0]?.rejection === null).toBe(ok);
    expect(state.bios[0]?.bi_max_vecs).toBe(ok ? max_vecs : undefined);
  });

  it('should give a bio with one reference, remaining 1 and an empty iterator', () => {
    const { state } = run([alloc(0, 8, 16)]);
    expect(state.bios[0]).toMatchObject({ cnt: 1, remaining: 1, bi_size: 0, bi_vcnt: 0, flags: [], vecs: [], freed: false });
  });

  it('should create nothing when the allocation fails', () => {
    const { outs, state } = run([{ type: 'bio_alloc', bio: 0, nr_vecs: 4, opf: 0, max_vecs: 0, fail: true }]);
    expect(outs[0]?.ret).toBe(false);
    expect(state.bios[0]).toBeUndefined();
  });

  it('should report the BUG in biovec_slab() for more than BIO_MAX_VECS from the slab', () => {
    const { ids } = run([alloc(0, 300, 16)]);
    expect(ids[0]).toEqual(['bug.biovec_slab.too_many_vecs']);
  });

  it('should reject a bio id that is already in use', () => {
    const { outs } = run([alloc(0, 1, 1), alloc(0, 1, 1)]);
    expect(outs[1]?.rejection?.field).toBe('bio');
  });
});

describe('bio_put', () => {
  it('should free at the first put without BIO_REFFED', () => {
    const { state } = run([alloc(0, 1, 1), { type: 'bio_put', bio: 0 }]);
    expect(state.bios[0]?.freed).toBe(true);
  });

  it('should count references once bio_get has set BIO_REFFED', () => {
    const { state } = run([alloc(0, 1, 1), { type: 'bio_get', bio: 0 }, { type: 'bio_put', bio: 0 }]);
    expect(state.bios[0]).toMatchObject({ freed: false, cnt: 1, flags: ['REFFED'] });
  });

  it('should report a put of a freed bio as a use after free', () => {
    const { ids, outs } = run([alloc(0, 1, 1), { type: 'bio_put', bio: 0 }, { type: 'bio_put', bio: 0 }, alloc(1, 1, 1)]);
    expect(ids[2]).toEqual(['bug.bio.use_after_free']);
    expect(outs[3]?.halted).toBe(true);
  });

  it('should report freeing a caller-memory bio as a bug', () => {
    const { ids } = run([{ type: 'bio_init', bio: 0, table: 2, max_vecs: 2, opf: 0 }, { type: 'bio_put', bio: 0 }]);
    expect(ids[1]).toEqual(['bug.bio_free.no_bio_set']);
  });
});

describe('bio_reset', () => {
  it('should zero the fields before bi_max_vecs and keep the table, count and bi_max_vecs', () => {
    const { state } = run([
      alloc(0, 16, 16),
      add(0, 100, 4096),
      { type: 'bio_get', bio: 0 },
      { type: 'bio_set_status', bio: 0, status: 10 },
      { type: 'bio_set_end_io', bio: 0, end_io: 'record' },
      { type: 'bio_reset', bio: 0, opf: 2049 },
      add(0, 300, 512),
    ]);
    expect(state.bios[0]).toMatchObject({ opf: 2049, flags: [], status: 0, cnt: 2, bi_max_vecs: 16, end_io: null, bi_size: 512 });
    expect(state.bios[0]?.vecs).toEqual([{ page: 300, offset: 0, len: 512 }]);
  });

  it('should report a reset while a split still points into the table', () => {
    const { ids } = run([
      alloc(0, 4, 4),
      add(0, 100, 8192),
      { type: 'bio_split', bio: 0, split: 1, sectors: 4, fail: false },
      { type: 'bio_reset', bio: 0, opf: 1 },
    ]);
    expect(ids[3]).toEqual(['invariant.bio.shared_vec_freed']);
  });
});

describe('bio_reuse', () => {
  it('should re-sum bi_size from the vectors and keep bi_end_io', () => {
    const { state } = run([
      alloc(0, 4, 4),
      add(0, 100, 4096),
      add(0, 300, 1024),
      { type: 'bio_set_end_io', bio: 0, end_io: 'record' },
      { type: 'bio_advance', bio: 0, bytes: 5120 },
      { type: 'bio_reuse', bio: 0, opf: 1 },
    ]);
    expect(state.bios[0]).toMatchObject({ bi_size: 5120, bi_vcnt: 2, end_io: 'record', bi_idx: 0 });
  });

  it('should WARN on a clone and carry on', () => {
    const { ids } = run([alloc(0, 4, 4), { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false }, { type: 'bio_reuse', bio: 1, opf: 1 }]);
    expect(ids[2]).toEqual(['warn.bio_reuse.cloned']);
  });
});

describe('bio_free with a shared bi_io_vec', () => {
  it('should report freeing the owner before its split, and the split then reading freed memory', () => {
    const { ids } = run([
      alloc(0, 4, 4),
      add(0, 100, 8192),
      { type: 'bio_split', bio: 0, split: 1, sectors: 4, fail: false },
      { type: 'bio_put', bio: 0 },
      { type: 'bio_advance', bio: 1, bytes: 512 },
    ]);
    expect(ids[3]).toEqual(['invariant.bio.shared_vec_freed']);
    expect(ids[4]).toEqual(['bug.bio.vec_use_after_free']);
  });

  it('should not report an owner freed after its caller-memory clone was uninitialised', () => {
    const { ids } = run([
      alloc(0, 4, 4),
      add(0, 100, 8192),
      { type: 'bio_init_clone', bio: 0, clone: 1 },
      { type: 'bio_uninit', bio: 1 },
      { type: 'bio_put', bio: 0 },
    ]);
    expect(ids.flat()).toEqual([]);
  });
});

describe('bio leak check at quiescence', () => {
  it('should report a bio never put, a caller bio never uninitialised and an io in flight', () => {
    const { ids } = run([
      alloc(0, 1, 1),
      { type: 'bio_init', bio: 1, table: 0, max_vecs: 0, opf: 0 },
      alloc(2, 1, 1),
      { type: 'submit_bio', bio: 2, io: 0 },
      { type: 'sim.quiesce' },
    ]);
    expect(ids[4]).toEqual(['invariant.refcount.leak', 'invariant.refcount.leak', 'invariant.refcount.leak', 'invariant.blkdev.io_in_flight']);
  });

  it('should be quiet once every bio is put or uninitialised', () => {
    const { ids } = run([
      alloc(0, 1, 1),
      { type: 'bio_init', bio: 1, table: 0, max_vecs: 0, opf: 0 },
      { type: 'bio_put', bio: 0 },
      { type: 'bio_uninit', bio: 1 },
      { type: 'sim.quiesce' },
    ]);
    expect(ids.flat()).toEqual([]);
  });
});
