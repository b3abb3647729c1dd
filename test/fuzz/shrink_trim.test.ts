// Stage 2's trim pass: a netfs readahead names every folio and node of its request, so the
// events that made its tail folios cannot be deleted until its lists get shorter.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { shrinkTrace } from '../../fuzz/index.ts';
import { judgeEvents } from '../../fuzz/shrink_events.ts';

const MUTANT = 'netfs_collect_stale_slot';
const pfns = [1048578, 1048580, 1048581, 1048582, 1048583];

/** A readahead of `n` one-page folios, each in a one-slot node; two subrequests read the first two pages. */
function story(n: number): BvsimEvent[] {
  const folios = pfns.slice(0, n);
  return [
    ...folios.flatMap((f): BvsimEvent[] => [
      { type: 'folio_alloc', folio: f, order: 0, pfn: f, fail: false },
      { type: 'folio_lock', folio: f },
    ]),
    { type: 'netfs_readahead', rreq: 1, ino: 1001, design: 'cursor', start: 0, i_size: 4096 * n, folios, bvecqs: folios.map((_, k) => 2 + k), max_slots: folios.map(() => 1), iter: null, fail: false },
    { type: 'netfs_issue_read', rreq: 1, subreq: 1, iter: 1, rsize: 4096, max_segs: 3, cached_from: 0, cached_to: 4096, send_error: 0, fail: false },
    { type: 'netfs_issue_read', rreq: 1, subreq: 2, iter: 2, rsize: 4096, max_segs: 3, cached_from: 8192, cached_to: 12288, send_error: 0, fail: false },
    { type: 'kbuf_alloc', buf: 1, size: 4096 },
    { type: 'sim.netfs_recv', buf: 1, ino: 1001, pos: 0, len: 4096 },
    { type: 'copy_to_iter', iter: 1, bytes: 4096, buf: 1, offset: 0 },
    { type: 'kbuf_alloc', buf: 2, size: 4096 },
    { type: 'sim.netfs_recv', buf: 2, ino: 1001, pos: 4096, len: 4096 },
    { type: 'copy_to_iter', iter: 2, bytes: 4096, buf: 2, offset: 0 },
    { type: 'netfs_read_subreq_terminated', subreq: 1, transferred: 4096, error: 0, flags: ['MADE_PROGRESS'] },
    { type: 'netfs_read_subreq_terminated', subreq: 2, transferred: 4096, error: 0, flags: ['MADE_PROGRESS'] },
    { type: 'netfs_read_collection', rreq: 1 },
  ] as BvsimEvent[];
}

const firstId = (events: readonly BvsimEvent[], mutants: string[]): string | null => {
  const v = judgeEvents(events, { mutants: Object.fromEntries(mutants.map((m) => [m, true])) });
  return 'first' in v ? (v.first?.id ?? null) : `rejected at ${v.rejected}`;
};

describe('shrinkTrace, the trim pass', () => {
  it('should cut a readahead of five folios down to the two the finding needs, and drop the others\' setup', () => {
    const input = story(5);
    expect(firstId(input, [MUTANT])).toBe('bvecq.read_beyond_max_slots');
    expect(firstId(input, [])).toBeNull();
    const out = shrinkTrace({ trace: { header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: [MUTANT] }, steps: input.map((event, i) => ({ i, event })), footer: null }, run: null });
    if (!out.ok) throw new Error(out.message);
    const events = out.report.trace.steps.map((s) => s.event);
    const ra = events.find((e) => e.type === 'netfs_readahead');
    expect(ra?.type === 'netfs_readahead' ? ra.folios : null).toEqual(pfns.slice(0, 2));
    expect(events.filter((e) => e.type === 'folio_alloc')).toHaveLength(2);
    expect(events.length).toBeLessThanOrEqual(story(2).length);
    expect(firstId(events, [MUTANT])).toBe('bvecq.read_beyond_max_slots');
    expect(firstId(events, [])).toBeNull();
  });
});
