/**
 * Parsing one trace line without trusting it: a length limit checked before parsing, keys
 * that could pollute prototypes refused wherever they sit, and a nesting limit so later
 * recursive code (canonical JSON, digests) cannot overflow the stack on a crafted line.
 */
import type { TraceError } from './format.ts';

/** Lines longer than this are refused before parsing (a 100 MB line is not a trace). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** Deeper nesting than any event, state or ret the model produces. */
export const MAX_DEPTH = 64;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: TraceError };

export function fail(line: number, message: string, field: string | null = null): { ok: false; error: TraceError } {
  return { ok: false, error: { line, message, field } };
}

export interface LineContext {
  readonly line: number;
  /** The line is the file's last and no newline follows it: a parse error means a cut-off write. */
  readonly unterminated: boolean;
  readonly maxChars: number;
}

/** Parses one line into a plain JSON object. */
export function parseJsonLine(text: string, at: LineContext): Decoded<Record<string, unknown>> {
  if (text.length > at.maxChars) {
    return fail(at.line, `line is ${text.length} characters long, more than the ${at.maxChars} allowed`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (at.unterminated) return fail(at.line, `truncated last line (no newline at the end): ${why}`);
    return fail(at.line, `not JSON: ${why}`);
  }
  if (!isPlainObject(value)) return fail(at.line, `a trace line must be a JSON object, not ${jsonKind(value)}`);
  const bad = findBadKey(value);
  if (bad !== null) return fail(at.line, bad.message, bad.path);
  return { ok: true, value };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON kind of a value, for messages: `string`, `array`, `null`, ... */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${String(v)}` : `the number ${String(v)}`;
  return `a ${typeof v}`;
}

const PREVIEW_CHARS = 40;

/** A short JSON rendering of a value from the input, for quoting it in a message. */
export function preview(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/**
 * Walks the parsed value without recursion (JSON.parse itself accepts any depth) and
 * returns the dotted path of the first forbidden key or of the first too-deep container.
 */
function findBadKey(root: Record<string, unknown>): { path: string; message: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path, depth } = top;
    if (typeof value !== 'object' || value === null) continue;
    // The full path of a deep container is itself huge; its top-level field says enough.
    if (depth > MAX_DEPTH) return { path: path.split('.')[0] ?? path, message: `nested more than ${MAX_DEPTH} levels deep` };
    const keys = Object.keys(value);
    for (const k of keys) {
      const sub = path === '' ? k : `${path}.${k}`;
      if (FORBIDDEN_KEYS.has(k)) return { path: sub, message: `forbidden key "${k}"` };
      stack.push({ value: (value as Record<string, unknown>)[k], path: sub, depth: depth + 1 });
    }
  }
  return null;
}
