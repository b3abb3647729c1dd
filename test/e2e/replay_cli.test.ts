// `bvsim replay` end to end: bad traces give one `FILE:LINE: what (field)` line and exit 4
// while later files still replay; the --json/--state/--until/--mutant contract; exit codes.
// Runs through main() with an in-memory Io, plus three real `tsx tools/cli.ts` processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { encodeTrace, recordTrace, type Trace } from '../../traces/index.ts';
import { ALLOC, GET, HEADER, lines, stepLine } from '../traces/fixtures.ts';
import { runCli } from './memory_io.ts';

const GOOD = lines(HEADER, ALLOC, GET);
const FINDING = lines(HEADER, ALLOC, '{"i":1,"event":{"type":"folio_put","folio":1}}', '{"i":2,"event":{"type":"folio_put","folio":1}}');

const badFiles: { name: string; text: string | null; line: number; what: string }[] = [
  { name: 'truncated', text: `${HEADER}\n${ALLOC.slice(0, 30)}`, line: 2, what: 'truncated last line (no newline at the end): ' },
  { name: 'empty', text: '', line: 1, what: 'empty file: no header' },
  { name: 'no-header', text: lines(ALLOC), line: 1, what: 'missing header: the first line must be the trace header (format)' },
  { name: 'two-headers', text: lines(HEADER, HEADER), line: 2, what: 'a second header (format)' },
  { name: 'wrong-format', text: lines(HEADER.replace('bvsim-trace', 'other')), line: 1, what: 'format is "other", expected "bvsim-trace" (format)' },
  { name: 'newer', text: lines(HEADER.replace('"version":1', '"version":2')), line: 1, what: 'trace version 2 is newer than this bvsim reads (1) (version)' },
  { name: 'v0', text: lines(HEADER.replace('"version":1', '"version":0')), line: 1, what: 'trace version 0 does not exist (versions start at 1) (version)' },
  { name: 'unknown-type', text: lines(HEADER, stepLine(0, { type: 'folio_zap', folio: 1 })), line: 2, what: 'unknown event type "folio_zap" (event.type)' },
  { name: 'unknown-field', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: 1, x: 1 })), line: 2, what: 'unknown field (event.x)' },
  { name: 'missing-field', text: lines(HEADER, stepLine(0, { type: 'folio_get' })), line: 2, what: 'missing field (event.folio)' },
  { name: 'wrong-type', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: true })), line: 2, what: 'expected a number, got a boolean (event.folio)' },
  { name: 'negative-id', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: -3 })), line: 2, what: 'must be at least 0, got -3 (event.folio)' },
  { name: 'fraction-size', text: lines(HEADER, stepLine(0, { type: 'folio_alloc', folio: 1, order: 0, pfn: 8.5, fail: false })), line: 2, what: 'expected an integer, got the number 8.5 (event.pfn)' },
  { name: 'never-created', text: lines(HEADER, ALLOC, '{"i":1,"event":{"type":"folio_get","folio":7}}'), line: 3, what: 'folio 7 was never created (event.folio)' },
  { name: 'not-json', text: lines(HEADER, 'this is not json'), line: 2, what: 'not JSON: ' },
  { name: 'proto', text: lines(HEADER, '{"__proto__":{"polluted":1},"i":0,"event":{"type":"folio_get","folio":1}}'), line: 2, what: 'forbidden key "__proto__" (__proto__)' },
  { name: 'nested-proto', text: lines(HEADER, '{"i":0,"event":{"__proto__":{"polluted":1},"type":"folio_get","folio":1}}'), line: 2, what: 'forbidden key "__proto__" (event.__proto__)' },
  { name: 'footer-count', text: lines(HEADER, ALLOC, '{"end":true,"events":2,"findings":[]}'), line: 3, what: 'footer says 2 events, the trace has 1 (events)' },
  { name: 'out-of-order', text: lines(HEADER, ALLOC, GET.replace('"i":1', '"i":5')), line: 3, what: 'step index 5 out of order, expected 1 (i)' },
  { name: 'missing', text: null, line: 0, what: 'cannot read: no such file' },
  { name: 'a-dir', text: null, line: 0, what: 'cannot read: is a directory, not a trace file' },
];

describe('bvsim replay on bad input', () => {
  it.each(badFiles)('should print one line for $name, exit 4 and still replay the next file', ({ name, text, line, what }) => {
    const files: Record<string, string> = { 'good.jsonl': GOOD };
    if (text !== null) files[name] = text;
    const r = runCli(['replay', '--quiet', name, 'good.jsonl'], files, ['a-dir']);
    expect(r.code).toBe(4);
    const errLines = r.err.split('\n').filter((l) => l !== '');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]?.startsWith(`${name}:${line}: ${what}`)).toBe(true);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(/^good\.jsonl: 2 steps, no findings, digest [0-9a-f]{16}\n$/);
  });

  it('should refuse a 17 MB line with one short message', () => {
    const big = stepLine(0, { type: 'sim.note', text: 'z'.repeat(17_000_000) });
    const r = runCli(['replay', 'big'], { big: lines(HEADER, big) });
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/^big:2: line is 170000\d\d characters long, more than the 16777216 allowed\n$/);
  });
});

function recorded(events: BvsimEvent[], edit: (t: Trace) => void = () => undefined): string {
  const r = recordTrace(events);
  if (!r.ok) throw new Error(r.error.message);
  edit(r.trace);
  return encodeTrace(r.trace);
}

const DIRTY: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
  { type: 'folio_mark_dirty', folio: 1 },
  { type: 'folio_clear_dirty_for_io', folio: 1 },
  { type: 'folio_clear_dirty_for_io', folio: 1 },
];

describe('bvsim replay output and exit codes', () => {
  it('should print one JSON object per step with exactly the SPEC fields', () => {
    const r = runCli(['replay', '--json', 'a'], { a: recorded(DIRTY) });
    expect(r.code).toBe(0);
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.map((o) => Object.keys(o))).toEqual(Array(4).fill(['file', 'i', 'event', 'ret', 'findings']));
    expect(objs.map((o) => o['ret'])).toEqual([true, null, true, false]);
    expect(objs[1]).toEqual({ file: 'a', i: 1, event: DIRTY[1], ret: null, findings: [] });
  });

  it('should add the state with --state and stop after step N with --until N', () => {
    const r = runCli(['replay', '--json', '--state', '--until', '1', 'a'], { a: recorded(DIRTY) });
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { i: number; state: { folios: Record<string, { dirty: boolean }> } });
    expect(objs.map((o) => [o.i, o.state.folios['1']?.dirty])).toEqual([[0, false], [1, true]]);
  });

  it('should exit 1 on a finding and list it', () => {
    const r = runCli(['replay', '--json', 'f'], { f: FINDING });
    expect(r.code).toBe(1);
    const last = JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { findings: unknown[] };
    expect(last.findings).toEqual([{ kind: 'bug', id: 'folio.put_underflow', detail: 'folio_put on freed folio 1' }]);
  });

  it('should exit 3 naming the first step whose recorded ret was edited', () => {
    const text = recorded(DIRTY, (t) => {
      t.steps[2]!.ret = false;
      t.steps[3]!.ret = true;
    });
    const r = runCli(['replay', '--quiet', 'd'], { d: text });
    expect(r.code).toBe(3);
    expect(r.err).toBe('d:4: replay diverges at step 2: recorded ret false, model gives true\n');
  });

  it('should exit 3 on an edited digest', () => {
    const r = runCli(['replay', '--quiet', 'd'], { d: recorded(DIRTY, (t) => (t.steps[3]!.digest = '0123456789abcdef')) });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^d:5: replay diverges at step 3: recorded digest 0123456789abcdef, model gives [0-9a-f]{16}\n$/);
  });

  it.each([
    { files: ['ok', 'f'], code: 1 },
    { files: ['f', 'div', 'ok'], code: 3 },
    { files: ['div', 'bad', 'f'], code: 4 },
    { files: ['ok', 'ok'], code: 0 },
  ])('should exit with the worst code of $files', ({ files, code }) => {
    const div = recorded(DIRTY, (t) => (t.steps[0]!.ret = false));
    const r = runCli(['replay', '--quiet', ...files], { ok: GOOD, f: FINDING, div, bad: '' });
    expect(r.code).toBe(code);
  });

  it('should refuse an unknown mutant as a usage error naming it', () => {
    const r = runCli(['replay', '--mutant', 'no_such_flag', 'ok'], { ok: GOOD });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bvsim: unknown mutant "no_such_flag" \(--mutant\)/);
    expect(r.out).toBe('');
  });

  it('should refuse an unknown mutant named in a trace header as a trace error', () => {
    const r = runCli(['replay', 'm'], { m: lines(HEADER.replace('"config":{}', '"config":{},"mutants":["nope"]')) });
    expect({ code: r.code, err: r.err }).toEqual({ code: 4, err: 'm:1: unknown mutant "nope" (mutants)\n' });
  });

  it('should give the same output in both engine modes', () => {
    const files = { a: recorded(DIRTY), f: FINDING };
    const imm = runCli(['replay', '--json', '--state', 'a', 'f'], files);
    const mut = runCli(['replay', '--json', '--state', '--mode', 'mutable', 'a', 'f'], files);
    expect(mut.out).toBe(imm.out);
  });
});

describe('bvsim as a real process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bvsim-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const bvsim = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'tools/cli.ts', ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });

  it('should exit 4 on a bad file first and still replay the good one', () => {
    const bad = file('bad.jsonl', `${HEADER}\n{"i":0,"ev`);
    const good = file('good.jsonl', GOOD);
    const r = bvsim('replay', '--quiet', bad, good);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`^${bad}:2: truncated last line [^\\n]*\\n$`));
    expect(r.stdout).toMatch(new RegExp(`^${good}: 2 steps, no findings`));
  });

  it('should exit 1 on a finding', () => {
    expect(bvsim('replay', '--quiet', file('f.jsonl', FINDING)).status).toBe(1);
  });

  it('should exit 2 on an unknown mutant and 4 on invalid UTF-8', () => {
    expect(bvsim('replay', '--mutant', 'nope', file('g.jsonl', GOOD)).status).toBe(2);
    const p = join(dir, 'latin1.jsonl');
    writeFileSync(p, Buffer.concat([Buffer.from(`${HEADER}\n{"i":0,"event":{"type":"sim.note","text":"`), Buffer.from([0xe9]), Buffer.from('"}}\n')]));
    const r = bvsim('replay', p);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 4, stderr: `${p}:0: cannot read: not valid UTF-8\n` });
  });
});
