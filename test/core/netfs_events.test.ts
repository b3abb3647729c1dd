// The netfs event recipes on their own: what they reject (leaving the state untouched), what the
// readahead and dispatch set up in each design, and the references the cursors hold and give back.
import { describe, expect, it } from 'vitest';
import { createEngine, type BvsimEvent, type Engine } from '../../core/index.ts';

function world(design: 'cursor' | 'rolling', folios = 3, caps = [2, 2]): Engine {
  const e = createEngine('immutable', { mutants: {} });
  const ids: number[] = [];
  for (let k = 0; k < folios; k++) {
    const pfn = 64 + k;
    e.step({ type: 'folio_alloc', folio: pfn, order: 0, pfn, fail: false });
    e.step({ type: 'folio_lock', folio: pfn });
    ids.push(pfn);
  }
  const out = e.step({ type: 'netfs_readahead', rreq: 1, design, ino: 9, start: 0, i_size: folios * 4096, folios: ids, bvecqs: caps.map((_, k) => k + 1), max_slots: caps, fail: false, iter: design === 'rolling' ? 1 : null });
  expect(out.rejection).toBeNull();
  return e;
}

const issue = (subreq: number, rsize = 4096): BvsimEvent => ({ type: 'netfs_issue_read', rreq: 1, subreq, iter: 10 + subreq, cached_from: null, cached_to: null, rsize, max_segs: 8, send_error: 0, fail: false });

describe('netfs_readahead', () => {
  it('should load one folio per slot and point the three cursors at the head (cursor design)', () => {
    const e = world('cursor');
    const w = e.peek();
    expect(w.bvecqs[1]?.bv.slice(0, 2).map((bv) => bv.page)).toEqual([64, 65]);
    expect(w.bvecqs[2]?.nr_slots).toBe(1);
    // The load cursor's allocation reference plus the dispatch and collect cursors' ones.
    expect(w.bvecqs[1]?.ref).toBe(3);
    expect(w.rreqs[1]?.stream.buffered).toBe(3 * 4096);
  });

  it('should give the rolling buffer a master iterator over everything loaded', () => {
    const w = world('rolling').peek();
    expect([w.iters[1]?.iter_type, w.iters[1]?.count, w.rreqs[1]?.buffer?.tail]).toEqual(['ITER_BVECQ', 3 * 4096, 1]);
  });

  it('should reject an unlocked folio as a kernel BUG and a reused request id as malformed', () => {
    const e = world('cursor');
    const again = e.step({ type: 'netfs_readahead', rreq: 1, design: 'cursor', ino: 9, start: 0, i_size: 0, folios: [64], bvecqs: [9], max_slots: [1], fail: false, iter: null });
    expect(again.rejection?.field).toBe('rreq');
    e.step({ type: 'folio_alloc', folio: 80, order: 0, pfn: 80, fail: false });
    const out = e.step({ type: 'netfs_readahead', rreq: 2, design: 'cursor', ino: 9, start: 0, i_size: 4096, folios: [80], bvecqs: [9], max_slots: [1], fail: false, iter: null });
    expect(out.findings.map((f) => f.id)).toEqual(['bvecq_load_from_ra.folio_not_locked']);
  });
});

describe('netfs_issue_read', () => {
  it('should slice by rsize and end the loop, dropping the load and dispatch cursors', () => {
    const e = world('cursor');
    expect([e.step(issue(1)).ret, e.step(issue(2)).ret, e.step(issue(3)).ret]).toEqual([4096, 4096, 4096]);
    const w = e.peek();
    expect([w.rreqs[1]?.flags.all_queued, w.rreqs[1]?.load_cursor.bvecq, w.rreqs[1]?.stream.dispatch_cursor.bvecq]).toEqual([true, null, null]);
    expect(w.subreqs[2]?.dispatch_pos).toMatchObject({ bvecq: 1 });
  });

  // As in the bvecq series (v5): netfs_readahead() sets rreq->submitted to start + the bytes
  // loaded, and netfs_mark_read_submission() adds each subrequest's length again, so a fully
  // dispatched request reads start + 2 * len. Only /proc/fs/netfs/requests and
  // netfs_dump_request() read the field (docs/results.md).
  it('should count every byte into rreq->submitted twice, at the load and at each submission, as v5 does', () => {
    const e = world('cursor');
    expect(e.peek().rreqs[1]?.submitted).toBe(3 * 4096);
    e.step(issue(1, 8192));
    expect(e.peek().rreqs[1]?.submitted).toBe(3 * 4096 + 8192);
    e.step(issue(2));
    expect(e.peek().rreqs[1]?.submitted).toBe(2 * 3 * 4096);
  });

  it('should reject a dispatch after the loop ended, leaving the state untouched', () => {
    const e = world('cursor', 1, [1]);
    e.step(issue(1));
    const before = e.peek();
    const out = e.step(issue(2));
    expect(out.rejection?.field).toBe('rreq');
    expect(e.peek()).toBe(before);
  });
});

describe('netfs_retry_reads', () => {
  it('should be rejected while no retry is pending or a subrequest is still in flight', () => {
    const e = world('cursor');
    e.step(issue(1, 3 * 4096));
    expect(e.step({ type: 'netfs_retry_reads', rreq: 1, rsize: 4096, max_segs: 8, spare: [] }).rejection?.message).toMatch(/no retry pending/);
  });
});

describe('netfs_put_request', () => {
  it('should free the chain and every position once the request completes, and catch bytes never delivered', () => {
    const e = world('cursor', 1, [1]);
    e.step(issue(1));
    e.step({ type: 'sim.netfs_reply', subreq: 1, bytes: 4096, error: 0, eof: true });
    e.step({ type: 'netfs_read_subreq_terminated', subreq: 1, transferred: 4096, error: 0, flags: ['MADE_PROGRESS', 'HIT_EOF'] });
    const c = e.step({ type: 'netfs_read_collection', rreq: 1 });
    // The filesystem claimed the bytes without copying any: the folio is marked uptodate empty.
    expect([c.ret, c.findings.map((f) => f.id)]).toEqual([true, ['data.lost']]);
    e.step({ type: 'netfs_put_request', rreq: 1 });
    const w = e.peek();
    expect([w.rreqs[1]?.freed, w.subreqs[1]?.freed, w.bvecqs[1]?.freed]).toEqual([true, true, true]);
    const q = e.step({ type: 'sim.quiesce' });
    // The folio still holds its allocation reference: the page cache's, put by the caller.
    expect(q.findings.map((f) => f.id)).toEqual(['refcount.leak']);
  });
});
