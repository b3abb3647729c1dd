/**
 * Iterator helpers of the netfs read path: a stack ITER_BVECQ iterator (a local `struct
 * iov_iter` the kernel builds with iov_iter_bvec_queue() and never stores), and
 * netfs_reset_iter() (fs/netfs/misc.c, rolling design), which brings a subrequest's `io_iter`
 * back to the untransferred remainder by advancing or reverting it and truncating it.
 */
import type { StepCtx } from './ctx.ts';
import type { BvecqPos, IovIter, World } from './state.ts';
import type { NetfsSubrequest } from './netfs_state.ts';
import { iov_iter_advance, iov_iter_revert } from './iov_iter.ts';

/** The id a stack iterator is reported under: it has no place in the state's table. */
export const STACK_ITER = -1;

/** iov_iter_bvec_queue() into a local destination iterator at `at`, covering `count` bytes. */
export function stackBvecqIter(at: BvecqPos, count: number): IovIter {
  if (at.bvecq === null) throw new Error('stackBvecqIter: unset position');
  return {
    iter_type: 'ITER_BVECQ',
    data_source: false,
    nofault: false,
    count,
    iov_offset: at.offset,
    nr_segs: null,
    bvec: null,
    bvec_index: null,
    kvec: null,
    kvec_index: null,
    bvecq: at.bvecq,
    bvecq_slot: at.slot,
    ubuf: null,
    consumed: 0,
    origin: { bvecq: at.bvecq, index: at.slot, offset: at.offset },
  };
}

/**
 * Models netfs_reset_iter(): the remainder is `len - transferred`; an iterator holding more is
 * advanced by the excess, one holding less is reverted by the shortfall, then it is truncated to
 * the remainder. The iterator holds no node reference, so either walk may touch a node the
 * collector already freed. Returns false after a bug.
 */
export function netfs_reset_iter(d: World, s: NetfsSubrequest, ctx: StepCtx): boolean {
  const it = d.iters[s.io_iter];
  if (it === undefined) throw new Error(`netfs_reset_iter: io_iter ${s.io_iter} never set up`);
  ctx.touch('iter', s.io_iter);
  const remain = s.len - s.transferred;
  if (it.count > remain) {
    if (!iov_iter_advance(d, it, it.count - remain, ctx)) return false;
  } else if (it.count < remain) {
    if (!iov_iter_revert(d, s.io_iter, it, remain - it.count, ctx)) return false;
  }
  if (it.count > remain) it.count = remain;
  return true;
}
