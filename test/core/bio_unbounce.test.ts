// bio_iov_iter_unbounce() on its own: a write frees its bounce folios (never the zero folio), a read
// copies back, unpins and dirties as asked, and the misuses the kernel would oops on are bugs.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { BOUNCE, firstBad, pattern, run, USER_RUNS, userImage } from './bio_bounce_fixtures.ts';

const unbounce = (is_error: boolean, mark_dirty: boolean): BvsimEvent => ({ type: 'bio_iov_iter_unbounce', bio: 0, is_error, mark_dirty });
const story = (dir: 0 | 1, len: number): BvsimEvent[] => [
  { type: 'sim.user_map', runs: USER_RUNS },
  { type: 'iov_iter_ubuf', iter: 0, direction: dir, start: 0, len, nofault: false },
  { type: 'bio_alloc', bio: 0, nr_vecs: 4, opf: dir, max_vecs: 4, fail: false },
  { type: 'bio_iov_iter_bounce', bio: 0, iter: 0, maxlen: 4294967295, minsize: 512, allocs: [BOUNCE] },
];

describe('bio_iov_iter_unbounce', () => {
  it('should free the bounce folios of a write and touch no user page', () => {
    const { ids, state } = run([...story(1, 8192), unbounce(false, true), { type: 'bio_put', bio: 0 }, { type: 'sim.quiesce' }]);
    expect(ids.flat()).toEqual([]);
    expect(state.folios[BOUNCE]?.freed).toBe(true);
    expect(state.folios[64]?.dirty).toBe(false);
  });

  it('should copy back without dirtying when not asked to', () => {
    const events = [...story(0, 8192), { type: 'submit_bio', bio: 0, io: 0 }, { type: 'sim.device_complete', io: 0, bytes: 8192, error: 0 }] as BvsimEvent[];
    const { ids, state } = run([...events, unbounce(false, false)]);
    expect(ids.flat()).toEqual([]);
    expect(firstBad(userImage(state, 0, 8192), pattern('disk', 0, 8192))).toBe(-1);
    expect(state.folios[64]).toMatchObject({ dirty: false, pincount: 0 });
  });

  it('should report a second unbounce as a use after free of the bounce folio', () => {
    const { ids } = run([...story(0, 4096), unbounce(false, false), unbounce(false, false)]);
    expect(ids.at(-1)).toEqual(['bug.folio.use_after_free']);
  });

  it('should oops on a read bio whose slot 0 holds no bounce buffer', () => {
    const { ids } = run([{ type: 'bio_alloc', bio: 0, nr_vecs: 2, opf: 0, max_vecs: 2, fail: false }, unbounce(true, false)]);
    expect(ids.at(-1)).toEqual(['bug.bio.null_page']);
  });

  it('should copy back into ITER_BVEC pages without pinning or unpinning', () => {
    const events: BvsimEvent[] = [
      { type: 'folio_alloc', folio: 8, order: 1, pfn: 8, fail: false },
      { type: 'bvec_array', bvec: 0, bv: [{ page: 8, offset: 1024, len: 6000 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 1, count: 6000 },
      { type: 'bio_alloc', bio: 0, nr_vecs: 4, opf: 0, max_vecs: 4, fail: false },
      { type: 'bio_iov_iter_bounce', bio: 0, iter: 0, maxlen: 4294967295, minsize: 512, allocs: [BOUNCE] },
      { type: 'submit_bio', bio: 0, io: 0 },
      { type: 'sim.device_complete', io: 0, bytes: 5632, error: 0 },
      unbounce(false, true),
    ];
    const { ids, state } = run(events);
    expect(ids.flat()).toEqual([]);
    expect(state.bios[0]?.flags).toEqual([]);
    expect(state.folios[8]?.data).toEqual([{ at: 1024, len: 5632, src: 'disk', off: 0 }]);
  });
});
