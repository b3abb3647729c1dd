// The bvecq position and buffer helpers as of netfs tree d8286849 (mutant group bvecq_pos_v1,
// REFERENCE §3 item 7): each hand-written trace names one flag in its header, reports its
// finding at the given step with that flag on, and nothing for the same events without it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace } from '../../traces/index.ts';

function load(name: string) {
  const decoded = decodeTrace(readFileSync(new URL(`./${name}.trace.jsonl`, import.meta.url), 'utf8'));
  if (!decoded.ok) throw new Error(`${name} does not decode: ${JSON.stringify(decoded.error)}`);
  return decoded.value;
}

function replay(name: string, mutants: Record<string, boolean>) {
  const r = replayTrace(load(name), { model: { mutants }, mode: 'immutable' });
  return { error: r.error, ids: r.findings.map((f) => `${f.kind}.${f.id}`) };
}

/** [mutant, finding id (the file name's prefix), kind, step of the finding]. */
const TRACES: [string, string, string, number][] = [
  ['bvecq_pos_advance_inverted', 'bvecq_pos_advance.past_end', 'warn', 3],
  ['bvecq_pos_step_off_by_one', 'bvecq_pos_advance.past_end', 'warn', 4],
  ['bvecq_pos_nudge_no_recheck', 'bvecq.use_after_free', 'bug', 4],
  ['bvecq_zero_slice_walk', 'bvecq_pos.null_deref', 'bug', 2],
  ['bvecq_delete_spent_stale_slot', 'bvecq_pos_advance.past_end', 'warn', 5],
  ['bvecq_shorten_keeps_empty_slot', 'bvecq_append_page.not_at_end', 'warn', 4],
  ['bvecq_expand_mixes_mem_types', 'refcount.leak', 'invariant', 4],
  ['bvecq_free_slot_page_pool', 'netfs_page_pool.page_in_use', 'invariant', 3],
  ['bvecq_extract_crosses_nodes', 'kbuf.out_of_bounds', 'bug', 6],
];

describe.each(TRACES)('mutant %s', (mutant, id, kind, step) => {
  const name = `${id}__${mutant}`;

  it('should name the mutant in its header and explain itself in a note', () => {
    const t = load(name);
    expect(t.header.mutants).toEqual([mutant]);
    expect(t.steps[0]?.event.type).toBe('sim.note');
  });

  it(`should report ${kind} ${id} first, at step ${step}, with the mutant on`, () => {
    const steps: number[] = [];
    const r = replayTrace(load(name), { model: { mutants: { [mutant]: true } }, mode: 'immutable', onStep: (s) => s.findings.length > 0 && steps.push(s.i) });
    expect(r.error).toBeNull();
    expect(r.findings[0] === undefined ? null : `${r.findings[0].kind} ${r.findings[0].id}`).toBe(`${kind} ${id}`);
    expect(steps[0]).toBe(step);
  });

  if (mutant === 'bvecq_expand_mixes_mem_types') {
    // The fixed helper starts a node of its own for the page, an allocation the trace (shaped by
    // the d8286849 revision) does not grant: a rejection, no finding.
    it('should give no finding without the mutant, which asks for one more node', () => {
      const r = replay(name, {});
      expect(r.ids).toEqual([]);
      expect(r.error?.message).toContain('no outcome for node allocation');
    });
  } else {
    it('should give no finding for the same events without the mutant', () => {
      const r = replay(name, {});
      expect(r.error).toBeNull();
      expect(r.ids).toEqual([]);
    });
  }
});
