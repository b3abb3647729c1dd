/**
 * Reading traces without trusting them. Every problem becomes one `TraceError` naming the
 * line and the field; nothing throws. The header's format and version are checked first
 * (a newer or foreign file fails on that, not on a field it does not know), the parsed
 * lines are lifted through the migrations, then checked against the header, step and
 * footer schemas and the event registry.
 */
import { z } from 'zod';
import type { BvsimEvent, Ret } from '../core/index.ts';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceFooter, type TraceHeader, type TraceStep } from './format.ts';
import { issueError } from './issues.ts';
import { fail, isPlainObject, jsonKind, MAX_LINE_CHARS, parseJsonLine, preview, type Decoded } from './json_line.ts';
import { MIGRATIONS, migrateLines, type Migration } from './migrate.ts';
import { specFor } from './schema/index.ts';

export { MAX_LINE_CHARS, type Decoded };

/** A decoded trace and the file line of each step and of the footer, for error messages. */
export interface DecodedTrace extends Trace {
  stepLines: number[];
  footerLine: number | null;
}

export interface DecodeOptions {
  /** Longest line accepted, in UTF-16 code units. */
  readonly maxLineChars?: number;
  /** Migrations to lift older traces with; the registered ones by default. */
  readonly migrations?: readonly Migration[];
  /** The version this reader produces; newer traces are refused. */
  readonly version?: number;
}

const findingSchema = z.strictObject({
  kind: z.enum(['warn', 'bug', 'invariant', 'internal']),
  id: z.string(),
  detail: z.string(),
});

const headerSchema = z.strictObject({
  format: z.literal(TRACE_FORMAT),
  version: z.number().int(),
  model: z.string().nullable(),
  seed: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  mutants: z.array(z.string()).exactOptional(),
});

const stepSchema = z.strictObject({
  i: z.number().int().nonnegative(),
  event: z.unknown(),
  ret: z.unknown().optional(),
  digest: z.string().exactOptional(),
  findings: z.array(findingSchema).exactOptional(),
  by: z.string().max(200).exactOptional(),
});

const footerSchema = z.strictObject({
  end: z.literal(true),
  events: z.number().int().nonnegative(),
  findings: z.array(findingSchema),
  digest: z.string().exactOptional(),
  choices: z.record(z.string(), z.array(z.number().int().nonnegative())).exactOptional(),
});

interface RawLine {
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Decodes a whole trace text. */
export function decodeTrace(text: string, opts: DecodeOptions = {}): Decoded<DecodedTrace> {
  const target = opts.version ?? TRACE_VERSION;
  const parsed = parseLines(text, opts.maxLineChars ?? MAX_LINE_CHARS);
  if (!parsed.ok) return parsed;
  const first = parsed.value[0];
  if (first === undefined) return fail(1, 'empty file: no header');
  const version = checkPreamble(first, target);
  if (!version.ok) return version;
  const lifted = migrateLines(
    parsed.value.map((p) => p.value),
    version.value,
    opts.migrations ?? MIGRATIONS,
    target,
  );
  if ('error' in lifted) return fail(first.line, lifted.error, 'version');
  const lines: RawLine[] = [];
  for (const [k, p] of parsed.value.entries()) {
    const value = lifted.lines[k];
    if (!isPlainObject(value)) return fail(p.line, 'a migration produced a line that is not an object');
    lines.push({ line: p.line, value });
  }
  return decodeBody(lines);
}

function parseLines(text: string, maxChars: number): Decoded<RawLine[]> {
  const parts = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) parts.pop();
  const out: RawLine[] = [];
  for (const [k, part] of parts.entries()) {
    const t = part.endsWith('\r') ? part.slice(0, -1) : part;
    if (t.trim() === '') continue;
    const unterminated = k === parts.length - 1 && !endsWithNewline;
    const p = parseJsonLine(t, { line: k + 1, unterminated, maxChars });
    if (!p.ok) return p;
    out.push({ line: k + 1, value: p.value });
  }
  return { ok: true, value: out };
}

/** Checks what every version shares — the format name and the version — before migrating. */
function checkPreamble(raw: RawLine, target: number): Decoded<number> {
  const { line, value } = raw;
  if (!Object.hasOwn(value, 'format')) return fail(line, 'missing header: the first line must be the trace header', 'format');
  if (value['format'] !== TRACE_FORMAT) {
    return fail(line, `format is ${preview(value['format'])}, expected "${TRACE_FORMAT}"`, 'format');
  }
  const v = value['version'];
  if (v === undefined) return fail(line, 'missing field', 'version');
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(line, `expected an integer, got ${jsonKind(v)}`, 'version');
  if (v > target) return fail(line, `trace version ${v} is newer than this bvsim reads (${target})`, 'version');
  if (v < 1) return fail(line, `trace version ${v} does not exist (versions start at 1)`, 'version');
  return { ok: true, value: v };
}

function decodeBody(lines: readonly RawLine[]): Decoded<DecodedTrace> {
  const [first, ...rest] = lines;
  if (first === undefined) return fail(1, 'empty file: no header');
  const header = decodeHeader(first);
  if (!header.ok) return header;
  const trace: DecodedTrace = { header: header.value, steps: [], footer: null, stepLines: [], footerLine: null };
  for (const raw of rest) {
    if (trace.footer !== null) return fail(raw.line, 'a line after the footer');
    if (Object.hasOwn(raw.value, 'format')) return fail(raw.line, 'a second header', 'format');
    if (Object.hasOwn(raw.value, 'end')) {
      const f = decodeFooter(raw, trace.steps.length);
      if (!f.ok) return f;
      trace.footer = f.value;
      trace.footerLine = raw.line;
      continue;
    }
    const s = decodeStep(raw, trace.steps.length);
    if (!s.ok) return s;
    trace.steps.push(s.value);
    trace.stepLines.push(raw.line);
  }
  return { ok: true, value: trace };
}

function decodeHeader(raw: RawLine): Decoded<TraceHeader> {
  const r = headerSchema.safeParse(raw.value);
  if (!r.success) return { ok: false, error: issueError(raw.line, r.error, raw.value, '') };
  return { ok: true, value: r.data };
}

function decodeFooter(raw: RawLine, steps: number): Decoded<TraceFooter> {
  const r = footerSchema.safeParse(raw.value);
  if (!r.success) return { ok: false, error: issueError(raw.line, r.error, raw.value, '') };
  if (r.data.events !== steps) return fail(raw.line, `footer says ${r.data.events} events, the trace has ${steps}`, 'events');
  return { ok: true, value: r.data };
}

function decodeStep(raw: RawLine, index: number): Decoded<TraceStep> {
  const r = stepSchema.safeParse(raw.value);
  if (!r.success) return { ok: false, error: issueError(raw.line, r.error, raw.value, '') };
  if (!Object.hasOwn(raw.value, 'event')) return fail(raw.line, 'missing field', 'event');
  if (r.data.i !== index) return fail(raw.line, `step index ${r.data.i} out of order, expected ${index}`, 'i');
  const ev = decodeEvent(raw.line, r.data.event);
  if (!ev.ok) return ev;
  const { event: _event, ret, ...rest } = r.data;
  const step: TraceStep = { ...rest, event: ev.value };
  // It came out of JSON.parse, so a present `ret` is a JSON value.
  if (Object.hasOwn(raw.value, 'ret')) step.ret = ret as Ret;
  return { ok: true, value: step };
}

function decodeEvent(line: number, value: unknown): Decoded<BvsimEvent> {
  if (!isPlainObject(value)) return fail(line, `expected an object, got ${jsonKind(value)}`, 'event');
  const type = value['type'];
  if (type === undefined) return fail(line, 'missing field', 'event.type');
  if (typeof type !== 'string') return fail(line, `expected a string, got ${jsonKind(type)}`, 'event.type');
  const spec = specFor(type);
  if (spec === null) return fail(line, `unknown event type ${preview(type)}`, 'event.type');
  const r = spec.schema.safeParse(value);
  if (!r.success) return { ok: false, error: issueError(line, r.error, value, 'event') };
  return { ok: true, value: r.data };
}
