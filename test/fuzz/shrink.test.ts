// Shrinking (fuzz/shrink.ts): stage 2 on the hand-written regression traces, stage 1 (and
// then 2) on small simulator configs with hand-written choice logs. The checks: the result
// keeps the first finding (kind and id), is no longer than the input, is byte-identical from
// the same input, and no candidate whose first finding differs is ever accepted.
import { describe, expect, it } from 'vitest';
import { canonicalJson, resolveMutants, type BvsimEvent, type Finding } from '../../core/index.ts';
import { budgetStop, judgeWithoutRejected, runChoicesTrace, shrinkTrace, STAGE_ONE_SHARE, type ShrinkInput, type ShrinkOptions, type ShrinkProgress, type ShrinkReport } from '../../fuzz/index.ts';
import { decodeTrace, encodeTrace, recordTrace, replayTrace, type Trace } from '../../traces/index.ts';
import { checkSimConfig } from '../../tools/config_file.ts';
import { NOT_QUIESCED, REGRESSIONS, regression, SEED, simulated, SLAB } from './shrink_fixtures.ts';

const sig = (f: Pick<Finding, 'kind' | 'id'> | null | undefined): string => (f == null ? 'none' : `${f.kind}.${f.id}`);

function shrink(input: ShrinkInput, opts: ShrinkOptions = {}): { report: ShrinkReport; progress: ShrinkProgress[] } {
  const progress: ShrinkProgress[] = [];
  const out = shrinkTrace(input, { ...opts, onProgress: (p) => progress.push(p) });
  if (!out.ok) throw new Error(out.message);
  return { report: out.report, progress };
}

/** The first finding `bvsim replay` reports for a trace, after a round trip through the file format. */
function replayFirst(trace: Trace): string {
  const d = decodeTrace(encodeTrace(trace));
  if (!d.ok) throw new Error(`does not decode: ${JSON.stringify(d.error)}`);
  const m = resolveMutants(d.value.header.mutants ?? []);
  if ('unknown' in m) throw new Error(m.unknown);
  const r = replayTrace(d.value, { model: { mutants: m.flags }, mode: 'immutable' });
  expect(r.error).toBeNull();
  expect(r.divergence).toBeNull();
  return sig(r.findings[0]);
}

function expectOnlyTargetAccepted(progress: readonly ShrinkProgress[], target: Finding): void {
  for (const p of progress) if (p.improved) expect(sig(p.first)).toBe(sig(target));
}

describe('shrinkTrace, stage 2 (events)', () => {
  it.each(REGRESSIONS)('should keep the first finding of %s in a shorter trace', (name) => {
    const input = regression(name);
    const { report } = shrink({ trace: input, run: null });
    expect(sig(report.target)).toBe(replayFirst(input));
    expect(replayFirst(report.trace)).toBe(sig(report.target));
    expect(report.eventsAfter).toBe(report.trace.steps.length);
    expect(report.eventsAfter).toBeLessThan(input.steps.length);
    expect(report.stage).toBe(2);
    expect(report.stopped).toBe('done');
  });

  it('should keep the mutants, say in the config why there are no choices, and leave the footer without them', () => {
    const { report } = shrink({ trace: regression('bio.size_overflow__hand'), run: null });
    expect(report.trace.header.mutants).toEqual(['bio_size_overflow']);
    expect(report.trace.header.config['shrunk']).toMatchObject({ stage: 2 });
    expect(report.trace.footer?.choices).toBeUndefined();
  });

  it.each(REGRESSIONS)('should give byte-identical output for the same input (%s)', (name) => {
    const a = encodeTrace(shrink({ trace: regression(name), run: null }).report.trace);
    const b = encodeTrace(shrink({ trace: regression(name), run: null }).report.trace);
    expect(a).toBe(b);
  });

  // Lowering a length to 0 makes bio_add_page WARN first; deleting the empty node's setup
  // makes the walker oops first: smaller candidates that fail differently, all refused.
  it.each(REGRESSIONS)('should never accept a candidate whose first finding differs (%s)', (name) => {
    const { report, progress } = shrink({ trace: regression(name), run: null });
    const other = progress.filter((p) => p.first !== null && sig(p.first) !== sig(report.target));
    expect(other.length).toBeGreaterThan(0);
    expect(other.every((p) => !p.improved)).toBe(true);
    expectOnlyTargetAccepted(progress, report.target);
  });

  // Lowering the appended length to 0 would keep the WARN, but the fixed helper then WARNs the
  // same: that candidate no longer shows the mutant and must be refused.
  it("should keep a mutant's finding the mutant's own, never one the clean model reports too", () => {
    const events: BvsimEvent[] = [
      { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 3, max_slots: 3, fail: false, mem_type: 'EXTERNAL' },
      { type: 'kbuf_alloc', buf: 0, size: 64 },
      { type: 'bvecq_pos_init', pos: 1, bvecq: 1, slot: 0, offset: 0 },
      { type: 'bvecq_append_page', pos: 1, page: 1048576, offset: 0, len: 1 },
      { type: 'bvecq_pos_init', pos: 4, bvecq: 1, slot: 0, offset: 0 },
      { type: 'bvecq_pos_advance', pos: 4, amount: 1 },
    ];
    const trace: Trace = {
      header: { format: 'bvsim-trace', version: 1, model: null, seed: null, config: {}, mutants: ['bvecq_pos_advance_inverted'] },
      steps: events.map((event, i) => ({ i, event })),
      footer: null,
    };
    const { report } = shrink({ trace, run: null });
    expect(sig(report.target)).toBe('warn.bvecq_pos_advance.past_end');
    expect(replayFirst(report.trace)).toBe('warn.bvecq_pos_advance.past_end');
    // The node and its one-byte page fold into an expand; the position set on it, then advanced.
    expect(report.trace.steps.map((s) => s.event.type)).toEqual(['bvecq_expand_buffer', 'bvecq_pos_init', 'bvecq_pos_advance']);
    const { mutants: _dropped, ...header } = report.trace.header;
    const clean = decodeTrace(encodeTrace({ ...report.trace, header }));
    if (!clean.ok) throw new Error('the shrunk trace does not decode');
    expect(replayTrace(clean.value, { model: { mutants: {} }, mode: 'mutable' }).findings).toEqual([]);
  });

  it('should stop at the candidate budget with a valid trace that still has the finding', () => {
    const input = regression('data.misplaced__bvecq_empty');
    const { report, progress } = shrink({ trace: input, run: null }, { candidatesMax: 3 });
    expect(report.stopped).toBe('candidates');
    expect(report.tried).toBe(3);
    expect(progress).toHaveLength(3);
    expect(report.eventsAfter).toBeLessThanOrEqual(input.steps.length);
    expect(replayFirst(report.trace)).toBe(sig(report.target));
  });

  it('should stop when shouldStop says so', () => {
    let asked = 0;
    const { report } = shrink({ trace: regression('data.misplaced__bvecq_empty'), run: null }, { shouldStop: () => ++asked > 5 });
    expect(report.stopped).toBe('should-stop');
    expect(report.tried).toBe(5);
  });

  it('should refuse a trace with no finding, and one the model rejects', () => {
    const input = regression('bio.size_overflow__hand');
    const clean = shrinkTrace({ trace: { ...input, header: { ...input.header, mutants: [] } }, run: null });
    expect(clean).toEqual({ ok: false, message: 'no finding: nothing to shrink' });
    const rejected = shrinkTrace({ trace: { ...input, steps: input.steps.slice(2) }, run: null });
    expect(rejected.ok === false && rejected.message).toMatch(/the model rejects step 0/);
  });
});

describe('budgetStop', () => {
  it('should stop stage 1 at its share of the budget when stage 2 follows, and stage 2 at the whole', () => {
    let now = 0;
    const stop = budgetStop(() => now, 1000);
    now = 1000 * STAGE_ONE_SHARE - 1;
    expect([stop({ stage: 1, stageTwoFollows: true }), stop({ stage: 1, stageTwoFollows: false }), stop({ stage: 2, stageTwoFollows: false })]).toEqual([false, false, false]);
    now = 1000 * STAGE_ONE_SHARE;
    expect([stop({ stage: 1, stageTwoFollows: true }), stop({ stage: 1, stageTwoFollows: false }), stop({ stage: 2, stageTwoFollows: false })]).toEqual([true, false, false]);
    now = 1000;
    expect([stop({ stage: 1, stageTwoFollows: false }), stop({ stage: 2, stageTwoFollows: false })]).toEqual([true, true]);
  });
});

describe('judgeWithoutRejected (stage 2 deletes a lifetime at once)', () => {
  it("should drop every event orphaned by a deleted creation, and judge what is left", () => {
    const events: BvsimEvent[] = [
      { type: 'folio_alloc', folio: 1, order: 0, pfn: 16, fail: false },
      { type: 'folio_get', folio: 2 },
      { type: 'kbuf_alloc', buf: 0, size: 64 },
      { type: 'kvec_array', kvec: 0, iov: [{ buf: 0, offset: 0, len: 64 }] },
      { type: 'folio_put', folio: 2 },
      { type: 'folio_put', folio: 1 },
      { type: 'folio_put', folio: 1 },
    ];
    const { kept, verdict } = judgeWithoutRejected(events.map((event) => ({ event })), { mutants: {} }, 'mutable');
    // Folio 2 was never allocated (its allocation was deleted): both its events go with it.
    expect(kept.map((k) => k.event)).toEqual([events[0], events[2], events[3], events[5], events[6]]);
    expect('first' in verdict && sig(verdict.first)).toBe('bug.folio.put_underflow');
    expect('first' in verdict && verdict.at).toBe(4);
  });
});

describe('shrinkTrace, the joint pass', () => {
  it('should delete a slice and let the later advance of the same position take over its bytes', () => {
    // A campaign's shrunk finding of bvecq_delete_spent_stale_slot: position 8 is sliced 1508
    // bytes in, then advanced 2589 more across the spent node into the next one.
    const events: BvsimEvent[] = [
      { type: 'bvecq_buffer_init', pos: 1, bvecq: 1, fail: false },
      { type: 'bvecq_pos_set', pos: 8, at: 1 },
      { type: 'bvecq_pos_set', pos: 9, at: 1 },
      { type: 'bvecq_append_page', pos: 1, page: 1048612, offset: 0, len: 4096 },
      { type: 'bvecq_alloc_one', bvecq: 7, nr_slots: 3, max_slots: 3, fail: false },
      { type: 'bvecq_buffer_append', pos: 1, bvecq: 7 },
      { type: 'bvecq_append_page', pos: 1, page: 1048614, offset: 0, len: 1 },
      { type: 'bvecq_slice', pos: 8, max_size: 1508, max_slots: 1 },
      { type: 'bvecq_pos_advance', pos: 9, amount: 4096 },
      { type: 'bvecq_delete_spent', pos: 9 },
      { type: 'bvecq_pos_advance', pos: 8, amount: 2589 },
    ];
    const recorded = recordTrace(events, { mutants: ['bvecq_delete_spent_stale_slot'] });
    if (!recorded.ok) throw new Error(recorded.error.message);
    const { report } = shrink({ trace: recorded.trace, run: null });
    expect(sig(report.target)).toBe('warn.bvecq_pos_advance.past_end');
    const after = report.trace.steps.map((st) => st.event);
    expect(after.some((e) => e.type === 'bvecq_slice')).toBe(false);
    expect(after[after.length - 1]).toEqual({ type: 'bvecq_pos_advance', pos: 8, amount: 4097 });
    expect(replayFirst(report.trace)).toBe('warn.bvecq_pos_advance.past_end');
  });
});

describe('judgeWithoutRejected, a quantity refused after a deletion', () => {
  it('should keep the event with the largest value the model accepts', () => {
    const events: BvsimEvent[] = [
      { type: 'folio_alloc', folio: 1, order: 0, pfn: 16, fail: false },
      { type: 'bio_alloc', bio: 0, nr_vecs: 2, opf: 0, max_vecs: 2, fail: false },
      { type: 'bio_add_folio', bio: 0, folio: 1, len: 4096, offset: 0 },
      // Folio 2's allocation was deleted: its add goes, and the bio is 4096 bytes smaller.
      { type: 'bio_add_folio', bio: 0, folio: 2, len: 4096, offset: 0 },
      { type: 'submit_bio', bio: 0, io: 0 },
      { type: 'sim.device_complete', io: 0, bytes: 8192, error: 0 },
    ];
    const { kept, same } = judgeWithoutRejected(events.map((event) => ({ event })), { mutants: {} }, 'mutable');
    expect(same).toBe(false);
    expect(kept.map((k) => k.event)).toEqual([events[0], events[1], events[2], events[4], { type: 'sim.device_complete', io: 0, bytes: 4096, error: 0 }]);
  });
});

describe('shrinkTrace, stage 1 (choices and config)', () => {
  it('should shrink a run through both stages, keeping bug biovec_slab.too_many_vecs', () => {
    const start = simulated(SLAB);
    expect(sig(start.result.findings[0])).toBe('bug.biovec_slab.too_many_vecs');
    const { report, progress } = shrink({ trace: start.trace, run: { seed: SEED, ...SLAB } });
    expect(sig(report.target)).toBe('bug.biovec_slab.too_many_vecs');
    expect(replayFirst(report.trace)).toBe(sig(report.target));
    expect(report.eventsAfter).toBeLessThan(start.trace.steps.length);
    expect(report.stage).toBe(2);
    expectOnlyTargetAccepted(progress, report.target);
    // Stage 1 simplified the config that stage 2's header carries.
    const config = report.trace.header.config;
    expect(config['actors']).toHaveLength(1);
    expect(config['policy']).toEqual({ kind: 'random' });
    expect(config['allocFailRate']).toMatchObject({ numerator: 0 });
    expect(progress.some((p) => p.stage === 1 && p.improved)).toBe(true);
    expect(report.trace.steps.every((s) => s.by === 'actor:a')).toBe(true);
  });

  it('should keep sim.not_quiesced, which only the simulator sees, with a trace that re-runs from its choices', () => {
    const start = simulated(NOT_QUIESCED);
    expect(sig(start.result.findings[0])).toBe('invariant.sim.not_quiesced');
    const { report, progress } = shrink({ trace: start.trace, run: { seed: SEED, ...NOT_QUIESCED } });
    expect(report.stage).toBe(1);
    expect(report.notes.join('\n')).toMatch(/stage 2 skipped/);
    expect(report.eventsAfter).toBeLessThan(start.trace.steps.length);
    expectOnlyTargetAccepted(progress, report.target);
    const config = checkSimConfig(report.trace.header.config);
    if (!config.ok) throw new Error(config.message);
    const choices = report.trace.footer?.choices;
    expect(choices).toBeDefined();
    const again = runChoicesTrace(SEED, config.config, choices ?? {}, { mutants: [], mode: 'immutable' });
    expect(again.trace.steps.map((s) => canonicalJson(s.event))).toEqual(report.trace.steps.map((s) => canonicalJson(s.event)));
    expect(sig(again.result.findings[0])).toBe('invariant.sim.not_quiesced');
  });

  it('should give byte-identical output for the same run', () => {
    const a = encodeTrace(shrink({ trace: simulated(NOT_QUIESCED).trace, run: { seed: SEED, ...NOT_QUIESCED } }).report.trace);
    const b = encodeTrace(shrink({ trace: simulated(NOT_QUIESCED).trace, run: { seed: SEED, ...NOT_QUIESCED } }).report.trace);
    expect(a).toBe(b);
  });

  it('should let shouldStop end stage 1 alone and still run stage 2', () => {
    const start = simulated(SLAB);
    const asked: string[] = [];
    const { report } = shrink(
      { trace: start.trace, run: { seed: SEED, ...SLAB } },
      { shouldStop: (q) => (asked.push(`${q.stage}${q.stageTwoFollows ? '+' : ''}`), q.stage === 1 && asked.length > 4) },
    );
    expect(asked.slice(0, 4)).toEqual(['1+', '1+', '1+', '1+']);
    expect(asked).toContain('2');
    expect(report.stage).toBe(2);
    expect(report.notes.join('\n')).toMatch(/stage 1 stopped after 4 candidates/);
    expect(replayFirst(report.trace)).toBe('bug.biovec_slab.too_many_vecs');
  });

  it('should fall back to stage 2 when the recorded choices do not reproduce the finding', () => {
    const input = regression('bio.size_overflow__hand');
    const { report } = shrink({ trace: input, run: { seed: SEED, ...NOT_QUIESCED } });
    expect(report.notes.join('\n')).toMatch(/stage 1 skipped: re-running the recorded choices gives invariant sim.not_quiesced, not the trace's invariant bio.size_overflow/);
    expect(report.stage).toBe(2);
  });
});
