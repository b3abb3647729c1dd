// Regression for "block: fix .bi_size overflow" (79d08f89bb1b): the hand-written trace merges a
// contiguous add into a 4 GiB - 4 KiB bvec. Its header names mutant bio_size_overflow (so
// `bvsim replay` shows the finding); here it is replayed with the flag and without it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace } from '../../traces/index.ts';

const text = readFileSync(new URL('./bio.size_overflow__hand.trace.jsonl', import.meta.url), 'utf8');

function replay(mutants: Record<string, boolean>) {
  const decoded = decodeTrace(text);
  if (!decoded.ok) throw new Error(`trace does not decode: ${JSON.stringify(decoded.error)}`);
  return replayTrace(decoded.value, { model: { mutants }, mode: 'immutable' });
}

describe('bio_add_page (block: fix .bi_size overflow)', () => {
  it('should name the mutant in its header', () => {
    const decoded = decodeTrace(text);
    expect(decoded.ok && decoded.value.header.mutants).toEqual(['bio_size_overflow']);
  });

  it('should refuse the add that would pass BIO_MAX_SIZE, with no finding', () => {
    const r = replay({});
    expect(r.error).toBeNull();
    expect(r.findings).toEqual([]);
  });

  it('should report bio.size_overflow when the pre-fix add path is re-created', () => {
    const r = replay({ bio_size_overflow: true });
    expect(r.error).toBeNull();
    expect(r.findings.map((f) => `${f.kind}.${f.id}`)).toContain('invariant.bio.size_overflow');
  });
});
