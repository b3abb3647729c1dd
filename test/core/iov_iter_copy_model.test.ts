// Property (fast-check, fixed seeds): copy_to_iter / copy_from_iter / advance / revert sequences on
// random ITER_BVEC and ITER_BVECQ layouts agree with a flat reference written here (a byte array
// per page and a cursor per iterator, sharing no code with core/): same returns and counts, and
// the provenance left in the pages and the destination kbuf equals the reference's bytes; no clean
// sequence gives a finding. With mutant iov_iter_bvecq_empty_not_skipped the same property must
// fail with data.misplaced, so the check has teeth.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createEngine, type BvsimEvent, type Engine, type ModelOptions } from '../../core/index.ts';
import { readData } from '../../core/data.ts';

const SEED = 20260815;
const FOLIOS = 6;
const FOLIO_BYTES = 8192;
const KBUF = 40000;
const pfnOf = (k: number) => 16 * (k + 1);

interface Elem {
  folio: number;
  offset: number;
  len: number;
}

const arbElem: fc.Arbitrary<Elem> = fc
  .record({ folio: fc.nat({ max: FOLIOS - 1 }), len: fc.oneof(fc.constantFrom(0, 1, 4095, 4096, 4097), fc.integer({ min: 0, max: FOLIO_BYTES })), at: fc.nat() })
  .map(({ folio, len, at }) => ({ folio, len, offset: at % (FOLIO_BYTES - len + 1) }));

/** A layout: ITER_BVEC elements, or ITER_BVECQ nodes (an empty node keeps a stale, unpublished bv[0]). */
const arbLayout = fc.oneof(
  fc.record({ kind: fc.constant('bvec' as const), elems: fc.array(arbElem, { minLength: 1, maxLength: 6 }), frac: fc.integer({ min: 0, max: 100 }), extra: fc.constant(0) }),
  fc.record({
    kind: fc.constant('bvecq' as const),
    nodes: fc.array(fc.record({ slots: fc.array(arbElem, { maxLength: 3 }), stale: arbElem }), { minLength: 1, maxLength: 4 }),
    frac: fc.integer({ min: 0, max: 100 }),
    extra: fc.constantFrom(0, 0, 100, 5000),
  }),
);
type Layout = typeof arbLayout extends fc.Arbitrary<infer T> ? T : never;

const arbOp = fc.record({
  kind: fc.constantFrom('copy_to', 'copy_from', 'advance', 'revert'),
  iter: fc.constantFrom(0, 1),
  pick: fc.constantFrom('raw', 'count', 'count+1', 'zero'),
  raw: fc.integer({ min: 0, max: 12000 }),
  off: fc.integer({ min: 0, max: KBUF }),
});
type Op = typeof arbOp extends fc.Arbitrary<infer T> ? T : never;

/** The published elements in walk order. */
const published = (l: Layout): Elem[] => (l.kind === 'bvec' ? l.elems : l.nodes.flatMap((n) => n.slots));

function setupEvents(l: Layout, count: number): BvsimEvent[] {
  const ev: BvsimEvent[] = [];
  for (let k = 0; k < FOLIOS; k++) ev.push({ type: 'folio_alloc', folio: k, order: 1, pfn: pfnOf(k), fail: false });
  ev.push({ type: 'kbuf_alloc', buf: 0, size: KBUF }, { type: 'kbuf_alloc', buf: 1, size: KBUF });
  const bv = (e: Elem) => ({ page: pfnOf(e.folio), offset: e.offset, len: e.len });
  if (l.kind === 'bvec') {
    ev.push({ type: 'bvec_array', bvec: 0, bv: l.elems.map(bv) });
    for (const iter of [0, 1]) ev.push({ type: 'iov_iter_bvec', iter, direction: iter, bvec: 0, start: 0, nr_segs: l.elems.length, count });
    return ev;
  }
  for (const [i, n] of l.nodes.entries()) {
    const max = Math.max(1, n.slots.length);
    ev.push({ type: 'bvecq_alloc_one', bvecq: i, nr_slots: max, max_slots: max, fail: false });
    for (const [s, e] of (n.slots.length > 0 ? n.slots : [n.stale]).entries()) ev.push({ type: 'bvecq_set_slot', bvecq: i, slot: s, ...bv(e) });
    ev.push({ type: 'bvecq_filled_to', bvecq: i, nr_slots: n.slots.length });
    if (i > 0) ev.push({ type: 'bvecq_append', to: i - 1, add: i });
  }
  for (const iter of [0, 1]) ev.push({ type: 'iov_iter_bvec_queue', iter, direction: iter, bvecq: 0, slot: 0, offset: 0, count });
  return ev;
}

/**
 * The reference: every window byte as (folio, offset); page memory as one int per byte (0
 * never written, v > 0 kbuf 0 byte v - 1); kbuf 1 likewise (v < 0 is its own byte -v - 1).
 */
class Flat {
  readonly window: [number, number][] = [];
  readonly mem = Array.from({ length: FOLIOS }, () => new Int32Array(FOLIO_BYTES));
  readonly kbuf1 = Int32Array.from({ length: KBUF }, (_, x) => -x - 1);
  readonly pos = [0, 0];
  readonly count: number[];

  constructor(l: Layout, count: number) {
    for (const e of published(l)) for (let j = 0; j < e.len; j++) this.window.push([e.folio, e.offset + j]);
    this.count = [count, count];
  }

  private movable(iter: number, bytes: number): number {
    return Math.min(bytes, this.count[iter]!, Math.max(0, this.window.length - this.pos[iter]!));
  }

  private move(iter: number, n: number): void {
    this.pos[iter]! += n;
    this.count[iter]! -= n;
  }

  copyTo(bytes: number, off: number): number {
    const n = this.movable(0, bytes);
    for (let k = 0; k < n; k++) {
      const [f, o] = this.window[this.pos[0]! + k]!;
      this.mem[f]![o] = off + k + 1;
    }
    this.move(0, n);
    return n;
  }

  copyFrom(bytes: number, off: number): number {
    const n = this.movable(1, bytes);
    for (let k = 0; k < n; k++) {
      const [f, o] = this.window[this.pos[1]! + k]!;
      this.kbuf1[off + k] = this.mem[f]![o]!;
    }
    this.move(1, n);
    return n;
  }

  advance(iter: number, bytes: number): void {
    this.move(iter, Math.min(bytes, this.count[iter]!));
  }

  revert(iter: number, bytes: number): void {
    this.move(iter, -bytes);
  }
}

/** Per-byte ints as the model's labels would read (for comparing with readData). */
function labelsOf(bytes: ArrayLike<number>): string {
  const out: string[] = [];
  for (let k = 0; k < bytes.length; k++) {
    const v = bytes[k]!;
    out.push(v === 0 ? '-' : v > 0 ? `0:${v - 1}` : `1:${-v - 1}`);
  }
  return out.join(' ');
}

function modelBytes(engine: Engine, where: { folio: number } | { kbuf: number }, len: number): string {
  const w = engine.peek();
  const runs = 'folio' in where ? w.folios[where.folio]!.data : w.kbufs[where.kbuf]!.data;
  const out = new Int32Array(len);
  let at = 0;
  for (const p of readData(runs, 0, len)) {
    for (let k = 0; k < p.len; k++) out[at + k] = p.src === 'kbuf:0' ? p.off + k + 1 : p.src === 'kbuf:1' ? -(p.off + k) - 1 : 0;
    at += p.len;
  }
  return labelsOf(out);
}

function bytesFor(op: Op, count: number): number {
  if (op.pick === 'count') return count;
  if (op.pick === 'count+1') return count + 1;
  return op.pick === 'zero' ? 0 : op.raw;
}

/** Runs one sequence; returns the findings, after checking the model against the reference. */
function play(layout: Layout, ops: Op[], opts: ModelOptions, compare: boolean): string[] {
  const total = published(layout).reduce((a, e) => a + e.len, 0);
  const count = Math.floor((total * layout.frac) / 100) + layout.extra;
  const engine = createEngine('immutable', opts);
  for (const e of setupEvents(layout, count)) expect(engine.step(e).rejection).toBeNull();
  const ref = new Flat(layout, count);
  const findings: string[] = [];
  for (const op of ops) {
    const iter = op.kind === 'copy_to' ? 0 : op.kind === 'copy_from' ? 1 : op.iter;
    let bytes = bytesFor(op, ref.count[iter]!);
    let want: number | null = null;
    let ev: BvsimEvent;
    if (op.kind === 'copy_to' || op.kind === 'copy_from') {
      const off = Math.min(op.off, KBUF);
      bytes = Math.min(bytes, KBUF - off);
      ev = { type: op.kind === 'copy_to' ? 'copy_to_iter' : 'copy_from_iter', iter, bytes, buf: iter, offset: off };
      want = op.kind === 'copy_to' ? ref.copyTo(bytes, off) : ref.copyFrom(bytes, off);
    } else if (op.kind === 'advance') {
      ev = { type: 'iov_iter_advance', iter, bytes };
      ref.advance(iter, bytes);
    } else {
      bytes = Math.min(bytes, ref.pos[iter]!);
      ev = { type: 'iov_iter_revert', iter, bytes };
      ref.revert(iter, bytes);
    }
    const o = engine.step(ev);
    findings.push(...o.findings.map((f) => `${f.kind}.${f.id}`));
    if (o.halted || findings.length > 0 || !compare) break;
    expect(o.ret, JSON.stringify(ev)).toBe(want);
    expect(engine.peek().iters[iter]?.count).toBe(ref.count[iter]);
  }
  if (compare && findings.length === 0) {
    for (let k = 0; k < FOLIOS; k++) expect(modelBytes(engine, { folio: k }, FOLIO_BYTES), `folio ${k}`).toBe(labelsOf(ref.mem[k]!));
    expect(modelBytes(engine, { kbuf: 1 }, KBUF), 'kbuf 1').toBe(labelsOf(ref.kbuf1));
  }
  return findings;
}

describe(`copy_to_iter / copy_from_iter against a flat reference (seed ${SEED})`, () => {
  test.prop([arbLayout, fc.array(arbOp, { minLength: 1, maxLength: 12 })], { seed: SEED, numRuns: 150 })(
    'should agree with the reference and give no finding on clean sequences',
    (layout, ops) => {
      expect(play(layout, ops, { mutants: {} }, true)).toEqual([]);
    },
  );

  test('should catch mutant iov_iter_bvecq_empty_not_skipped as data.misplaced', () => {
    const prop = fc.property(arbLayout, fc.array(arbOp, { minLength: 1, maxLength: 12 }), (layout, ops) => {
      return !play(layout, ops, { mutants: { iov_iter_bvecq_empty_not_skipped: true } }, false).includes('invariant.data.misplaced');
    });
    const out = fc.check(prop, { seed: SEED, numRuns: 400 });
    expect(out.failed).toBe(true);
  });
});
