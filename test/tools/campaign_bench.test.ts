// The campaign benchmark reads a campaign's books: the first finding, the stats committed
// with it (time and runs to it), and the last shrink of that finding. And it knows the
// hand-written minimum of each mutant's finding from test/regressions/.
import { describe, expect, it } from 'vitest';
import { firstFindOf, handMinimums } from '../../tools/bench/campaign_mutants.ts';
import { sampleNear } from '../../tools/bench/fuzz_process.ts';

const REGRESSIONS = new URL('../regressions/', import.meta.url).pathname;

describe('campaign benchmark books', () => {
  it('should take time and runs from the stats committed with the first finding', () => {
    const records = [
      { type: 'start' },
      { type: 'stats', elapsedMs: 500, runs: 3 },
      { type: 'finding', signature: 'bug.a', events: 90 },
      { type: 'stats', elapsedMs: 1700, runs: 7 },
      { type: 'finding', signature: 'bug.b', events: 40 },
      { type: 'shrunk', signature: 'bug.a', events: 30, shrinkMs: 900 },
      { type: 'shrunk', signature: 'bug.a', events: 6, shrinkMs: 2500 },
      { type: 'stats', elapsedMs: 9000, runs: 9 },
    ];
    expect(firstFindOf(4, records)).toEqual({ seed: 4, found: true, ms: 1700, runs: 7, signature: 'bug.a', shrunk: 6, shrinkMs: 2500 });
  });

  it('should fall back to the unshrunk length and report a campaign without a finding', () => {
    expect(firstFindOf(1, [{ type: 'finding', signature: 'warn.x', events: 12 }, { type: 'stats', elapsedMs: 10, runs: 1 }])).toMatchObject({ shrunk: 12, shrinkMs: null });
    expect(firstFindOf(2, [{ type: 'stats', elapsedMs: 10, runs: 1 }])).toMatchObject({ found: false, ms: null, signature: null });
  });

  it('should know the shortest known trace per mutant and finding: hand calls or their shrink', () => {
    const hand = handMinimums(REGRESSIONS);
    // iov_iter_bvecq_empty_not_skipped: a note and four calls, which the shrinker cannot better.
    expect(hand.get('iov_iter_bvecq_empty_not_skipped bug.bvecq.slot_out_of_range')).toBe(4);
    // bounce.copy_short_not_reverted__bounce_write_no_revert: a note and 7 calls, of which the
    // shrinker keeps 5; the target is then the 5.
    expect(hand.get('bounce_write_no_revert invariant.bounce.copy_short_not_reverted')).toBe(5);
    // Traces without a mutant in the header are scenarios, not minimums.
    expect([...hand.keys()].every((k) => !k.startsWith(' '))).toBe(true);
  });

  it('should pick the memory sample nearest a time, within a tenth of it', () => {
    const samples = [{ atMs: 1000, rssBytes: 1 }, { atMs: 59_000, rssBytes: 2 }, { atMs: 120_000, rssBytes: 3 }];
    expect(sampleNear(samples, 60_000)?.rssBytes).toBe(2);
    expect(sampleNear(samples, 300_000)).toBeNull();
  });
});
