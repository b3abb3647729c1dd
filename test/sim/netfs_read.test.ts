// Buffered netfs reads under fixed schedules, in both buffer designs: every completion order of a
// three-subrequest read, a short read at EOF, a retry after a partial read, a cache miss falling back to the server.
import { describe, expect, it } from 'vitest';
import type { World } from '../../core/index.ts';
import { NetfsHarness, PAGE_SIZE } from './netfs_harness.ts';

const DESIGNS = ['cursor', 'rolling'] as const;

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, k) => permutations([...xs.slice(0, k), ...xs.slice(k + 1)]).map((p) => [x, ...p]));
}

/** Zero bytes carry no meaningful offset: compare them by extent, adjacent runs merged. */
function zeroRunsMerged(runs: readonly { at: number; len: number; src: string; off: number }[]): { at: number; len: number; src: string; off: number }[] {
  const out: { at: number; len: number; src: string; off: number }[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (r.src === 'zero' && last?.src === 'zero' && last.at + last.len === r.at) last.len += r.len;
    else out.push({ ...r, off: r.src === 'zero' ? 0 : r.off });
  }
  return out;
}

/** What each folio should hold: the file's bytes below `eof`, zeros from there. */
function expectFileData(w: World, h: NetfsHarness, eof: number): void {
  let pos = 0;
  for (const id of h.folios) {
    const f = w.folios[id];
    if (f === undefined) throw new Error(`folio ${id} missing`);
    const size = PAGE_SIZE * 2 ** f.order;
    const want = [];
    if (eof > pos) want.push({ at: 0, len: Math.min(size, eof - pos), src: 'file:7', off: pos });
    if (eof < pos + size) want.push({ at: Math.max(0, eof - pos), len: pos + size - Math.max(pos, eof), src: 'zero', off: Math.max(0, eof - pos) });
    expect(zeroRunsMerged(f.data), `folio at file ${pos}`).toEqual(zeroRunsMerged(want));
    expect(f.uptodate, `folio at file ${pos} uptodate`).toBe(true);
    expect(f.locked, `folio at file ${pos} locked`).toBe(false);
    pos += size;
  }
}

const lockedMap = (h: NetfsHarness): boolean[] => h.folios.map((f) => h.world.folios[f]?.locked === true);

describe('netfs buffered read across a node boundary', () => {
  // REFERENCE §3 item 18, generalised: in the rolling design a subrequest whose slice starts
  // exactly at a node boundary gets a copy of the master iterator parked at the end of the
  // previous node (iov_iter_advance stops there); once the collector has unlocked that node's
  // folios and deleted it, the filesystem's copy walks the freed node. The cursor design's
  // positions hold node references, so the same schedule is clean there.
  it.each(DESIGNS)('should be %s: clean for cursor, a use-after-free for rolling', (design) => {
    const h = new NetfsHarness({ design, orders: [0, 0, 0], nodeSlots: 2 }, { rsize: 2 * PAGE_SIZE });
    const [a, b] = h.issueAll();
    // Both designs park b's iterator on node 1 (at its end, or on its last slot with the offset
    // at the slot's end, as bvecq_slice leaves it); only the cursor design holds node 1 for it.
    const it = h.world.iters[b ?? -1];
    expect(it?.bvecq).toBe(1);
    h.answer(a ?? -1);
    h.collect();
    expect(h.world.bvecqs[1]?.freed).toBe(design === 'rolling');
    h.answer(b ?? -1);
    if (design === 'rolling') {
      expect(h.ids()).toEqual(['bug.bvecq.use_after_free']);
      return;
    }
    h.settle();
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});

describe.each(DESIGNS)('netfs buffered read (%s design)', (design) => {
  describe('netfs_read_collection', () => {
    it.each(permutations([0, 1, 2]))('should unlock folios in file order whatever the completion order (%i, %i, %i)', (...order) => {
      // Rolling design: one node, so no subrequest starts on a node boundary (see the test below).
      const h = new NetfsHarness({ design, orders: [0, 0, 0], nodeSlots: design === 'cursor' ? 2 : 3 }, { rsize: PAGE_SIZE });
      const subs = h.issueAll();
      expect(subs).toHaveLength(3);
      const done = new Set<number>();
      for (const k of order) {
        h.answer(subs[k] ?? -1);
        h.collect();
        done.add(k);
        let prefix = 0;
        while (done.has(prefix)) prefix++;
        expect(lockedMap(h)).toEqual([0, 1, 2].map((j) => j >= prefix));
      }
      h.finish();
      expect(h.ids()).toEqual([]);
      expectFileData(h.world, h, 3 * PAGE_SIZE);
      expect(h.world.rreqs[h.rreq]?.freed).toBe(true);
    });

    it('should stall behind an in-progress front and collect once it terminates', () => {
      const h = new NetfsHarness({ design, orders: [0, 0] }, { rsize: PAGE_SIZE });
      const [a, b] = h.issueAll();
      h.answer(b ?? -1);
      expect(h.collect()).toBe(false);
      expect(lockedMap(h)).toEqual([true, true]);
      h.answer(a ?? -1);
      expect(h.collect()).toBe(true);
      h.finish();
      expect(h.ids()).toEqual([]);
    });
  });

  describe('netfs_clear_unread', () => {
    it('should zero the tail of a short read that hit the end of file', () => {
      const h = new NetfsHarness({ design, orders: [0, 0, 0], i_size: 10000 });
      const subs = h.issueAll();
      expect(subs.map((s) => h.world.subreqs[s]?.source)).toEqual(['server', 'zero']);
      h.answer(subs[0] ?? -1, { serverSize: 6000 });
      h.settle();
      h.finish();
      expect(h.ids()).toEqual([]);
      expectFileData(h.world, h, 6000);
      expect(h.world.rreqs[h.rreq]?.eof).toBe(6000);
    });
  });

  describe('netfs_retry_reads', () => {
    it('should retry the rest of a partial read from where it stopped', () => {
      const h = new NetfsHarness({ design, orders: [0, 0, 0], nodeSlots: 2 });
      const [s] = h.issueAll();
      h.answer(s ?? -1, { bytes: 5000 });
      expect(h.world.subreqs[s ?? -1]?.flags.need_retry).toBe(true);
      h.collect();
      expect(lockedMap(h)).toEqual([false, true, true]);
      expect(h.world.rreqs[h.rreq]?.flags.retrying).toBe(true);
      h.retry();
      const again = h.world.subreqs[s ?? -1];
      expect(again?.flags.in_progress).toBe(true);
      expect((again?.start ?? 0) + (again?.transferred ?? 0)).toBe(5000);
      h.settle();
      h.finish();
      expect(h.ids()).toEqual([]);
      expectFileData(h.world, h, 3 * PAGE_SIZE);
    });

    it('should fall back to the server when the cache misses', () => {
      const h = new NetfsHarness({ design, orders: [0, 0, 0] });
      const c = h.issue({ cached: [0, 2 * PAGE_SIZE] });
      const s = h.issue();
      expect([h.world.subreqs[c]?.source, h.world.subreqs[s]?.source]).toEqual(['cache', 'server']);
      h.answer(c, { bytes: 0, error: 61 });
      h.answer(s);
      h.collect();
      expect(h.world.subreqs[c]?.flags.need_retry).toBe(true);
      h.retry();
      expect(h.world.subreqs[c]?.source).toBe('server');
      h.settle();
      h.finish();
      expect(h.ids()).toEqual([]);
      expectFileData(h.world, h, 3 * PAGE_SIZE);
    });
  });

  describe('netfs_read_subreq_terminated', () => {
    it('should fail a subrequest that claims more than its length and abandon its folios', () => {
      const h = new NetfsHarness({ design, orders: [0, 0] }, { rsize: PAGE_SIZE });
      const [a, b] = h.issueAll();
      h.answer(a ?? -1, { bytes: PAGE_SIZE + 100 });
      expect(h.world.subreqs[a ?? -1]?.flags.failed).toBe(true);
      h.answer(b ?? -1);
      h.settle();
      h.finish();
      expect(h.ids()).toEqual([]);
      expect(h.folios.map((f) => h.world.folios[f]?.uptodate)).toEqual([false, true]);
    });

    it('should report a second termination of the same subrequest as a bug', () => {
      const h = new NetfsHarness({ design, orders: [0] });
      const [a] = h.issueAll();
      h.answer(a ?? -1);
      h.step({ type: 'netfs_read_subreq_terminated', subreq: a ?? -1, transferred: PAGE_SIZE, error: 0, flags: [] });
      expect(h.ids()).toEqual(['bug.netfs.subreq_terminated_twice']);
    });
  });
});
