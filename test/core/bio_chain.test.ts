// Chaining and completion: KUnit-style tables of chain trees and bio_endio orders, the BUG and
// double-completion cases, and a property over split-and-chained trees completed by the device.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { createEngine, DEFAULT_OPTIONS, emptyWorld, type BvsimEvent } from '../../core/index.ts';
import { makeCtx } from '../../core/ctx.ts';
import { newBio, bio_set_flag } from '../../core/bio_state.ts';
import { bio_remaining_done } from '../../core/bio_chain.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  const ids = outs.map((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
  return { outs, ids, state: engine.snapshot(), engine };
}

const alloc = (bio: number): BvsimEvent => ({ type: 'bio_alloc', bio, nr_vecs: 1, opf: 1, max_vecs: 1, fail: false });
const chain = (bio: number, parent: number): BvsimEvent => ({ type: 'bio_chain', bio, parent });
const TREES: Record<string, [number, number][]> = {
  star3: [[1, 0], [2, 0]],
  line3: [[2, 1], [1, 0]],
  fork4: [[1, 0], [2, 0], [3, 1]],
};

describe('bio_endio on a chain tree', () => {
  it.each([
    { tree: 'star3', order: [0, 2, 1], status: {}, want: 0 },
    { tree: 'star3', order: [2, 1, 0], status: { 1: 10, 2: 5 }, want: 5 },
    { tree: 'star3', order: [1, 2, 0], status: { 1: 10, 2: 5 }, want: 10 },
    { tree: 'line3', order: [1, 2, 0], status: { 2: 7 }, want: 7 },
    { tree: 'line3', order: [0, 1, 2], status: { 0: 3, 2: 7 }, want: 3 },
    { tree: 'fork4', order: [3, 0, 2, 1], status: { 3: 9, 2: 4 }, want: 4 },
    { tree: 'fork4', order: [2, 3, 1, 0], status: { 3: 9, 2: 4 }, want: 4 },
    { tree: 'fork4', order: [3, 1, 2, 0], status: { 3: 9, 2: 4 }, want: 9 },
  ])('should complete the root once, last, with the first error: $tree $order', ({ tree, order, status, want }) => {
    const edges = TREES[tree]!;
    const setup: BvsimEvent[] = [...[0, 1, 2, 3].slice(0, edges.length + 1).map(alloc), { type: 'bio_set_end_io', bio: 0, end_io: 'record' }];
    const { engine } = run([...setup, ...edges.map(([c, p]) => chain(c, p))]);
    const st = status as Record<number, number>;
    for (const [k, bio] of order.entries()) {
      const s = st[bio];
      engine.step(s === undefined ? { type: 'bio_endio', bio } : { type: 'bio_endio', bio, status: s });
      expect(engine.snapshot().bios[0]?.end_io_calls).toEqual(k === order.length - 1 ? [want] : []);
    }
    const bios = engine.snapshot().bios;
    expect(bios[0]).toMatchObject({ remaining: 0, flags: [] });
    for (const [c] of edges) expect(bios[c]?.freed).toBe(true);
  });
});

describe('bio_chain', () => {
  it('should BUG on a child that already has bi_end_io, and halt', () => {
    const { ids, outs } = run([alloc(0), alloc(1), { type: 'bio_set_end_io', bio: 1, end_io: 'record' }, chain(1, 0), alloc(2)]);
    expect(ids[3]).toEqual(['bug.bio_chain.already_has_end_io']);
    expect(outs[4]?.halted).toBe(true);
  });

  it('should BUG on a child that is already chained (bi_private set)', () => {
    const { ids } = run([alloc(0), alloc(1), alloc(2), chain(2, 0), chain(2, 1)]);
    expect(ids[4]).toEqual(['bug.bio_chain.already_has_end_io']);
  });
});

describe('bio_endio through a chain cycle', () => {
  it('should report the walk that would spin forever', () => {
    const { ids } = run([
      alloc(0),
      alloc(1),
      chain(0, 1),
      chain(1, 0),
      { type: 'bio_get', bio: 0 },
      { type: 'bio_get', bio: 1 },
      { type: 'bio_endio', bio: 0 },
      { type: 'bio_endio', bio: 1 },
      { type: 'bio_endio', bio: 0 },
    ]);
    expect(ids[8]).toContain('bug.bio_endio.chain_loop');
  });
});

describe('bio_endio twice', () => {
  it('should run bi_end_io of an un-chained bio each time and report the second', () => {
    const { state, ids } = run([alloc(0), { type: 'bio_set_end_io', bio: 0, end_io: 'record' }, { type: 'bio_endio', bio: 0 }, { type: 'bio_endio', bio: 0, status: 10 }]);
    expect(state.bios[0]?.end_io_calls).toEqual([0, 10]);
    expect(ids[3]).toEqual(['invariant.bio.endio_twice']);
  });

  it('should complete a parent ended more times than its count early, and again for the child', () => {
    const { state, ids } = run([
      alloc(0),
      alloc(1),
      { type: 'bio_set_end_io', bio: 0, end_io: 'record' },
      chain(1, 0),
      { type: 'bio_endio', bio: 0 },
      { type: 'bio_endio', bio: 0 },
      { type: 'bio_endio', bio: 1 },
    ]);
    expect(state.bios[0]?.end_io_calls).toEqual([0, 0]);
    expect(ids[5]).toEqual([]);
    expect(ids[6]).toEqual(['invariant.bio.endio_twice']);
  });

  it('should keep a chained child that holds an extra reference, and free a record_put bio', () => {
    const { state } = run([
      alloc(0),
      alloc(1),
      { type: 'bio_set_end_io', bio: 0, end_io: 'record_put' },
      chain(1, 0),
      { type: 'bio_get', bio: 1 },
      { type: 'bio_endio', bio: 1 },
      { type: 'bio_endio', bio: 0 },
    ]);
    expect(state.bios[1]).toMatchObject({ freed: false, cnt: 1 });
    expect(state.bios[0]).toMatchObject({ freed: true, end_io_calls: [0] });
  });
});

describe('bio_remaining_done', () => {
  it('should BUG on a chained bio whose count is already zero', () => {
    const d = emptyWorld();
    const b = newBio(1, 0, null, true);
    bio_set_flag(b, 'CHAIN');
    b.remaining = 0;
    d.bios[0] = b;
    const ctx = makeCtx(0, DEFAULT_OPTIONS);
    expect(bio_remaining_done(d, 0, ctx)).toBeNull();
    expect(ctx.findings.map((f) => `${f.kind}.${f.id}`)).toEqual(['bug.bio_endio.remaining_underflow']);
  });
});

interface Tree {
  events: BvsimEvent[];
  sectors: number[];
  parent: (number | null)[];
}

/** The root (bio 0, `pages` pages) split by repeated bio_split, each split chained to its source. */
function buildTree(pages: number, splits: { target: number; cut: number }[]): Tree {
  const events: BvsimEvent[] = [{ type: 'bio_alloc', bio: 0, nr_vecs: 16, opf: 0, max_vecs: 16, fail: false }, { type: 'bio_set_end_io', bio: 0, end_io: 'record' }];
  for (let p = 0; p < pages; p++) events.push({ type: 'bio_add_page', bio: 0, page: 1000 + 2 * p, len: 4096, offset: 0 });
  const sectors = [pages * 8];
  const parent: (number | null)[] = [null];
  for (const s of splits) {
    const big = sectors.flatMap((n, id) => (n >= 2 ? [id] : []));
    if (big.length === 0) break;
    const t = big[s.target % big.length]!;
    const cut = 1 + (s.cut % (sectors[t]! - 1));
    const id = sectors.length;
    events.push({ type: 'bio_split', bio: t, split: id, sectors: cut, fail: false }, chain(id, t));
    sectors.push(cut);
    sectors[t] = sectors[t]! - cut;
    parent.push(t);
  }
  return { events, sectors, parent };
}

/** An independent statement of the completion rules: the root's status when it completes. */
function expectedRootStatus(tree: Tree, finals: { bio: number; error: number }[]): number | null {
  const remaining = tree.parent.map((_, id) => 1 + tree.parent.filter((p) => p === id).length);
  const status = tree.parent.map(() => 0);
  let result: number | null = null;
  const done = (start: number): void => {
    for (let x: number | null = start; x !== null; ) {
      remaining[x] = remaining[x]! - 1;
      if (remaining[x]! > 0) return;
      const p: number | null = tree.parent[x]!;
      if (p === null) result = status[x]!;
      else if (status[x] !== 0 && status[p] === 0) status[p] = status[x]!;
      x = p;
    }
  };
  for (const f of finals) {
    if (f.error !== 0) status[f.bio] = f.error;
    done(f.bio);
  }
  return result;
}

describe('bio_endio of a split-and-chained tree (property)', () => {
  const stepArb = fc.record({ key: fc.nat(1000), error: fc.constantFrom(0, 0, 0, 5, 10), short: fc.boolean() });
  const arb = fc.record({
    pages: fc.integer({ min: 1, max: 6 }),
    splits: fc.array(fc.record({ target: fc.nat(), cut: fc.nat() }), { maxLength: 7 }),
    steps: fc.array(fc.tuple(stepArb, fc.nat(1000)), { minLength: 8, maxLength: 8 }),
  });

  test.prop([arb], { seed: 20260704, numRuns: 200 })('should complete the parent exactly once, last, with the first error', ({ pages, splits, steps }) => {
    const tree = buildTree(pages, splits);
    const submits = tree.sectors.map((_, id): BvsimEvent => ({ type: 'submit_bio', bio: id, io: id }));
    const parts = tree.sectors.flatMap((n, id) => {
      const [s, key2] = steps[id]!;
      const half = s.short && n >= 2 ? Math.floor(n / 2) : 0;
      const last = { bio: id, key: Math.max(s.key, key2), part: 1, bytes: (n - half) * 512, error: s.error };
      return half > 0 ? [{ bio: id, key: s.key, part: 0, bytes: half * 512, error: 0 }, last] : [last];
    });
    parts.sort((a, b) => a.key - b.key || a.part - b.part || a.bio - b.bio);
    const { engine, ids } = run([...tree.events, ...submits]);
    expect(ids.flat()).toEqual([]);
    const finals = parts.filter((p) => p.part === 1);
    for (const [k, p] of parts.entries()) {
      const out = engine.step({ type: 'sim.device_complete', io: p.bio, bytes: p.bytes, error: p.error });
      expect(out.findings).toEqual([]);
      expect(engine.snapshot().bios[0]?.end_io_calls.length).toBe(k === parts.length - 1 ? 1 : 0);
    }
    const st = engine.snapshot();
    expect(st.bios[0]?.end_io_calls).toEqual([expectedRootStatus(tree, finals)]);
    expect(tree.sectors.slice(1).every((_, k) => st.bios[k + 1]?.freed === true)).toBe(true);
    engine.step({ type: 'bio_put', bio: 0 });
    expect(engine.step({ type: 'sim.quiesce' }).findings).toEqual([]);
  });
});
