/**
 * Asking a trace about one field: which steps changed `folio:3.refcount` (blame), and what
 * the state looked like at given steps (for `--diff`). Both fold the mutable engine over the
 * events; a step the model rejects ends the fold with a trace error naming its line.
 */
import { canonicalJson, createEngine, type BvsimEvent, type JsonValue, type ModelOptions, type World } from '../core/index.ts';
import type { DecodedTrace } from './decode.ts';
import type { TraceError } from './format.ts';

/** Object kinds as they are written in a blame target, and the state table each lives in. */
export const BLAME_KINDS = {
  folio: 'folios',
  bvecq: 'bvecqs',
  pos: 'positions',
  iter: 'iters',
  biter: 'biters',
  bvec: 'bvecs',
  kvec: 'kvecs',
  kbuf: 'kbufs',
  bio: 'bios',
  io: 'ios',
} as const satisfies Record<string, keyof World>;

export type BlameKind = keyof typeof BLAME_KINDS;

export interface BlameTarget {
  readonly kind: BlameKind;
  readonly id: number;
  /** The field path inside the object (`['bv', '0', 'len']`); empty for the whole object. */
  readonly field: readonly string[];
}

const TARGET = /^([a-z]+):(\d+)(?:\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))?$/;

export function parseBlameTarget(text: string): { ok: true; target: BlameTarget } | { ok: false; message: string } {
  const m = TARGET.exec(text);
  const kinds = Object.keys(BLAME_KINDS).join(', ');
  if (m === null) return { ok: false, message: `"${text}" is not <kind>:<id>.<field> (e.g. folio:3.refcount, bio:2.remaining)` };
  const [, kind = '', id = '', field] = m;
  if (!Object.hasOwn(BLAME_KINDS, kind)) return { ok: false, message: `unknown object kind "${kind}" (one of ${kinds})` };
  const n = Number(id);
  if (!Number.isSafeInteger(n)) return { ok: false, message: `object id ${id} is too large` };
  return { ok: true, target: { kind: kind as BlameKind, id: n, field: field === undefined ? [] : field.split('.') } };
}

export function formatBlameTarget(t: BlameTarget): string {
  return `${t.kind}:${t.id}${t.field.map((f) => `.${f}`).join('')}`;
}

/** The value at a target in a state, or undefined when the object or field does not exist. */
function readTarget(world: World, t: BlameTarget): unknown {
  let v: unknown = world[BLAME_KINDS[t.kind]];
  for (const key of [String(t.id), ...t.field]) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export interface BlameChange {
  readonly i: number;
  readonly by?: string;
  readonly event: BvsimEvent;
  /** Absent when the object or field did not exist before (or no longer does after). */
  readonly old?: JsonValue;
  readonly new?: JsonValue;
}

export interface BlameResult {
  readonly changes: readonly BlameChange[];
  readonly stepsRun: number;
  /** The object's own fields the last time it existed, or null if it never did. */
  readonly objectFields: readonly string[] | null;
  readonly error: TraceError | null;
}

const parse = (text: string | undefined): JsonValue | undefined => (text === undefined ? undefined : (JSON.parse(text) as JsonValue));

export function blameTrace(trace: DecodedTrace, target: BlameTarget, model: ModelOptions): BlameResult {
  const engine = createEngine('mutable', model);
  const object: BlameTarget = { ...target, field: [] };
  const changes: BlameChange[] = [];
  let objectFields: string[] | null = null;
  let last: string | undefined = undefined;
  for (const [k, step] of trace.steps.entries()) {
    const out = engine.step(step.event);
    if (out.rejection !== null) {
      const error = { line: trace.stepLines[k] ?? 0, message: out.rejection.message, field: `event.${out.rejection.field}` };
      return { changes, stepsRun: k, objectFields, error };
    }
    const whole = readTarget(engine.peek(), object);
    if (whole !== null && typeof whole === 'object') objectFields = Object.keys(whole);
    const value = readTarget(engine.peek(), target);
    const now = value === undefined ? undefined : canonicalJson(value);
    if (now === last) continue;
    const change: BlameChange = { i: step.i, event: step.event, ...(step.by !== undefined ? { by: step.by } : {}) };
    changes.push({ ...change, ...withValue('old', parse(last)), ...withValue('new', parse(now)) });
    last = now;
  }
  return { changes, stepsRun: trace.steps.length, objectFields, error: null };
}

function withValue(key: 'old' | 'new', v: JsonValue | undefined): Partial<Record<'old' | 'new', JsonValue>> {
  return v === undefined ? {} : { [key]: v };
}

export type StatesAt = { ok: true; states: ReadonlyMap<number, World> } | { ok: false; error: TraceError };

/**
 * The state after each of the given steps (deep copies the caller may keep). A step past
 * the end of the trace is an error naming the trace's length.
 */
export function statesAfterSteps(trace: DecodedTrace, steps: readonly number[], model: ModelOptions): StatesAt {
  const n = trace.steps.length;
  const beyond = steps.find((s) => s >= n);
  if (beyond !== undefined) return { ok: false, error: { line: 0, message: `step ${beyond} is past the end: the trace has ${n} steps (0..${n - 1})`, field: null } };
  const wanted = new Set(steps);
  const last = Math.max(-1, ...steps);
  const engine = createEngine('mutable', model);
  const states = new Map<number, World>();
  for (const [k, step] of trace.steps.entries()) {
    if (k > last) break;
    const out = engine.step(step.event);
    if (out.rejection !== null) {
      return { ok: false, error: { line: trace.stepLines[k] ?? 0, message: out.rejection.message, field: `event.${out.rejection.field}` } };
    }
    if (wanted.has(k)) states.set(k, engine.snapshot());
  }
  return { ok: true, states };
}
