// The bvecq buffer helpers: delete_spent, shorten_buffer, expand_buffer, buffer_init/append,
// append_page and alloc_chain, with their WARN/BUG findings, rejections and d8286849 mutants.
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { at, chainEvents, findingIds, pos, refs, run } from './bvecq_pos_fixtures.ts';

const spent = (p = 0): BvsimEvent => ({ type: 'bvecq_delete_spent', pos: p });

describe('bvecq_delete_spent', () => {
  const chain = chainEvents([{ slots: [[10, 0, 100]] }, { slots: [[12, 0, 300]] }]);

  it('should free the spent front node and move the position to the successor', () => {
    const r = run([...chain, at(0, 0, 1), { type: 'bvecq_put', bvecq: 0 }, spent()]);
    expect(r.last.ret).toBe(true);
    expect(pos(r, 0)).toEqual([1, 0, 0]);
    expect(refs(r)).toEqual(['freed', 1]);
    expect(r.state.bvecqs[1]?.prev).toBeNull();
  });

  it('should keep a node that still has slots past the position, and the last node', () => {
    expect(run([...chain, at(0, 0, 0), spent()]).last.ret).toBe(true);
    const last = run([...chain, at(0, 1, 1), spent()]);
    expect(last.last.ret).toBe(false);
    expect(pos(last, 0)).toEqual([1, 1, 0]);
  });

  it('should go on past an empty successor', () => {
    const c = chainEvents([{ slots: [[10, 0, 100]] }, { slots: [], max: 3 }, { slots: [[12, 0, 300]] }]);
    const r = run([...c, at(0, 0, 1), { type: 'bvecq_put', bvecq: 0 }, spent()]);
    expect(pos(r, 0)).toEqual([2, 0, 0]);
    expect(refs(r)).toEqual(['freed', 'freed', 1]);
  });

  it('should leave a surviving spent node linked, but detach it with bvecq_delete_spent_stale_slot', () => {
    const fixed = run([...chain, at(0, 0, 1), spent()]);
    expect(fixed.state.bvecqs[0]?.next).toBe(1);
    expect(refs(fixed)).toEqual([1, 2]);
    const v1 = run([...chain, at(0, 0, 1), spent()], { bvecq_delete_spent_stale_slot: true });
    expect(v1.state.bvecqs[0]?.next).toBeNull();
    expect(refs(v1)).toEqual([1, 1]);
  });

  it('should report an unset position as a NULL dereference', () => {
    expect(findingIds(run([...chain, at(0, null), spent()]))).toEqual(['bug.bvecq_pos.null_deref']);
  });
});

describe('bvecq_shorten_buffer', () => {
  const folios: BvsimEvent[] = [11, 12, 13].map((pfn) => ({ type: 'folio_alloc', folio: pfn, order: 0, pfn, fail: false }));
  const chain = chainEvents([{ slots: [[11, 0, 100], [12, 0, 200]], mem_type: 'PAGECACHE' }, { slots: [[13, 0, 300]], mem_type: 'PAGECACHE' }]);
  const shorten = (size: number, slot = 0): BvsimEvent => ({ type: 'bvecq_shorten_buffer', bvecq: 0, slot, size });

  it('should trim the slot where the size runs out, release the rest and put the tail', () => {
    const r = run([...folios, ...chain, shorten(150)]);
    expect(r.last.ret).toBe(0);
    expect(r.state.bvecqs[0]?.nr_slots).toBe(2);
    expect(r.state.bvecqs[0]?.bv[1]?.len).toBe(50);
    expect(r.state.bvecqs[0]?.next).toBeNull();
    expect(refs(r)).toEqual([1, 'freed']);
    expect(r.state.folios[13]?.freed).toBe(true);
    expect(r.state.folios[12]?.freed).toBe(false);
  });

  it('should keep no zero-length slot when the size ends on a slot boundary', () => {
    const r = run([...folios, ...chain, shorten(100)]);
    expect(r.state.bvecqs[0]?.nr_slots).toBe(1);
    expect(r.state.folios[12]?.freed).toBe(true);
  });

  it('should keep a zero-length slot on a boundary with bvecq_shorten_keeps_empty_slot', () => {
    const r = run([...folios, ...chain, shorten(100)], { bvecq_shorten_keeps_empty_slot: true });
    expect(r.state.bvecqs[0]?.nr_slots).toBe(2);
    expect(r.state.bvecqs[0]?.bv[1]?.len).toBe(0);
    expect(r.state.folios[12]?.freed).toBe(false);
  });

  it('should WARN and return -EMSGSIZE when the chain is too short, changing nothing', () => {
    const r = run([...folios, ...chain, shorten(601)]);
    expect(r.last.ret).toBe(-90);
    expect(findingIds(r)).toEqual(['warn.bvecq_shorten_buffer.too_short']);
    expect(refs(r)).toEqual([1, 1]);
  });
});

describe('bvecq_expand_buffer', () => {
  const expand = (bvecq: number | null, cur_size: number, size: number, nodes: (number | null)[], allocs: (number | null)[]): BvsimEvent =>
    ({ type: 'bvecq_expand_buffer', bvecq, cur_size, size, nodes, allocs });

  it('should start an ALLOCED chain, preferring a compound page sized by the shortfall', () => {
    const r = run([expand(null, 0, 10_000, [5], [64, 66])]);
    expect(r.last.ret).toEqual({ ret: 0, cur_size: 12288 });
    expect(r.state.bvecqs[5]?.mem_type).toBe('ALLOCED');
    expect(r.state.bvecqs[5]?.bv.slice(0, 2)).toEqual([{ page: 64, offset: 0, len: 8192 }, { page: 66, offset: 0, len: 4096 }]);
    expect(r.state.folios[64]?.order).toBe(1);
  });

  it('should retry a failed compound allocation at order 0, and keep partial growth on -ENOMEM', () => {
    const r = run([expand(null, 0, 8192, [5], [null, 64, null])]);
    expect(r.last.ret).toEqual({ ret: -12, cur_size: 4096 });
    expect(r.state.bvecqs[5]?.nr_slots).toBe(1);
  });

  it('should free its pages with the node', () => {
    const r = run([expand(null, 0, 4096, [5], [64]), { type: 'bvecq_put', bvecq: 5 }, { type: 'sim.quiesce' }]);
    expect(r.state.folios[64]?.freed).toBe(true);
    expect(findingIds(r)).toEqual([]);
  });

  it('should start a new node after a tail of another mem_type', () => {
    const tail = chainEvents([{ slots: [[10, 0, 4096]], max: 4, mem_type: 'EXTERNAL' }]);
    const r = run([...tail, expand(0, 4096, 8192, [1], [64])]);
    expect(r.state.bvecqs[0]?.next).toBe(1);
    expect(r.state.bvecqs[1]?.prev).toBe(0);
    expect(r.state.bvecqs[0]?.nr_slots).toBe(1);
  });

  it('should leak its page into an EXTERNAL tail with bvecq_expand_mixes_mem_types', () => {
    const tail = chainEvents([{ slots: [[10, 0, 4096]], max: 4, mem_type: 'EXTERNAL' }]);
    const r = run([...tail, expand(0, 4096, 8192, [], [64]), { type: 'bvecq_put', bvecq: 0 }, { type: 'sim.quiesce' }], { bvecq_expand_mixes_mem_types: true });
    expect(r.outs[r.outs.length - 3]?.rejection).toBeNull();
    expect(findingIds(r)).toEqual(['invariant.refcount.leak']);
  });

  it('should unpin a page that was never pinned (bug) when mixed into a GUP tail with bvecq_expand_mixes_mem_types', () => {
    const tail = chainEvents([{ slots: [], max: 4, mem_type: 'GUP' }]);
    const r = run([...tail, expand(0, 0, 4096, [], [64]), { type: 'bvecq_put', bvecq: 0 }], { bvecq_expand_mixes_mem_types: true });
    expect(findingIds(r)).toEqual(['bug.pin.double_unpin']);
  });

  it('should hand an order-0 page to netfs_page_pool with bvecq_free_slot_page_pool, reporting it only while others still hold it', () => {
    const pool = { bvecq_free_slot_page_pool: true };
    const alone = run([expand(null, 0, 4096, [5], [64]), { type: 'bvecq_put', bvecq: 5 }, { type: 'sim.quiesce' }], pool);
    expect(alone.state.folios[64]?.freed).toBe(false);
    expect(findingIds(alone)).toEqual([]);
    const held = [expand(null, 0, 4096, [5], [64]), { type: 'folio_get', folio: 64 } as const, { type: 'bvecq_put', bvecq: 5 } as const];
    expect(findingIds(run(held, pool))).toEqual(['invariant.netfs_page_pool.page_in_use']);
    expect(findingIds(run(held))).toEqual([]);
  });

  it('should reject outcomes that do not fit the calls it makes', () => {
    expect(run([expand(null, 0, 12_288, [5], [64])]).last.rejection?.field).toBe('allocs');
    expect(run([expand(null, 0, 4096, [5, 6], [64])]).last.rejection?.field).toBe('nodes');
    expect(run([expand(null, 0, 8192, [5], [65])]).last.rejection?.field).toBe('allocs');
  });
});

describe('bvecq_buffer_init, bvecq_buffer_append and bvecq_append_page', () => {
  const page = (p: number, extra: Partial<{ bvecq: number; fail: boolean }> = {}): BvsimEvent => ({ type: 'bvecq_append_page', pos: 0, page: p, offset: 0, len: 4096, ...extra });

  it('should give the position the new node and fill slots in order', () => {
    const r = run([{ type: 'bvecq_buffer_init', pos: 0, bvecq: 0, fail: false }, page(64), page(65)]);
    expect(r.outs[0]?.ret).toBe(0);
    expect(pos(r, 0)).toEqual([0, 2, 0]);
    expect(r.state.bvecqs[0]?.nr_slots).toBe(2);
    expect(r.state.bvecqs[0]?.max_slots).toBe(29);
    expect(refs(r)).toEqual([1]);
  });

  it('should return -ENOMEM when the node allocation fails', () => {
    const r = run([{ type: 'bvecq_buffer_init', pos: 0, bvecq: 0, fail: true }]);
    expect(r.last.ret).toBe(-12);
    expect(r.state.bvecqs[0]).toBeUndefined();
  });

  it('should append a node when the current one is full, handing the old head to the chain', () => {
    const full = chainEvents([{ slots: [[10, 0, 4096]] }]);
    const r = run([...full, at(0, 0, 1), { type: 'bvecq_put', bvecq: 0 }, page(64, { bvecq: 1 })]);
    expect(r.last.ret).toBe(0);
    expect(pos(r, 0)).toEqual([1, 1, 0]);
    expect(refs(r)).toEqual(['freed', 1]);
  });

  it('should WARN when the position is not at the published end', () => {
    const r = run([{ type: 'bvecq_buffer_init', pos: 0, bvecq: 0, fail: false }, page(64), { type: 'bvecq_pos_init', pos: 0, bvecq: 0, slot: 0, offset: 0 }, page(65)]);
    expect(findingIds(r)).toContain('warn.bvecq_append_page.not_at_end');
  });

  it('should reject a full node with no id for its successor', () => {
    const full = chainEvents([{ slots: [[10, 0, 4096]] }]);
    expect(run([...full, at(0, 0, 1), page(64)]).last.rejection?.field).toBe('bvecq');
    expect(run([...full, at(0, 0, 1), page(64, { fail: true })]).last.ret).toBe(-12);
  });

  it('should link an appended node after the position and drop the old head, whose free drops the link', () => {
    const r = run([
      { type: 'bvecq_buffer_init', pos: 0, bvecq: 0, fail: false },
      { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 4, max_slots: 4, fail: false },
      { type: 'bvecq_buffer_append', pos: 0, bvecq: 1 },
    ]);
    expect(refs(r)).toEqual(['freed', 1]);
    expect(r.state.bvecqs[1]?.prev).toBe(0);
  });
});

describe('bvecq_alloc_chain', () => {
  it('should allocate linked nodes until the granted slots cover the request', () => {
    const r = run([{ type: 'bvecq_alloc_chain', nr_slots: 40, bvecqs: [3, 4], max_slots: [29, 29], fail: false }]);
    expect(r.last.ret).toBe(3);
    expect(refs(r)).toEqual([1, 1]);
    expect(r.state.bvecqs[3]?.next).toBe(4);
  });

  it('should put the partial chain when an allocation fails', () => {
    const r = run([{ type: 'bvecq_alloc_chain', nr_slots: 40, bvecqs: [3], max_slots: [29], fail: true }]);
    expect(r.last.ret).toBeNull();
    expect(refs(r)).toEqual(['freed']);
  });

  it('should reject node lists the allocation loop could not have produced', () => {
    expect(run([{ type: 'bvecq_alloc_chain', nr_slots: 10, bvecqs: [3, 4], max_slots: [29, 29], fail: false }]).last.rejection?.field).toBe('bvecqs');
    expect(run([{ type: 'bvecq_alloc_chain', nr_slots: 40, bvecqs: [3], max_slots: [29], fail: false }]).last.rejection?.field).toBe('bvecqs');
  });
});
