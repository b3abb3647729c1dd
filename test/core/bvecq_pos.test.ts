// bvecq_pos reference handling (init/set/unset/transfer/move), step and nudge, and the findings
// they raise. Each case folds hand-built chains through the engine and checks state and findings.
import { describe, expect, it } from 'vitest';
import { at, chainEvents, findingIds, pos, refs, run } from './bvecq_pos_fixtures.ts';

const twoNodes = chainEvents([{ slots: [[10, 0, 100], [11, 0, 200]] }, { slots: [[12, 0, 300]] }]);

describe('bvecq_pos_init', () => {
  it('should take a reference on the node it points at', () => {
    const r = run([...twoNodes, at(0, 1, 0, 5)]);
    expect(pos(r, 0)).toEqual([1, 0, 5]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should leave a position made with a NULL node unset and take no reference', () => {
    const r = run([...twoNodes, at(0, null)]);
    expect(pos(r, 0)).toEqual([null, 0, 0]);
    expect(refs(r)).toEqual([1, 1]);
  });

  it('should reject a node that was never created, leaving the state untouched', () => {
    const r = run([...twoNodes, at(0, 7)]);
    expect(r.last.rejection?.field).toBe('bvecq');
    expect(r.state.positions[0]).toBeUndefined();
  });

  it('should truncate a slot that does not fit the u16 field and record the wrap', () => {
    const r = run([...twoNodes, at(0, 0, 65537)]);
    expect(pos(r, 0)).toEqual([0, 1, 0]);
    expect(r.last.wraps).toEqual([{ field: 'slot', value: 65537, wrapped: 1 }]);
  });
});

describe('bvecq_pos_set', () => {
  it('should copy the source position and take its own reference', () => {
    const r = run([...twoNodes, at(0, 1, 0, 9), { type: 'bvecq_pos_set', pos: 1, at: 0 }]);
    expect(pos(r, 1)).toEqual([1, 0, 9]);
    expect(refs(r)).toEqual([1, 3]);
  });

  it('should report a set from an unset position as a NULL dereference and halt', () => {
    const r = run([...twoNodes, at(0, null), { type: 'bvecq_pos_set', pos: 1, at: 0 }, { type: 'bvecq_put', bvecq: 0 }]);
    expect(findingIds(r)).toEqual(['bug.bvecq_pos.null_deref']);
    expect(r.last.halted).toBe(true);
  });

  it('should reject a source position that was never created', () => {
    const r = run([...twoNodes, { type: 'bvecq_pos_set', pos: 1, at: 4 }]);
    expect(r.last.rejection?.field).toBe('at');
  });
});

describe('bvecq_pos_unset', () => {
  it('should drop the reference and cascade down the chain when it was the last holder', () => {
    const r = run([...twoNodes, at(0, 0), { type: 'bvecq_put', bvecq: 0 }, { type: 'bvecq_pos_unset', pos: 0 }]);
    expect(refs(r)).toEqual(['freed', 'freed']);
    expect(pos(r, 0)).toEqual([null, 0, 0]);
  });

  it('should do nothing to the chain for an unset position', () => {
    const r = run([...twoNodes, at(0, null), { type: 'bvecq_pos_unset', pos: 0 }]);
    expect(refs(r)).toEqual([1, 1]);
    expect(findingIds(r)).toEqual([]);
  });

  it('should report a put through a position whose node was freed under it as an underflow', () => {
    const r = run([...twoNodes, at(0, 0), { type: 'bvecq_put', bvecq: 0 }, { type: 'bvecq_put', bvecq: 0 }, { type: 'bvecq_pos_unset', pos: 0 }]);
    expect(findingIds(r)).toEqual(['bug.bvecq.put_underflow']);
  });
});

describe('bvecq_pos leak check at quiescence', () => {
  it('should report a position still set as bvecq_pos.ref_leak', () => {
    const r = run([...twoNodes, at(0, 1), { type: 'bvecq_put', bvecq: 0 }, { type: 'sim.quiesce' }]);
    expect(findingIds(r)).toEqual(['invariant.refcount.leak', 'invariant.bvecq_pos.ref_leak']);
  });

  it('should find nothing once every position is unset and the owner has put the chain', () => {
    const r = run([...twoNodes, at(0, 1), { type: 'bvecq_put', bvecq: 0 }, { type: 'bvecq_pos_unset', pos: 0 }, { type: 'sim.quiesce' }]);
    expect(findingIds(r)).toEqual([]);
    expect(refs(r)).toEqual(['freed', 'freed']);
  });
});

describe('bvecq_pos_transfer', () => {
  it('should move the position and its reference, zeroing the source', () => {
    const r = run([...twoNodes, at(0, 1, 0, 3), at(1, null), { type: 'bvecq_pos_transfer', pos: 1, from: 0 }]);
    expect(pos(r, 1)).toEqual([1, 0, 3]);
    expect(pos(r, 0)).toEqual([null, 0, 0]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should leak the reference of a destination that was still set', () => {
    const r = run([
      ...twoNodes, at(0, 1), at(1, 0),
      { type: 'bvecq_pos_transfer', pos: 1, from: 0 },
      { type: 'bvecq_pos_unset', pos: 1 },
      { type: 'bvecq_put', bvecq: 0 },
      { type: 'sim.quiesce' },
    ]);
    expect(refs(r)).toEqual([1, 1]);
    expect(findingIds(r)).toEqual(['invariant.refcount.leak', 'invariant.refcount.leak']);
  });
});

describe('bvecq_pos_move', () => {
  it('should take the new reference before dropping the old one', () => {
    const r = run([...twoNodes, at(0, 0, 1, 7), { type: 'bvecq_pos_move', pos: 0, to: 1 }]);
    expect(pos(r, 0)).toEqual([1, 1, 7]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should change nothing when the position is already there', () => {
    const r = run([...twoNodes, at(0, 1), { type: 'bvecq_pos_move', pos: 0, to: 1 }]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should report moving onto a freed node as a use after free', () => {
    const r = run([...twoNodes, at(0, null), { type: 'bvecq_put', bvecq: 0 }, { type: 'bvecq_pos_move', pos: 0, to: 1 }]);
    expect(findingIds(r)).toEqual(['bug.bvecq.use_after_free']);
  });
});

describe('bvecq_pos_step', () => {
  it('should step to the next slot within a node', () => {
    const r = run([...twoNodes, at(0, 0, 0, 50), { type: 'bvecq_pos_step', pos: 0 }]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([0, 1, 0]);
  });

  it('should cross to slot 0 of the next node past the published slots', () => {
    const r = run([...twoNodes, at(0, 0, 1), { type: 'bvecq_pos_step', pos: 0 }]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([1, 0, 0]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should return false at the chain end with the slot left incremented', () => {
    const r = run([...twoNodes, at(0, 1, 0), { type: 'bvecq_pos_step', pos: 0 }]);
    expect(r.last.ret).toBe(false);
    expect(pos(r, 0)).toEqual([1, 1, 0]);
  });

  it('should report stepping an unset position as a NULL dereference', () => {
    const r = run([...twoNodes, at(0, null), { type: 'bvecq_pos_step', pos: 0 }]);
    expect(findingIds(r)).toEqual(['bug.bvecq_pos.null_deref']);
  });

  it('should accept the unpublished slot past the end and keep the slot on crossing with bvecq_pos_step_off_by_one', () => {
    const v1 = { bvecq_pos_step_off_by_one: true };
    const onEnd = run([...twoNodes, at(0, 0, 1), { type: 'bvecq_pos_step', pos: 0 }], v1);
    expect(onEnd.last.ret).toBe(true);
    expect(pos(onEnd, 0)).toEqual([0, 2, 0]);
    const crossed = run([...twoNodes, at(0, 0, 2), { type: 'bvecq_pos_step', pos: 0 }], v1);
    expect(pos(crossed, 0)).toEqual([1, 3, 0]);
  });
});

describe('bvecq_pos_nudge', () => {
  it('should leave a position that names a byte where it is', () => {
    const r = run([...twoNodes, at(0, 0, 1, 199), { type: 'bvecq_pos_nudge', pos: 0 }]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([0, 1, 199]);
  });

  it('should skip spent and zero-length slots onto the next node', () => {
    const chain = chainEvents([{ slots: [[10, 0, 100], [null, 0, 0]] }, { slots: [[12, 0, 300]] }]);
    const r = run([...chain, at(0, 0, 0, 100), { type: 'bvecq_pos_nudge', pos: 0 }]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([1, 0, 0]);
    expect(refs(r)).toEqual([1, 2]);
  });

  it('should stop on an empty node whose successor has slot 0 published (kernel re-check quirk)', () => {
    const chain = chainEvents([{ slots: [[10, 0, 100]] }, { slots: [], max: 2 }, { slots: [[12, 0, 300]] }]);
    const r = run([...chain, at(0, 0, 1), { type: 'bvecq_pos_nudge', pos: 0 }]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([1, 0, 0]);
    const v1 = run([...chain, at(0, 0, 1), { type: 'bvecq_pos_nudge', pos: 0 }], { bvecq_pos_nudge_no_recheck: true });
    expect(pos(v1, 0)).toEqual([2, 0, 0]);
  });

  it('should return false at the chain end', () => {
    const r = run([...twoNodes, at(0, 1, 0, 300), { type: 'bvecq_pos_nudge', pos: 0 }]);
    expect(r.last.ret).toBe(false);
    expect(pos(r, 0)).toEqual([1, 1, 0]);
  });

  it('should keep the kernel quirk: a next node with more slots than the old slot index is walked without moving', () => {
    const chain = chainEvents([{ slots: [[10, 0, 100]] }, { slots: [[11, 0, 10], [12, 0, 20]] }]);
    const r = run([...chain, at(0, 0, 1), { type: 'bvecq_pos_nudge', pos: 0 }]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([0, 1, 0]);
    const v1 = run([...chain, at(0, 0, 1), { type: 'bvecq_pos_nudge', pos: 0 }], { bvecq_pos_nudge_no_recheck: true });
    expect(pos(v1, 0)).toEqual([1, 0, 0]);
  });
});
