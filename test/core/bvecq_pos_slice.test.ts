// The byte-counting walks over a chain (bvecq_pos_advance, bvecq_zero, bvecq_slice, bvecq_extract):
// examples on hand-built chains, then fast-check properties over generated chains.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { at, chainEvents, findingIds, pos, refs, run, type NodeSpec } from './bvecq_pos_fixtures.ts';

const chain = chainEvents([{ slots: [[10, 0, 100], [11, 0, 200]] }, { slots: [[12, 0, 300]] }]);
const advance = (amount: number): BvsimEvent => ({ type: 'bvecq_pos_advance', pos: 0, amount });

describe('bvecq_pos_advance', () => {
  it('should move within a slot', () => {
    const r = run([...chain, at(0, 0), advance(40)]);
    expect(pos(r, 0)).toEqual([0, 0, 40]);
  });

  it('should leave (slot + 1, 0) when a slot is consumed exactly, even at the node end', () => {
    const r = run([...chain, at(0, 0), advance(300)]);
    expect(pos(r, 0)).toEqual([0, 2, 0]);
    expect(refs(r)).toEqual([2, 1]);
  });

  it('should cross nodes, moving the reference', () => {
    const r = run([...chain, at(0, 0), advance(350)]);
    expect(pos(r, 0)).toEqual([1, 0, 50]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should WARN and stop past the last slot when the chain runs out', () => {
    const r = run([...chain, at(0, 0), advance(10_000)]);
    expect(findingIds(r)).toEqual(['warn.bvecq_pos_advance.past_end']);
    expect(pos(r, 0)).toEqual([1, 1, 0]);
  });

  it('should report a chain that loops back on itself (the kernel would walk forever) as a bug', () => {
    const loop = chainEvents([{ slots: [], max: 1 }, { slots: [], max: 1 }]);
    const r = run([...loop, { type: 'bvecq_append', to: 1, add: 0 }, at(0, 0), advance(1)]);
    expect(findingIds(r)).toEqual(['bug.bvecq.chain_cycle']);
  });

  it('should add the amount to an offset already past the slot length (size_t remainder wraps)', () => {
    const r = run([...chain, at(0, 0, 0, 150), advance(10)]);
    expect(pos(r, 0)).toEqual([0, 0, 160]);
  });

  it('should read an unpublished slot after hopping a valid one with bvecq_pos_advance_inverted', () => {
    const short = chainEvents([{ slots: [[10, 0, 100]], max: 2 }, { slots: [], max: 2 }]);
    const r = run([...short, at(0, 0), advance(10)], { bvecq_pos_advance_inverted: true });
    expect(findingIds(r)).toEqual(['bug.bvecq.read_unfilled_slot']);
  });
});

describe('bvecq_zero', () => {
  const folios: BvsimEvent[] = [
    { type: 'folio_alloc', folio: 1, order: 1, pfn: 10, fail: false },
    { type: 'folio_alloc', folio: 2, order: 0, pfn: 12, fail: false },
  ];
  const zchain = chainEvents([{ slots: [[10, 4000, 200]] }, { slots: [[12, 0, 300]] }]);

  it('should clear bytes across a page boundary with zero provenance and return the count', () => {
    const r = run([...folios, ...zchain, at(0, 0, 0, 50), { type: 'bvecq_zero', pos: 0, amount: 200 }]);
    expect(r.last.ret).toBe(200);
    expect(r.state.folios[1]?.data).toEqual([{ at: 4050, len: 150, src: 'zero', off: 4050 }]);
    expect(r.state.folios[2]?.data).toEqual([{ at: 0, len: 50, src: 'zero', off: 0 }]);
    expect(pos(r, 0)).toEqual([1, 0, 50]);
  });

  it('should stop on the slot with offset == bv_len when the amount ends there', () => {
    const r = run([...folios, ...zchain, at(0, 0), { type: 'bvecq_zero', pos: 0, amount: 200 }]);
    expect(pos(r, 0)).toEqual([0, 0, 200]);
  });

  it('should WARN and return what it cleared when the chain ends first', () => {
    const r = run([...zchain, at(0, 0), { type: 'bvecq_zero', pos: 0, amount: 1000 }]);
    expect(r.last.ret).toBe(500);
    expect(findingIds(r)).toEqual(['warn.bvecq_zero.past_end']);
  });

  it('should report clearing through a NULL page as a bug', () => {
    const r = run([...chainEvents([{ slots: [[null, 0, 10]] }]), at(0, 0), { type: 'bvecq_zero', pos: 0, amount: 5 }]);
    expect(findingIds(r)).toEqual(['bug.bvecq_zero.kmap_null_page']);
  });

  it('should skip NULL pages and not WARN with bvecq_zero_slice_walk', () => {
    const c = chainEvents([{ slots: [[null, 0, 10], [12, 0, 20]] }]);
    const r = run([...c, at(0, 0), { type: 'bvecq_zero', pos: 0, amount: 100 }], { bvecq_zero_slice_walk: true });
    expect(r.last.ret).toBe(20);
    expect(findingIds(r)).toEqual([]);
    expect(pos(r, 0)).toEqual([0, 2, 0]);
  });
});

describe('bvecq_slice', () => {
  const slice = (max_size: number, max_slots: number): BvsimEvent => ({ type: 'bvecq_slice', pos: 0, max_size, max_slots });

  it('should count page-backed slots up to max_size and leave offset == bv_len on an exact end', () => {
    const r = run([...chain, at(0, 0), slice(300, 10)]);
    expect(r.last.ret).toEqual({ size: 300, nr_slots: 2 });
    expect(pos(r, 0)).toEqual([0, 1, 200]);
  });

  it('should stop at max_slots', () => {
    const r = run([...chain, at(0, 0, 0, 30), slice(10_000, 2)]);
    expect(r.last.ret).toEqual({ size: 270, nr_slots: 2 });
  });

  it('should report one slot and no bytes for max_size 0 (kernel quirk)', () => {
    const r = run([...chain, at(0, 0), slice(0, 10)]);
    expect(r.last.ret).toEqual({ size: 0, nr_slots: 1 });
    expect(pos(r, 0)).toEqual([0, 0, 0]);
  });

  it('should move on to the next node only when its walk ran off the published slots of a node', () => {
    const withNull = chainEvents([{ slots: [[10, 0, 100], [null, 0, 50]] }, { slots: [[12, 0, 300]] }]);
    const r = run([...withNull, at(0, 0), slice(100, 1)]);
    expect(r.last.ret).toEqual({ size: 100, nr_slots: 1 });
    expect(pos(r, 0)).toEqual([0, 0, 100]);
    const r2 = run([...withNull, at(0, 0, 1), slice(10_000, 10)]);
    expect(r2.last.ret).toEqual({ size: 300, nr_slots: 1 });
    expect(pos(r2, 0)).toEqual([1, 1, 0]);
  });
});

describe('bvecq_extract', () => {
  const extract = (max_size: number, max_slots: number, fail = false): BvsimEvent => ({ type: 'bvecq_extract', pos: 0, max_size, max_slots, to: 20, fail });

  it('should transcribe slot portions into a new chain and stop at the node boundary', () => {
    const r = run([...chain, at(0, 0, 0, 40), extract(10_000, 10)]);
    expect(r.last.ret).toBe(260);
    const q = r.state.bvecqs[20];
    expect(q?.nr_slots).toBe(2);
    expect(q?.max_slots).toBe(5);
    expect(q?.bv.slice(0, 2)).toEqual([{ page: 10, offset: 40, len: 60 }, { page: 11, offset: 0, len: 200 }]);
    expect(pos(r, 0)).toEqual([1, 0, 0]);
    expect(refs(r)).toEqual([1, 2, 1]);
  });

  it('should go on across the node with bvecq_extract_crosses_nodes', () => {
    const r = run([...chain, at(0, 0), extract(10_000, 10)], { bvecq_extract_crosses_nodes: true });
    expect(r.last.ret).toBe(600);
    expect(pos(r, 0)).toEqual([1, 0, 300]);
  });

  it('should return -EIO with nothing to extract and -ENOMEM when the chain allocation fails', () => {
    expect(run([...chain, at(0, 1, 1), extract(100, 10)]).last.ret).toBe(-5);
    const failed = run([...chain, at(0, 0), extract(100, 10, true)]);
    expect(failed.last.ret).toBe(-12);
    expect(failed.state.bvecqs[20]).toBeUndefined();
  });

  it('should WARN on max_slots 0 and treat it as no limit', () => {
    const r = run([...chain, at(0, 0), extract(250, 0)]);
    expect(r.last.ret).toBe(250);
    expect(findingIds(r)).toEqual(['warn.bvecq_extract.zero_max_slots']);
  });

  it('should reject a destination id that is taken', () => {
    const r = run([...chain, at(0, 0), { type: 'bvecq_extract', pos: 0, max_size: 10, max_slots: 1, to: 1, fail: false }]);
    expect(r.last.rejection?.field).toBe('to');
  });
});

/** Chains of 1-4 nodes of 1-4 page-backed slots, every slot non-empty. */
const nodesArb: fc.Arbitrary<NodeSpec[]> = fc.array(fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 })
  .map((nodes) => nodes.map((lens, k) => ({ slots: lens.map((len, s): [number, number, number] => [100 * k + 10 * s + 1, 0, len]) })));

function total(nodes: NodeSpec[]): number {
  return nodes.flatMap((n) => n.slots.map((s) => s[2])).reduce((a, b) => a + b, 0);
}

const nudge = (p: number): BvsimEvent => ({ type: 'bvecq_pos_nudge', pos: p });

describe('bvecq_pos_advance (properties, seed 0x5eed)', () => {
  test.prop([nodesArb, fc.nat(40_000), fc.nat(40_000)], { seed: 0x5eed })('should advance by a then b exactly as by a + b', (nodes, a, b) => {
    const r = run([...chainEvents(nodes), at(0, 0), at(1, 0), advance(a), advance(b), { type: 'bvecq_pos_advance', pos: 1, amount: a + b }]);
    expect(pos(r, 0)).toEqual(pos(r, 1));
    const warned = (i: number) => r.outs[r.outs.length - i]?.findings.some((f) => f.kind === 'warn') ?? false;
    expect(warned(3) || warned(2)).toBe(warned(1));
    expect(warned(1)).toBe(a + b > total(nodes));
  });
});

describe('bvecq_slice (properties, seed 0x51ce)', () => {
  test.prop([nodesArb, fc.nat(40_000), fc.nat(6)], { seed: 0x51ce })('should never exceed max_size or max_slots and keep every reference', (nodes, max_size, max_slots) => {
    const r = run([...chainEvents(nodes), at(0, 0), { type: 'bvecq_slice', pos: 0, max_size, max_slots }]);
    const ret = r.last.ret as { size: number; nr_slots: number };
    expect(ret.size).toBeLessThanOrEqual(Math.min(max_size, total(nodes)));
    expect(ret.nr_slots).toBeLessThanOrEqual(Math.max(max_slots, 1));
    expect(refs(r).reduce((x, y) => Number(x) + Number(y), 0)).toBe(nodes.length + 1);
  });
});

describe('bvecq_zero (properties, seed 0x2e40)', () => {
  test.prop([nodesArb, fc.nat(40_000)], { seed: 0x2e40 })('should clear what advance would consume and, once nudged, land on the same byte', (nodes, n) => {
    const zero: BvsimEvent = { type: 'bvecq_zero', pos: 0, amount: n };
    const r = run([...chainEvents(nodes), at(0, 0), at(1, 0), zero, nudge(0), { type: 'bvecq_pos_advance', pos: 1, amount: n }, nudge(1)]);
    expect(r.outs[r.outs.length - 4]?.ret).toBe(Math.min(n, total(nodes)));
    expect(pos(r, 0)).toEqual(pos(r, 1));
  });
});
