/**
 * What stage 2 knows about event fields: which name objects (for the passes that rename or
 * forget them), which are quantities (lowered towards 0) and which are flags whose `false`
 * is the simpler story; and how to edit one field of an event. The object fields are the
 * generator's, plus what only the netfs and bio actors write: a request's folio list, its
 * subrequests, the request itself (read or write, one id space) and the iterators a write
 * copies from or a cache write goes through. A field that names an object in one event and is
 * a quantity in another (`pos` is also a file position) costs only refused candidates: every
 * candidate is judged by the model.
 */
import type { BvsimEvent } from '../core/index.ts';
import { specFor } from '../traces/index.ts';
import { ID_FIELDS } from './event_gen.ts';

export type ShrinkIdKind = NonNullable<(typeof ID_FIELDS)[string]> | 'rreq' | 'subreq';

const SHRINK_ID_FIELDS: Readonly<Record<string, ShrinkIdKind>> = {
  ...ID_FIELDS,
  folios: 'folio',
  rreq: 'rreq',
  wreq: 'rreq',
  subreq: 'subreq',
  source: 'iter',
  cache_iter: 'iter',
};

/** Numeric event fields that are quantities (never ids), lowered towards 0. */
export const QUANTITY_FIELDS: readonly string[] = [
  'amount', 'bi_bvec_done', 'bi_sector', 'bi_size', 'bytes', 'count', 'error', 'len', 'max_size', 'maxpages', 'maxsize',
  'npages', 'nr_segs', 'offset', 'opf', 'order', 'sector', 'sectors', 'size', 'status', 'transferred',
];

/** Boolean event fields whose `false` is the simpler story (no injected failure, faults allowed, no cache stream). */
export const FLAG_FIELDS: readonly string[] = ['fail', 'nofault', 'cache'];

export function idKindOf(field: string): ShrinkIdKind | undefined {
  return Object.hasOwn(SHRINK_ID_FIELDS, field) ? SHRINK_ID_FIELDS[field] : undefined;
}

/** The event's fields that name objects, with their kinds, in the event's key order. */
export function idFieldsOf(e: BvsimEvent): [string, ShrinkIdKind][] {
  const out: [string, ShrinkIdKind][] = [];
  for (const field of Object.keys(e)) {
    const kind = idKindOf(field);
    if (kind !== undefined) out.push([field, kind]);
  }
  return out;
}

/** The ids a field's value names: itself if a number, its numbers if a list. */
export function idValues(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

export function fieldOf(e: BvsimEvent | undefined, field: string): unknown {
  if (e === undefined || !Object.hasOwn(e, field)) return undefined;
  const v: unknown = Reflect.get(e, field);
  return v;
}

/** The event with some fields replaced, if the result is still a well-formed event of its type. */
export function editEvent(e: BvsimEvent, field: string, value: unknown, more: Readonly<Record<string, unknown>> = {}): BvsimEvent | null {
  const spec = specFor(e.type);
  if (spec === null) return null;
  const parsed = spec.schema.safeParse({ ...e, ...more, [field]: value });
  return parsed.success ? parsed.data : null;
}
