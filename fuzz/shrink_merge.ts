/**
 * Shrinking, stage 2's merge pass: two objects of one kind become one. Every mention of the
 * later object is renamed to the earlier and the event that first named the later one (the
 * call that made it) is dropped: a position copied only to be advanced is the original
 * advanced, a second node hung after a first is the first. Deletion alone cannot do that,
 * because deleting the copy orphans every later call on it. Ids only ever merge into ids the
 * trace already has, so no candidate names an object that never existed.
 */
import type { BvsimEvent } from '../core/index.ts';
import { idFieldsOf, idValues, type ShrinkIdKind as IdKind } from './shrink_fields.ts';
import type { SearchCtx } from './shrink_search.ts';
import type { EventItem } from './shrink_repair.ts';

/** The merge pass runs on traces at most this long: its candidates grow with the square of the ids. */
const MERGE_MAX_EVENTS = 60;

export function mergePass(ctx: SearchCtx, get: () => EventItem[], attempt: (cand: EventItem[]) => boolean): boolean {
  if (get().length > MERGE_MAX_EVENTS) return false;
  let any = false;
  for (const [kind, ids] of idsByKind(get())) {
    // From the latest object back: merging it first leaves the earlier pairs to try.
    for (let y = ids.length - 1; y > 0 && ctx.stop === null; y--) {
      for (let x = 0; x < y && ctx.stop === null; x++) {
        const from = ids[y];
        const into = ids[x];
        if (from === undefined || into === undefined) continue;
        if (attempt(merged(get(), kind, from, into))) {
          any = true;
          break;
        }
      }
    }
  }
  return any;
}

/** Ids per kind in order of first mention; kinds in a fixed order, so the pass is deterministic. */
function idsByKind(items: readonly EventItem[]): [IdKind, number[]][] {
  const byKind = new Map<IdKind, number[]>();
  for (const { event } of items) {
    for (const [field, kind] of idFieldsOf(event)) {
      const list = byKind.get(kind) ?? [];
      for (const id of idValues(Reflect.get(event, field))) if (!list.includes(id)) list.push(id);
      byKind.set(kind, list);
    }
  }
  return [...byKind].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The trace with `from` renamed `into` wherever a field of `kind` names it, less the first event naming `from`. */
function merged(items: readonly EventItem[], kind: IdKind, from: number, into: number): EventItem[] {
  const out: EventItem[] = [];
  let dropped = false;
  for (const item of items) {
    const renamed = rename(item.event, kind, from, into);
    if (renamed === item.event) {
      out.push(item);
    } else if (!dropped) {
      dropped = true;
    } else {
      out.push({ ...item, event: renamed });
    }
  }
  return out;
}

function rename(e: BvsimEvent, kind: IdKind, from: number, into: number): BvsimEvent {
  let out: BvsimEvent | null = null;
  for (const [field, k] of idFieldsOf(e)) {
    if (k !== kind) continue;
    const v: unknown = Reflect.get(e, field);
    const next = v === from ? into : Array.isArray(v) && v.includes(from) ? v.map((x: unknown) => (x === from ? into : x)) : v;
    if (next !== v) out = Object.assign(out ?? { ...e }, { [field]: next });
  }
  return out ?? e;
}
