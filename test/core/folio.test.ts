// Folio refcounting, locking and pins: examples of the WARN/BUG/rejection tiers.
// Each case folds a few events through the immutable engine and checks state and findings.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  return { outs, state: engine.snapshot() };
}

describe('folio_put', () => {
  it('should free the folio when the last reference goes', () => {
    const { state, outs } = run([
      { type: 'folio_alloc', folio: 1, order: 1, pfn: 8, fail: false },
      { type: 'folio_get', folio: 1 },
      { type: 'folio_put', folio: 1 },
      { type: 'folio_put', folio: 1 },
    ]);
    expect(state.folios[1]?.freed).toBe(true);
    expect(outs.flatMap((o) => o.findings)).toEqual([]);
  });

  it('should report a put of a freed folio as a bug and halt', () => {
    const { outs, state } = run([
      { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
      { type: 'folio_put', folio: 1 },
      { type: 'folio_put', folio: 1 },
      { type: 'folio_get', folio: 1 },
    ]);
    expect(outs[2]?.findings.map((f) => `${f.kind}.${f.id}`)).toEqual(['bug.folio.put_underflow']);
    expect(outs[3]?.halted).toBe(true);
    expect(state.halted).toEqual({ i: 2, id: 'folio.put_underflow' });
  });

  it('should reject an event naming a folio that never existed, leaving state untouched', () => {
    const engine = createEngine('immutable', DEFAULT_OPTIONS);
    const before = engine.snapshot();
    const out = engine.step({ type: 'folio_put', folio: 9 });
    expect(out.rejection?.field).toBe('folio');
    expect(engine.snapshot()).toBe(before);
  });

  it('should reject a folio whose pfn overlaps a live folio', () => {
    const { outs } = run([
      { type: 'folio_alloc', folio: 1, order: 2, pfn: 8, fail: false },
      { type: 'folio_alloc', folio: 2, order: 0, pfn: 10, fail: false },
    ]);
    expect(outs[1]?.rejection?.field).toBe('pfn');
  });
});

describe('folio_unlock', () => {
  it('should report unlocking an unlocked folio as a bug', () => {
    const { outs } = run([
      { type: 'folio_alloc', folio: 1, order: 0, pfn: 3, fail: false },
      { type: 'folio_lock', folio: 1 },
      { type: 'folio_unlock', folio: 1 },
      { type: 'folio_unlock', folio: 1 },
    ]);
    expect(outs[3]?.findings[0]?.id).toBe('folio_unlock.not_locked');
  });
});

describe('sim.quiesce', () => {
  it('should report a folio still holding the allocator reference as a leak', () => {
    const { outs } = run([{ type: 'folio_alloc', folio: 1, order: 0, pfn: 3, fail: false }, { type: 'sim.quiesce' }]);
    expect(outs[1]?.findings.map((f) => f.id)).toEqual(['refcount.leak']);
  });

  it('should accept user folios at their mapping baseline', () => {
    const { outs, state } = run([{ type: 'sim.user_map', runs: [[16, 2, 1, 2]] }, { type: 'sim.quiesce' }]);
    expect(state.user.pages).toEqual([17, 18]);
    expect(state.folios[16]?.data).toEqual([{ at: 4096, len: 8192, src: 'user', off: 0 }]);
    expect(outs[1]?.findings).toEqual([]);
  });
});
