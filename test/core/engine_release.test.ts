// Engine.release(): a finished mutable engine empties its working copy in place (so that a run's
// tables left in the old generation keep nothing of it alive); an immutable engine's snapshots,
// which callers may keep, are never touched.
import { describe, expect, it } from 'vitest';
import { canonicalJson, createEngine, emptyWorld, type BvsimEvent } from '../../core/index.ts';

const story: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 1, order: 0, pfn: 16, fail: false },
  { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false, mem_type: 'EXTERNAL' },
  { type: 'kbuf_alloc', buf: 0, size: 4096 },
];

describe('engine release', () => {
  it('should empty a mutable working copy in place, tables and all', () => {
    const engine = createEngine('mutable', { mutants: {} });
    for (const e of story) engine.step(e);
    const before = engine.peek();
    const kept = engine.snapshot();
    expect(Object.keys(before.folios)).toEqual(['1']);
    engine.release();
    expect(canonicalJson(before)).toBe(canonicalJson(emptyWorld()));
    // A snapshot taken earlier is a copy of its own.
    expect(Object.keys(kept.folios)).toEqual(['1']);
    expect(Object.keys(kept.kbufs)).toEqual(['0']);
  });

  it('should leave an immutable snapshot as it was', () => {
    const engine = createEngine('immutable', { mutants: {} });
    for (const e of story) engine.step(e);
    const snap = engine.peek();
    const text = canonicalJson(snap);
    engine.release();
    expect(canonicalJson(snap)).toBe(text);
    expect(engine.peek()).toBe(snap);
  });
});
