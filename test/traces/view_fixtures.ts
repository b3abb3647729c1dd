// Traces for the viewer, blame and export tests: a long trace whose state stays small (refs
// moving up and down, an iterator and a position walking a bvecq chain, a bio now and then),
// a block-device trace with a split, chained bio and short completions, and a hostile one.
import type { BvsimEvent } from '../../core/index.ts';
import { encodeTrace, recordTrace, type Trace } from '../../traces/index.ts';

function setup(): BvsimEvent[] {
  return [
    { type: 'folio_alloc', folio: 1, order: 0, pfn: 16, fail: false },
    { type: 'folio_alloc', folio: 2, order: 0, pfn: 32, fail: false },
    { type: 'bvecq_alloc_one', bvecq: 0, nr_slots: 2, max_slots: 2, fail: false },
    { type: 'bvecq_set_slot', bvecq: 0, slot: 0, page: 16, offset: 0, len: 4096 },
    { type: 'bvecq_set_slot', bvecq: 0, slot: 1, page: 32, offset: 0, len: 4096 },
    { type: 'bvecq_filled_to', bvecq: 0, nr_slots: 2 },
    { type: 'bvecq_alloc_one', bvecq: 1, nr_slots: 1, max_slots: 1, fail: false },
    { type: 'bvecq_set_slot', bvecq: 1, slot: 0, page: 16, offset: 512, len: 1024 },
    { type: 'bvecq_filled_to', bvecq: 1, nr_slots: 1 },
    { type: 'bvecq_append', to: 0, add: 1 },
  ];
}

function cycle(j: number): BvsimEvent[] {
  const out: BvsimEvent[] = [
    { type: 'folio_get', folio: 1 },
    { type: 'bvecq_get', bvecq: 1 },
    { type: 'iov_iter_bvec_queue', iter: 0, direction: 0, bvecq: 0, slot: 0, offset: 0, count: 9216 },
    { type: 'iov_iter_advance', iter: 0, bytes: 4096 + (j % 4000) },
    { type: 'bvecq_pos_init', pos: 0, bvecq: 0, slot: 0, offset: 0 },
    { type: 'bvecq_pos_advance', pos: 0, amount: 1000 + (j % 7000) },
    { type: 'iov_iter_revert', iter: 0, bytes: 100 },
    { type: 'bvecq_pos_unset', pos: 0 },
    { type: 'bvecq_put', bvecq: 1 },
    { type: 'folio_put', folio: 1 },
  ];
  // A revert past MAX_RW_COUNT: the kernel WARNs and changes nothing, so the run goes on.
  if (j === 7777) out.push({ type: 'iov_iter_revert', iter: 0, bytes: 3_000_000_000 });
  if (j % 100 === 0) {
    const bio = j / 100;
    out.push(
      { type: 'bio_alloc', bio, nr_vecs: 2, opf: 0, max_vecs: 2, fail: false },
      { type: 'bio_add_page', bio, page: 32, len: 4096, offset: 0 },
      { type: 'bio_put', bio },
    );
  }
  return out;
}

/** About 10 events per cycle plus the setup. */
export function longEvents(cycles: number): BvsimEvent[] {
  const out = setup();
  for (let j = 0; j < cycles; j++) out.push(...cycle(j));
  return out;
}

/** A bio split in two, the halves chained, submitted, and completed short and then fully. */
export const DEVICE_EVENTS: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 1, order: 1, pfn: 64, fail: false },
  { type: 'bio_alloc', bio: 1, nr_vecs: 4, opf: 0, max_vecs: 4, fail: false },
  { type: 'bio_add_folio', bio: 1, folio: 1, len: 8192, offset: 0 },
  { type: 'bio_set_end_io', bio: 1, end_io: 'record_put' },
  { type: 'bio_split', bio: 1, split: 2, sectors: 8, fail: false },
  { type: 'bio_chain', bio: 2, parent: 1 },
  { type: 'submit_bio', bio: 2, io: 1 },
  { type: 'submit_bio', bio: 1, io: 2 },
  { type: 'sim.device_complete', io: 2, bytes: 1024, error: 0 },
  { type: 'sim.device_complete', io: 1, bytes: 4096, error: 0 },
  { type: 'sim.device_complete', io: 2, bytes: 3072, error: 0 },
  { type: 'folio_put', folio: 1 },
];

/** Who proposed each DEVICE_EVENTS step, as a simulated run records it. */
export const DEVICE_BY = ['actor:fs', 'actor:fs', 'actor:fs', 'actor:fs', 'actor:split', 'actor:split', 'actor:split', 'actor:split', 'io:2', 'io:1', 'io:2', 'actor:fs'];

export function recorded(events: readonly BvsimEvent[], opts: { by?: readonly string[]; mutants?: string[]; config?: Record<string, unknown> } = {}): Trace {
  const r = recordTrace(events, { mode: 'mutable', ...(opts.mutants !== undefined ? { mutants: opts.mutants } : {}), ...(opts.config !== undefined ? { config: opts.config } : {}) });
  if (!r.ok) throw new Error(`fixture does not record: step ${r.error.i}: ${r.error.message}`);
  const by = opts.by;
  if (by !== undefined) r.trace.steps.forEach((s, k) => (s.by = by[k] ?? 'sim'));
  return r.trace;
}

export const recordedText = (events: readonly BvsimEvent[], opts: Parameters<typeof recorded>[1] = {}): string => encodeTrace(recorded(events, opts));

/** Markup and script in every string a trace lets a writer choose. */
export const HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script><!--';

export function hostileText(): string {
  const events: BvsimEvent[] = [
    { type: 'sim.note', text: HOSTILE },
    { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
    { type: 'folio_put', folio: 1 },
    { type: 'folio_put', folio: 1 },
  ];
  return recordedText(events, { config: { note: HOSTILE, [HOSTILE]: 1 } });
}
