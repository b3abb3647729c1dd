// Regressions for the bounce-DIO fixes of hch's 2026 series (REFERENCE §3 item 6) and BOUNCE-v1's
// folio_alloc_greedy(): each hand-written trace names its mutant in the header and is replayed here
// with that flag (the finding shows) and without it (the fixed code gives none).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTrace, replayTrace } from '../../traces/index.ts';

function load(name: string) {
  const decoded = decodeTrace(readFileSync(new URL(`./${name}.trace.jsonl`, import.meta.url), 'utf8'));
  if (!decoded.ok) throw new Error(`${name} does not decode: ${JSON.stringify(decoded.error)}`);
  return decoded.value;
}

function replay(name: string, mutants: Record<string, boolean>) {
  return replayTrace(load(name), { model: { mutants }, mode: 'immutable' });
}

const ids = (r: ReturnType<typeof replay>) => r.findings.map((f) => `${f.kind}.${f.id}`);

describe.each([
  { name: 'folio.leak__bounce_read_folio_leak', mutant: 'bounce_read_folio_leak', finding: 'invariant.folio.leak', fix: 'block: fix folio leak in bio_iov_iter_bounce_read()' },
  { name: 'bounce.copy_short_not_reverted__bounce_write_no_revert', mutant: 'bounce_write_no_revert', finding: 'invariant.bounce.copy_short_not_reverted', fix: 'block: revert the iov_iter after a short copy in bio_iov_iter_bounce_write()' },
  { name: 'bounce.fault_under_nofault__bounce_write_ignores_nofault', mutant: 'bounce_write_ignores_nofault', finding: 'invariant.bounce.fault_under_nofault', fix: 'block: respect iov_iter::nofault flag in bio_iov_iter_bounce_write()' },
])('bio_iov_iter_bounce ($fix)', ({ name, mutant, finding }) => {
  it('should name the mutant in its header', () => {
    expect(load(name).header.mutants).toEqual([mutant]);
  });

  it('should give no finding with the fixed code', () => {
    const r = replay(name, {});
    expect(r.error).toBeNull();
    expect(ids(r)).toEqual([]);
  });

  it('should report the finding when the earlier revision is re-created', () => {
    const r = replay(name, { [mutant]: true });
    expect(r.error).toBeNull();
    expect(ids(r)).toEqual([finding]);
  });
});

describe('folio_alloc_greedy (BOUNCE-v1 threshold)', () => {
  const name = 'folio_alloc_greedy.below_minsize__folio_alloc_greedy_v1';

  it('should name the mutant in its header', () => {
    expect(load(name).header.mutants).toEqual(['folio_alloc_greedy_v1']);
  });

  it('should report a folio below minsize when v1 shrinks down to PAGE_SIZE', () => {
    const r = replay(name, { folio_alloc_greedy_v1: true });
    expect(r.error).toBeNull();
    expect(ids(r)).toEqual(['invariant.folio_alloc_greedy.below_minsize']);
  });

  // The fixed code stops shrinking at minsize, so it makes one allocator call fewer: the same
  // events leave an outcome unused, which is a malformed trace for it (a rejection, no finding).
  it('should give no finding with the fixed code, which asks the allocator one time less', () => {
    const r = replay(name, {});
    expect(ids(r)).toEqual([]);
    expect(r.error?.message).toContain('left unused');
  });

  it('should give no finding with the fixed code and the outcomes it asks for', () => {
    const trace = load(name);
    const steps = trace.steps.map((s) => (s.event.type === 'bio_iov_iter_bounce' ? { ...s, event: { ...s.event, allocs: [null, 1048576] } } : s));
    const rets: unknown[] = [];
    const r = replayTrace({ ...trace, steps }, { model: { mutants: {} }, mode: 'immutable', onStep: (s) => rets.push(s.ret) });
    expect(r.error).toBeNull();
    expect(ids(r)).toEqual([]);
    expect(rets.at(-1)).toBe(0);
  });
});
