/**
 * iov_iter checks (REFERENCE §1.6, §2.5 item 6, §3 items 10 and 11): states the kernel carries
 * on from but the design forbids.
 * - `iov_iter.count_exceeds_data`: an ITER_BVEC or ITER_KVEC iterator whose `count` is larger
 *   than the bytes left in its window, so the next copy walks off the array. ITER_BVECQ is
 *   exempt: its `count` is a budget the chain may not fill (walks stop at the chain end).
 * - `iov_iter.over_revert`: a revert took the iterator before the position it was set up at,
 *   whether or not the kernel could still walk there (REFERENCE §1.10 "Revert has no lower
 *   bound").
 */
import { touchedBefore, type StepCtx } from '../ctx.ts';
import type { IovIter, IterId, World } from '../state.ts';

/** Bytes in the elements of the iterator's window, from the current one to the window end. */
function windowBytes(d: World, it: IovIter): number {
  const idx = it.iter_type === 'ITER_BVEC' ? it.bvec_index : it.kvec_index;
  const end = (idx ?? 0) + (it.nr_segs ?? 0);
  let total = 0;
  for (let k = idx ?? 0; k < end; k++) {
    total += it.iter_type === 'ITER_BVEC' ? (d.bvecs[it.bvec ?? -1]?.bv[k]?.len ?? 0) : (d.kvecs[it.kvec ?? -1]?.iov[k]?.len ?? 0);
  }
  return total;
}

export function checkTouchedIters(d: World, ctx: StepCtx): void {
  for (let k = 0; k < ctx.touchedCount; k++) {
    const t = ctx.touched[k];
    if (t === undefined || t.kind !== 'iter' || touchedBefore(ctx, k)) continue;
    const it = d.iters[t.id];
    if (it === undefined || (it.iter_type !== 'ITER_BVEC' && it.iter_type !== 'ITER_KVEC')) continue;
    const left = windowBytes(d, it) - it.iov_offset;
    if (it.count > left) {
      ctx.invariant('iov_iter.count_exceeds_data', `iter ${t.id}: count ${it.count} but only ${left < 0 ? 0 : left} byte(s) left in its ${it.iter_type} window`);
    }
  }
}

/** Called by iov_iter_revert() once it has applied a revert of `unroll` bytes. */
export function reportOverRevert(id: IterId, it: IovIter, unroll: number, ctx: StepCtx): void {
  if (it.consumed >= 0) return;
  ctx.invariant('iov_iter.over_revert', `iter ${id}: revert by ${unroll} leaves it ${-it.consumed} byte(s) before its setup position`);
}
