// Every public case of the kernel-computed iterator vectors (vectors/oracle/bvec_iter, iov_bvec,
// iov_bvecq, npages) driven through both engine modes, comparing every field after every op.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type Engine, type Finding, type World } from '../../core/index.ts';
import { bvec_iter_bvec, mp_bvec_iter_bvec } from '../../core/bvec.ts';

const INT_MAX = 2147483647;
const MODES = ['immutable', 'mutable'] as const;
const noWrapLog = { wrap: () => undefined };

interface Bv {
  page: number;
  offset: number;
  len: number;
}
interface Op {
  op: string;
  n?: number;
}
interface IterInit {
  direction: number;
  start_seg?: number;
  nr_segs?: number;
  bvecq_index?: number;
  first_slot?: number;
  offset?: number;
  count: number;
}
interface IterState {
  iter_type?: string;
  data_source?: boolean;
  count: number;
  iov_offset: number;
  nr_segs: number | null;
  seg_index: number | null;
  bvecq_index: number | null;
  slot: number | null;
  pos: number;
  npages: number;
  single_seg_count: number;
  warned: boolean;
  undefined: boolean;
}
interface IterCase {
  id: number;
  iter_type?: string;
  segments: Bv[] | Bv[][];
  init: IterInit;
  init_state: IterState;
  ops: Op[];
  after: IterState[];
  queries?: { maxpages: number; result: number }[];
}
interface BiterState {
  bi_sector: number;
  bi_size: number;
  bi_idx: number;
  bi_bvec_done: number;
  cur: Record<string, number> | null;
  ret?: boolean | null;
  warned?: boolean;
  emitted?: Bv[];
}
interface BiterCase {
  id: number;
  segments: Bv[];
  init: { bi_sector: number; bi_size: number; bi_idx: number; bi_bvec_done: number };
  init_state: BiterState;
  ops: Op[];
  after: BiterState[];
}

function load<T>(family: string): T[] {
  const url = new URL(`../../../shared/vectors/oracle/${family}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: T[] }).cases;
}

function stepOk(engine: Engine, e: BvsimEvent) {
  const out = engine.step(e);
  expect(out.rejection, `${e.type} rejected`).toBeNull();
  return out;
}

const warnIds = (fs: readonly Finding[]) => fs.filter((f) => f.kind === 'warn').map((f) => f.id);

function curOf(bv: Bv[], b: { bi_size: number; bi_idx: number; bi_bvec_done: number }) {
  const el = bv[b.bi_idx];
  if (el === undefined) return null;
  const mp = mp_bvec_iter_bvec(el, b, noWrapLog);
  const sp = bvec_iter_bvec(el, b, noWrapLog);
  const idx = Math.floor(mp.offset / 4096);
  return { mp_page: mp.page, mp_offset: mp.offset, mp_len: mp.len, mp_page_idx: idx, page: sp.page, offset: sp.offset, len: sp.len };
}

function checkBiter(engine: Engine, c: BiterCase, want: BiterState): void {
  const b = engine.snapshot().biters[0]!;
  expect({ bi_sector: b.bi_sector, bi_size: b.bi_size, bi_idx: b.bi_idx, bi_bvec_done: b.bi_bvec_done }).toEqual({
    bi_sector: want.bi_sector,
    bi_size: want.bi_size,
    bi_idx: want.bi_idx,
    bi_bvec_done: want.bi_bvec_done,
  });
  expect(curOf(c.segments, b)).toEqual(want.cur);
}

function runBiterCase(mode: (typeof MODES)[number], c: BiterCase): void {
  const engine = createEngine(mode, DEFAULT_OPTIONS);
  stepOk(engine, { type: 'bvec_array', bvec: 0, bv: c.segments });
  stepOk(engine, { type: 'bvec_iter_init', biter: 0, bvec: 0, ...c.init });
  checkBiter(engine, c, c.init_state);
  c.ops.forEach((op, k) => {
    const want = c.after[k]!;
    const n = op.n ?? 0;
    const e: BvsimEvent =
      op.op === 'advance' ? { type: 'bvec_iter_advance', biter: 0, bytes: n }
      : op.op === 'advance_single' ? { type: 'bvec_iter_advance_single', biter: 0, bytes: n }
      : { type: op.op === 'for_each_bvec' ? 'for_each_bvec' : 'for_each_mp_bvec', biter: 0 };
    const out = stepOk(engine, e);
    expect(warnIds(out.findings)).toEqual(want.warned === true ? ['bvec_iter_advance.past_end'] : []);
    expect(out.findings.filter((f) => f.kind !== 'warn')).toEqual([]);
    expect(out.ret).toEqual(want.emitted ?? want.ret ?? null);
    checkBiter(engine, c, want);
  });
}

/** The derived `pos`: bytes of every element before the current one, plus `iov_offset`. */
function posOf(w: World, c: IterCase): number {
  const it = w.iters[0]!;
  if (it.iter_type === 'ITER_BVEC') {
    const segs = c.segments as Bv[];
    return segs.slice(0, it.bvec_index ?? 0).reduce((a, s) => a + s.len, 0) + it.iov_offset;
  }
  const chain = c.segments as Bv[][];
  let before = 0;
  for (let q = 0; q < (it.bvecq ?? 0); q++) before += chain[q]!.reduce((a, s) => a + s.len, 0);
  return before + chain[it.bvecq ?? 0]!.slice(0, it.bvecq_slot ?? 0).reduce((a, s) => a + s.len, 0) + it.iov_offset;
}

function setupIter(engine: Engine, c: IterCase): ReturnType<Engine['step']> {
  const { direction, count } = c.init;
  if (c.init_state.iter_type === 'ITER_BVEC') {
    stepOk(engine, { type: 'bvec_array', bvec: 0, bv: c.segments as Bv[] });
    return stepOk(engine, { type: 'iov_iter_bvec', iter: 0, direction, bvec: 0, start: c.init.start_seg ?? 0, nr_segs: c.init.nr_segs ?? 0, count });
  }
  (c.segments as Bv[][]).forEach((node, q) => {
    stepOk(engine, { type: 'bvecq_alloc_one', bvecq: q, nr_slots: node.length, max_slots: node.length, fail: false });
    node.forEach((bv, s) => stepOk(engine, { type: 'bvecq_set_slot', bvecq: q, slot: s, ...bv }));
    stepOk(engine, { type: 'bvecq_filled_to', bvecq: q, nr_slots: node.length });
    if (q > 0) stepOk(engine, { type: 'bvecq_append', to: q - 1, add: q });
  });
  const init = c.init;
  return stepOk(engine, { type: 'iov_iter_bvec_queue', iter: 0, direction, bvecq: init.bvecq_index ?? 0, slot: init.first_slot ?? 0, offset: init.offset ?? 0, count });
}

function checkIter(engine: Engine, c: IterCase, want: IterState): void {
  const w = engine.snapshot();
  const it = w.iters[0]!;
  const got = { count: it.count, iov_offset: it.iov_offset, nr_segs: it.nr_segs, seg_index: it.bvec_index, bvecq_index: it.bvecq, slot: it.bvecq_slot, pos: posOf(w, c) };
  const { count, iov_offset, nr_segs, seg_index, bvecq_index, slot, pos } = want;
  expect(got).toEqual({ count, iov_offset, nr_segs, seg_index, bvecq_index, slot, pos });
  if (want.iter_type !== undefined) expect([it.iter_type, it.data_source]).toEqual([want.iter_type, want.data_source]);
  expect(stepOk(engine, { type: 'iov_iter_npages', iter: 0, maxpages: INT_MAX }).ret).toBe(want.npages);
  expect(stepOk(engine, { type: 'iov_iter_single_seg_count', iter: 0 }).ret).toBe(want.single_seg_count);
}

const opEvent = (op: Op): BvsimEvent => {
  const n = op.n ?? 0;
  if (op.op === 'advance') return { type: 'iov_iter_advance', iter: 0, bytes: n };
  if (op.op === 'revert') return { type: 'iov_iter_revert', iter: 0, bytes: n };
  if (op.op === 'truncate') return { type: 'iov_iter_truncate', iter: 0, count: n };
  return { type: 'iov_iter_reexpand', iter: 0, count: n };
};

function runIterCase(mode: (typeof MODES)[number], c: IterCase): void {
  const engine = createEngine(mode, DEFAULT_OPTIONS);
  const init = setupIter(engine, c);
  expect(warnIds(init.findings)).toEqual(c.init_state.warned ? ['iov_iter.bad_direction'] : []);
  checkIter(engine, c, c.init_state);
  for (const [k, op] of c.ops.entries()) {
    const want = c.after[k]!;
    const out = stepOk(engine, opEvent(op));
    if (want.undefined) {
      expect(out.findings.map((f) => `${f.kind}.${f.id}`)).toEqual(['bug.iov_iter_revert.past_start']);
      expect(engine.snapshot().halted?.id).toBe('iov_iter_revert.past_start');
      return;
    }
    expect(warnIds(out.findings)).toEqual(want.warned ? ['iov_iter_revert.too_large'] : []);
    const overRevert = op.op === 'revert' && !want.warned && (op.n ?? 0) > 0 && want.pos < c.init_state.pos;
    expect(out.findings.filter((f) => f.kind !== 'warn').map((f) => f.id)).toEqual(overRevert ? ['iov_iter.over_revert'] : []);
    checkIter(engine, c, want);
  }
  for (const q of c.queries ?? []) {
    expect(stepOk(engine, { type: 'iov_iter_npages', iter: 0, maxpages: q.maxpages }).ret, `npages(${q.maxpages})`).toBe(q.result);
  }
}

describe.each(MODES)('oracle vectors through the %s engine', (mode) => {
  describe('bvec_iter_advance, bvec_iter_advance_single, for_each_bvec, for_each_mp_bvec', () => {
    it.each(load<BiterCase>('bvec_iter'))('should match bvec_iter case $id', (c) => runBiterCase(mode, c));
  });
  describe('iov_iter_bvec with advance, revert, truncate, reexpand', () => {
    it.each(load<IterCase>('iov_bvec'))('should match iov_bvec case $id', (c) => runIterCase(mode, c));
  });
  describe('iov_iter_bvec_queue with advance, revert, truncate, reexpand', () => {
    it.each(load<IterCase>('iov_bvecq'))('should match iov_bvecq case $id', (c) => runIterCase(mode, c));
  });
  describe('iov_iter_npages', () => {
    it.each(load<IterCase>('npages'))('should match npages case $id', (c) => runIterCase(mode, c));
  });
});
