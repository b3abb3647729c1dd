// Asking a trace about one field (blame) and about two steps (diff): targets parse with
// clear refusals, every change is listed once with old → new, and diffs name object paths.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';
import { blameTrace, decodeTrace, diffStates, parseBlameTarget, statesAfterSteps, type BlameTarget, type DecodedTrace } from '../../traces/index.ts';
import { DEVICE_BY, DEVICE_EVENTS, recordedText } from './view_fixtures.ts';

const REFS: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 3, order: 0, pfn: 8, fail: false },
  { type: 'folio_get', folio: 3 },
  { type: 'folio_lock', folio: 3 },
  { type: 'folio_put', folio: 3 },
  { type: 'folio_unlock', folio: 3 },
  { type: 'folio_put', folio: 3 },
];

function decoded(text: string): DecodedTrace {
  const d = decodeTrace(text);
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
}

function target(text: string): BlameTarget {
  const r = parseBlameTarget(text);
  if (!r.ok) throw new Error(r.message);
  return r.target;
}

describe('parseBlameTarget', () => {
  it.each([
    ['folio:3.refcount', { kind: 'folio', id: 3, field: ['refcount'] }],
    ['bvecq:0.bv.1.len', { kind: 'bvecq', id: 0, field: ['bv', '1', 'len'] }],
    ['pos:1', { kind: 'pos', id: 1, field: [] }],
  ])('should read %s', (text, want) => {
    expect(parseBlameTarget(text)).toEqual({ ok: true, target: want });
  });

  it.each([
    ['folio3.refcount', /is not <kind>:<id>.<field>/],
    ['page:3.refcount', /unknown object kind "page" \(one of folio, bvecq/],
    ['folio:-1.refcount', /is not/],
    ['folio:3.', /is not/],
    ['folio:99999999999999999999.refcount', /too large/],
  ])('should refuse %s', (text, why) => {
    const r = parseBlameTarget(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(why);
  });
});

describe('blameTrace', () => {
  const trace = decoded(recordedText(REFS));

  it('should list each step that changed the field, with old and new values', () => {
    const r = blameTrace(trace, target('folio:3.refcount'), DEFAULT_OPTIONS);
    expect(r.error).toBeNull();
    expect(r.changes.map((c) => [c.i, c.old, c.new, c.event.type])).toEqual([
      [0, undefined, 1, 'folio_alloc'],
      [1, 1, 2, 'folio_get'],
      [3, 2, 1, 'folio_put'],
      [5, 1, 0, 'folio_put'],
    ]);
    expect(r.changes[0]).not.toHaveProperty('old');
  });

  it('should follow a boolean flag and name the object fields', () => {
    const r = blameTrace(trace, target('folio:3.locked'), DEFAULT_OPTIONS);
    expect(r.changes.map((c) => [c.i, c.new])).toEqual([[0, false], [2, true], [4, false]]);
    expect(r.objectFields).toContain('refcount');
  });

  it('should say when the object never exists', () => {
    const r = blameTrace(trace, target('bio:2.remaining'), DEFAULT_OPTIONS);
    expect(r).toMatchObject({ changes: [], objectFields: null, error: null });
  });

  it('should carry who made each change', () => {
    const r = blameTrace(decoded(recordedText(DEVICE_EVENTS, { by: DEVICE_BY })), target('bio:1.remaining'), DEFAULT_OPTIONS);
    expect(r.changes.map((c) => `${c.i} ${c.by ?? ''} ${JSON.stringify(c.old) ?? 'absent'}→${JSON.stringify(c.new)}`)).toEqual([
      '1 actor:fs absent→1',
      '5 actor:split 1→2',
      '9 io:1 2→1',
      '10 io:2 1→0',
    ]);
  });
});

describe('diffStates', () => {
  it('should name each changed, added and removed path, table ids in numeric order', () => {
    const a = { t: { 2: { n: 1 }, 10: { n: 1 } }, s: [1, 2] };
    const b = { t: { 2: { n: 2 }, 9: { n: 0 }, 10: { n: 1 } }, s: [1] };
    expect(diffStates(a, b)).toEqual([
      { path: 's.1', old: 2 },
      { path: 't.2.n', old: 1, new: 2 },
      { path: 't.9', new: { n: 0 } },
    ]);
  });

  it('should find nothing between equal states and skip shared references', () => {
    const shared = { x: [1, 2, 3] };
    expect(diffStates({ a: shared }, { a: shared })).toEqual([]);
    expect(diffStates({ a: { x: [1] } }, { a: { x: [1] } })).toEqual([]);
  });
});

describe('statesAfterSteps', () => {
  const trace = decoded(recordedText(REFS));

  it('should give the states after the asked steps, whose diff names the changes', () => {
    const r = statesAfterSteps(trace, [1, 3], DEFAULT_OPTIONS);
    if (!r.ok) throw new Error(r.error.message);
    expect(diffStates(r.states.get(1), r.states.get(3))).toEqual([
      { path: 'folios.3.locked', old: false, new: true },
      { path: 'folios.3.refcount', old: 2, new: 1 },
    ]);
  });

  it('should refuse a step past the end with the trace length', () => {
    const r = statesAfterSteps(trace, [1, 6], DEFAULT_OPTIONS);
    expect(!r.ok && r.error.message).toBe('step 6 is past the end: the trace has 6 steps (0..5)');
  });
});
