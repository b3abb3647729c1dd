/**
 * Shrinking, stage 2's trim pass: an event's lists get shorter. A netfs readahead names every
 * folio and node of its request, a bio every segment; while the list stays whole, deleting the
 * events that made its tail folios is refused (the request would name folios never made), so
 * deletion alone keeps a long story's setup. Lists of one length are cut together (a
 * request's folios and its nodes go in step), then each list alone; first to half, then by
 * one element. What an element named is left for the deletion pass to take, unless the cut
 * alone is refused: a folio cut from a writeback's list is still locked and dirty when it is
 * put, a finding of its own. Then the cut is tried again together with every event that names
 * a cut object on its own (the folio's alloc, lock, dirtying and put), as one candidate.
 */
import type { BvsimEvent } from '../core/index.ts';
import { idFieldsOf, idKindOf, type ShrinkIdKind } from './shrink_fields.ts';
import type { SearchCtx } from './shrink_search.ts';
import type { EventItem } from './shrink_repair.ts';

/** The trim pass runs on traces at most this long: each event's lists cost a few candidates. */
const TRIM_MAX_EVENTS = 80;

export function trimPass(ctx: SearchCtx, get: () => EventItem[], attempt: (cand: EventItem[]) => boolean): boolean {
  if (get().length > TRIM_MAX_EVENTS) return false;
  let any = false;
  for (let k = 0; k < get().length && ctx.stop === null; k++) {
    for (;;) {
      const item = get()[k];
      if (item === undefined || ctx.stop !== null) break;
      const cur = get();
      const cut = cutsOf(item.event).find(
        (c) =>
          attempt(cur.map((x, j) => (j === k ? { ...item, event: c.event } : x))) ||
          (c.forgotten.length > 0 && ctx.stop === null && attempt(cur.flatMap((x, j) => (j === k ? [{ ...item, event: c.event }] : namesAlone(x.event, c.forgotten) ? [] : [x])))),
      );
      if (cut === undefined) break;
      any = true;
    }
  }
  return any;
}

interface Cut {
  readonly event: BvsimEvent;
  /** The objects the cut elements named (a list of folios or nodes), by kind. */
  readonly forgotten: readonly (readonly [ShrinkIdKind, number])[];
}

/** Candidate events with shorter lists, boldest first. */
function cutsOf(e: BvsimEvent): Cut[] {
  const lists = Object.entries(e).filter((kv): kv is [string, unknown[]] => Array.isArray(kv[1]) && kv[1].length > 0);
  const lengths = [...new Set(lists.map(([, v]) => v.length))].sort((a, b) => b - a);
  const out: Cut[] = [];
  const cut = (fields: readonly string[], to: number): void => {
    const edited: Record<string, unknown> = { ...e };
    const forgotten: [ShrinkIdKind, number][] = [];
    for (const f of fields) {
      const list = Reflect.get(e, f) as unknown[];
      edited[f] = list.slice(0, to);
      const kind = idKindOf(f);
      if (kind !== undefined) for (const x of list.slice(to)) if (typeof x === 'number') forgotten.push([kind, x]);
    }
    out.push({ event: edited as BvsimEvent, forgotten });
  };
  for (const len of lengths) {
    const same = lists.filter(([, v]) => v.length === len).map(([f]) => f);
    if (len >= 4) cut(same, Math.ceil(len / 2));
    cut(same, len - 1);
    if (same.length > 1) for (const f of same) cut([f], len - 1);
  }
  return out;
}

/** Whether the event names one of `ids` in a single-id field (it exists for that object: an alloc, a lock, a put). */
function namesAlone(e: BvsimEvent, ids: readonly (readonly [ShrinkIdKind, number])[]): boolean {
  return idFieldsOf(e).some(([field, kind]) => {
    const v: unknown = Reflect.get(e, field);
    return typeof v === 'number' && ids.some(([k, id]) => k === kind && id === v);
  });
}
