/**
 * Resolving ids named by an event. An id never created makes the event a rejection
 * (malformed trace); an id whose object was freed is a use-after-free `bug` finding.
 */
import type { StepCtx } from './ctx.ts';
import type { Folio, FolioId, Table, World } from './state.ts';
import { MAX_PAGE_ORDER } from './kernel_int.ts';

/** Returns the live object, or null after rejecting (never created) or reporting a bug (freed). */
export function lookupLive<T extends { freed: boolean }>(
  table: Table<T>,
  id: number,
  ctx: StepCtx,
  kind: string,
  field: string,
): T | null {
  const obj = table[id];
  if (obj === undefined) return ctx.reject(field, `${kind} ${id} was never created`);
  if (obj.freed) {
    ctx.bug(`${kind}.use_after_free`, `${kind} ${id} used after it was freed (event ${ctx.i})`);
    return null;
  }
  return obj;
}

/** Returns the object whether freed or not, rejecting an id never created. */
export function lookupAny<T>(table: Table<T>, id: number, ctx: StepCtx, kind: string, field: string): T | null {
  const obj = table[id];
  if (obj === undefined) return ctx.reject(field, `${kind} ${id} was never created`);
  return obj;
}

/** True when creating `id` in `table` is legal; otherwise rejects. */
export function checkNewId(table: Table<unknown>, id: number, ctx: StepCtx, kind: string, field: string): boolean {
  if (table[id] === undefined) return true;
  ctx.reject(field, `${kind} ${id} already exists`);
  return false;
}

/** Pages per folio of each order, as small integers (`2 ** order` is a float in the JIT, and `%` by it an fmod). */
export const ORDER_SPAN: readonly number[] = Array.from({ length: MAX_PAGE_ORDER + 1 }, (_, o) => 1 << o);

/**
 * The folio id containing page `pfn`, or null for external memory. Folios are naturally
 * aligned, so only one head per order can contain a page: at most MAX_PAGE_ORDER + 1 probes.
 */
export function folioOfPfn(d: World, pfn: number): FolioId | null {
  for (let order = 0; order <= MAX_PAGE_ORDER; order++) {
    const span = ORDER_SPAN[order] ?? 1;
    const id = d.pfn_folio[pfn - (pfn % span)];
    if (id === undefined) continue;
    const f = d.folios[id];
    if (f !== undefined && f.order === order && !f.freed) return id;
  }
  return null;
}

/** The live folio containing `pfn`, or null (external memory or freed). */
export function folioAt(d: World, pfn: number): Folio | null {
  const id = folioOfPfn(d, pfn);
  return id === null ? null : (d.folios[id] ?? null);
}
