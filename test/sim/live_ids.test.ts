// The devices and filesystem actors find what is in flight from the run's live ids instead of
// walking a table full of tombstones; the list must be exactly what the walk would give.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { emptyWorld } from '../../core/index.ts';
import { createIdAllocator } from '../../sim/ids.ts';
import { liveIds } from '../../sim/live_ids.ts';

type Op = { op: 'issue' } | { op: 'free'; pick: number } | { op: 'ask' };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: 'issue' as const }),
  fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
  fc.constant({ op: 'ask' as const }),
);

describe('liveIds', () => {
  test.prop([fc.array(op, { maxLength: 200 })])('should list, ascending, every issued id not yet freed, whenever it is asked', (ops) => {
    const ids = createIdAllocator();
    const freed = new Set<number>();
    // Only an applied step frees an object: each free here is one.
    const clock = { applied: 0 };
    const live = liveIds(ids, 'subreq', (_w, id) => freed.has(id), clock);
    const world = emptyWorld();
    for (const o of ops) {
      if (o.op === 'issue') ids.next('subreq');
      else if (o.op === 'free') {
        const issued = ids.issued('subreq') - 1;
        if (issued > 0) freed.add(1 + (o.pick % issued));
        clock.applied++;
      } else {
        const want = Array.from({ length: ids.issued('subreq') - 1 }, (_, k) => k + 1).filter((id) => !freed.has(id));
        expect([...live(world)]).toEqual(want);
      }
    }
    const want = Array.from({ length: ids.issued('subreq') - 1 }, (_, k) => k + 1).filter((id) => !freed.has(id));
    expect([...live(world)]).toEqual(want);
  });

  test.prop([fc.integer({ min: 0, max: 50 })])('should count issued ids per kind, independently', (n) => {
    const ids = createIdAllocator();
    for (let k = 0; k < n; k++) expect(ids.next('io')).toBe(k + 1);
    expect(ids.issued('io')).toBe(n + 1);
    expect(ids.issued('subreq')).toBe(1);
  });
});
