/**
 * Shrinking, stage 2's fold pass: a node linked by hand and filled page by page becomes one
 * bvecq_expand_buffer() call. A rolling buffer's producer allocates a node, appends it at the
 * buffer's position and appends pages into it, three calls or more; the kernel's helper for
 * growing a buffer does all of that in one, and it is what a person writing the story by hand
 * reaches for. Stage 1 makes the same move on the actors (a producer that grows its buffer
 * with the helper); this is its counterpart for a trace already cut down to its events. The
 * helper owns the pages it allocates, so the folios the hand-made pages came from go, with
 * every event on them alone. The model judges the candidate like any other: where the helper
 * would build a different chain (a tail with room it would fill instead), it is refused.
 */
import type { BvsimEvent } from '../core/index.ts';
import type { SearchCtx } from './shrink_search.ts';
import type { EventItem } from './shrink_repair.ts';

/** The fold pass runs on traces at most this long: one candidate per node allocation. */
const FOLD_MAX_EVENTS = 80;

const PAGE_SIZE = 4096;

export function foldPass(ctx: SearchCtx, get: () => EventItem[], attempt: (cand: EventItem[]) => boolean): boolean {
  if (get().length > FOLD_MAX_EVENTS) return false;
  let any = false;
  for (let k = get().length - 1; k >= 0 && ctx.stop === null; k--) {
    const cand = foldAt(get(), k);
    if (cand !== null && attempt(cand)) any = true;
  }
  return any;
}

/**
 * The trace with the node allocated at `k` folded: its buffer_append becomes an expand of the
 * buffer the position was initialised on, by the pages appended right after it; the
 * allocation, the appends and the pages' own folio events go. Null when `k` does not start
 * that pattern.
 */
function foldAt(items: readonly EventItem[], k: number): EventItem[] | null {
  const alloc = items[k]?.event;
  if (alloc?.type !== 'bvecq_alloc_one' || alloc.fail) return null;
  const j = items.findIndex((x, i) => i > k && x.event.type === 'bvecq_buffer_append' && x.event.bvecq === alloc.bvecq);
  const link = items[j]?.event;
  if (link?.type !== 'bvecq_buffer_append') return null;
  const pages: number[] = [];
  let end = j + 1;
  for (let e = items[end]?.event; e?.type === 'bvecq_append_page' && e.pos === link.pos && e.page !== null && e.bvecq === undefined; e = items[++end]?.event) {
    pages.push(e.page);
  }
  const init = items.find((x) => x.event.type === 'bvecq_buffer_init' && x.event.pos === link.pos)?.event;
  if (pages.length === 0 || init?.type !== 'bvecq_buffer_init') return null;
  const expand: BvsimEvent = { type: 'bvecq_expand_buffer', bvecq: init.bvecq, cur_size: 0, size: PAGE_SIZE * pages.length, nodes: [alloc.bvecq], allocs: pages };
  return items.flatMap((x, i): EventItem[] => {
    if (i === j) return [{ ...x, event: expand }];
    if (i === k || (i > j && i < end) || onFolio(x.event, pages)) return [];
    return [x];
  });
}

/** Whether the event is a folio call (alloc, get, put, lock...) on one of `pfns`. */
function onFolio(e: BvsimEvent, pfns: readonly number[]): boolean {
  return e.type.startsWith('folio_') && 'folio' in e && typeof e.folio === 'number' && pfns.includes(e.folio);
}
