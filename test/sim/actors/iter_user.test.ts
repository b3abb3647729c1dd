// The iterator user actor: chains and arrays it builds, the calls it makes on them, and that a
// clean model stays silent while the empty-bvecq mutant is caught. Seeds 1..60, iter_user only.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../../core/index.ts';
import { drawConfig, type SimConfig } from '../../../sim/index.ts';
import { failures, findingSeeds, range, runConfig, runKind } from './helpers.ts';

const runs = range(1, 60).map((seed) => runKind(seed, 'iter_user'));
const events: BvsimEvent[] = runs.flatMap((r) => r.result.steps.map((s) => s.event));
const count = (type: BvsimEvent['type']): number => events.filter((e) => e.type === type).length;

/** Nodes linked into a chain that never had a slot published (ids are per run). */
function emptyNodes(): number {
  return runs.reduce((n, r) => {
    const evs = r.result.steps.map((s) => s.event);
    const published = new Set(evs.flatMap((e) => (e.type === 'bvecq_filled_to' ? [e.bvecq] : [])));
    return n + evs.filter((e) => e.type === 'bvecq_append' && !published.has(e.add)).length;
  }, 0);
}

function iterUserConfig(variant: 'bvecq' | 'bvec'): SimConfig {
  const base = drawConfig(5, { kinds: ['iter_user'], policy: 'random' });
  return {
    ...base,
    actors: [{ kind: 'iter_user', name: 'iter_user0', rounds: 2, folios: 6, orderMax: 1, slotsMax: 2, emptyNodes: true, zeroSlots: true, opsMax: 12, variant }],
  };
}

describe('iter_user (seeds 1..60)', () => {
  it('should give no finding on the clean model and always quiesce', () => {
    expect(failures(runs)).toEqual([]);
  });

  it('should hang empty nodes, zero-length slots and stale unpublished slots in its chains', () => {
    expect(emptyNodes()).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'bvecq_set_slot' && e.page === null && e.len === 0)).toBe(true);
    expect(count('bvecq_shorten_buffer')).toBeGreaterThan(0);
  });

  it('should set up both iterator types and make every kind of call on them', () => {
    for (const type of ['iov_iter_bvec_queue', 'iov_iter_bvec', 'copy_to_iter', 'copy_from_iter', 'iov_iter_advance', 'iov_iter_revert', 'iov_iter_truncate', 'iov_iter_reexpand'] as const) {
      expect(count(type), type).toBeGreaterThan(0);
    }
  });

  it('should free every kernel buffer it allocates', () => {
    expect(count('kbuf_free')).toBe(count('kbuf_alloc'));
  });

  it('should find iov_iter_bvecq_empty_not_skipped in some seed', () => {
    expect(findingSeeds('iter_user', ['iov_iter_bvecq_empty_not_skipped'], 1, 60).length).toBeGreaterThan(0);
  });
});

describe('iter_user from an explicit config (seed 5)', () => {
  it('should use only ITER_BVECQ calls in the bvecq variant', () => {
    const types = new Set(runConfig(5, iterUserConfig('bvecq')).result.steps.map((s) => s.event.type));
    expect(types.has('iov_iter_bvec_queue')).toBe(true);
    expect(types.has('iov_iter_bvec')).toBe(false);
  });

  it('should use only ITER_BVEC calls in the bvec variant and drop its own folio references', () => {
    const r = runConfig(5, iterUserConfig('bvec'));
    const types = new Set(r.result.steps.map((s) => s.event.type));
    expect(types.has('iov_iter_bvec')).toBe(true);
    expect(types.has('bvecq_alloc_one')).toBe(false);
    expect(failures([r])).toEqual([]);
  });
});
