// Random schedules of one buffered writeback with the server's and the cache's streams, in
// both designs: random folio layouts and limits, the two streams issued in any interleaving,
// answers whole, short, EAGAIN or EIO, completions, collection and retry in any order. The
// clean model reports nothing (writeback ends in file order once both streams passed each
// folio), every folio leaves writeback, and each stream that did not fail ends with exactly
// the file's bytes.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { recordingSource, type Draw } from '../../sim/index.ts';
import { NetfsWritebackHarness, PAGE_SIZE } from './netfs_writeback_harness.ts';

const SEED = 20260813;

type Step = { kind: 'issue'; stream: number } | { kind: 'collect' | 'retry' } | { kind: 'reply' | 'complete'; id: number };

function enabled(h: NetfsWritebackHarness): Step[] {
  const r = h.request;
  if (!r.flags.in_progress) return [];
  const out: Step[] = [];
  const listed = [...r.stream.subrequests, ...(r.cache_stream?.subrequests ?? [])];
  const inflight = listed.filter((id) => h.world.subreqs[id]?.flags.in_progress === true);
  for (const id of inflight) out.push({ kind: h.world.subreqs[id]?.reply === null ? 'reply' : 'complete', id });
  for (const [nr, st] of [r.stream, r.cache_stream].entries()) if (st !== null && st.buffered > 0) out.push({ kind: 'issue', stream: nr });
  if (r.flags.retrying && inflight.length === 0) out.push({ kind: 'retry' });
  if (r.work_queued && !r.flags.retrying) out.push({ kind: 'collect' });
  return out;
}

function replyRandom(h: NetfsWritebackHarness, id: number, draw: Draw, errors: boolean): void {
  const s = h.world.subreqs[id];
  if (s === undefined) throw new Error(`no subreq ${id}`);
  const want = s.len - s.transferred;
  const pick = draw.int(8);
  if (errors && pick === 0) h.reply(id, { error: 5 });
  else if (s.retry_count < 3 && pick === 1) h.reply(id, { error: 11 });
  else if (s.retry_count < 3 && want > 1 && pick < 5) h.reply(id, { bytes: 1 + draw.int(want - 1) });
  else h.reply(id);
}

function writebackOnce(design: 'cursor' | 'rolling', seed: number, errors: boolean): NetfsWritebackHarness {
  const draw = recordingSource(seed).stream('workload');
  const orders = Array.from({ length: 1 + draw.int(6) }, () => draw.int(3));
  // Rolling design: one node (a node the collector deletes under a parked iterator is REFERENCE §3 item 18).
  const nodeSlots = design === 'rolling' ? 64 : 1 + draw.int(4);
  const h = new NetfsWritebackHarness({ design, orders, start: PAGE_SIZE * draw.int(4), cache: draw.int(4) !== 0, nodeSlots }, { wsize: draw.pick([PAGE_SIZE, 6144, 3 * PAGE_SIZE, 1 << 20]), max_segs: 1 + draw.int(4) });
  for (let n = 0; n < 4000; n++) {
    const steps = enabled(h);
    if (steps.length === 0) return h;
    const st = steps[draw.int(steps.length)];
    if (st === undefined) return h;
    if (st.kind === 'issue') h.issue(st.stream);
    else if (st.kind === 'collect') h.collect();
    else if (st.kind === 'retry') h.retry();
    else if (st.kind === 'reply') replyRandom(h, st.id, draw, errors);
    else if (st.kind === 'complete') h.complete(st.id);
  }
  throw new Error('writebackOnce: no end');
}

describe(`netfs writeback with two streams under random schedules (seed ${SEED})`, () => {
  const seeds = fc.integer({ min: 0, max: 0xffffffff });
  const designs = fc.constantFrom('cursor' as const, 'rolling' as const);

  test.prop([seeds, designs], { seed: SEED, numRuns: 150 })('should report nothing and leave the server and the cache holding exactly the file', (seed, design) => {
    const h = writebackOnce(design, seed, false);
    expect(h.request.flags.in_progress).toBe(false);
    expect(h.writeback()).toEqual(h.folios.map(() => false));
    expect(h.request.server_data).toEqual(h.expected());
    expect(h.request.cache_data).toEqual(h.request.cache_stream === null ? [] : h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  test.prop([seeds, designs], { seed: SEED + 1, numRuns: 150 })('should report nothing and end writeback on every folio despite failures', (seed, design) => {
    const h = writebackOnce(design, seed, true);
    expect(h.writeback()).toEqual(h.folios.map(() => false));
    if (!h.request.stream.failed) expect(h.request.server_data).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});
