// `bvsim shrink` and `bvsim replay --from-choices` end to end, in memory: the summary line,
// the default output name, never overwriting, the exit codes (1 finding kept, 2 bad options,
// 3 regenerated events differ, 4 bad input), and the re-run of a simulated trace's choices.
import { describe, expect, it } from 'vitest';
import { encodeTrace } from '../../traces/index.ts';
import { shrunkPath } from '../../tools/commands/shrink.ts';
import { parseDuration } from '../../tools/duration.ts';
import { NOT_QUIESCED, regression, simulated, SLAB } from '../fuzz/shrink_fixtures.ts';
import { runCli } from './memory_io.ts';

const BIO = encodeTrace(regression('bio.size_overflow__hand'));
const CLEAN = encodeTrace({ ...regression('bio.size_overflow__hand'), header: { ...regression('bio.size_overflow__hand').header, mutants: [] } });

describe('bvsim shrink', () => {
  it('should write FILE.shrunk.trace.jsonl, print the summary and exit 1 with the finding kept', () => {
    const r = runCli(['shrink', 'bio.trace.jsonl'], { 'bio.trace.jsonl': BIO });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^events 5 → 3 in 0\.0 s\n/);
    expect(r.out).toContain('first finding kept: invariant bio.size_overflow');
    expect(r.err).toMatch(/^shrink: stage 2: \d+ candidates tried, \d+ accepted, \d+ events$/m);
    const written = r.io.files.get('bio.shrunk.trace.jsonl') ?? '';
    const replay = runCli(['replay', '--quiet', 'out'], { out: written });
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/^out: 3 steps, 1 finding\(s\), first invariant bio.size_overflow/);
  });

  it('should never overwrite the output file', () => {
    const r = runCli(['shrink', '--out', 'o.jsonl', 'bio.trace.jsonl'], { 'bio.trace.jsonl': BIO, 'o.jsonl': 'keep' });
    expect(r.code).toBe(4);
    expect(r.err).toBe('o.jsonl: exists; not overwriting it\n');
    expect(r.io.files.get('o.jsonl')).toBe('keep');
  });

  it.each([
    [['--budget', '0'], /a duration must be more than 0/],
    [['--budget', 'abc'], /expected a duration/],
    [['--candidates-max', 'x'], /non-negative integer/],
  ])('should exit 2 on %j', (opts, message) => {
    const r = runCli(['shrink', ...opts, 'bio.trace.jsonl'], { 'bio.trace.jsonl': BIO });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it.each([
    ['a trace with no finding', { t: CLEAN }, /^t: no finding: nothing to shrink\n$/],
    ['a trace that does not decode', { t: '{"format":"bvsim-trace","version":1}\n' }, /^t:1: missing field \(model\)/],
    ['a missing file', {}, /^t:0: cannot read: no such file\n$/],
  ])('should exit 4 on %s', (_, files: Record<string, string>, message) => {
    const r = runCli(['shrink', 't'], files);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(message);
    expect(r.io.files.has('t.shrunk.trace.jsonl')).toBe(false);
  });

  it('should stop at --candidates-max and say so', () => {
    const r = runCli(['shrink', '--candidates-max', '2', 'bio.trace.jsonl'], { 'bio.trace.jsonl': BIO });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/2 candidates, \d+ accepted, stopped: candidate budget spent/);
  });

  it('should leave a simulated run that only the simulator fails with a trace that replays from its choices', () => {
    const r = runCli(['shrink', 'run.trace.jsonl'], { 'run.trace.jsonl': encodeTrace(simulated(NOT_QUIESCED).trace) });
    expect(r.code).toBe(1);
    expect(r.out).toContain('reproduce: bvsim replay --from-choices run.shrunk.trace.jsonl');
    const again = runCli(['replay', '--from-choices', 'x'], { x: r.io.files.get('run.shrunk.trace.jsonl') ?? '' });
    expect(again.out).toMatch(/^x: regenerated events match \(\d+ steps\), 1 finding\(s\), first invariant sim.not_quiesced\n$/);
    expect(again.code).toBe(1);
  });

  it.each([
    ['a/b.trace.jsonl', 'a/b.shrunk.trace.jsonl'],
    ['b.jsonl', 'b.shrunk.jsonl'],
    ['b', 'b.shrunk.trace.jsonl'],
  ])('should name the default output of %s %s', (file, out) => {
    expect(shrunkPath(file)).toBe(out);
  });

  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['60', 60_000],
    ['5m', 300_000],
    ['8h', 28_800_000],
  ])('should read the duration %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('bvsim replay --from-choices', () => {
  const text = encodeTrace(simulated(NOT_QUIESCED).trace);

  it('should say the regenerated events match', () => {
    const r = runCli(['replay', '--from-choices', 't'], { t: text });
    expect(r.out).toMatch(/^t: regenerated events match \(14 steps\), 1 finding\(s\), first invariant sim.not_quiesced\n$/);
    expect(r.code).toBe(1);
  });

  it('should name the first step whose recorded event differs, with both events, and exit 3', () => {
    const lines = text.split('\n');
    lines[3] = (lines[3] ?? '').replace('"order":1', '"order":0');
    const edited = lines.join('\n');
    expect(edited).not.toBe(text);
    const r = runCli(['replay', '--from-choices', 't'], { t: edited });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^t:4: regenerated events differ at step 2: recorded \{.*"order":0.*\}, regenerated \{.*"order":1.*\}\n$/);
  });

  it('should report a recorded trace that ends early', () => {
    const lines = text.split('\n').filter((l) => l !== '');
    const footer = (lines[lines.length - 1] ?? '').replace('"events":14', '"events":4');
    const short = [...lines.slice(0, 5), footer].join('\n') + '\n';
    const r = runCli(['replay', '--from-choices', 't'], { t: short });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/at step 4: the recorded trace ends there, regenerated \{/);
  });

  it.each([
    ['a hand-written trace', BIO, /^t:1: cannot re-run from choices: no choice sequence in the footer/],
    ['a stage-2 shrink result', null, /^t:1: cannot re-run from choices: its events were edited by bvsim shrink/],
  ])('should exit 4 on %s', (_, given, message) => {
    const input = given ?? (runCli(['shrink', 's'], { s: encodeTrace(simulated(SLAB).trace) }).io.files.get('s.shrunk.trace.jsonl') ?? '');
    const r = runCli(['replay', '--from-choices', 't'], { t: input });
    expect(r.code).toBe(4);
    expect(r.err).toMatch(message);
  });
});
