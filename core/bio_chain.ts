/**
 * Completion (block/bio.c, include/linux/bio.h; linux-block tree at 10c5ed1d; REFERENCE
 * §2.10, §3 item 14): bio_chain() makes a parent wait for a child by raising its
 * `__bi_remaining`; bio_endio() runs `bi_end_io` only when the count reaches zero, handing
 * a chained child's status to its parent (the first error wins), putting the child and
 * continuing with the parent in a loop rather than by recursion.
 * Divergence: BIO_COMPLETE_IN_TASK deferral, integrity, zone, qos and tracing hooks are not
 * modelled (the model never runs in atomic context), and `bi_end_io` is one of the
 * reference harness's recorders rather than arbitrary code.
 * Mutant `bio_endio_parent_early` (a plausible ordering bug, REFERENCE §3 item 14): once a
 * parent's own I/O has completed, a chained child's hand-off completes the parent whatever
 * `__bi_remaining` says. It only shows when the parent's own completion overtakes at least two
 * of its children, so the hand-off of one finds another still in flight.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, World } from './state.ts';
import { lookupLive } from './lookup.ts';
import { u8 } from './kernel_int.ts';
import { bio_clear_flag, bio_flagged, bio_set_flag, type BioEndIo } from './bio_state.ts';
import { bio_put } from './bio.ts';

export const MUTANT_BIO_ENDIO_PARENT_EARLY = 'bio_endio_parent_early';

export type BioChainEvent =
  | { type: 'bio_chain'; bio: BioId; parent: BioId }
  | { type: 'bio_set_end_io'; bio: BioId; end_io: Exclude<BioEndIo, 'chain'> }
  | { type: 'bio_endio'; bio: BioId; status?: number };

/**
 * Models bio_remaining_done(): without BIO_CHAIN the bio is done at once; with it, the
 * count (BUG when already <= 0) drops and the bio is done when it reaches zero, clearing
 * BIO_CHAIN. Returns null after the BUG.
 */
export function bio_remaining_done(d: World, id: BioId, ctx: StepCtx): boolean | null {
  const b = d.bios[id];
  if (b === undefined) return null;
  if (!bio_flagged(b, 'CHAIN')) return true;
  if (b.remaining <= 0) {
    ctx.bug('bio_endio.remaining_underflow', `bio_endio on chained bio ${id} with __bi_remaining ${b.remaining}`);
    return null;
  }
  b.remaining -= 1;
  if (b.remaining > 0) return false;
  bio_clear_flag(b, 'CHAIN');
  return true;
}

/**
 * Models bio_endio(). Each bio that completes is marked, so a second completion of the
 * same use (a parent ended more times than its count, an un-chained bio ended twice) is the
 * `bio.endio_twice` finding while the kernel simply runs `bi_end_io` again. Chains that
 * loop back on themselves would spin forever in the kernel: `bug bio_endio.chain_loop`.
 */
export function bio_endio(d: World, id: BioId, ctx: StepCtx): void {
  let cur = id;
  // Each step moves to a parent, so a walk that meets a bio twice is a cycle: bounded by it.
  const visited: BioId[] = [];
  for (;;) {
    if (visited.includes(cur)) {
      ctx.bug('bio_endio.chain_loop', `bio_endio from bio ${id} cycles through chained parents forever`);
      return;
    }
    visited.push(cur);
    const done = bio_remaining_done(d, cur, ctx);
    ctx.touch('bio', cur);
    if (done !== true && !(done === false && cur !== id && ctx.mutant(MUTANT_BIO_ENDIO_PARENT_EARLY) && ownIoDone(d, cur))) return;
    const b = d.bios[cur];
    if (b === undefined) return;
    if (b.completed) ctx.invariant('bio.endio_twice', `bio ${cur} completes again after its count already reached zero`);
    // The fixed count clears BIO_CHAIN when it reaches zero: still set means children are in flight.
    if (bio_flagged(b, 'CHAIN')) ctx.invariant('bio.endio_before_children', `bio ${cur} completes with ${b.remaining} chained completion(s) still outstanding`);
    b.completed = true;
    if (b.end_io !== 'chain') {
      callEndIo(d, cur, ctx);
      return;
    }
    const parentId = b.private;
    const parent = parentId === null ? null : lookupLive(d.bios, parentId, ctx, 'bio', 'bio');
    if (parentId === null || parent === null) {
      if (parentId === null) ctx.bug('bio_chain_endio.no_parent', `chained bio ${cur} has no bi_private parent`);
      return;
    }
    if (b.status !== 0 && parent.status === 0) parent.status = b.status;
    bio_put(d, cur, ctx);
    cur = parentId;
  }
}

/** Whether the device already completed `id`'s own I/O (the mutant's notion of "done"). */
function ownIoDone(d: World, id: BioId): boolean {
  return Object.values(d.ios).some((io) => io.bio === id && io.freed);
}

/** Runs the recorded `bi_end_io`: notes the status, and for `record_put` drops a reference. */
function callEndIo(d: World, id: BioId, ctx: StepCtx): void {
  const b = d.bios[id];
  if (b === undefined || b.end_io === null) return;
  b.end_io_calls.push(b.status);
  if (b.end_io === 'record_put') bio_put(d, id, ctx);
}

export const bioChainRecipes: RecipeTable<BioChainEvent> = {
  // bio_chain(): BUG if the child already has bi_private or bi_end_io; else the parent
  // gains BIO_CHAIN and one more count, and the child gets the chain sentinel.
  bio_chain(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    const parent = lookupLive(d.bios, e.parent, ctx, 'bio', 'parent');
    if (parent === null) return null;
    if (b.private !== null || b.end_io !== null) {
      ctx.bug('bio_chain.already_has_end_io', `bio_chain of bio ${e.bio}, which has bi_end_io ${String(b.end_io)} / bi_private ${String(b.private)}`);
      return null;
    }
    b.private = e.parent;
    b.end_io = 'chain';
    bio_set_flag(parent, 'CHAIN');
    parent.remaining += 1;
    ctx.touch('bio', e.bio);
    ctx.touch('bio', e.parent);
    return null;
  },
  bio_set_end_io(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    b.end_io = e.end_io;
    ctx.touch('bio', e.bio);
    return null;
  },
  // bio_endio(), or bio_endio_status() when `status` is given (it stores bi_status first).
  bio_endio(d, e, ctx) {
    const b = lookupLive(d.bios, e.bio, ctx, 'bio', 'bio');
    if (b === null) return null;
    if (e.status !== undefined) b.status = u8(e.status, 'bi_status', ctx);
    bio_endio(d, e.bio, ctx);
    return null;
  },
};
