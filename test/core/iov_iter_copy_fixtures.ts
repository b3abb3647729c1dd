// Shared helpers for the byte-mover tests: fold events through the engine, and read back the
// labels a page or kbuf holds as compact `[src, off, len]` runs (null src = never written).
import { expect } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent, type ModelOptions, type StepOutcome, type World } from '../../core/index.ts';
import { readData } from '../../core/data.ts';
import { normalizePieces } from '../../core/data_pieces.ts';

export function run(events: BvsimEvent[], opts: ModelOptions = DEFAULT_OPTIONS) {
  const engine = createEngine('immutable', opts);
  const outs = events.map((e) => engine.step(e));
  for (const [k, o] of outs.entries()) expect(o.rejection, `event ${k} ${events[k]?.type}`).toBeNull();
  return { outs, state: engine.snapshot(), last: outs[outs.length - 1], engine };
}

export const ids = (o: StepOutcome | undefined): string[] => (o?.findings ?? []).map((f) => `${f.kind}.${f.id}`);
export const allIds = (outs: readonly StepOutcome[]): string[] => outs.flatMap((o) => ids(o));

export type Label = [string | null, number, number];

function labels(runs: Parameters<typeof readData>[0], at: number, len: number): Label[] {
  return normalizePieces(readData(runs, at, len)).map((p) => [p.src, p.off, p.len]);
}

/** The labels of bytes [offset, offset + len) of page `pfn` (its folio must be live). */
export function pageLabels(w: World, pfn: number, offset = 0, len = 4096): Label[] {
  const f = Object.values(w.folios).find((x) => !x.freed && pfn >= x.pfn && pfn < x.pfn + 2 ** x.order);
  if (f === undefined) throw new Error(`no live folio holds page ${pfn}`);
  return labels(f.data, (pfn - f.pfn) * 4096 + offset, len);
}

/** The labels of bytes [offset, offset + len) of kbuf `buf`. */
export function kbufLabels(w: World, buf: number, offset: number, len: number): Label[] {
  const b = w.kbufs[buf];
  if (b === undefined) throw new Error(`no kbuf ${buf}`);
  return labels(b.data, offset, len);
}

/** `folio_alloc` events for order-0 folios at each PFN (folio id = PFN). */
export function pagesAt(pfns: readonly number[]): BvsimEvent[] {
  return pfns.map((pfn) => ({ type: 'folio_alloc', folio: pfn, order: 0, pfn, fail: false }));
}

/** A bvecq node `id` with the given published slots, appended after `after` if given. */
export function node(id: number, slots: readonly { page: number | null; offset: number; len: number }[], after?: number, max = slots.length): BvsimEvent[] {
  const ev: BvsimEvent[] = [{ type: 'bvecq_alloc_one', bvecq: id, nr_slots: max, max_slots: max, fail: false }];
  for (const [s, bv] of slots.entries()) ev.push({ type: 'bvecq_set_slot', bvecq: id, slot: s, page: bv.page, offset: bv.offset, len: bv.len });
  ev.push({ type: 'bvecq_filled_to', bvecq: id, nr_slots: slots.length });
  if (after !== undefined) ev.push({ type: 'bvecq_append', to: after, add: id });
  return ev;
}
