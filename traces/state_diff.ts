/**
 * The differences between two states as paths with old and new values: `bvsim replay
 * --diff`, and the viewer's "what this step changed". Tables are walked key by key so a
 * change names the object (`folios.3.refcount`), not the whole table. Identical references
 * are skipped without looking inside, which makes diffs of immer snapshots cheap.
 */
import type { JsonValue } from '../core/index.ts';

export interface StateChange {
  readonly path: string;
  /** Absent when the path did not exist before. */
  readonly old?: JsonValue;
  /** Absent when the path no longer exists. */
  readonly new?: JsonValue;
}

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Integer keys (table ids) in numeric order, then the others in code-unit order. */
function compareStateKeys(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function diffStates(before: unknown, after: unknown): StateChange[] {
  const out: StateChange[] = [];
  walk(before, after, '', out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: StateChange[]): void {
  if (a === b) return;
  if (isPlain(a) && isPlain(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStateKeys);
    for (const k of keys) walkKey(a, b, k, join(path, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let k = 0; k < n; k++) walkKey(a, b, String(k), join(path, String(k)), out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, old: a as JsonValue, new: b as JsonValue });
}

function walkKey(a: object, b: object, key: string, path: string, out: StateChange[]): void {
  const inA = Object.hasOwn(a, key);
  const inB = Object.hasOwn(b, key);
  const va: unknown = (a as Plain)[key];
  const vb: unknown = (b as Plain)[key];
  if (inA && inB) return walk(va, vb, path, out);
  if (inA) out.push({ path, old: va as JsonValue });
  else out.push({ path, new: vb as JsonValue });
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** A value for people: compact JSON, `(absent)` for a path that does not exist. */
export function showValue(v: JsonValue | undefined): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}
