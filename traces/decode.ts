/**
 * Reading traces without trusting them. Every problem becomes one `TraceError` naming the
 * line and the field; nothing throws. Lines are parsed, lifted through migrations when the
 * header is older, then checked against the header, step and footer schemas.
 */
import { z } from 'zod';
import type { BvsimEvent } from '../core/index.ts';
import { TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceError, type TraceFooter, type TraceHeader, type TraceStep } from './format.ts';
import { migrateLines } from './migrate.ts';
import { specFor } from './schema/index.ts';

/** Lines longer than this are refused before parsing (a 100 MB line is not a trace). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A decoded trace and the file line of each step, for error messages. */
export interface DecodedTrace extends Trace {
  stepLines: number[];
}

type Decoded<T> = { ok: true; value: T } | { ok: false; error: TraceError };

const fail = (line: number, message: string, field: string | null = null): { ok: false; error: TraceError } => ({
  ok: false,
  error: { line, message, field },
});

const headerSchema = z.strictObject({
  format: z.string(),
  version: z.number().int(),
  model: z.string().nullable(),
  seed: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  mutants: z.array(z.string()).optional(),
});

const findingSchema = z.strictObject({
  kind: z.enum(['warn', 'bug', 'invariant', 'internal']),
  id: z.string(),
  detail: z.string(),
});

const jsonValue: z.ZodType<unknown> = z.unknown();

const stepSchema = z.strictObject({
  i: z.number().int().nonnegative(),
  event: z.unknown(),
  ret: jsonValue.optional(),
  digest: z.string().optional(),
  findings: z.array(findingSchema).optional(),
});

const footerSchema = z.strictObject({
  end: z.literal(true),
  events: z.number().int().nonnegative(),
  findings: z.array(findingSchema),
  digest: z.string().optional(),
});

interface RawLine {
  readonly line: number;
  readonly value: unknown;
}

/** Parses one line, refusing prototype-polluting keys wherever they appear. */
function parseLine(text: string, line: number, isLast: boolean, endsWithNewline: boolean): Decoded<unknown> {
  if (text.length > MAX_LINE_CHARS) return fail(line, `line is ${text.length} characters, more than the ${MAX_LINE_CHARS} allowed`);
  const found: { key: string | null } = { key: null };
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) found.key ??= key;
      return v;
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (isLast && !endsWithNewline) return fail(line, `truncated last line: ${why}`);
    return fail(line, `not JSON: ${why}`);
  }
  if (found.key !== null) return fail(line, `forbidden key "${found.key}"`, found.key);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(line, 'a trace line must be a JSON object');
  return { ok: true, value };
}

function zodError(line: number, err: z.ZodError, prefix: string): { ok: false; error: TraceError } {
  const issue = err.issues[0];
  if (issue === undefined) return fail(line, 'invalid');
  let path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path = [...path, issue.keys[0] ?? ''];
  const field = [prefix, ...path].filter((p) => p !== '').join('.');
  const what = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  return fail(line, what, field === '' ? null : field);
}

function decodeHeader(raw: RawLine): Decoded<TraceHeader> {
  const r = headerSchema.safeParse(raw.value);
  if (!r.success) return zodError(raw.line, r.error, '');
  if (r.data.format !== TRACE_FORMAT) return fail(raw.line, `format is "${r.data.format}", expected "${TRACE_FORMAT}"`, 'format');
  const { mutants, ...rest } = r.data;
  const header: TraceHeader = { ...rest, format: TRACE_FORMAT };
  if (mutants !== undefined) header.mutants = mutants;
  return { ok: true, value: header };
}

function decodeEvent(line: number, value: unknown): Decoded<BvsimEvent> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(line, 'event must be an object', 'event');
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return fail(line, 'event has no string type', 'event.type');
  const spec = specFor(type);
  if (spec === null) return fail(line, `unknown event type "${type}"`, 'event.type');
  const r = spec.schema.safeParse(value);
  if (!r.success) return zodError(line, r.error, 'event');
  return { ok: true, value: r.data };
}

function decodeStep(raw: RawLine, index: number): Decoded<TraceStep> {
  const r = stepSchema.safeParse(raw.value);
  if (!r.success) return zodError(raw.line, r.error, '');
  if (r.data.i !== index) return fail(raw.line, `step index ${r.data.i}, expected ${index}`, 'i');
  const ev = decodeEvent(raw.line, r.data.event);
  if (!ev.ok) return ev;
  const step: TraceStep = { i: r.data.i, event: ev.value };
  if (r.data.ret !== undefined) step.ret = r.data.ret as NonNullable<TraceStep['ret']>;
  if (r.data.digest !== undefined) step.digest = r.data.digest;
  if (r.data.findings !== undefined) step.findings = r.data.findings;
  return { ok: true, value: step };
}

function splitLines(text: string): { raws: { line: number; text: string }[]; endsWithNewline: boolean } {
  const parts = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) parts.pop();
  const raws: { line: number; text: string }[] = [];
  parts.forEach((t, k) => {
    const trimmed = t.endsWith('\r') ? t.slice(0, -1) : t;
    if (trimmed.trim() !== '') raws.push({ line: k + 1, text: trimmed });
  });
  return { raws, endsWithNewline };
}

/** Decodes a whole trace text. */
export function decodeTrace(text: string): Decoded<DecodedTrace> {
  const { raws, endsWithNewline } = splitLines(text);
  if (raws.length === 0) return fail(1, 'empty file: no header');
  const parsed: RawLine[] = [];
  for (const [k, r] of raws.entries()) {
    const p = parseLine(r.text, r.line, k === raws.length - 1, endsWithNewline);
    if (!p.ok) return p;
    parsed.push({ line: r.line, value: p.value });
  }
  const first = parsed[0];
  if (first === undefined || !Object.hasOwn(first.value as object, 'format')) return fail(raws[0]?.line ?? 1, 'missing header', 'format');
  const header = decodeHeader(first);
  if (!header.ok) return header;
  const version = header.value.version;
  if (version > TRACE_VERSION) return fail(first.line, `trace version ${version} is newer than this bvsim reads (${TRACE_VERSION})`, 'version');
  if (version < 1) return fail(first.line, `trace version ${version} does not exist`, 'version');
  const lifted = migrateLines(parsed.map((p) => p.value), version);
  if ('error' in lifted) return fail(first.line, lifted.error, 'version');
  const lines = parsed.map((p, k) => ({ line: p.line, value: lifted.lines[k] }));
  return decodeBody(lines, { ...header.value, version: TRACE_VERSION });
}

function decodeBody(lines: RawLine[], header: TraceHeader): Decoded<DecodedTrace> {
  const steps: TraceStep[] = [];
  const stepLines: number[] = [];
  let footer: TraceFooter | null = null;
  for (const raw of lines.slice(1)) {
    const obj = raw.value as Record<string, unknown>;
    if (footer !== null) return fail(raw.line, 'line after the footer');
    if (Object.hasOwn(obj, 'format')) return fail(raw.line, 'a second header', 'format');
    if (Object.hasOwn(obj, 'end')) {
      const f = footerSchema.safeParse(obj);
      if (!f.success) return zodError(raw.line, f.error, '');
      if (f.data.events !== steps.length) return fail(raw.line, `footer says ${f.data.events} events, trace has ${steps.length}`, 'events');
      footer = { end: true, events: f.data.events, findings: f.data.findings };
      if (f.data.digest !== undefined) footer.digest = f.data.digest;
      continue;
    }
    const s = decodeStep(raw, steps.length);
    if (!s.ok) return s;
    steps.push(s.value);
    stepLines.push(raw.line);
  }
  return { ok: true, value: { header, steps, footer, stepLines } };
}

export type { Decoded };
