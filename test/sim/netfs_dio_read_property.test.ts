// Random schedules of one unbuffered/DIO read in both designs: random buffers (folio orders,
// unaligned pieces, several nodes), file and server sizes, limits, and completion orders with
// short reads and errors. The clean model reports nothing, and the caller's pages hold the
// file's bytes for every byte the read returns (checked at completion): all of them up to the
// server's end of file unless the retry abandoned part of the read.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { recordingSource, type Draw } from '../../sim/index.ts';
import { NetfsHarness, PAGE_SIZE } from './netfs_harness.ts';

const SEED = 20260812;

type Step = { kind: 'collect' | 'retry' } | { kind: 'reply' | 'complete'; id: number };

function enabled(h: NetfsHarness): Step[] {
  const r = h.world.rreqs[h.rreq];
  if (r === undefined || !r.flags.in_progress) return [];
  const out: Step[] = [];
  const inflight = r.stream.subrequests.filter((id) => h.world.subreqs[id]?.flags.in_progress === true);
  for (const id of inflight) out.push({ kind: h.world.subreqs[id]?.reply === null ? 'reply' : 'complete', id });
  if (r.flags.retrying && inflight.length === 0) out.push({ kind: 'retry' });
  if (!r.flags.retrying && (r.work_queued || inflight.length === 0)) out.push({ kind: 'collect' });
  return out;
}

function readOnce(design: 'cursor' | 'rolling', seed: number, errors: boolean): { h: NetfsHarness; total: number; serverSize: number } {
  const draw: Draw = recordingSource(seed).stream('workload');
  const unaligned = draw.int(2) === 0;
  const pieces = Array.from({ length: 1 + draw.int(6) }, () => {
    const order = draw.int(3);
    const size = PAGE_SIZE * 2 ** order;
    const offset = unaligned ? draw.int(size) : 0;
    return { order, offset, len: unaligned ? 1 + draw.int(size - offset) : size };
  });
  const total = pieces.reduce((n, p) => n + p.len, 0);
  const start = draw.int(2) === 0 ? 0 : draw.int(3 * PAGE_SIZE);
  const iSize = start + Math.max(1, total - (draw.int(2) === 0 ? 0 : draw.int(2 * PAGE_SIZE)));
  const serverSize = Math.max(start, iSize - (draw.int(2) === 0 ? 0 : draw.int(PAGE_SIZE)));
  const h = new NetfsHarness({ design, orders: [], i_size: iSize, nodeSlots: 1 + draw.int(4), dio: { pieces, start } }, { rsize: draw.pick([PAGE_SIZE, 6144, 3 * PAGE_SIZE, 1 << 20]), max_segs: 1 + draw.int(4) });
  h.issueAll();
  for (let n = 0; n < 4000; n++) {
    const steps = enabled(h);
    if (steps.length === 0) return { h, total, serverSize };
    const st = steps[draw.int(steps.length)];
    if (st === undefined) break;
    if (st.kind === 'collect') h.collect();
    else if (st.kind === 'retry') h.retry();
    else if (st.kind === 'complete') h.complete(st.id);
    else if (st.kind === 'reply') {
      const s = h.world.subreqs[st.id];
      const avail = Math.max(0, Math.min((s?.len ?? 0) - (s?.transferred ?? 0), serverSize - (s?.start ?? 0) - (s?.transferred ?? 0)));
      const pick = draw.int(8);
      if (errors && pick === 0) h.reply(st.id, { bytes: 0, error: 5, serverSize });
      else if (avail > 1 && (s?.retry_count ?? 9) < 3 && pick < 3) h.reply(st.id, { bytes: 1 + draw.int(avail - 1), serverSize });
      else h.reply(st.id, { serverSize });
    }
  }
  throw new Error('readOnce: no end');
}

describe(`netfs unbuffered read under random schedules (seed ${SEED})`, () => {
  const seeds = fc.integer({ min: 0, max: 0xffffffff });
  const designs = fc.constantFrom('cursor' as const, 'rolling' as const);

  test.prop([seeds, designs], { seed: SEED, numRuns: 150 })('should report nothing and return every byte up to the server\'s end of file', (seed, design) => {
    const { h, serverSize } = readOnce(design, seed, false);
    const r = h.world.rreqs[h.rreq];
    const start = r?.start ?? 0;
    expect(r?.flags.in_progress).toBe(false);
    // Short only by the retry's abandon path (-ENOMEM): netfs_retry_read_subrequests() fails
    // every retryable subrequest after the first listed one that is not NEED_RETRY.
    if (r?.error === 0) expect(r.transferred).toBe(Math.min(r.len, serverSize - start));
    else expect(r?.error).toBe(-12);
    h.finish();
    expect(h.ids()).toEqual([]);
  });

  test.prop([seeds, designs], { seed: SEED + 1, numRuns: 150 })('should report nothing despite errors (the returned bytes are checked at completion)', (seed, design) => {
    const { h } = readOnce(design, seed, true);
    expect(h.world.rreqs[h.rreq]?.flags.in_progress).toBe(false);
    h.finish();
    expect(h.ids()).toEqual([]);
  });
});
