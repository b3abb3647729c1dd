// The viewer's data: checkpoints every K steps (thinned to a byte budget), the model's ret
// and findings per step, and rebuilding any step's state from a checkpoint — checked
// against replay's digest at every step, after a JSON round trip as the page gets it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, emptyWorld, stateDigest } from '../../core/index.ts';
import { buildViewData, createRebuilder, decodeTrace, replayTrace, type DecodedTrace, type ViewData } from '../../traces/index.ts';
import { DEVICE_BY, DEVICE_EVENTS, longEvents, recordedText } from './view_fixtures.ts';

const REGRESSION = readFileSync(new URL('../regressions/data.misplaced__bvecq_empty.trace.jsonl', import.meta.url), 'utf8');
const MUTANT = { mutants: { iov_iter_bvecq_empty_not_skipped: true } };

function decoded(text: string): DecodedTrace {
  const d = decodeTrace(text);
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
}

/** The state digest after every step, from replay. */
function replayDigests(trace: DecodedTrace, model = DEFAULT_OPTIONS): string[] {
  const out: string[] = [];
  replayTrace(trace, { model, mode: 'immutable', wantState: true, onStep: (r) => out.push(stateDigest(r.state)) });
  return out;
}

const roundTrip = (d: ViewData): ViewData => JSON.parse(JSON.stringify(d)) as ViewData;

describe('buildViewData', () => {
  it('should carry every step with the model ret, its lane and the findings', () => {
    const d = buildViewData(decoded(REGRESSION), { title: 't', model: MUTANT });
    expect(d.steps).toHaveLength(17);
    expect(d.lanes).toEqual(['trace']);
    expect(d.steps[16]?.ret).toBe(8192);
    expect(d.findings.map((f) => `${f.i} ${f.kind} ${f.id}`)).toEqual(['16 invariant data.misplaced']);
    expect(d.checkpoints).toEqual([emptyWorld()]);
    expect(d.error).toBeNull();
  });

  it('should put io:<id> steps in the device lane and keep the io name', () => {
    const d = buildViewData(decoded(recordedText(DEVICE_EVENTS, { by: DEVICE_BY })), { title: 't', model: DEFAULT_OPTIONS });
    expect(d.lanes).toEqual(['actor:fs', 'actor:split', 'device:blkdev']);
    expect(d.steps[8]).toMatchObject({ lane: 2, by: 'io:2' });
    expect(d.steps[0]?.by).toBeUndefined();
  });

  it('should store one checkpoint per K steps, not a state per step', () => {
    const trace = decoded(recordedText(longEvents(300)));
    const d = buildViewData(trace, { title: 't', model: DEFAULT_OPTIONS, checkpointEvery: 500 });
    expect(trace.steps.length).toBeGreaterThan(3000);
    expect(d.checkpoints).toHaveLength(Math.ceil(trace.steps.length / 500));
    expect(d.checkpointEvery).toBe(500);
  });

  it('should double K while the checkpoints pass the byte budget', () => {
    const trace = decoded(recordedText(longEvents(300)));
    const d = buildViewData(trace, { title: 't', model: DEFAULT_OPTIONS, checkpointEvery: 50, checkpointBytesMax: 20_000 });
    expect(d.checkpointEvery).toBeGreaterThan(50);
    expect(d.checkpointEvery % 50).toBe(0);
    const bytes = d.checkpoints.reduce((s, w) => s + JSON.stringify(w).length, 0);
    expect(bytes).toBeLessThanOrEqual(20_000 + JSON.stringify(d.checkpoints.at(-1)).length);
    expect(d.checkpoints).toHaveLength(Math.ceil(trace.steps.length / d.checkpointEvery));
  });

  it('should show the empty state for a trace with no steps', () => {
    const d = buildViewData(decoded('{"format":"bvsim-trace","version":1,"model":null,"seed":null,"config":{}}\n'), { title: 't', model: DEFAULT_OPTIONS });
    expect(d.steps).toEqual([]);
    expect(createRebuilder(d).at(-1).world).toEqual(emptyWorld());
  });

  it('should stop before a step the model rejects and say which line', () => {
    const text = `${REGRESSION}{"i":17,"event":{"type":"folio_get","folio":99}}\n`;
    const d = buildViewData(decoded(text), { title: 't', model: MUTANT });
    expect(d.steps).toHaveLength(17);
    expect(d.error).toMatchObject({ line: 19, field: 'event.folio' });
  });
});

describe('createRebuilder', () => {
  const cases = [
    { name: 'the regression trace', text: REGRESSION, model: MUTANT, every: 4 },
    { name: 'the device trace', text: recordedText(DEVICE_EVENTS, { by: DEVICE_BY }), model: DEFAULT_OPTIONS, every: 3 },
    { name: 'a long trace', text: recordedText(longEvents(60)), model: DEFAULT_OPTIONS, every: 50 },
  ];

  it.each(cases)('should rebuild every step of $name forward, backward and by jumps as replay has it', ({ text, model, every }) => {
    const trace = decoded(text);
    const want = replayDigests(trace, model);
    const r = createRebuilder(roundTrip(buildViewData(trace, { title: 't', model, checkpointEvery: every })));
    const n = want.length;
    const ks = [...want.keys()];
    const order = [...ks, ...[...ks].reverse(), ...ks.map((k) => (k * 7919) % n)];
    const empty = stateDigest(emptyWorld());
    for (const i of order) {
      const shown = r.at(i);
      expect(stateDigest(shown.before), `before step ${i}`).toBe(i === 0 ? empty : want[i - 1]);
      expect(stateDigest(shown.world), `step ${i}`).toBe(want[i]);
    }
  });

  it('should give the state before the step as well', () => {
    const trace = decoded(REGRESSION);
    const want = replayDigests(trace, MUTANT);
    const r = createRebuilder(buildViewData(trace, { title: 't', model: MUTANT, checkpointEvery: 4 }));
    expect(stateDigest(r.at(9).before)).toBe(want[8]);
    expect(stateDigest(r.at(-1).world)).toBe(stateDigest(emptyWorld()));
    expect(() => r.at(17)).toThrow(/out of range/);
  });
});
