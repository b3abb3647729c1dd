// Property (fast-check, fixed seed): advance / revert / truncate / reexpand on random ITER_BVEC
// and ITER_BVECQ layouts agree with a flat reference (a byte position and a count over a flat list
// of segment lengths, written here and sharing no code with the model). Both engine modes run
// side by side and must agree on every outcome and digest.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type Engine, type IovIter } from '../../core/index.ts';

const SEED = 20260714;
const MAX_RW = 2147479552;

/** The reference: lengths in walk order, the window end, the position and the count. */
interface Flat {
  lens: number[];
  end: number;
  pos: number;
  count: number;
  startPos: number;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

const arbLen = fc.oneof(fc.constantFrom(0, 1, 511, 4095, 4096, 4097), fc.integer({ min: 0, max: 12288 }));
const arbOp = fc.record({
  kind: fc.constantFrom('advance', 'revert', 'truncate', 'reexpand'),
  pick: fc.constantFrom('raw', 'count', 'count+1', 'pos', 'pos+1', 'huge', 'zero'),
  raw: fc.integer({ min: 0, max: 20000 }),
});
type ArbOp = typeof arbOp extends fc.Arbitrary<infer T> ? T : never;

/** ITER_BVEC: an array, a window inside it and a count no larger than the window. */
const arbBvec = fc
  .array(arbLen, { minLength: 1, maxLength: 8 })
  .chain((lens) =>
    fc.record({
      lens: fc.constant(lens),
      start: fc.integer({ min: 0, max: lens.length }),
      cut: fc.integer({ min: 0, max: lens.length }),
      frac: fc.integer({ min: 0, max: 100 }),
    }),
  )
  .map(({ lens, start, cut, frac }) => {
    const end = Math.max(start, lens.length - cut);
    const count = Math.floor((sum(lens.slice(start, end)) * frac) / 100);
    return { lens, start, end, count };
  });

/** ITER_BVECQ: a chain of nodes (empty ones allowed), a start position and a count. */
const arbBvecq = fc
  .array(fc.array(arbLen, { minLength: 0, maxLength: 4 }), { minLength: 1, maxLength: 4 })
  .chain((nodes) => {
    const q = fc.integer({ min: 0, max: nodes.length - 1 });
    return fc.record({ nodes: fc.constant(nodes), q, slotPick: fc.nat(), offPick: fc.nat(), frac: fc.integer({ min: 0, max: 100 }) });
  })
  .map(({ nodes, q, slotPick, offPick, frac }) => {
    const node = nodes[q]!;
    const slot = slotPick % (node.length + 1);
    const offset = slot < node.length ? offPick % (node[slot]! + 1) : 0;
    const startPos = sum(nodes.slice(0, q).flat()) + sum(node.slice(0, slot)) + offset;
    const count = Math.floor(((sum(nodes.flat()) - startPos) * frac) / 100);
    return { nodes, q, slot, offset, startPos, count };
  });

type Model = Pick<Engine, 'step' | 'snapshot'>;

/** Both execution modes in lockstep: same outcome and same digest after every event. */
function twinEngines(): Model {
  const frozen = createEngine('immutable', DEFAULT_OPTIONS);
  const working = createEngine('mutable', DEFAULT_OPTIONS);
  return {
    step(e) {
      const a = frozen.step(e);
      expect(working.step(e)).toEqual(a);
      expect(working.digest()).toBe(frozen.digest());
      return a;
    },
    snapshot: () => frozen.snapshot(),
  };
}

function step(engine: Model, e: BvsimEvent) {
  const out = engine.step(e);
  if (out.rejection !== null) throw new Error(`${e.type} rejected: ${out.rejection.message}`);
  return out;
}

/** The model's byte position from the first byte of the memory. */
function modelPos(engine: Model, lensOf: (it: IovIter) => number): number {
  const it = engine.snapshot().iters[0]!;
  return lensOf(it) + it.iov_offset;
}

function pickBytes(op: ArbOp, ref: Flat): number {
  switch (op.pick) {
    case 'count': return ref.count;
    case 'count+1': return ref.count + 1;
    case 'pos': return ref.pos;
    case 'pos+1': return ref.pos + 1;
    case 'huge': return MAX_RW + 1 + op.raw;
    case 'zero': return 0;
    case 'raw': return op.raw;
  }
}

/** Applies one op to the reference; 'bug' when the kernel would walk off the front. */
function refApply(ref: Flat, kind: ArbOp['kind'], n: number): 'ok' | 'warn' | 'bug' {
  if (kind === 'advance') {
    const m = Math.min(n, ref.count);
    ref.pos += m;
    ref.count -= m;
  } else if (kind === 'revert') {
    if (n === 0) return 'ok';
    if (n > MAX_RW) return 'warn';
    if (n > ref.pos) return 'bug';
    ref.pos -= n;
    ref.count += n;
  } else if (kind === 'truncate') {
    ref.count = Math.min(ref.count, n);
  } else {
    ref.count = n;
  }
  return 'ok';
}

/** How a layout reads the model: bytes before the current element, and whether it is normal. */
interface View {
  before: (it: IovIter) => number;
  /** The position an advance leaves when it had bytes to move (REFERENCE §2.4). */
  normalAfterAdvance: (it: IovIter) => boolean;
}

function runOps(engine: Model, ref: Flat, ops: ArbOp[], view: View): void {
  for (const op of ops) {
    const countBefore = ref.count;
    let n = pickBytes(op, ref);
    if (op.kind === 'reexpand') n = Math.min(n, sum(ref.lens.slice(0, ref.end)) - ref.pos);
    const field = op.kind === 'advance' || op.kind === 'revert' ? 'bytes' : 'count';
    const out = step(engine, { type: `iov_iter_${op.kind}`, iter: 0, [field]: n } as BvsimEvent);
    const outcome = refApply(ref, op.kind, n);
    const ids = out.findings.map((f) => `${f.kind}.${f.id}`);
    if (outcome === 'bug') {
      expect(ids).toEqual(['bug.iov_iter_revert.past_start']);
      return;
    }
    const overRevert = op.kind === 'revert' && outcome === 'ok' && n > 0 && ref.pos < ref.startPos;
    expect(ids).toEqual(outcome === 'warn' ? ['warn.iov_iter_revert.too_large'] : overRevert ? ['invariant.iov_iter.over_revert'] : []);
    expect(engine.snapshot().iters[0]!.count).toBe(ref.count);
    expect(modelPos(engine, view.before)).toBe(ref.pos);
    if (op.kind === 'advance' && countBefore > 0) expect(view.normalAfterAdvance(engine.snapshot().iters[0]!)).toBe(true);
  }
}

const arbOps = fc.array(arbOp, { minLength: 1, maxLength: 12 });

describe(`iov_iter_advance/revert/truncate/reexpand against a flat reference (seed ${SEED})`, () => {
  test.prop([arbBvec, arbOps], { seed: SEED, numRuns: 400 })('should agree on ITER_BVEC', (l, ops) => {
    const engine = twinEngines();
    step(engine, { type: 'bvec_array', bvec: 0, bv: l.lens.map((len, k) => ({ page: 100 + 4 * k, offset: (k * 700) % 4096, len })) });
    step(engine, { type: 'iov_iter_bvec', iter: 0, direction: 1, bvec: 0, start: l.start, nr_segs: l.end - l.start, count: l.count });
    const startPos = sum(l.lens.slice(0, l.start));
    const ref: Flat = { lens: l.lens, end: l.end, pos: startPos, count: l.count, startPos };
    // ITER_BVEC advances never rest on a finished or empty element inside the window.
    runOps(engine, ref, ops, {
      before: (it) => sum(l.lens.slice(0, it.bvec_index ?? 0)),
      normalAfterAdvance: (it) => (it.bvec_index === l.end ? it.iov_offset === 0 : it.iov_offset < l.lens[it.bvec_index ?? 0]!),
    });
  });

  test.prop([arbBvecq, arbOps], { seed: SEED, numRuns: 400 })('should agree on ITER_BVECQ', (l, ops) => {
    const engine = twinEngines();
    l.nodes.forEach((node, q) => {
      step(engine, { type: 'bvecq_alloc_one', bvecq: q, nr_slots: node.length, max_slots: node.length, fail: false });
      node.forEach((len, s) => step(engine, { type: 'bvecq_set_slot', bvecq: q, slot: s, page: 10 * q + s, offset: 0, len }));
      step(engine, { type: 'bvecq_filled_to', bvecq: q, nr_slots: node.length });
      if (q > 0) step(engine, { type: 'bvecq_append', to: q - 1, add: q });
    });
    step(engine, { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: l.q, slot: l.slot, offset: l.offset, count: l.count });
    const flat = l.nodes.flat();
    const ref: Flat = { lens: flat, end: flat.length, pos: l.startPos, count: l.count, startPos: l.startPos };
    // ITER_BVECQ advances may rest on an empty slot or at slot == nr_slots, but only at offset 0.
    runOps(engine, ref, ops, {
      before: (it) => sum(l.nodes.slice(0, it.bvecq ?? 0).flat()) + sum(l.nodes[it.bvecq ?? 0]!.slice(0, it.bvecq_slot ?? 0)),
      normalAfterAdvance: (it) => it.iov_offset === 0 || it.iov_offset < (l.nodes[it.bvecq ?? 0]![it.bvecq_slot ?? 0] ?? 0),
    });
  });
});
