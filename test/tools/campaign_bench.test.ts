// The campaign benchmark reads a campaign's books: the first finding, the stats committed
// with it (time and runs to it), and the last shrink of that finding. And it knows the
// hand-written minimum of each mutant's finding from test/regressions/.
import { describe, expect, it } from 'vitest';
import { firstFindOf, handMinimums } from '../../tools/bench/campaign_mutants.ts';
import { campaignRate } from '../../tools/bench/campaign_scaling.ts';
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

  it('should rate a campaign in its steady state, from the first stats record after the warm-up to the last', () => {
    const records = [
      { type: 'stats', elapsedMs: 10_000, runs: 2_000, events: 20_000 },
      { type: 'stats', elapsedMs: 20_050, runs: 6_000, events: 60_000 },
      { type: 'finding', signature: 'bug.a' },
      { type: 'stats', elapsedMs: 30_100, runs: 10_000, events: 100_000 },
      { type: 'stats', elapsedMs: 40_050, runs: 14_000, events: 140_000 },
    ];
    const r = campaignRate(2, records);
    // 8,000 runs over the 20,000 ms after the warm-up; 14,000 over 40,050 ms from the start.
    expect(r.runsPerSecond).toBeCloseTo(400, 6);
    expect(r.eventsPerSecond).toBeCloseTo(4_000, 6);
    expect(r.wholeRunsPerSecond).toBeCloseTo(14_000_000 / 40_050, 6);
    expect(r.findings).toBe(1);
  });

  it('should rate a campaign too short for a steady state over the whole run, and one without stats as zero', () => {
    const short = campaignRate(1, [{ type: 'stats', elapsedMs: 10_000, runs: 3_000, events: 9_000 }, { type: 'stats', elapsedMs: 15_000, runs: 5_000, events: 15_000 }]);
    expect(short.runsPerSecond).toBeCloseTo(short.wholeRunsPerSecond, 9);
    expect(short.runsPerSecond).toBeCloseTo(5_000 / 15, 6);
    // The last record is the only one past the warm-up: no window of its own, so the whole run.
    expect(campaignRate(1, [{ type: 'stats', elapsedMs: 25_000, runs: 5_000, events: 0 }]).runsPerSecond).toBeCloseTo(200, 6);
    expect(campaignRate(1, [{ type: 'start' }])).toEqual({ workers: 1, runsPerSecond: 0, eventsPerSecond: 0, wholeRunsPerSecond: 0, findings: 0 });
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
