/**
 * The memory behind `bio->bi_io_vec` (block/bio.c, linux-block 10c5ed1d; REFERENCE §1.8,
 * §3 item 13). A bio that allocated a table owns it; clones and splits point into it. The
 * kernel reads and writes that memory with no checks, so the model turns each bad access
 * into the oops or memory error it would be: a NULL table, an index past the allocation,
 * or a table whose owner was already freed.
 */
import type { StepCtx } from './ctx.ts';
import type { BioId, BioVec, World } from './state.ts';
import type { Bio, BioIoVecRef } from './bio_state.ts';

interface TableView {
  bv: BioVec[];
  slots: number;
  /** The bio whose allocation this is, or null for a standalone bvec array. */
  owner: BioId | null;
  freed: boolean;
}

function viewOf(d: World, ref: BioIoVecRef): TableView | null {
  if (ref.bio !== null) {
    const owner = d.bios[ref.bio];
    if (owner === undefined || owner.table === null) return null;
    return { bv: owner.table.bv, slots: owner.table.slots, owner: ref.bio, freed: owner.freed };
  }
  if (ref.bvec !== null) {
    const arr = d.bvecs[ref.bvec];
    if (arr === undefined) return null;
    return { bv: arr.bv, slots: arr.bv.length, owner: null, freed: false };
  }
  return null;
}

function entryAt(bv: readonly BioVec[], k: number): BioVec {
  const e = bv[k];
  return e === undefined ? { page: null, offset: 0, len: 0 } : { page: e.page, offset: e.offset, len: e.len };
}

/**
 * The table slot `idx` of bio `id`'s `bi_io_vec` as the kernel would reach it, or null after
 * reporting the bug that reaching it is.
 */
function slotFor(d: World, id: BioId, idx: number, ctx: StepCtx): { view: TableView; k: number } | null {
  const b = d.bios[id];
  const ref = b?.bi_io_vec ?? null;
  const view = ref === null ? null : viewOf(d, ref);
  if (ref === null || view === null) {
    ctx.bug('bio.io_vec_null', `bio ${id} touches bi_io_vec[${idx}] but has no vector table`);
    return null;
  }
  if (view.freed) {
    ctx.bug('bio.vec_use_after_free', `bio ${id} touches bi_io_vec[${idx}] in the table of freed bio ${String(view.owner)}`);
    return null;
  }
  const k = ref.at + idx;
  if (idx < 0 || k >= view.slots) {
    ctx.bug('bio.io_vec_out_of_bounds', `bio ${id} touches bi_io_vec[${idx}] outside its table of ${view.slots} entries`);
    return null;
  }
  return { view, k };
}

/** Reads `bi_io_vec[idx]` of bio `id` (a copy), or null after reporting the memory error. */
export function bioVecRead(d: World, id: BioId, idx: number, ctx: StepCtx): BioVec | null {
  const s = slotFor(d, id, idx, ctx);
  return s === null ? null : entryAt(s.view.bv, s.k);
}

/**
 * Writes `bi_io_vec[idx]` of bio `id`, then refreshes the `vecs` view of every bio sharing
 * the table. Returns false after reporting the memory error (nothing written).
 */
export function bioVecWrite(d: World, id: BioId, idx: number, bv: BioVec, ctx: StepCtx): boolean {
  const s = slotFor(d, id, idx, ctx);
  if (s === null) return false;
  const arr = s.view.bv;
  while (arr.length < s.k) arr.push({ page: null, offset: 0, len: 0 });
  arr[s.k] = { page: bv.page, offset: bv.offset, len: bv.len };
  if (s.view.owner !== null) refreshTableUsers(d, s.view.owner);
  refreshVecs(d, id);
  return true;
}

/**
 * Recomputes bio `id`'s `vecs`: the first `bi_vcnt` entries from `bi_io_vec`, one more after a
 * successful bounce read (entry 0 is then the bounce buffer).
 */
export function refreshVecs(d: World, id: BioId): void {
  const b = d.bios[id];
  if (b === undefined || b.freed) return;
  const view = b.bi_io_vec === null ? null : viewOf(d, b.bi_io_vec);
  const out: BioVec[] = [];
  if (view !== null && b.bi_io_vec !== null) {
    const end = Math.min(b.bi_io_vec.at + b.bi_vcnt + (b.bounce_vec ? 1 : 0), view.slots);
    for (let k = b.bi_io_vec.at; k < end; k++) out.push(entryAt(view.bv, k));
  }
  // Keep the old array when nothing changed, so an unchanged bio stays the same snapshot.
  if (!sameVecs(b.vecs, out)) b.vecs = out;
}

function sameVecs(a: readonly BioVec[], b: readonly BioVec[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((v, k) => {
    const w = b[k];
    return w !== undefined && v.page === w.page && v.offset === w.offset && v.len === w.len;
  });
}

function refreshTableUsers(d: World, owner: BioId): void {
  refreshVecs(d, owner);
  for (const u of d.bios[owner]?.table?.users ?? []) refreshVecs(d, u);
}

/** Records that bio `user` now points into the table `ref` names (a clone or split). */
export function attachUser(d: World, ref: BioIoVecRef | null, user: BioId): void {
  if (ref === null || ref.bio === null || ref.bio === user) return;
  const table = d.bios[ref.bio]?.table ?? null;
  if (table !== null && !table.users.includes(user)) table.users.push(user);
}

/** Records that bio `user` no longer uses the table it points into (freed or uninit). */
export function detachUser(d: World, user: Bio, userId: BioId): void {
  const ref = user.bi_io_vec;
  if (ref === null || ref.bio === null || ref.bio === userId) return;
  const table = d.bios[ref.bio]?.table ?? null;
  if (table === null) return;
  const k = table.users.indexOf(userId);
  if (k >= 0) table.users.splice(k, 1);
}

/**
 * Reports `bio.shared_vec_freed` for each bio still using the table of bio `owner` when the
 * owner frees or resets it (REFERENCE §3 item 13: the clone must go first).
 */
export function checkSharedVecRelease(d: World, owner: BioId, what: string, ctx: StepCtx): void {
  for (const u of d.bios[owner]?.table?.users ?? []) {
    const user = d.bios[u];
    if (user === undefined || user.freed || user.uninit) continue;
    ctx.invariant('bio.shared_vec_freed', `bio ${owner} ${what} its bi_io_vec while bio ${u} still points into it`);
  }
}

/**
 * How far bio `id`'s `bi_io_vec` reaches, counted from its first entry: `written` entries
 * may be non-zero, and `slots` exist in all. Lets a walk over zero entries stop early.
 */
export function bioVecExtent(d: World, id: BioId): { written: number; slots: number } | null {
  const ref = d.bios[id]?.bi_io_vec ?? null;
  const view = ref === null ? null : viewOf(d, ref);
  if (ref === null || view === null) return null;
  return { written: Math.max(0, view.bv.length - ref.at), slots: Math.max(0, view.slots - ref.at) };
}
