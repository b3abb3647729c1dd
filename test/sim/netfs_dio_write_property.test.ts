// Random schedules of one unbuffered/DIO write in both designs: random buffers (folio orders,
// unaligned pieces, several nodes), limits, and interleavings of issue, server answers (whole,
// short, EAGAIN, EIO), sending, collection and retry. The clean model reports nothing, and the
// server's file ends with exactly the bytes the request says it wrote: all of them, or the
// prefix before a failure (strict sequence leaves no hole).
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { recordingSource, type Draw } from '../../sim/index.ts';
import { NetfsWriteHarness, PAGE_SIZE, type SourcePiece } from './netfs_write_harness.ts';

const SEED = 20260811;

type Step = { kind: 'issue' | 'collect' | 'retry' } | { kind: 'reply' | 'complete'; id: number };

function drawPieces(draw: Draw): SourcePiece[] {
  const unaligned = draw.int(2) === 0;
  return Array.from({ length: 1 + draw.int(6) }, () => {
    const order = draw.int(3);
    const size = PAGE_SIZE * 2 ** order;
    const offset = unaligned ? draw.int(size) : 0;
    return { order, offset, len: unaligned ? 1 + draw.int(size - offset) : size };
  });
}

function enabled(h: NetfsWriteHarness): Step[] {
  const r = h.request;
  if (!r.flags.in_progress) return [];
  const out: Step[] = [];
  const inflight = r.stream.subrequests.filter((id) => h.world.subreqs[id]?.flags.in_progress === true);
  for (const id of inflight) out.push({ kind: h.world.subreqs[id]?.reply === null ? 'reply' : 'complete', id });
  if (!r.flags.pause && !r.flags.all_queued) out.push({ kind: 'issue' });
  if (r.flags.retrying && inflight.length === 0) out.push({ kind: 'retry' });
  if (r.work_queued && !r.flags.retrying) out.push({ kind: 'collect' });
  return out;
}

/** A whole answer, a short one, EAGAIN (both within the retry limit), or, when `errors`, EIO. */
function replyRandom(h: NetfsWriteHarness, id: number, draw: Draw, errors: boolean): void {
  const s = h.world.subreqs[id];
  if (s === undefined) throw new Error(`no subreq ${id}`);
  const want = s.len - s.transferred;
  const pick = draw.int(8);
  if (errors && pick === 0) h.reply(id, { error: 5 });
  else if (s.retry_count < 3 && pick === 1) h.reply(id, { error: 11 });
  else if (s.retry_count < 3 && want > 1 && pick < 5) h.reply(id, { bytes: 1 + draw.int(want - 1) });
  else h.reply(id);
}

function writeOnce(design: 'cursor' | 'rolling', seed: number, errors: boolean): NetfsWriteHarness {
  const draw = recordingSource(seed).stream('workload');
  const pieces = drawPieces(draw);
  const start = draw.int(2) === 0 ? 0 : draw.int(3 * PAGE_SIZE);
  const h = new NetfsWriteHarness({ design, pieces, start, nodeSlots: 1 + draw.int(4) }, { wsize: draw.pick([PAGE_SIZE, 6144, 3 * PAGE_SIZE, 1 << 20]), max_segs: 1 + draw.int(4) });
  for (let n = 0; n < 4000; n++) {
    const steps = enabled(h);
    if (steps.length === 0) return h;
    const st = steps[draw.int(steps.length)];
    if (st === undefined) return h;
    if (st.kind === 'issue') h.issue();
    else if (st.kind === 'collect') h.collect();
    else if (st.kind === 'retry') h.retry();
    else if (st.kind === 'reply') replyRandom(h, st.id, draw, errors);
    else if (st.kind === 'complete') h.complete(st.id);
  }
  throw new Error('writeOnce: no end');
}

describe(`netfs unbuffered write under random schedules (seed ${SEED})`, () => {
  const seeds = fc.integer({ min: 0, max: 0xffffffff });

  test.prop([seeds, fc.constantFrom('cursor' as const, 'rolling' as const)], { seed: SEED, numRuns: 150 })('should report nothing and leave the server file holding exactly the bytes written, without errors', (seed, design) => {
    const h = writeOnce(design, seed, false);
    expect(h.request.flags.in_progress).toBe(false);
    expect(h.request.transferred).toBe(h.total);
    expect(h.serverData()).toEqual(h.expected());
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  test.prop([seeds, fc.constantFrom('cursor' as const, 'rolling' as const)], { seed: SEED + 1, numRuns: 150 })('should leave exactly the prefix the request reports written when a write fails', (seed, design) => {
    const h = writeOnce(design, seed, true);
    expect(h.request.flags.in_progress).toBe(false);
    expect(h.serverData()).toEqual(h.expected(h.request.transferred));
    expect(h.request.error === 0).toBe(h.request.transferred === h.total);
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});
