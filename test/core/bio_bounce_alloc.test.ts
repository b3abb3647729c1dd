// Bounce buffer allocation: folio_alloc_greedy()'s shrinking NORETRY attempts and blocking last try
// (with the BOUNCE-v1 threshold as a mutant), bio_alloc_bounce_folios()'s chunking and refusals,
// and bio_free_folios(). Each case folds events through the engine; `allocs` carries the outcomes.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { BOUNCE, bouncePfn, run } from './bio_bounce_fixtures.ts';

const greedy = (size: number, minsize: number, allocs: (number | null)[]): BvsimEvent => ({ type: 'folio_alloc_greedy', size, minsize, allocs });

describe('folio_alloc_greedy', () => {
  it.each([
    { name: 'first try', size: 12288, minsize: 4096, allocs: [BOUNCE], ret: { folio: BOUNCE, size: 12288 }, order: 2 },
    { name: 'one NORETRY failure', size: 12288, minsize: 4096, allocs: [null, BOUNCE], ret: { folio: BOUNCE, size: 8192 }, order: 1 },
    { name: 'down to minsize, then blocking', size: 12288, minsize: 4096, allocs: [null, null, BOUNCE], ret: { folio: BOUNCE, size: 4096 }, order: 0 },
    { name: 'everything fails', size: 12288, minsize: 4096, allocs: [null, null, null], ret: { folio: null, size: 4096 }, order: null },
    { name: 'at or below minsize: only the blocking try', size: 7168, minsize: 8192, allocs: [BOUNCE], ret: { folio: BOUNCE, size: 7168 }, order: 1 },
    { name: 'minsize below a page keeps shrinking', size: 4096, minsize: 512, allocs: [null, null, null, BOUNCE], ret: { folio: BOUNCE, size: 512 }, order: 0 },
  ])('should settle on the first success: $name', ({ size, minsize, allocs, ret, order }) => {
    const { outs, ids, state } = run([greedy(size, minsize, allocs)]);
    expect(ids.flat()).toEqual([]);
    expect(outs[0]?.ret).toEqual(ret);
    if (order !== null) expect(state.folios[BOUNCE]).toMatchObject({ order, refcount: 1, bounce: true });
  });

  it('should fail orders above MAX_PAGE_ORDER silently while NORETRY|NOWARN, with no outcome taken', () => {
    const { outs, ids } = run([greedy(8 * 1048576, 4096, [BOUNCE])]);
    expect(ids.flat()).toEqual([]);
    expect(outs[0]?.ret).toEqual({ folio: BOUNCE, size: 4 * 1048576 });
  });

  it('should WARN when the blocking attempt is above MAX_PAGE_ORDER (size 0: get_order is 52)', () => {
    const { outs, ids } = run([greedy(0, 4096, [])]);
    expect(ids[0]).toEqual(['warn.folio_alloc.order_too_large']);
    expect(outs[0]?.ret).toEqual({ folio: null, size: 0 });
  });

  it('should report the endless loop of rounddown_pow_of_two(0) when minsize is 0', () => {
    const { ids } = run([greedy(1, 0, [null])]);
    expect(ids[0]).toEqual(['bug.folio_alloc_greedy.size_zero']);
  });

  it.each([
    { allocs: [BOUNCE, bouncePfn(1)], why: 'an outcome left unused' },
    { allocs: [null], why: 'no outcome for the blocking attempt' },
    { allocs: [BOUNCE + 1], why: 'a head not aligned to its order' },
  ])('should reject $why and change nothing', ({ allocs }) => {
    const { outs, state } = run([greedy(12288, 8192, allocs)]);
    expect(outs[0]?.rejection?.field).toBe('allocs');
    expect(state.folios).toEqual({});
  });

  it('should reject a PFN inside a live folio', () => {
    const { outs } = run([{ type: 'folio_alloc', folio: 7, order: 3, pfn: BOUNCE, fail: false }, greedy(4096, 4096, [BOUNCE + 4])]);
    expect(outs[1]?.rejection?.message).toContain('live folio');
  });

  it('should shrink to PAGE_SIZE and hand out a folio below minsize under the v1 threshold', () => {
    const { outs, ids } = run([greedy(16384, 8192, [null, null, BOUNCE])], { folio_alloc_greedy_v1: true });
    expect(outs[0]?.ret).toEqual({ folio: BOUNCE, size: 4096 });
    expect(ids[0]).toEqual(['invariant.folio_alloc_greedy.below_minsize']);
  });

  it('should WARN on a too-large NORETRY attempt under v1, which had no __GFP_NOWARN', () => {
    const { ids } = run([greedy(8 * 1048576, 4096, [BOUNCE])], { folio_alloc_greedy_v1: true });
    expect(ids[0]).toEqual(['warn.folio_alloc.order_too_large']);
  });
});

const alloc = (max_vecs: number, opf = 1): BvsimEvent => ({ type: 'bio_alloc', bio: 0, nr_vecs: max_vecs, opf, max_vecs, fail: false });
const bounceFolios = (total_len: number, minsize: number, allocs: (number | null)[], bio = 0): BvsimEvent => ({ type: 'bio_alloc_bounce_folios', bio, total_len, minsize, allocs });

describe('bio_alloc_bounce_folios', () => {
  it('should add power-of-two chunks of at most 1 MiB, then the rest (e-140)', () => {
    const allocs = [BOUNCE, BOUNCE + 256, BOUNCE + 320, BOUNCE + 336, BOUNCE + 344];
    const { outs, state } = run([alloc(16), bounceFolios(1413120, 2048, allocs)]);
    expect(outs[1]?.ret).toBe(0);
    expect(state.bios[0]?.vecs.map((v) => v.len)).toEqual([1048576, 262144, 65536, 32768, 4096]);
    expect(state.bios[0]?.bi_size).toBe(1413120);
  });

  it('should stop when the vecs run out', () => {
    const { state } = run([alloc(2), bounceFolios(3 * 1048576, 4096, [BOUNCE, BOUNCE + 512])]);
    expect(state.bios[0]).toMatchObject({ bi_vcnt: 2, bi_size: 2 * 1048576 });
  });

  it('should return -ENOMEM when the first folio cannot be had', () => {
    const { outs } = run([alloc(4), bounceFolios(8192, 4096, [null, null])]);
    expect(outs[1]?.ret).toBe(-12);
  });

  it.each([
    { name: 'a bio with a size', pre: [{ type: 'bio_add_page', bio: 0, page: 5, len: 512, offset: 0 }] as BvsimEvent[], id: 'warn.bio_alloc_bounce_folios.not_empty' },
    { name: 'a bio with no free vec', pre: [] as BvsimEvent[], id: 'warn.bio_alloc_bounce_folios.no_vec', vecs: 0 },
  ])('should WARN and return -EINVAL for $name', ({ pre, id, vecs }) => {
    const { outs, ids } = run([alloc(vecs ?? 2), ...pre, bounceFolios(8192, 4096, [])]);
    expect(outs.at(-1)?.ret).toBe(-22);
    expect(ids.at(-1)).toEqual([id]);
  });

  it('should WARN and return -EINVAL for a clone', () => {
    const { outs, ids } = run([alloc(2), { type: 'bio_alloc_clone', bio: 0, clone: 1, fail: false }, bounceFolios(8192, 4096, [], 1)]);
    expect(outs[2]?.ret).toBe(-22);
    expect(ids[2]).toEqual(['warn.bio_alloc_bounce_folios.cloned']);
  });
});

describe('bio_free_folios', () => {
  it('should put every folio of the bio but the zero folio', () => {
    const events: BvsimEvent[] = [
      { type: 'zero_folio', folio: 0 },
      alloc(4),
      bounceFolios(8192, 4096, [BOUNCE]),
      { type: 'bio_add_folio', bio: 0, folio: 0, len: 4096, offset: 0 },
      { type: 'bio_free_folios', bio: 0 },
      { type: 'bio_put', bio: 0 },
      { type: 'sim.quiesce' },
    ];
    const { ids, state } = run(events);
    expect(ids.flat()).toEqual([]);
    expect(state.folios[BOUNCE]?.freed).toBe(true);
    expect(state.folios[0]).toMatchObject({ freed: false, refcount: 1 });
  });

  it('should report a put of an already freed folio', () => {
    const { ids } = run([alloc(4), bounceFolios(4096, 4096, [BOUNCE]), { type: 'bio_free_folios', bio: 0 }, { type: 'bio_free_folios', bio: 0 }]);
    expect(ids[3]).toEqual(['bug.folio.put_underflow']);
  });
});
