/**
 * Bio checks (REFERENCE §1.8): after each event, no touched bio holds more vectors than it
 * allocated; at quiescence, every bio is freed (or, in caller memory, uninitialised) and the
 * device has nothing left in flight.
 */
import { touchedBefore, type StepCtx } from '../ctx.ts';
import type { World } from '../state.ts';

export function checkTouchedBios(d: World, ctx: StepCtx): void {
  for (let k = 0; k < ctx.touchedCount; k++) {
    const t = ctx.touched[k];
    if (t === undefined || t.kind !== 'bio' || touchedBefore(ctx, k)) continue;
    const b = d.bios[t.id];
    if (b === undefined || b.freed) continue;
    if (b.bi_vcnt > b.bi_max_vecs) {
      ctx.invariant('bio.vcnt_exceeds_max_vecs', `bio ${t.id}: bi_vcnt ${b.bi_vcnt} > bi_max_vecs ${b.bi_max_vecs}`);
    }
  }
}

export function checkBioLeaks(d: World, ctx: StepCtx): void {
  for (const [id, b] of Object.entries(d.bios)) {
    if (b.freed || (!b.pool && b.uninit)) continue;
    const what = b.pool ? `holds ${b.cnt} ref(s)` : 'in caller memory was never bio_uninit()ed';
    ctx.invariant('refcount.leak', `bio ${id} ${what} at quiescence`);
  }
  for (const [id, io] of Object.entries(d.ios)) {
    if (!io.freed) ctx.invariant('blkdev.io_in_flight', `io ${id} (bio ${io.bio}) is still in flight at quiescence`);
  }
}
