// The bio model against the kernel's own block/bio.c and lib/iov_iter.c (vectors/oracle/bio.json,
// families a-e): every in-scope case is folded through both engines, compared as oracle_bio_cli.mjs does.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type EngineMode } from '../../core/index.ts';
import { buildCase, caseScope, compareStep, loadOracleCases, type BuiltCase } from './oracle_bio_cases.ts';

const cases = loadOracleCases();
const inScope = cases.filter((c) => caseScope(c) === 'in');
const built = inScope.map((c) => ({ id: c.id, built: buildCase(c) }));

function firstMismatch(b: BuiltCase, mode: EngineMode): string | null {
  const engine = createEngine(mode, DEFAULT_OPTIONS);
  for (const [i, ev] of b.events.entries()) {
    const out = engine.step(ev);
    const why = compareStep(b.expect[i] ?? null, out, engine.snapshot());
    if (why !== null) return `step ${i} (${ev.type}): ${why}`;
  }
  return null;
}

describe('oracle bio vectors (block/bio.c @10c5ed1d)', () => {
  it('should cover families a to e and leave out only the cases using ops outside SPEC', () => {
    const counts = { in: 0, unsupported: 0 };
    for (const c of cases) counts[caseScope(c)] += 1;
    expect(counts).toEqual({ in: 148, unsupported: 3 });
    expect(new Set(inScope.map((c) => c.family))).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
    expect(built.every((b) => b.built !== null)).toBe(true);
  });

  describe.each(['immutable', 'mutable'] as const)('in %s mode', (mode) => {
    it.each(built)('should match kernel case $id step by step', ({ built: b }) => {
      expect(b).not.toBeNull();
      if (b !== null) expect(firstMismatch(b, mode)).toBeNull();
    });
  });

  it.each(built)('should give the same rets and digests in both modes for $id', ({ built: b }) => {
    if (b === null) return;
    const imm = createEngine('immutable', DEFAULT_OPTIONS);
    const mut = createEngine('mutable', DEFAULT_OPTIONS);
    for (const ev of b.events) {
      const x = imm.step(ev);
      const y = mut.step(ev);
      expect(y.ret).toEqual(x.ret);
      expect(y.findings).toEqual(x.findings);
      expect(mut.digest()).toBe(imm.digest());
    }
  });
});
