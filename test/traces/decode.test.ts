// decodeTrace on hostile input: each kind of bad trace gives one error naming line and field,
// and decode(encode(t)) gives back t for generated traces (fast-check, fixed seed).
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { Finding, JsonValue } from '../../core/index.ts';
import { decodeTrace, encodeTrace, MAX_LINE_CHARS, TRACE_FORMAT, TRACE_VERSION, type Trace } from '../../traces/index.ts';
import { ALLOC, arbEvent, GET, HEADER, lines, stepLine } from './fixtures.ts';

const SEED = 20240611;

interface BadCase {
  readonly name: string;
  readonly text: string;
  readonly line: number;
  readonly field: string | null;
  readonly message: RegExp;
}

const header = (patch: Record<string, unknown>): string => JSON.stringify({ ...JSON.parse(HEADER), ...patch });

const badCases: BadCase[] = [
  { name: 'a truncated last line', text: `${HEADER}\n${ALLOC.slice(0, 40)}`, line: 2, field: null, message: /^truncated last line/ },
  { name: 'an empty file', text: '', line: 1, field: null, message: /^empty file/ },
  { name: 'a file of blank lines', text: '\n  \n\n', line: 1, field: null, message: /^empty file/ },
  { name: 'a missing header', text: lines(ALLOC), line: 1, field: 'format', message: /^missing header/ },
  { name: 'a duplicated header', text: lines(HEADER, HEADER, ALLOC), line: 2, field: 'format', message: /^a second header$/ },
  { name: 'a wrong format', text: lines(header({ format: 'pcap' })), line: 1, field: 'format', message: /^format is "pcap"/ },
  { name: 'a newer version', text: lines(header({ version: 99, extra: 1 })), line: 1, field: 'version', message: /newer than this bvsim reads \(1\)/ },
  { name: 'version 0', text: lines(header({ version: 0 })), line: 1, field: 'version', message: /does not exist/ },
  { name: 'a string version', text: lines(header({ version: '1' })), line: 1, field: 'version', message: /^expected an integer, got a string$/ },
  { name: 'an unknown header field', text: lines(header({ colour: 'red' })), line: 1, field: 'colour', message: /^unknown field$/ },
  { name: 'an unknown event type', text: lines(HEADER, stepLine(0, { type: 'folio_explode', folio: 1 })), line: 2, field: 'event.type', message: /^unknown event type "folio_explode"$/ },
  { name: 'an event with no type', text: lines(HEADER, stepLine(0, { folio: 1 })), line: 2, field: 'event.type', message: /^missing field$/ },
  { name: 'an unknown event field', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: 1, colour: 2 })), line: 2, field: 'event.colour', message: /^unknown field$/ },
  { name: 'an unknown step field', text: lines(HEADER, '{"i":0,"event":{"type":"folio_get","folio":1},"when":3}'), line: 2, field: 'when', message: /^unknown field$/ },
  { name: 'a missing event field', text: lines(HEADER, stepLine(0, { type: 'folio_alloc', folio: 1, order: 0, pfn: 8 })), line: 2, field: 'event.fail', message: /^missing field$/ },
  { name: 'a missing event', text: lines(HEADER, '{"i":0}'), line: 2, field: 'event', message: /^missing field$/ },
  { name: 'a wrong type', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: 'one' })), line: 2, field: 'event.folio', message: /^expected a number, got a string$/ },
  { name: 'an event that is an array', text: lines(HEADER, '{"i":0,"event":[1]}'), line: 2, field: 'event', message: /^expected an object, got an array$/ },
  { name: 'a negative id', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: -1 })), line: 2, field: 'event.folio', message: /^must be at least 0, got -1$/ },
  { name: 'a non-integer id', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: 1.5 })), line: 2, field: 'event.folio', message: /^expected an integer, got the number 1.5$/ },
  { name: 'a negative size', text: lines(HEADER, stepLine(0, { type: 'folio_alloc', folio: 1, order: -2, pfn: 8, fail: false })), line: 2, field: 'event.order', message: /^must be at least 0/ },
  { name: 'a non-integer size', text: lines(HEADER, stepLine(0, { type: 'folio_alloc', folio: 1, order: 0.5, pfn: 8, fail: false })), line: 2, field: 'event.order', message: /^expected an integer/ },
  { name: 'an id above 2^53-1', text: lines(HEADER, stepLine(0, { type: 'folio_get', folio: 2 ** 60 })), line: 2, field: 'event.folio', message: /^must be at most/ },
  { name: 'a line that is not JSON', text: lines(HEADER, 'folio_get 1'), line: 2, field: null, message: /^not JSON: / },
  { name: 'a line that is a JSON array', text: lines(HEADER, '[1,2]'), line: 2, field: null, message: /must be a JSON object, not an array/ },
  { name: 'a top-level __proto__ key', text: lines(HEADER, '{"i":0,"__proto__":{"x":1},"event":{"type":"folio_get","folio":1}}'), line: 2, field: '__proto__', message: /^forbidden key "__proto__"$/ },
  { name: 'a __proto__ key inside the event', text: lines(HEADER, '{"i":0,"event":{"type":"folio_get","folio":1,"__proto__":{"x":1}}}'), line: 2, field: 'event.__proto__', message: /^forbidden key/ },
  { name: 'a __proto__ key in the header config', text: lines('{"format":"bvsim-trace","version":1,"model":null,"seed":null,"config":{"__proto__":{}}}'), line: 1, field: 'config.__proto__', message: /^forbidden key/ },
  { name: 'a constructor key in a ret', text: lines(HEADER, '{"i":0,"event":{"type":"folio_get","folio":1},"ret":{"constructor":1}}'), line: 2, field: 'ret.constructor', message: /^forbidden key/ },
  { name: 'nesting deeper than any model value', text: lines(HEADER, `{"i":0,"event":{"type":"folio_get","folio":1},"ret":${'['.repeat(100)}${']'.repeat(100)}}`), line: 2, field: 'ret', message: /nested more than 64 levels/ },
  { name: 'a footer with the wrong event count', text: lines(HEADER, ALLOC, '{"end":true,"events":5,"findings":[]}'), line: 3, field: 'events', message: /^footer says 5 events, the trace has 1$/ },
  { name: 'a line after the footer', text: lines(HEADER, '{"end":true,"events":0,"findings":[]}', ALLOC), line: 3, field: null, message: /^a line after the footer$/ },
  { name: 'a step index out of order', text: lines(HEADER, ALLOC, '{"i":3,"event":{"type":"folio_get","folio":1}}'), line: 3, field: 'i', message: /^step index 3 out of order, expected 1$/ },
  { name: 'a repeated step index', text: lines(HEADER, ALLOC, ALLOC), line: 3, field: 'i', message: /out of order/ },
  { name: 'an unknown finding kind', text: lines(HEADER, '{"end":true,"events":0,"findings":[{"kind":"oops","id":"x","detail":""}]}'), line: 2, field: 'findings.0.kind', message: /^expected "warn" or "bug"/ },
];

describe('decodeTrace', () => {
  it.each(badCases)('should name line and field for $name', ({ text, line, field, message }) => {
    const r = decodeTrace(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect({ line: r.error.line, field: r.error.field }).toEqual({ line, field });
    expect(r.error.message).toMatch(message);
  });

  it('should read a good trace with blank lines, CRLF ends and no final newline', () => {
    const r = decodeTrace(`${HEADER}\r\n\r\n${ALLOC}\r\n${GET}`);
    expect(r.ok && r.value.steps.map((s) => s.event.type)).toEqual(['folio_alloc', 'folio_get']);
    expect(r.ok && r.value.stepLines).toEqual([3, 4]);
  });

  it('should count lines from 1 including blank ones', () => {
    const r = decodeTrace(`${HEADER}\n\n\n${stepLine(0, { type: 'nope' })}\n`);
    expect(!r.ok && r.error.line).toBe(4);
  });

  it('should refuse a line longer than the limit before parsing it', () => {
    const note = (n: number) => stepLine(0, { type: 'sim.note', text: 'x'.repeat(n) });
    const limit = HEADER.length + 20;
    const fits = limit - note(0).length;
    expect(decodeTrace(lines(HEADER, note(fits)), { maxLineChars: limit }).ok).toBe(true);
    const r = decodeTrace(lines(HEADER, note(fits + 1)), { maxLineChars: limit });
    expect(!r.ok && r.error).toEqual({ line: 2, field: null, message: `line is ${limit + 1} characters long, more than the ${limit} allowed` });
    // Not JSON at all: only the length check can have refused it.
    expect(decodeTrace(lines(HEADER, `{${'x'.repeat(limit)}`), { maxLineChars: limit }).ok).toBe(false);
  });

  it('should refuse a real 17 MB line under the default limit', () => {
    const big = stepLine(0, { type: 'sim.note', text: 'y'.repeat(17_000_000) });
    expect(big.length).toBeGreaterThan(MAX_LINE_CHARS);
    const r = decodeTrace(lines(HEADER, big));
    expect(!r.ok && r.error.line).toBe(2);
    expect(!r.ok && r.error.message).toMatch(/^line is 17000\d{3} characters long/);
  });

  it('should keep an absent ret absent and a null ret null', () => {
    const r = decodeTrace(lines(HEADER, ALLOC, '{"i":1,"event":{"type":"folio_get","folio":1},"ret":null}'));
    expect(r.ok && r.value.steps.map((s) => Object.hasOwn(s, 'ret'))).toEqual([false, true]);
  });
});

const arbFinding: fc.Arbitrary<Finding> = fc.record({
  kind: fc.constantFrom('warn' as const, 'bug' as const, 'invariant' as const, 'internal' as const),
  id: fc.stringMatching(/^[a-z_]{1,8}\.[a-z_]{1,8}$/),
  detail: fc.string({ maxLength: 20 }),
});

const arbRet: fc.Arbitrary<JsonValue> = fc.oneof(fc.constant(null), fc.boolean(), fc.nat(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }));
const arbDigest = fc.stringMatching(/^[0-9a-f]{16}$/);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const arbTrace: fc.Arbitrary<Trace> = fc
  .record({
    seed: fc.option(fc.string({ maxLength: 10 })),
    model: fc.option(arbDigest),
    config: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.nat(), fc.boolean(), fc.string({ maxLength: 6 }))),
    mutants: opt(fc.array(fc.stringMatching(/^[a-z_]{1,10}$/), { maxLength: 2 })),
    steps: fc.array(fc.record({ event: arbEvent, ret: opt(arbRet), digest: opt(arbDigest), findings: opt(fc.array(arbFinding, { maxLength: 2 })) }), { maxLength: 20 }),
    footer: opt(fc.record({ findings: fc.array(arbFinding, { maxLength: 2 }), digest: opt(arbDigest) })),
  })
  .map(({ seed, model, config, mutants, steps, footer }) => ({
    header: { format: TRACE_FORMAT, version: TRACE_VERSION, model, seed, config, ...(mutants !== undefined ? { mutants } : {}) },
    steps: steps.map(({ event, ret, digest, findings }, i) => ({
      i,
      event,
      ...(ret !== undefined ? { ret } : {}),
      ...(digest !== undefined ? { digest } : {}),
      ...(findings !== undefined ? { findings } : {}),
    })),
    footer:
      footer === undefined
        ? null
        : { end: true as const, events: steps.length, findings: footer.findings, ...(footer.digest !== undefined ? { digest: footer.digest } : {}) },
  }));

describe(`decodeTrace(encodeTrace(t)) (seed ${SEED})`, () => {
  test.prop([arbTrace], { seed: SEED, numRuns: 200 })('should give back t', (t) => {
    const r = decodeTrace(encodeTrace(t));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { stepLines: _s, footerLine: _f, ...back } = r.value;
    expect(back).toEqual(t);
  });
});
