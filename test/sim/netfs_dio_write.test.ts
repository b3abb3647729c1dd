// Unbuffered/DIO netfs writes under fixed schedules, in both buffer designs: the strictly
// sequential dispatch, a short write reissued from start + transferred, failures, and the
// pipelined dispatch of mutant netfs_dio_write_out_of_order under every completion order.
import { describe, expect, it } from 'vitest';
import { NetfsWriteHarness, PAGE_SIZE } from './netfs_write_harness.ts';

const DESIGNS = ['cursor', 'rolling'] as const;

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, k) => permutations([...xs.slice(0, k), ...xs.slice(k + 1)]).map((p) => [x, ...p]));
}

const threePages = [
  { order: 0, offset: 0, len: PAGE_SIZE },
  { order: 0, offset: 0, len: PAGE_SIZE },
  { order: 0, offset: 0, len: PAGE_SIZE },
];

describe.each(DESIGNS)('netfs_unbuffered_write (%s design)', (design) => {
  it('should write every byte to its file position one subrequest at a time', () => {
    const h = new NetfsWriteHarness({ design, pieces: threePages, start: 1000, nodeSlots: 2 }, { wsize: PAGE_SIZE });
    const ids = h.writeAll();
    expect(ids).toHaveLength(3);
    expect(h.request.transferred).toBe(3 * PAGE_SIZE);
    expect(h.serverData()).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});

/** Unaligned pieces of mixed folio orders across several nodes. */
const ragged = [
  { order: 0, offset: 100, len: PAGE_SIZE - 100 },
  { order: 1, offset: 0, len: 2 * PAGE_SIZE },
  { order: 0, offset: 0, len: 1000 },
  { order: 2, offset: 3 * PAGE_SIZE + 5, len: PAGE_SIZE - 5 },
];

describe.each(DESIGNS)('netfs_retry_writes (%s design)', (design) => {
  it('should reissue a short write from start + transferred and write the rest once', () => {
    const h = new NetfsWriteHarness({ design, pieces: ragged, start: 7, nodeSlots: 2 }, { wsize: 3 * PAGE_SIZE });
    const a = h.issue();
    const first = h.world.subreqs[a];
    expect([first?.start, first?.len]).toEqual([7, 3 * PAGE_SIZE]);
    h.answer(a, { bytes: 5000 });
    expect(h.world.subreqs[a]?.flags.need_retry).toBe(true);
    h.collect();
    expect(h.request.flags.retrying).toBe(true);
    expect(h.retry()).toBe(1);
    const again = h.world.subreqs[a];
    expect([again?.start, again?.len, again?.transferred, again?.retry_count]).toEqual([7 + 5000, 3 * PAGE_SIZE - 5000, 0, 1]);
    expect(h.request.stream.transferred).toBe(5000);
    expect(h.request.stream.issue_from).toBe(7 + 3 * PAGE_SIZE);
    if (design === 'cursor') expect(h.world.iters[a]?.count).toBe(3 * PAGE_SIZE - 5000);
    h.answer(a, { bytes: 1 });
    h.collect();
    h.retry();
    h.writeAll();
    expect(h.request.transferred).toBe(h.total);
    expect(h.serverData()).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it('should retry after EAGAIN and stop at the first failure, keeping what was written before it', () => {
    const h = new NetfsWriteHarness({ design, pieces: threePages, nodeSlots: 1 }, { wsize: PAGE_SIZE });
    const a = h.issue();
    h.answer(a, { error: 11 });
    h.collect();
    h.retry();
    h.answer(a);
    h.collect();
    const b = h.issue();
    h.answer(b, { bytes: 10 });
    h.collect();
    h.retry();
    h.answer(b, { error: 5 });
    h.collect();
    expect(h.request.flags.all_queued).toBe(true);
    expect(h.request.flags.in_progress).toBe(false);
    expect([h.request.transferred, h.request.error]).toEqual([PAGE_SIZE + 10, -5]);
    expect(h.serverData()).toEqual(h.expected(PAGE_SIZE + 10));
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  it('should end the write when the RPC cannot be sent', () => {
    const h = new NetfsWriteHarness({ design, pieces: threePages }, { wsize: PAGE_SIZE });
    h.issue({ send_error: 104 });
    h.collect();
    expect([h.request.flags.in_progress, h.request.transferred, h.request.error]).toEqual([false, 0, -104]);
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});

describe('netfs_dio_write_out_of_order (mutant)', () => {
  it.each(permutations([0, 1, 2]).flatMap((order) => DESIGNS.map((d): [string, 'cursor' | 'rolling', number[]] => [order.join(' '), d, order])))(
    'should pipeline the subrequests and report the second issue (completions %s, %s)',
    (_name, design, order) => {
      const h = new NetfsWriteHarness({ design, pieces: threePages, nodeSlots: 2, mutants: { netfs_dio_write_out_of_order: true } }, { wsize: PAGE_SIZE });
      const ids = [h.issue(), h.issue(), h.issue()];
      expect(h.ids()).toEqual(['invariant.netfs.dio_write_out_of_order', 'invariant.netfs.dio_write_out_of_order']);
      for (const k of order) {
        h.answer(ids[k] ?? -1);
        h.collect();
      }
      expect(h.request.flags.in_progress).toBe(false);
      expect(h.serverData()).toEqual(h.expected());
      h.finish();
      expect(h.ids().slice(2)).toEqual([]);
    },
  );

  it.each(permutations([0, 1, 2]))('should collect in file order in the clean model whatever the answers (%i %i %i are the answer sizes)', (...sizes) => {
    // The clean model never has two subrequests in flight: each completion order is the file order.
    const h = new NetfsWriteHarness({ design: 'cursor', pieces: threePages }, { wsize: PAGE_SIZE });
    for (const k of sizes) {
      const s = h.issue();
      expect(h.request.flags.pause).toBe(true);
      // While it is outstanding the issuer waits: a pass of the loop issues nothing.
      if (!h.request.flags.all_queued) expect(h.issue.bind(h)).not.toThrow();
      expect(h.request.stream.subrequests).toEqual([s]);
      h.answer(s, { bytes: PAGE_SIZE - k });
      h.collect();
      if (h.request.flags.retrying) {
        h.retry();
        h.answer(s);
        h.collect();
      }
    }
    expect(h.serverData()).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});

describe('netfs_reissue_write_content_leak (mutant)', () => {
  it.each(DESIGNS)('should leak the old content reference of a reissued subrequest in the cursor design only (%s)', (design) => {
    const h = new NetfsWriteHarness({ design, pieces: threePages, mutants: { netfs_reissue_write_content_leak: true } }, { wsize: 3 * PAGE_SIZE });
    const a = h.issue();
    h.answer(a, { bytes: 100 });
    h.collect();
    h.retry();
    h.answer(a);
    h.collect();
    expect(h.serverData()).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual(design === 'cursor' ? ['invariant.refcount.leak'] : []);
  });
});

describe.each(DESIGNS)('netfs_extract_iter from user memory (%s design)', (design) => {
  it('should pin the user pages for the write, write them in place and unpin them when the request goes', () => {
    const h = new NetfsWriteHarness({ design, pieces: [], start: 3 * PAGE_SIZE, nodeSlots: 2, ubuf: { pages: 4, at: 1000, len: 3 * PAGE_SIZE } }, { wsize: 5000 });
    const pins = (): number[] => [0x100, 0x101, 0x102, 0x103].map((p) => h.world.folios[p]?.pincount ?? -1);
    expect(pins()).toEqual([1, 1, 1, 1]);
    expect(h.world.bvecqs[1]?.mem_type).toBe('GUP');
    const a = h.issue();
    h.answer(a, { bytes: 4095 });
    h.collect();
    h.retry();
    h.writeAll();
    expect(h.serverData()).toEqual(h.expected());
    h.finish();
    expect(pins()).toEqual([0, 0, 0, 0]);
    expect(h.ids()).toEqual([]);
  });
});
