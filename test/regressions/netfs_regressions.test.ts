// netfs read and write regressions: each mutant trace must report its finding with its flag and nothing
// without it (the same events), and the hand-built traces pin what the model says about the
// kernel code as stored (REFERENCE §3 item 18, two cursor-design races, the mixed-order unlock).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace } from '../../traces/index.ts';

function replay(file: string, mutants: Record<string, boolean>) {
  const decoded = decodeTrace(readFileSync(new URL(`./${file}.trace.jsonl`, import.meta.url), 'utf8'));
  if (!decoded.ok) throw new Error(`${file} does not decode: ${JSON.stringify(decoded.error)}`);
  const r = replayTrace(decoded.value, { model: { mutants }, mode: 'immutable' });
  return { header: decoded.value.header, error: r.error, ids: r.findings.map((f) => `${f.kind}.${f.id}`) };
}

const MUTANT_TRACES: [string, string, string][] = [
  ['netfs_subreq_terminated_twice', 'netfs.subreq_terminated_twice', 'bug'],
  ['netfs_9p_revert_after_read', 'bvecq.use_after_free', 'bug'],
  ['netfs_no_transferred_check', 'netfs.transferred_exceeds_len', 'invariant'],
  ['netfs_collect_stale_slot', 'folio.unlocked_out_of_order', 'invariant'],
  ['netfs_unlock_uncollected_folio', 'folio.unlocked_before_collected', 'invariant'],
  ['netfs_dio_write_out_of_order', 'netfs.dio_write_out_of_order', 'invariant'],
  ['netfs_reissue_write_content_leak', 'refcount.leak', 'invariant'],
];

describe.each(MUTANT_TRACES)('netfs mutant %s', (mutant, id, kind) => {
  const file = `${id}__${mutant}`;

  it('should name the mutant in its header', () => {
    expect(replay(file, {}).header.mutants).toEqual([mutant]);
  });

  it(`should report ${kind} ${id} first with the mutant on`, () => {
    const r = replay(file, { [mutant]: true });
    expect(r.error).toBeNull();
    expect(r.ids[0]).toBe(`${kind}.${id}`);
  });

  it('should give no finding for the same events without the mutant', () => {
    const r = replay(file, {});
    expect(r.error).toBeNull();
    expect(r.ids).toEqual([]);
  });
});

const MODEL_TRACES: [string, string][] = [
  ['data.misplaced__hand_cursor_retry_during_dispatch', 'invariant.data.misplaced'],
  ['bvecq.use_after_free__hand_rolling_reset_iter_node_end', 'bug.bvecq.use_after_free'],
  ['bvecq.use_after_free__hand_rolling_subreq_at_node_boundary', 'bug.bvecq.use_after_free'],
  ['subreq.use_after_free__hand_cursor_fifth_retry', 'bug.subreq.use_after_free'],
  ['folio.collected_not_uptodate__hand_mixed_orders_cursor', 'invariant.folio.collected_not_uptodate'],
  ['folio.collected_not_uptodate__hand_mixed_orders_rolling', 'invariant.folio.collected_not_uptodate'],
];

describe('netfs read path as stored (no mutant)', () => {
  it.each(MODEL_TRACES)('%s should report %s first', (file, id) => {
    const r = replay(file, {});
    expect(r.error).toBeNull();
    expect(r.ids[0]).toBe(id);
  });
});
