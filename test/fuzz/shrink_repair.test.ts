// Stage 2's repairs: a cut or a deletion leaves later events that no longer fit (a request
// naming more nodes than its folios need, a subrequest claiming bytes its request no longer
// holds); they are edited to fit instead of sinking the candidate. The story is a campaign's
// writeback under netfs_reissue_write_content_leak, as the shrinker left it before the repairs.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent, Finding } from '../../core/index.ts';
import { judgeWithoutRejected, shrinkTrace } from '../../fuzz/index.ts';
import { judgeEvents } from '../../fuzz/shrink_events.ts';

const MUTANT = 'netfs_reissue_write_content_leak';
const MODEL = { mutants: { [MUTANT]: true } };
const FOLIOS = [1048617, 1048620, 1048621, 1048622];
const LEAK: Finding = { kind: 'invariant', id: 'refcount.leak', detail: '' };

function writepages(folios: readonly number[], bvecqs: readonly number[]): BvsimEvent {
  return {
    type: 'netfs_writepages', wreq: 5, ino: 1005, design: 'cursor', start: 0, cache: true, cache_iter: null, iter: null,
    folios: [...folios], bvecqs: [...bvecqs], max_slots: bvecqs.map(() => 3),
  };
}

const issue = (subreq: number, iter: number, stream: number, sendError: number): BvsimEvent =>
  ({ type: 'netfs_issue_write', wreq: 5, subreq, iter, stream, max_segs: 2, send_error: sendError, wsize: 65536 });

const terminated = (transferred: number): BvsimEvent => ({ type: 'netfs_write_subrequest_terminated', subreq: 15, transferred, error: 0 });

/** Four dirty locked folios written back through two streams; subrequest 15 is short, retried, then completes. */
function story(folios: readonly number[], bvecqs: readonly number[], lastTransferred: number): BvsimEvent[] {
  return [
    ...folios.map((f): BvsimEvent => ({ type: 'folio_alloc', folio: f, order: 0, pfn: f, fail: false })),
    ...folios.flatMap((f): BvsimEvent[] => [{ type: 'folio_mark_dirty', folio: f }, { type: 'folio_lock', folio: f }]),
    writepages(folios, bvecqs),
    issue(11, 15, 0, 104),
    issue(12, 16, 0, 104),
    issue(14, 18, 1, 104),
    issue(15, 19, 1, 0),
    { type: 'netfs_put_request', rreq: 5 },
    terminated(31),
    { type: 'netfs_write_collection', wreq: 5 },
    { type: 'netfs_retry_writes', wreq: 5 },
    terminated(lastTransferred),
    { type: 'netfs_write_collection', wreq: 5 },
    ...folios.map((f): BvsimEvent => ({ type: 'folio_put', folio: f })),
    { type: 'sim.quiesce' },
  ] as BvsimEvent[];
}

const firstId = (events: readonly BvsimEvent[], mutants: Record<string, boolean>): string | null => {
  const v = judgeEvents(events, { mutants });
  return 'first' in v ? (v.first === undefined ? null : `${v.first.kind}.${v.first.id}`) : `rejected at ${v.rejected}`;
};

/** The story with the last folio's events gone, as the trim pass proposes it, but the request's lists left whole. */
function lastFolioForgotten(): BvsimEvent[] {
  const gone = FOLIOS[3];
  return story(FOLIOS, [17, 18], 8161).flatMap((e) => ('folio' in e && e.folio === gone ? [] : e.type === 'netfs_writepages' ? [writepages(FOLIOS.slice(0, 3), [17, 18])] : [e]));
}

describe('judgeWithoutRejected, repairs', () => {
  it('should cut a list the model refuses to its longest accepted prefix, and lists of its length with it', () => {
    const cand = lastFolioForgotten();
    expect(firstId(cand, MODEL.mutants)).toMatch(/^rejected at/);
    const { kept, same } = judgeWithoutRejected(cand.map((event) => ({ event })), MODEL, 'mutable');
    expect(same).toBe(false);
    expect(kept.map((k) => k.event)).toContainEqual(writepages(FOLIOS.slice(0, 3), [17]));
    // Without a target, the subrequest still claims the bytes the fourth folio held.
    expect(firstId(kept.map((k) => k.event), MODEL.mutants)).toBe('warn.netfs_write_subrequest_terminated.too_much');
  });

  it('should lower a quantity that WARNs about something other than the target to the largest quiet value', () => {
    const { kept } = judgeWithoutRejected(lastFolioForgotten().map((event) => ({ event })), MODEL, 'mutable', LEAK);
    const events = kept.map((k) => k.event);
    // Three pages in the request, 8192 + 4096 per stream: subrequest 15 holds 4096, 31 already done.
    expect(events.filter((e) => e.type === 'netfs_write_subrequest_terminated')).toEqual([terminated(31), terminated(4065)]);
    expect(events).toEqual(story(FOLIOS.slice(0, 3), [17], 4065));
    expect(firstId(events, MODEL.mutants)).toBe('invariant.refcount.leak');
    expect(firstId(events, {})).toBeNull();
  });

  it('should leave a WARN that is the target alone', () => {
    const { kept, same } = judgeWithoutRejected(lastFolioForgotten().map((event) => ({ event })), MODEL, 'mutable', { kind: 'warn', id: 'netfs_write_subrequest_terminated.too_much', detail: '' });
    expect(same).toBe(false);
    expect(kept.map((k) => k.event)).toContainEqual(terminated(8161));
  });
});

describe('shrinkTrace, a folio cut from a writeback with its own events', () => {
  it('should shorten the request and drop each cut folio\'s alloc, dirtying, lock and put together', () => {
    const input = story(FOLIOS, [17, 18], 8161);
    expect(firstId(input, MODEL.mutants)).toBe('invariant.refcount.leak');
    expect(firstId(input, {})).toBeNull();
    const out = shrinkTrace({ trace: { header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: [MUTANT] }, steps: input.map((event, i) => ({ i, event })), footer: null }, run: null });
    if (!out.ok) throw new Error(out.message);
    const events = out.report.trace.steps.map((s) => s.event);
    const wp = events.find((e) => e.type === 'netfs_writepages');
    const folios = wp !== undefined && 'folios' in wp ? wp.folios : [];
    expect(folios.length).toBeLessThan(FOLIOS.length);
    expect(folios).toEqual(FOLIOS.slice(0, folios.length));
    expect(events.filter((e) => e.type === 'folio_alloc')).toHaveLength(folios.length);
    expect(events.length).toBeLessThanOrEqual(input.length - 4 * (FOLIOS.length - folios.length));
    expect(firstId(events, MODEL.mutants)).toBe('invariant.refcount.leak');
    expect(firstId(events, {})).toBeNull();
  });
});

describe('shrinkTrace, a writeback whose story does not need its cache stream', () => {
  it('should turn the cache off, and the cache stream\'s subrequest goes with it', () => {
    const folio = 1048576;
    const input = [
      { type: 'folio_alloc', folio, order: 0, pfn: folio, fail: false },
      { type: 'folio_mark_dirty', folio },
      { type: 'folio_lock', folio },
      { ...writepages([folio], [1]), wreq: 1, ino: 1001 },
      { type: 'netfs_issue_write', wreq: 1, subreq: 1, iter: 2, stream: 0, max_segs: 2, send_error: 0, wsize: 65536 },
      { type: 'netfs_issue_write', wreq: 1, subreq: 2, iter: 3, stream: 1, max_segs: 2, send_error: 0, wsize: 65536 },
      { type: 'netfs_put_request', rreq: 1 },
      { type: 'netfs_write_subrequest_terminated', subreq: 1, transferred: 1, error: 0 },
      { type: 'netfs_write_subrequest_terminated', subreq: 2, transferred: 4096, error: 0 },
      { type: 'netfs_write_collection', wreq: 1 },
      { type: 'netfs_retry_writes', wreq: 1 },
      { type: 'netfs_write_subrequest_terminated', subreq: 1, transferred: 4095, error: 0 },
      { type: 'netfs_write_collection', wreq: 1 },
      { type: 'folio_put', folio },
      { type: 'sim.quiesce' },
    ] as BvsimEvent[];
    expect(firstId(input, MODEL.mutants)).toBe('invariant.refcount.leak');
    const out = shrinkTrace({ trace: { header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: [MUTANT] }, steps: input.map((event, i) => ({ i, event })), footer: null }, run: null });
    if (!out.ok) throw new Error(out.message);
    const events = out.report.trace.steps.map((s) => s.event);
    expect(events.find((e) => e.type === 'netfs_writepages')).toMatchObject({ cache: false });
    expect(events.some((e) => 'subreq' in e && e.subreq === 2)).toBe(false);
    expect(events.length).toBe(input.length - 2);
    expect(firstId(events, MODEL.mutants)).toBe('invariant.refcount.leak');
    expect(firstId(events, {})).toBeNull();
  });
});
