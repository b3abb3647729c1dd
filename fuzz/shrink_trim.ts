/**
 * Shrinking, stage 2's trim pass: an event's lists get shorter. A netfs readahead names every
 * folio and node of its request, a bio every segment; while the list stays whole, deleting the
 * events that made its tail folios is refused (the request would name folios never made), so
 * deletion alone keeps a long story's setup. Lists of one length are cut together (a
 * request's folios and its nodes go in step), then each list alone; first to half, then by
 * one element. What an element named is left for the deletion pass to take.
 */
import type { BvsimEvent } from '../core/index.ts';
import type { SearchCtx } from './shrink_search.ts';
import type { EventItem } from './shrink_events.ts';

/** The trim pass runs on traces at most this long: each event's lists cost a few candidates. */
const TRIM_MAX_EVENTS = 80;

export function trimPass(ctx: SearchCtx, get: () => EventItem[], attempt: (cand: EventItem[]) => boolean): boolean {
  if (get().length > TRIM_MAX_EVENTS) return false;
  let any = false;
  for (let k = 0; k < get().length && ctx.stop === null; k++) {
    for (;;) {
      const item = get()[k];
      if (item === undefined || ctx.stop !== null) break;
      const cut = cutsOf(item.event).find((e) => attempt(get().map((x, j) => (j === k ? { ...item, event: e } : x))));
      if (cut === undefined) break;
      any = true;
    }
  }
  return any;
}

/** Candidate events with shorter lists, boldest first. */
function cutsOf(e: BvsimEvent): BvsimEvent[] {
  const lists = Object.entries(e).filter((kv): kv is [string, unknown[]] => Array.isArray(kv[1]) && kv[1].length > 0);
  const lengths = [...new Set(lists.map(([, v]) => v.length))].sort((a, b) => b - a);
  const out: BvsimEvent[] = [];
  const cut = (fields: readonly string[], to: number): void => {
    const edited: Record<string, unknown> = { ...e };
    for (const f of fields) edited[f] = (Reflect.get(e, f) as unknown[]).slice(0, to);
    out.push(edited as BvsimEvent);
  };
  for (const len of lengths) {
    const same = lists.filter(([, v]) => v.length === len).map(([f]) => f);
    if (len >= 4) cut(same, Math.ceil(len / 2));
    cut(same, len - 1);
    if (same.length > 1) for (const f of same) cut([f], len - 1);
  }
  return out;
}
