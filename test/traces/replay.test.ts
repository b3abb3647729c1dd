// replayTrace: the first differing ret or digest is a divergence with both values, a model
// rejection is a trace error naming its line, and --until stops after the named step.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';
import { decodeTrace, encodeTrace, recordTrace, replayTrace, type DecodedTrace, type Trace } from '../../traces/index.ts';
import { GET, HEADER, lines } from './fixtures.ts';

const events: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
  { type: 'folio_clear_dirty_for_io', folio: 1 },
  { type: 'folio_mark_dirty', folio: 1 },
  { type: 'folio_clear_dirty_for_io', folio: 1 },
];

function recorded(edit: (t: Trace) => void = () => undefined): DecodedTrace {
  const r = recordTrace(events);
  if (!r.ok) throw new Error(r.error.message);
  edit(r.trace);
  const d = decodeTrace(encodeTrace(r.trace));
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
}

const replay = (t: DecodedTrace, until?: number) =>
  replayTrace(t, { model: DEFAULT_OPTIONS, mode: 'immutable', ...(until !== undefined ? { until } : {}) });

describe('replayTrace', () => {
  it('should replay its own recording cleanly', () => {
    expect(replay(recorded())).toMatchObject({ stepsRun: 4, divergence: null, error: null });
  });

  it('should report the first step whose recorded ret differs', () => {
    const t = recorded((tr) => {
      tr.steps[1]!.ret = true;
      tr.steps[3]!.ret = false;
    });
    expect(replay(t).divergence).toEqual({ i: 1, line: 3, what: 'ret', expected: 'true', got: 'false' });
  });

  it('should report a recorded digest that differs', () => {
    const t = recorded((tr) => (tr.steps[3]!.digest = '0000000000000000'));
    expect(replay(t).divergence).toMatchObject({ i: 3, line: 5, what: 'digest', expected: '0000000000000000' });
  });

  it('should compare the footer digest after the last step', () => {
    const t = recorded((tr) => {
      delete tr.steps[3]!.digest;
      tr.footer!.digest = 'ffffffffffffffff';
    });
    expect(replay(t).divergence).toMatchObject({ i: 4, line: 6, what: 'final digest' });
  });

  it('should stop after step `until` and skip the footer', () => {
    const t = recorded((tr) => (tr.footer!.digest = 'ffffffffffffffff'));
    expect(replay(t, 1)).toMatchObject({ stepsRun: 2, divergence: null });
  });

  it('should turn a model rejection into an error naming line and field', () => {
    const d = decodeTrace(lines(HEADER, GET.replace('"i":1', '"i":0')));
    expect(d.ok && replay(d.value).error).toEqual({ line: 2, field: 'event.folio', message: 'folio 1 was never created' });
  });

  it('should hand each step and, when asked, its state to onStep', () => {
    const seen: number[] = [];
    replayTrace(recorded(), {
      model: DEFAULT_OPTIONS,
      mode: 'mutable',
      wantState: true,
      onStep: (r) => seen.push(r.state?.folios[1]?.dirty === true ? 1 : 0),
    });
    expect(seen).toEqual([0, 0, 1, 0]);
  });
});
