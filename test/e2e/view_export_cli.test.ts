// `bvsim view`, `bvsim export` and `bvsim replay --blame/--diff` end to end through main()
// with an in-memory Io: where files go, never overwriting, the size limit, exit codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICE_BY, DEVICE_EVENTS, hostileText, recordedText } from '../traces/view_fixtures.ts';
import { runCli } from './memory_io.ts';

const REGRESSION = readFileSync(new URL('../regressions/data.misplaced__bvecq_empty.trace.jsonl', import.meta.url), 'utf8');
const DEVICE = recordedText(DEVICE_EVENTS, { by: DEVICE_BY });

describe('bvsim view', () => {
  it('should write one HTML file beside the trace with the data and the bundled model inline', () => {
    const r = runCli(['view', 'dir/x.trace.jsonl'], { 'dir/x.trace.jsonl': REGRESSION });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dir\/x\.trace\.html: 17 steps, 1 finding\(s\), 1 checkpoint\(s\) every 500 steps, 0\.\d MB\n$/);
    const html = r.io.files.get('dir/x.trace.html') ?? '';
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('"iov_iter_bvecq_empty_not_skipped":true');
    expect(html).toContain('<script type="application/json" id="bvsim-data">');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('should never overwrite an existing file', () => {
    const r = runCli(['view', 'x.jsonl'], { 'x.jsonl': REGRESSION, 'x.html': 'mine' });
    expect(r.code).toBe(4);
    expect(r.err).toBe('x.html: exists; not overwriting it (remove it or pass --out)\n');
    expect(r.io.files.get('x.html')).toBe('mine');
  });

  it('should honour --out and --checkpoint-every', () => {
    const r = runCli(['view', 'x.jsonl', '--out', 'v.html', '--checkpoint-every', '5'], { 'x.jsonl': REGRESSION });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^v\.html: 17 steps, 1 finding\(s\), 4 checkpoint\(s\) every 5 steps/);
  });

  it('should keep hostile strings out of the markup', () => {
    const r = runCli(['view', 'h.jsonl'], { 'h.jsonl': hostileText() });
    expect(r.code).toBe(0);
    expect(r.io.files.get('h.html')).not.toContain('<img');
  });

  it.each([
    [['view', 'missing.jsonl'], 4, /^missing\.jsonl:0: cannot read: no such file\n$/],
    [['view', 'x.jsonl', '--checkpoint-every', '0'], 2, /positive integer/],
  ])('should exit %#: %j', (argv, code, err) => {
    const r = runCli(argv, { 'x.jsonl': REGRESSION });
    expect(r.code).toBe(code);
    expect(r.err).toMatch(err);
  });
});

describe('bvsim export --format chrome', () => {
  it('should write Chrome trace-event JSON beside the trace', () => {
    const r = runCli(['export', 'd.jsonl', '--format', 'chrome'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.io.files.get('d.chrome.json') ?? '') as { traceEvents: { ph: string }[] };
    expect(json.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(12);
  });

  it('should refuse output past --max-bytes and point at --split', () => {
    const r = runCli(['export', 'd.jsonl', '--format', 'chrome', '--max-bytes', '2000'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/^d\.chrome\.json: not written: the export would be 0\.0 MB, more than the 0\.0 MB limit; pass --split to cut it into numbered files\n$/);
    expect([...r.io.files.keys()]).toEqual(['d.jsonl']);
  });

  it('should split into numbered files with --split', () => {
    const r = runCli(['export', 'd.jsonl', '--format', 'chrome', '--max-bytes', '4000', '--split', '--out', 'o.json'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(0);
    const parts = [...r.io.files.keys()].filter((k) => k.startsWith('o.'));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]).toBe('o.1.json');
    for (const p of parts) expect(() => JSON.parse(r.io.files.get(p) ?? '') as unknown).not.toThrow();
  });

  it('should refuse another format', () => {
    const r = runCli(['export', 'd.jsonl', '--format', 'perfetto'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--format must be chrome, not "perfetto"/);
  });
});

describe('bvsim replay --blame / --diff', () => {
  it('should print every change of the field with its step and event', () => {
    const r = runCli(['replay', 'd.jsonl', '--blame', 'bio:1.remaining'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('d.jsonl: bio:1.remaining: 4 change(s) in 12 steps');
    expect(r.out).toContain('  step 5: 1 → 2  bio_chain {"bio":2,"parent":1,"type":"bio_chain"}  [actor:split]\n');
  });

  it('should print JSON lines with --json', () => {
    const r = runCli(['replay', 'd.jsonl', '--blame', 'folio:1.refcount', '--json'], { 'd.jsonl': DEVICE });
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['i'], l['old'], l['new']])).toEqual([[0, undefined, 1], [11, 1, 0]]);
  });

  it('should say which fields exist when the field is unknown', () => {
    const r = runCli(['replay', 'd.jsonl', '--blame', 'folio:1.refcnt'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^d\.jsonl: folio 1 has no field "refcnt" \(it has: pfn, order, refcount/);
  });

  it('should print the paths that differ between two steps', () => {
    const r = runCli(['replay', 'd.jsonl', '--diff', '7', '9'], { 'd.jsonl': DEVICE });
    expect(r.code).toBe(0);
    expect(r.out).toContain('d.jsonl: after step 7 → after step 9: ');
    expect(r.out).toContain('  ios.1.freed: false → true\n');
  });

  it.each([
    [['replay', 'd.jsonl', '--diff', '1'], 2, /--diff takes exactly two step numbers, got 1/],
    [['replay', '--diff', '1', '2', 'd.jsonl'], 2, /put the trace first: bvsim replay FILE --diff A B/],
    [['replay', 'd.jsonl', '--diff', '1', '99'], 4, /step 99 is past the end: the trace has 12 steps/],
    [['replay', 'd.jsonl', '--blame', 'page:1.x'], 2, /--blame: unknown object kind "page"/],
    [['replay', 'd.jsonl', '--blame', 'bio:1.cnt', '--diff', '1', '2'], 2, /give one/],
  ])('should refuse %j', (argv, code, err) => {
    const r = runCli(argv, { 'd.jsonl': DEVICE });
    expect(r.code).toBe(code);
    expect(r.err).toMatch(err);
  });
});
