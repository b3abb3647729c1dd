// The engine reuses one step context for all its events; an outcome a caller keeps must still
// say what its own step reported after later steps ran (the simulator keeps every outcome).
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { canonicalJson, createEngine, emptyWorld, stepMutable, type BvsimEvent, type StepOutcome } from '../../core/index.ts';
import { recordingSource } from '../../sim/index.ts';
import { generateEvent } from '../../fuzz/event_gen.ts';

const key = (o: StepOutcome): string => canonicalJson({ ret: o.ret, f: o.findings, w: o.wraps, r: o.rejection, h: o.halted });

describe('engine step context reuse', () => {
  test('should leave every kept outcome as a fresh context would have made it', () => {
    // A WARN, a wrap-free clean step, then a put underflow (a bug: later steps are halted).
    const events: BvsimEvent[] = [
      { type: 'folio_alloc', folio: 1, order: 11, pfn: 0, fail: false },
      { type: 'folio_alloc', folio: 2, order: 0, pfn: 64, fail: false },
      { type: 'folio_put', folio: 2 },
      { type: 'folio_put', folio: 2 },
      { type: 'folio_get', folio: 2 },
    ];
    const engine = createEngine('mutable', { mutants: {} });
    const kept = events.map((e) => engine.step(e));
    expect(kept.map((o) => o.findings.map((f) => f.id))).toEqual([['folio_alloc.order_too_large'], [], [], ['folio.put_underflow'], []]);
    expect(kept[4]?.halted).toBe(true);
  });

  test.prop([fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 40 })('should agree with a fresh context per step over generated stories', (seed) => {
    const draw = recordingSource(seed).stream('workload');
    const engine = createEngine('mutable', { mutants: {} });
    const world = structuredClone(emptyWorld());
    const fresh: Record<string, number> = {};
    const kept: StepOutcome[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 60; i++) {
      const e = generateEvent(draw, engine.peek(), fresh);
      kept.push(engine.step(e));
      expected.push(key(stepMutable(world, e, i, { mutants: {} })));
    }
    // Compared only now, after every later step ran on the reused context.
    expect(kept.map(key)).toEqual(expected);
  });
});
