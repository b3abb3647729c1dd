// Regression for the completion-ordering mutant bio_endio_parent_early (REFERENCE §3 item 14): the
// hand-written trace has a parent's own I/O overtake both of its chained splits. Replayed with the
// flag (the parent completes at the first split's hand-off) and without it (it waits for the second).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace } from '../../traces/index.ts';

const text = readFileSync(new URL('./bio.endio_before_children__bio_endio_parent_early.trace.jsonl', import.meta.url), 'utf8');

function replay(mutants: Record<string, boolean>) {
  const decoded = decodeTrace(text);
  if (!decoded.ok) throw new Error(`trace does not decode: ${JSON.stringify(decoded.error)}`);
  const r = replayTrace(decoded.value, { model: { mutants }, mode: 'immutable' });
  return { ...r, ids: r.findings.map((f) => `${f.kind}.${f.id}`) };
}

describe('bio_endio (a parent whose own I/O overtakes its chained splits)', () => {
  it('should name the mutant in its header', () => {
    const decoded = decodeTrace(text);
    expect(decoded.ok && decoded.value.header.mutants).toEqual(['bio_endio_parent_early']);
  });

  it('should complete the parent only at the last hand-off, with no finding', () => {
    const r = replay({});
    expect(r.error).toBeNull();
    expect(r.ids).toEqual([]);
  });

  it('should report bio.endio_before_children when the count is bypassed', () => {
    const r = replay({ bio_endio_parent_early: true });
    expect(r.error).toBeNull();
    expect(r.ids[0]).toBe('invariant.bio.endio_before_children');
  });
});
