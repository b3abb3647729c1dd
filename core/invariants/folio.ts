/**
 * Folio checks at quiescence: every reference and pin back to its owner's baseline. A bounce
 * buffer still allocated is `folio.leak`; any other extra reference is `refcount.leak`.
 */
import type { StepCtx } from '../ctx.ts';
import type { World } from '../state.ts';

export function checkFolioLeaks(d: World, ctx: StepCtx): void {
  for (const [id, f] of Object.entries(d.folios)) {
    if (f.freed) continue;
    if (f.refcount > f.baseline_refs && f.bounce) {
      ctx.invariant('folio.leak', `bounce folio ${id} was never freed (${f.refcount} ref(s) left)`);
    } else if (f.refcount > f.baseline_refs) {
      ctx.invariant('refcount.leak', `folio ${id} holds ${f.refcount} refs, baseline ${f.baseline_refs}`);
    }
    if (f.pincount > 0) ctx.invariant('pin.leak', `folio ${id} still holds ${f.pincount} pin(s)`);
  }
}
