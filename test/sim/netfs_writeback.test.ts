// Buffered writeback with the server's and the cache's streams under fixed schedules, in both
// buffer designs: writeback ends on folios in file order once both streams have passed them
// (the cache lagging holds it back), every completion order, a failed cache stream, a short
// write retried, and mutant netfs_writeback_single_stream_end.
import { describe, expect, it } from 'vitest';
import { NetfsWritebackHarness, PAGE_SIZE } from './netfs_writeback_harness.ts';

const DESIGNS = ['cursor', 'rolling'] as const;

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, k) => permutations([...xs.slice(0, k), ...xs.slice(k + 1)]).map((p) => [x, ...p]));
}

describe.each(DESIGNS)('netfs_writeback_collection (%s design)', (design) => {
  it('should hold writeback back while the cache stream lags and end it in file order as the cache catches up', () => {
    const h = new NetfsWritebackHarness({ design, orders: [0, 1, 0], cache: true, nodeSlots: design === 'cursor' ? 2 : 3 }, { wsize: PAGE_SIZE });
    for (const s of h.issueAll(0)) h.answer(s);
    h.collect();
    expect(h.writeback()).toEqual([true, true, true]);
    const cache = h.issueAll(1);
    expect(cache).toHaveLength(4);
    const seen: boolean[][] = [];
    for (const s of cache) {
      h.answer(s);
      h.collect();
      seen.push(h.writeback());
    }
    expect(seen).toEqual([
      [false, true, true],
      [false, true, true],
      [false, false, true],
      [false, false, false],
    ]);
    expect([h.request.flags.in_progress, h.request.transferred]).toEqual([false, 4 * PAGE_SIZE]);
    expect([h.request.server_data, h.request.cache_data]).toEqual([h.expected(), h.expected()]);
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it.each(permutations([0, 1, 2]))('should end writeback in file order whatever the server completion order (%i, %i, %i)', (...order) => {
    const h = new NetfsWritebackHarness({ design, orders: [0, 0, 0], start: 8192, nodeSlots: design === 'cursor' ? 2 : 3 }, { wsize: PAGE_SIZE });
    const subs = h.issueAll(0);
    for (const k of order) {
      h.answer(subs[k] ?? -1);
      h.collect();
      const wb = h.writeback();
      // Never a folio out of writeback while an earlier one is still under it.
      expect(wb.indexOf(false) === -1 || wb.slice(0, wb.lastIndexOf(false)).every((x) => !x)).toBe(true);
    }
    expect(h.writeback()).toEqual([false, false, false]);
    expect(h.request.server_data).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it('should stop waiting for a cache stream that failed', () => {
    const h = new NetfsWritebackHarness({ design, orders: [0, 0], cache: true }, { wsize: PAGE_SIZE });
    const [c0, c1] = h.issueAll(1);
    h.answer(c1 ?? -1);
    h.answer(c0 ?? -1, { error: 5 });
    for (const s of h.issueAll(0)) h.answer(s);
    h.collect();
    expect(h.request.cache_stream?.failed).toBe(true);
    expect(h.writeback()).toEqual([false, false]);
    expect(h.request.error).toBe(0);
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it('should retry a short write on either stream and write each byte once', () => {
    const h = new NetfsWritebackHarness({ design, orders: [1, 0], cache: true }, { wsize: 2 * PAGE_SIZE });
    const [s0, s1] = h.issueAll(0);
    const [c0, c1] = h.issueAll(1);
    h.answer(s0 ?? -1, { bytes: 100 });
    h.answer(c1 ?? -1, { error: 11 });
    h.answer(s1 ?? -1);
    h.answer(c0 ?? -1);
    h.collect();
    expect(h.request.flags.retrying).toBe(true);
    expect(h.retry()).toBe(2);
    h.answer(s0 ?? -1);
    h.answer(c1 ?? -1);
    h.collect();
    expect(h.writeback()).toEqual([false, false]);
    expect([h.request.server_data, h.request.cache_data]).toEqual([h.expected(), h.expected()]);
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  // The kernel's retry sleeps until the streams are quiet; the model's call returns false and
  // leaves the retry pending, so a collector that raced a new cache subrequest calls again.
  it('should do nothing while a subrequest of either stream is in flight, then retry', () => {
    const h = new NetfsWritebackHarness({ design, orders: [1, 0], cache: true }, { wsize: 2 * PAGE_SIZE });
    const [s0, s1] = h.issueAll(0);
    h.answer(s0 ?? -1, { bytes: 100 });
    h.answer(s1 ?? -1);
    h.collect();
    expect(h.request.flags.retrying).toBe(true);
    const cache = h.issueAll(1);
    const before = h.ids();
    expect(h.retry()).toBe(false);
    expect(h.request.flags.retrying).toBe(true);
    expect(h.ids()).toEqual(before);
    for (const c of cache) h.answer(c);
    expect(h.retry()).toBe(1);
    h.answer(s0 ?? -1);
    h.collect();
    expect(h.writeback()).toEqual([false, false]);
    expect([h.request.server_data, h.request.cache_data]).toEqual([h.expected(), h.expected()]);
  });
});

describe('netfs_writeback_single_stream_end (mutant)', () => {
  it.each(DESIGNS)('should end writeback on folios the lagging cache stream has not written (%s)', (design) => {
    const h = new NetfsWritebackHarness({ design, orders: [0, 0], cache: true, mutants: { netfs_writeback_single_stream_end: true } }, { wsize: PAGE_SIZE });
    for (const s of h.issueAll(0)) h.answer(s);
    h.collect();
    expect(h.writeback()).toEqual([false, false]);
    expect(h.ids()[0]).toBe('invariant.writeback.ended_out_of_order');
  });
});
