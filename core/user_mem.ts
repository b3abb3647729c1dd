/**
 * Simulated user memory (SPEC §2, block layer): which pages back the user buffer and where
 * it starts to fault. User folios are named by their head PFN; the mapping holds one
 * reference, which is their leak baseline. Each user byte initially carries its own user
 * offset as provenance (`src` "user"), so a DIO read or bounce copy can be checked byte by byte.
 */
import type { RecipeTable } from './recipe.ts';
import type { StepCtx } from './ctx.ts';
import type { Folio, World } from './state.ts';
import { PAGE_SIZE } from './kernel_int.ts';
import { folioOfPfn } from './lookup.ts';
import { insertFolio, newFolio } from './folio.ts';
import { writeData } from './data.ts';

/** The largest user folio: a 1 GiB PUD-mapped hugetlb folio (order 18 with 4 KiB pages). */
export const MAX_USER_FOLIO_ORDER = 18;

export type UserMemEvent =
  | { type: 'sim.user_map'; runs: [number, number, number, number][] }
  | { type: 'sim.user_fault'; offset: number };

/** The PFN backing user offset `uoff`, or null if unmapped or faulting. */
export function userPfn(d: World, uoff: number): number | null {
  if (d.user.fault !== null && uoff >= d.user.fault) return null;
  return d.user.pages[Math.floor(uoff / PAGE_SIZE)] ?? null;
}

/** Bytes readable from `uoff` before the first fault or unmapped page (capped at `len`). */
export function userAccessible(d: World, uoff: number, len: number): number {
  let ok = 0;
  while (ok < len) {
    const at = uoff + ok;
    if (userPfn(d, at) === null) break;
    ok += Math.min(PAGE_SIZE - (at % PAGE_SIZE), len - ok);
  }
  if (d.user.fault !== null && uoff + ok > d.user.fault) ok = Math.max(0, d.user.fault - uoff);
  return ok;
}

export const userMemRecipes: RecipeTable<UserMemEvent> = {
  'sim.user_map'(d, e, ctx) {
    for (const [k, run] of e.runs.entries()) {
      const [head, order, first, count] = run;
      if (order > MAX_USER_FOLIO_ORDER) return ctx.reject(`runs[${k}]`, `order ${order} is larger than a PUD-sized (1 GiB) folio`);
      if (head % 2 ** order !== 0) return ctx.reject(`runs[${k}]`, `head ${head} not aligned to order ${order}`);
      if (first + count > 2 ** order) return ctx.reject(`runs[${k}]`, `run passes the end of its folio`);
      const id = folioOfPfn(d, head);
      const f = id === null ? undefined : d.folios[id];
      if (f !== undefined && (f.pfn !== head || f.order !== order)) {
        return ctx.reject(`runs[${k}]`, `pfn ${head} belongs to another folio`);
      }
    }
    const pages: number[] = [];
    for (const [head, order, first, count] of e.runs) {
      const f = ensureUserFolio(d, head, order, ctx);
      if (f === null) return null;
      for (let j = 0; j < count; j++) {
        const sub = first + j;
        writeData(f.data, sub * PAGE_SIZE, [{ len: PAGE_SIZE, src: 'user', off: pages.length * PAGE_SIZE }]);
        pages.push(head + sub);
      }
    }
    d.user.pages = pages;
    return null;
  },
  'sim.user_fault'(d, e) {
    d.user.fault = e.offset;
    return null;
  },
};

function ensureUserFolio(d: World, head: number, order: number, ctx: StepCtx): Folio | null {
  const existing = d.folios[head];
  if (existing !== undefined) {
    if (!existing.freed) return existing;
    ctx.reject('runs', `user folio ${head} was freed`);
    return null;
  }
  const f = newFolio(head, order, 1);
  f.baseline_refs = 1;
  f.user = true;
  f.uptodate = true;
  if (!insertFolio(d, head, f, ctx, 'runs')) return null;
  return d.folios[head] ?? null;
}
