// Regression for the empty-bvecq handling fixed in "iov_iter: Add a segmented queue of bio_vec[]"
// (bvecq series v5 changelog): a copy through a chain whose middle node is empty but has a filled,
// unpublished bv[0]. Replayed with mutant iov_iter_bvecq_empty_not_skipped and without it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace } from '../../traces/index.ts';

const text = readFileSync(new URL('./data.misplaced__bvecq_empty.trace.jsonl', import.meta.url), 'utf8');

function replay(mutants: Record<string, boolean>) {
  const decoded = decodeTrace(text);
  if (!decoded.ok) throw new Error(`trace does not decode: ${JSON.stringify(decoded.error)}`);
  return replayTrace(decoded.value, { model: { mutants }, mode: 'immutable' });
}

describe('iterate_bvecq (empty bvecqs not skipped)', () => {
  it('should name the mutant in its header', () => {
    const decoded = decodeTrace(text);
    expect(decoded.ok && decoded.value.header.mutants).toEqual(['iov_iter_bvecq_empty_not_skipped']);
  });

  it('should skip the empty node and copy cleanly with the fixed walker', () => {
    const r = replay({});
    expect(r.error).toBeNull();
    expect(r.findings).toEqual([]);
  });

  it('should report data.misplaced at the first byte past node A when the first posting is re-created', () => {
    const r = replay({ iov_iter_bvecq_empty_not_skipped: true });
    expect(r.error).toBeNull();
    expect(r.findings.map((f) => `${f.kind}.${f.id}`)).toEqual(['invariant.data.misplaced']);
    expect(r.findings[0]?.detail).toContain('window position 4096');
  });
});
