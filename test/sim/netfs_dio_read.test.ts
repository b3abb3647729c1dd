// Unbuffered/DIO netfs reads under fixed schedules, in both buffer designs: the caller's buffer
// extracted up front, every completion order of three subrequests, a short read at the end of
// file, a partial read retried, and buffers of unaligned pieces over several nodes.
import { describe, expect, it } from 'vitest';
import type { DataRun } from '../../core/index.ts';
import { NetfsHarness, PAGE_SIZE } from './netfs_harness.ts';

const DESIGNS = ['cursor', 'rolling'] as const;

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, k) => permutations([...xs.slice(0, k), ...xs.slice(k + 1)]).map((p) => [x, ...p]));
}

type Piece = { order: number; offset: number; len: number };

const pages = (n: number): Piece[] => Array.from({ length: n }, () => ({ order: 0, offset: 0, len: PAGE_SIZE }));

/** What the caller's buffer holds over its pieces, as [file position, length, label, offset] runs (adjacent runs merged). */
function bufferImage(h: NetfsHarness, pieces: Piece[], start: number, upTo: number): unknown[] {
  const out: [number, number, string, number][] = [];
  let pos = start;
  for (const [k, p] of pieces.entries()) {
    const f = h.world.folios[h.folios[k] ?? -1];
    for (const r of f?.data ?? ([] as DataRun[])) {
      const from = Math.max(r.at, p.offset);
      const to = Math.min(r.at + r.len, p.offset + p.len);
      if (from >= to) continue;
      const at = pos + from - p.offset;
      const len = Math.min(to - from, upTo - at);
      if (len <= 0) continue;
      const off = r.off + from - r.at;
      const last = out[out.length - 1];
      if (last !== undefined && last[2] === r.src && last[0] + last[1] === at && last[3] + last[1] === off) last[1] += len;
      else out.push([at, len, r.src, off]);
    }
    pos += p.len;
  }
  return out;
}

describe.each(DESIGNS)('netfs_unbuffered_read (%s design)', (design) => {
  it.each(permutations([0, 1, 2]))('should land every byte in the caller\'s pages whatever the completion order (%i, %i, %i)', (...order) => {
    const pieces = pages(3);
    const h = new NetfsHarness({ design, orders: [], nodeSlots: 2, dio: { pieces, start: 8192 } }, { rsize: PAGE_SIZE });
    const subs = h.issueAll();
    expect(subs).toHaveLength(3);
    for (const k of order) {
      h.answer(subs[k] ?? -1);
      h.collect();
    }
    const r = h.world.rreqs[h.rreq];
    expect([r?.flags.in_progress, r?.transferred]).toEqual([false, 3 * PAGE_SIZE]);
    expect(bufferImage(h, pieces, 8192, Infinity)).toEqual([[8192, 3 * PAGE_SIZE, 'file:7', 8192]]);
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it('should return what the server had when the file ends inside the read', () => {
    const pieces = [{ order: 1, offset: 100, len: 2 * PAGE_SIZE - 100 }, { order: 0, offset: 0, len: 3000 }];
    const h = new NetfsHarness({ design, orders: [], nodeSlots: 1, i_size: 2 * PAGE_SIZE + 1000, dio: { pieces, start: 500 } }, { rsize: 6144 });
    // The request stops at i_size; the server's copy ends 700 bytes before that.
    expect(h.world.rreqs[h.rreq]?.len).toBe(2 * PAGE_SIZE + 500);
    h.issueAll();
    h.settle(2 * PAGE_SIZE + 300);
    const r = h.world.rreqs[h.rreq];
    expect(r?.transferred).toBe(2 * PAGE_SIZE - 200);
    expect(bufferImage(h, pieces, 500, 500 + (r?.transferred ?? 0))).toEqual([[500, 2 * PAGE_SIZE - 200, 'file:7', 500]]);
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it('should retry a partial read from where it stopped', () => {
    const pieces = [{ order: 0, offset: 10, len: PAGE_SIZE - 10 }, { order: 2, offset: 0, len: 4 * PAGE_SIZE }, { order: 0, offset: 0, len: 77 }];
    const h = new NetfsHarness({ design, orders: [], nodeSlots: 2, dio: { pieces, start: 0 } }, { rsize: 3 * PAGE_SIZE });
    const [a, b] = h.issueAll();
    h.answer(b ?? -1);
    h.answer(a ?? -1, { bytes: 5000 });
    h.collect();
    expect(h.world.rreqs[h.rreq]?.flags.retrying).toBe(true);
    h.settle();
    const total = pieces.reduce((n, p) => n + p.len, 0);
    expect(h.world.rreqs[h.rreq]?.transferred).toBe(total);
    expect(bufferImage(h, pieces, 0, Infinity)).toEqual([[0, total, 'file:7', 0]]);
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});
