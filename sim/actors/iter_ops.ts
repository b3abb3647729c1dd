/**
 * What a filesystem does with an iterator once it is set up: copies to or from a kernel
 * buffer, advances, reverts, truncates and re-expands, and asks it questions. The caller keeps
 * its own count of the bytes it consumed, as `generic_file_read_iter()` does with
 * `iov_iter_count()`, so it only ever reverts what it consumed: a short copy is taken back
 * whole, and a truncation is undone by exactly what it cut.
 */
import type { ActorEnv } from '../actor.ts';
import { drawSize } from '../sizes.ts';
import { assert, type ActorStep } from './chain_build.ts';

export interface IterTarget {
  readonly iter: number;
  /** 0: ITER_DEST (copies into the iterator), 1: ITER_SOURCE. */
  readonly direction: 0 | 1;
  readonly kbuf: number;
  readonly kbufSize: number;
}

/** The caller's bookkeeping for one iterator. */
interface Ledger {
  consumed: number;
  /** Bytes cut off by truncations not yet re-expanded. */
  shorted: number;
}

const OP_WEIGHTS = [5, 2, 2, 1, 1, 1];

/** Runs `ops` drawn calls on the iterator, then (sometimes) unwinds to its setup position. */
export function* iterOps(env: ActorEnv, t: IterTarget, ops: number): ActorStep<void> {
  const ledger: Ledger = { consumed: 0, shorted: 0 };
  for (let k = 0; k < ops && !env.draining(); k++) {
    const count = env.world().iters[t.iter]?.count ?? 0;
    switch (env.draw.weighted(OP_WEIGHTS)) {
      case 0:
        yield* copy(env, t, ledger);
        break;
      case 1: {
        const bytes = drawSize(env.draw, count + 1);
        yield { type: 'iov_iter_advance', iter: t.iter, bytes };
        ledger.consumed += Math.min(bytes, count);
        break;
      }
      case 2: {
        const bytes = drawSize(env.draw, ledger.consumed);
        yield { type: 'iov_iter_revert', iter: t.iter, bytes };
        ledger.consumed -= bytes;
        assert(ledger.consumed >= 0, `iter ${t.iter}: reverted past its setup position`);
        break;
      }
      case 3: {
        const limit = drawSize(env.draw, count);
        yield { type: 'iov_iter_truncate', iter: t.iter, count: limit };
        ledger.shorted += count - Math.min(count, limit);
        break;
      }
      case 4:
        yield { type: 'iov_iter_reexpand', iter: t.iter, count: count + ledger.shorted };
        ledger.shorted = 0;
        break;
      default:
        yield* query(env, t.iter, count);
    }
  }
  if (ledger.consumed > 0 && env.draw.chance({ numerator: 1, denominator: 2 })) {
    yield { type: 'iov_iter_revert', iter: t.iter, bytes: ledger.consumed };
  }
}

/** One copy between the iterator and the kernel buffer; a short copy is reverted (as callers of copy_*_iter do). */
function* copy(env: ActorEnv, t: IterTarget, ledger: Ledger): ActorStep<void> {
  const offset = drawSize(env.draw, t.kbufSize);
  const bytes = drawSize(env.draw, t.kbufSize - offset);
  const type = t.direction === 0 ? 'copy_to_iter' : 'copy_from_iter';
  const out = yield { type, iter: t.iter, bytes, buf: t.kbuf, offset };
  const copied = typeof out.ret === 'number' ? out.ret : 0;
  ledger.consumed += copied;
  // Asking for more than `count` is a short copy by the caller's measure too.
  if (copied < bytes && copied > 0 && env.draw.chance({ numerator: 3, denominator: 4 })) {
    yield { type: 'iov_iter_revert', iter: t.iter, bytes: copied };
    ledger.consumed -= copied;
  }
}

/**
 * A query. iov_iter_alignment() reads the current element before it looks at `count` (a
 * do-while), so on an empty iterator parked at the end of its array it reads past it; callers
 * ask only when there is something to align.
 */
function* query(env: ActorEnv, iter: number, count: number): ActorStep<void> {
  switch (env.draw.int(count > 0 ? 3 : 2)) {
    case 0:
      yield { type: 'iov_iter_npages', iter, maxpages: 1 + env.draw.int(64) };
      break;
    case 1:
      yield { type: 'iov_iter_single_seg_count', iter };
      break;
    default:
      yield { type: 'iov_iter_alignment', iter };
  }
}
