/**
 * Shrinking, stage 2's fold pass: a node allocated and filled page by page by hand becomes one
 * bvecq_expand_buffer() call. A rolling buffer's producer allocates a node, appends it at the
 * buffer's position and appends pages into it, three calls or more; the kernel's helper for
 * growing a buffer does all of that in one, and it is what a person writing the story by hand
 * reaches for. Stage 1 makes the same move on the actors (a producer that grows its buffer
 * with the helper); this is its counterpart for a trace already cut down to its events. The
 * helper owns the pages it allocates, so the folios the hand-made pages came from go, with
 * every event on them alone. The model judges the candidate like any other: where the helper
 * would build a different chain (a tail with room it would fill instead), it is refused.
 */
import { kernel, type BvsimEvent } from '../core/index.ts';
import type { SearchCtx } from './shrink_search.ts';
import type { EventItem } from './shrink_repair.ts';

/** The fold pass runs on traces at most this long: one candidate per node allocation. */
const FOLD_MAX_EVENTS = 80;

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
 * The trace with the node allocated at `k` folded, or null when `k` does not start one of the
 * two ways a node is filled by hand: linked at a buffer's position (bvecq_buffer_append) and
 * filled there, which becomes an expand of the buffer the position was initialised on; or a
 * position set on the node itself (bvecq_pos_init) and filled there, which becomes an expand
 * that makes the node, the position then set on it. Either way the allocation, the appends and
 * the pages' own folio events go.
 */
function foldAt(items: readonly EventItem[], k: number): EventItem[] | null {
  const alloc = items[k]?.event;
  if (alloc?.type !== 'bvecq_alloc_one' || alloc.fail) return null;
  const j = items.findIndex((x, i) => i > k && (x.event.type === 'bvecq_buffer_append' || x.event.type === 'bvecq_pos_init') && x.event.bvecq === alloc.bvecq);
  const at = items[j]?.event;
  if (at?.type !== 'bvecq_buffer_append' && at?.type !== 'bvecq_pos_init') return null;
  const pages: number[] = [];
  let end = j + 1;
  for (let e = items[end]?.event; e?.type === 'bvecq_append_page' && e.pos === at.pos && e.page !== null && e.bvecq === undefined; e = items[++end]?.event) {
    pages.push(e.page);
  }
  if (pages.length === 0) return null;
  const grown = (bvecq: number | null): BvsimEvent => ({ type: 'bvecq_expand_buffer', bvecq, cur_size: 0, size: kernel.PAGE_SIZE * pages.length, nodes: [alloc.bvecq], allocs: pages });
  let replacement: BvsimEvent[];
  if (at.type === 'bvecq_pos_init') {
    if (at.slot !== 0 || at.offset !== 0) return null;
    replacement = [grown(null), at];
  } else {
    const init = items.find((x) => x.event.type === 'bvecq_buffer_init' && x.event.pos === at.pos)?.event;
    if (init?.type !== 'bvecq_buffer_init') return null;
    replacement = [grown(init.bvecq)];
  }
  return items.flatMap((x, i): EventItem[] => {
    if (i === j) return replacement.map((event) => ({ ...x, event }));
    if (i === k || (i > j && i < end) || onFolio(x.event, pages)) return [];
    return [x];
  });
}

/** Whether the event is a folio call (alloc, get, put, lock...) on one of `pfns`. */
function onFolio(e: BvsimEvent, pfns: readonly number[]): boolean {
  return e.type.startsWith('folio_') && 'folio' in e && typeof e.folio === 'number' && pfns.includes(e.folio);
}
