// recordTrace: rets on every step, digests every 64 steps and on the last, a footer with the
// findings; and (property, fixed seed) a recorded trace replays without diverging in both modes.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';
import { decodeTrace, DIGEST_EVERY, encodeTrace, recordTrace, replayTrace, type Trace } from '../../traces/index.ts';
import { arbAcceptedEvents } from './fixtures.ts';

const SEED = 424242;

const getPut = (n: number): BvsimEvent[] => [
  { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
  ...Array.from({ length: n }, (_, k): BvsimEvent => ({ type: k % 2 === 0 ? 'folio_get' : 'folio_put', folio: 1 })),
];

function record(events: readonly BvsimEvent[]): Trace {
  const r = recordTrace(events);
  if (!r.ok) throw new Error(`recording failed: ${r.error.message}`);
  return r.trace;
}

describe('recordTrace', () => {
  it('should put a ret on every step and a digest every 64 steps and on the last', () => {
    const t = record(getPut(150));
    expect(t.steps).toHaveLength(151);
    expect(t.steps.every((s) => Object.hasOwn(s, 'ret'))).toBe(true);
    expect(t.steps.filter((s) => s.digest !== undefined).map((s) => s.i)).toEqual([DIGEST_EVERY - 1, 2 * DIGEST_EVERY - 1, 150]);
    expect(t.footer).toMatchObject({ end: true, events: 151, findings: [], digest: t.steps[150]?.digest });
  });

  it('should record findings on their step and in the footer', () => {
    const t = record([...getPut(0), { type: 'folio_put', folio: 1 }, { type: 'folio_put', folio: 1 }]);
    expect(t.steps[2]?.findings?.map((f) => f.id)).toEqual(['folio.put_underflow']);
    expect(t.footer?.findings.map((f) => f.id)).toEqual(['folio.put_underflow']);
  });

  it('should refuse an event the model rejects, naming it', () => {
    const r = recordTrace([{ type: 'folio_get', folio: 3 }]);
    expect(!r.ok && r.error).toEqual({ i: 0, field: 'folio', message: 'folio 3 was never created' });
  });

  it('should refuse an unknown mutant', () => {
    const r = recordTrace([], { mutants: ['no_such_mutant'] });
    expect(!r.ok && r.error.field).toBe('mutants');
  });

  it('should fill the header from the options', () => {
    const t = record([]);
    expect(t.header).toEqual({ format: 'bvsim-trace', version: 1, model: null, seed: null, config: {} });
    expect(t.footer).toMatchObject({ events: 0 });
  });
});

describe(`replay of a recorded trace (seed ${SEED})`, () => {
  test.prop([arbAcceptedEvents(80)], { seed: SEED, numRuns: 150 })('should never diverge, in either mode', (events) => {
    const t = record(events);
    const decoded = decodeTrace(encodeTrace(t));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    for (const mode of ['immutable', 'mutable'] as const) {
      const r = replayTrace(decoded.value, { model: DEFAULT_OPTIONS, mode });
      expect({ divergence: r.divergence, error: r.error }).toEqual({ divergence: null, error: null });
      expect(r.findings).toEqual(t.footer?.findings);
      expect(r.digest()).toBe(t.footer?.digest);
    }
  });

  it('should build varied traces from the examples', () => {
    const lengths = fc.sample(arbAcceptedEvents(80), { seed: SEED, numRuns: 50 }).map((es) => es.length);
    expect(Math.max(...lengths)).toBeGreaterThan(20);
  });
});
