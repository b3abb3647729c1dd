// The data-placement checker (invariant data.misplaced): the flat window laid out from an
// iterator's setup position for each type, and the checker catching bytes put in the wrong place
// (state altered by hand between plan and check) while staying quiet on overlapping windows.
import { describe, expect, it } from 'vitest';
import { makeCtx } from '../../../core/ctx.ts';
import { DEFAULT_OPTIONS, type BvsimEvent, type World } from '../../../core/index.ts';
import { flatWindow } from '../../../core/invariants/data_window.ts';
import { checkPlacement, planPlacement } from '../../../core/invariants/data.ts';
import { writeData } from '../../../core/data.ts';
import { ids, node, pagesAt, run } from '../iov_iter_copy_fixtures.ts';

const world = (events: BvsimEvent[]): World => structuredClone(run(events).state);
const where = (w: World, from: number, len: number) => flatWindow(w, w.iters[0]!, from, len)?.map((p) => [p.logical, p.len, p.where]);

describe('flatWindow', () => {
  it('should lay ITER_BVEC out from the setup index, page by page, whatever the iterator did since', () => {
    const w = world([
      { type: 'bvec_array', bvec: 0, bv: [{ page: 9, offset: 0, len: 10 }, { page: 16, offset: 4000, len: 200 }, { page: 30, offset: 0, len: 5 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 1, nr_segs: 2, count: 205 },
      { type: 'iov_iter_advance', iter: 0, bytes: 150 },
    ]);
    expect(where(w, 90, 200)).toEqual([
      [90, 6, { kind: 'page', pfn: 16, offset: 4090 }],
      [96, 104, { kind: 'page', pfn: 17, offset: 0 }],
      [200, 5, { kind: 'page', pfn: 30, offset: 0 }],
    ]);
  });

  it('should lay ITER_BVECQ out over published slots only, carrying the setup offset over an empty node', () => {
    const w = world([...node(0, [], undefined, 1), ...node(1, [{ page: 20, offset: 0, len: 100 }, { page: 21, offset: 0, len: 0 }, { page: 22, offset: 8, len: 8 }], 0), { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 40, count: 1000 }]);
    expect(where(w, 0, 1000)).toEqual([
      [0, 60, { kind: 'page', pfn: 20, offset: 40 }],
      [60, 8, { kind: 'page', pfn: 22, offset: 8 }],
    ]);
  });

  it('should lay ITER_KVEC out as kbuf ranges and ITER_UBUF up to the first fault', () => {
    const k = world([
      { type: 'kbuf_alloc', buf: 3, size: 100 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 3, offset: 50, len: 20 }] },
      { type: 'iov_iter_kvec', iter: 0, direction: 1, kvec: 0, start: 0, nr_segs: 1, count: 20 },
    ]);
    expect(where(k, 5, 100)).toEqual([[5, 15, { kind: 'kbuf', buf: 3, offset: 55 }]]);
    const u = world([{ type: 'sim.user_map', runs: [[64, 1, 0, 2]] }, { type: 'sim.user_fault', offset: 4200 }, { type: 'iov_iter_ubuf', iter: 0, direction: 0, start: 4000, len: 1000, nofault: false }]);
    expect(where(u, 0, 1000)).toEqual([
      [0, 96, { kind: 'page', pfn: 64, offset: 4000 }],
      [96, 104, { kind: 'page', pfn: 65, offset: 0 }],
    ]);
  });

  it('should abstain for ITER_DISCARD and for a position before the setup (over-revert)', () => {
    const d = world([{ type: 'iov_iter_discard', iter: 0, direction: 0, count: 10 }]);
    expect([flatWindow(d, d.iters[0]!, 0, 10), flatWindow(d, d.iters[0]!, -1, 10)]).toEqual([null, null]);
  });
});

describe('checkPlacement', () => {
  const setup: BvsimEvent[] = [
    ...pagesAt([16, 32]),
    { type: 'kbuf_alloc', buf: 1, size: 8192 },
    { type: 'bvec_array', bvec: 0, bv: [{ page: 16, offset: 0, len: 4096 }, { page: 32, offset: 0, len: 4096 }] },
    { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 8192 },
  ];

  it('should report the first byte that did not land where the window puts it', () => {
    const w = world(setup);
    const ctx = makeCtx(0, DEFAULT_OPTIONS);
    const plan = planPlacement(w, 0, w.iters[0]!, 8192, 'to_iter', { kind: 'kbuf', buf: 1, offset: 0 });
    // A walker that wrote the second page's bytes one byte late:
    writeData(w.folios[16]!.data, 0, [{ src: 'kbuf:1', off: 0, len: 4096 }]);
    writeData(w.folios[32]!.data, 1, [{ src: 'kbuf:1', off: 4096, len: 4095 }]);
    w.iters[0]!.consumed = 8192;
    checkPlacement(w, plan, 8192, ctx);
    expect(ctx.findings.map((f) => f.id)).toEqual(['data.misplaced']);
    expect(ctx.findings[0]?.detail).toContain('window position 4096');
  });

  it('should report a copy that moved more bytes than the window holds', () => {
    const w = world(setup);
    const ctx = makeCtx(0, DEFAULT_OPTIONS);
    const plan = planPlacement(w, 0, w.iters[0]!, 100, 'from_iter', { kind: 'kbuf', buf: 1, offset: 0 });
    checkPlacement(w, plan, 200, ctx);
    expect(ctx.findings.map((f) => f.id)).toEqual(['data.misplaced']);
  });

  it('should stay quiet when one page appears twice in the window (the later write holds)', () => {
    const { outs } = run([
      ...pagesAt([16]),
      { type: 'kbuf_alloc', buf: 1, size: 8192 },
      { type: 'bvec_array', bvec: 0, bv: [{ page: 16, offset: 0, len: 100 }, { page: 16, offset: 50, len: 100 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 200 },
      { type: 'copy_to_iter', iter: 0, bytes: 200, buf: 1, offset: 0 },
    ]);
    expect(ids(outs[outs.length - 1])).toEqual([]);
  });

  it('should judge a page that appears twice by its later position, and report a bad byte there', () => {
    const twice: BvsimEvent[] = [
      ...pagesAt([16]),
      { type: 'kbuf_alloc', buf: 1, size: 8192 },
      { type: 'bvec_array', bvec: 0, bv: [{ page: 16, offset: 0, len: 100 }, { page: 16, offset: 50, len: 100 }] },
      { type: 'iov_iter_bvec', iter: 0, direction: 0, bvec: 0, start: 0, nr_segs: 2, count: 200 },
    ];
    const w = world(twice);
    const plan = planPlacement(w, 0, w.iters[0]!, 200, 'to_iter', { kind: 'kbuf', buf: 1, offset: 0 });
    // Page bytes [50, 150) must hold kbuf bytes [100, 200): the later logical positions win.
    writeData(w.folios[16]!.data, 0, [{ src: 'kbuf:1', off: 0, len: 50 }, { src: 'kbuf:1', off: 100, len: 100 }]);
    w.iters[0]!.consumed = 200;
    const quiet = makeCtx(0, DEFAULT_OPTIONS);
    checkPlacement(w, plan, 200, quiet);
    expect(quiet.findings).toEqual([]);
    // One byte of the later part wrong: reported at its logical position (100 + 30).
    writeData(w.folios[16]!.data, 80, [{ src: 'kbuf:1', off: 0, len: 1 }]);
    const ctx = makeCtx(0, DEFAULT_OPTIONS);
    checkPlacement(w, plan, 200, ctx);
    expect(ctx.findings.map((f) => f.id)).toEqual(['data.misplaced']);
    expect(ctx.findings[0]?.detail).toContain('window position 130');
  });
});
