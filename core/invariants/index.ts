/**
 * Invariant checkers: pure observers of the state that report `invariant` findings. The
 * per-event checks look only at the objects the event touched; the whole-world checks
 * (leaks) run at quiescence.
 */
import type { StepCtx } from '../ctx.ts';
import type { World } from '../state.ts';
import { checkTouchedBvecqs, checkBvecqLeaks } from './bvecq.ts';
import { checkFolioLeaks } from './folio.ts';
import { checkTouchedIters } from './iov_iter.ts';
import { checkBioLeaks, checkTouchedBios } from './bio.ts';
import { checkNetfsQuiescence } from './netfs.ts';

export function checkAfterEvent(d: World, ctx: StepCtx): void {
  checkTouchedBvecqs(d, ctx);
  checkTouchedIters(d, ctx);
  checkTouchedBios(d, ctx);
}

export function checkQuiescence(d: World, ctx: StepCtx): void {
  checkFolioLeaks(d, ctx);
  checkBvecqLeaks(d, ctx);
  checkBioLeaks(d, ctx);
  checkNetfsQuiescence(d, ctx);
}
