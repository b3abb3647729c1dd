/**
 * Direct I/O as fs/iomap issues it (iomap_dio_bio_iter), as a DIO writer and a DIO reader:
 * map a user buffer (dio_user.ts), set up an ITER_UBUF, then bio after bio until the iterator
 * is empty — size the bio (bio_iov_bounce_nr_vecs or bio_iov_vecs_to_alloc), allocate it,
 * fill it either through a bounce buffer (bio_iov_iter_bounce, REFERENCE §2.11) or by pinning
 * the user pages (bio_iov_iter_get_pages), submit it — and reap completions as they come, the
 * way iomap_dio_bio_end_io does: bio_iov_iter_unbounce (a read copies back to the user pages
 * and dirties them) or bio_release_pages, then bio_put. A fill that fails puts the bio and
 * ends the I/O, except that a `nofault` I/O that hit a fault faults the pages in and goes on
 * with a new bio, as btrfs and gfs2 retry — which needs the iterator the failed call reverted.
 * The writer sometimes writes a reserved physical region instead (dio_reserved.ts).
 */
import { kernel, type BvsimEvent, type World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import { drawSize } from '../sizes.ts';
import { grantedVecs } from './stacking_driver.ts';
import { type ActorStep } from './chain_build.ts';
import { mapUserBuffer, NO_FAULT, type UserBuffer, type UserBufferShape } from './dio_user.ts';
import { readAllocs, writeAllocs } from './dio_bounce_plan.ts';
import { reservedWrite } from './dio_reserved.ts';

export type DioPath = 'bounce' | 'pin' | 'mixed';

export interface DioParams extends UserBufferShape {
  /** I/Os issued one after another. */
  readonly rounds: number;
  /** Bounce buffers, pinned user pages, or either per I/O. */
  readonly path: DioPath;
  /** Most vecs asked for one bio (>= 2): a small cap splits an I/O into several bios. */
  readonly vecsMax: number;
}

export interface DioWriterParams extends DioParams {
  /** Whether some rounds write a physically contiguous reserved region instead. */
  readonly reserved: boolean;
}

const EFAULT = 14;
/** An extent's worth of bios: iomap issues one extent at a time, so an I/O is bounded. */
const BIOS_PER_IO_MAX = 64;

/** One I/O in progress: how it fills bios and which bios are still in flight. */
interface DioIo {
  readonly write: boolean;
  readonly bounce: boolean;
  readonly iter: number;
  readonly buf: UserBuffer;
  readonly maxlen: number;
  readonly memAlignMask: number;
  sector: number;
  retried: boolean;
  readonly inflight: number[];
}

export function dioWriter(name: string, p: DioWriterParams): ActorSpec {
  return {
    name,
    start: function* (env) {
      for (let round = 0; round < p.rounds && !env.draining(); round++) {
        if (p.reserved && env.draw.chance({ numerator: 1, denominator: 2 })) yield* reservedWrite(env);
        else yield* dioRound(env, p, true);
      }
    },
  };
}

export function dioReader(name: string, p: DioParams): ActorSpec {
  return {
    name,
    start: function* (env) {
      for (let round = 0; round < p.rounds && !env.draining(); round++) yield* dioRound(env, p, false);
    },
  };
}

function* dioRound(env: ActorEnv, p: DioParams, write: boolean): ActorProgram {
  const bounce = p.path === 'bounce' || (p.path === 'mixed' && env.draw.chance({ numerator: 1, denominator: 2 }));
  const buf = yield* mapUserBuffer(env, p, bounce && write);
  const iter = env.ids.next('iter');
  yield { type: 'iov_iter_ubuf', iter, direction: write ? 1 : 0, start: buf.start, len: buf.len, nofault: buf.nofault };
  const io: DioIo = {
    write,
    bounce,
    iter,
    buf,
    // Whole blocks, so a bio is never aligned down to nothing.
    maxlen: env.draw.chance({ numerator: 1, denominator: 2 }) ? kernel.BIO_MAX_SIZE : buf.blockSize * (1 + drawSize(env.draw, 16)),
    memAlignMask: env.draw.pick([0, 3, 511]),
    sector: env.draw.int(1 << 20) * 8,
    retried: false,
    inflight: [],
  };
  for (let k = 0; k < BIOS_PER_IO_MAX; k++) {
    if ((env.world().iters[iter]?.count ?? 0) === 0) break;
    if (!(yield* oneBio(env, p, io))) break;
    yield* reapDone(env, io);
  }
  while (io.inflight.length > 0) {
    yield { wait: `dio bios ${io.inflight.join(',')}`, until: (w: World) => anyCompleted(w, io.inflight) };
    yield* reapDone(env, io);
  }
}

/** How many vecs the next bio asks for: the kernel's count, capped; a bounce read needs two. */
function* nrVecs(env: ActorEnv, p: DioParams, io: DioIo): ActorStep<number> {
  const q: BvsimEvent = io.bounce ? { type: 'bio_iov_bounce_nr_vecs', iter: io.iter, op: io.write ? 1 : 0 } : { type: 'bio_iov_vecs_to_alloc', iter: io.iter, max: 256 };
  const out = yield q;
  const nr = typeof out.ret === 'number' ? Math.min(out.ret, p.vecsMax) : 0;
  return io.bounce && !io.write ? Math.max(2, nr) : nr;
}

/** Allocates, fills and submits one bio. False when the I/O ends here. */
function* oneBio(env: ActorEnv, p: DioParams, io: DioIo): ActorStep<boolean> {
  const nr = yield* nrVecs(env, p, io);
  if (nr <= 0) return false;
  const bio = env.ids.next('bio');
  const maxVecs = grantedVecs(nr);
  const fail = env.allocFails('bio');
  yield { type: 'bio_alloc', bio, nr_vecs: nr, opf: io.write ? 1 : 0, max_vecs: maxVecs, fail };
  if (fail) return false;
  yield { type: 'bio_set_sector', bio, sector: io.sector };
  yield { type: 'bio_set_end_io', bio, end_io: 'record' };
  const ret = yield* fill(env, io, bio, maxVecs);
  if (ret !== 0) {
    yield { type: 'bio_put', bio };
    if (ret !== -EFAULT || !io.buf.nofault || io.retried || io.buf.fault === NO_FAULT) return false;
    // fault_in_iov_iter_readable() / _writeable() brought the pages in: try again.
    io.retried = true;
    yield { type: 'sim.user_fault', offset: NO_FAULT };
    return true;
  }
  const size = env.world().bios[bio]?.bi_size ?? 0;
  yield { type: 'submit_bio', bio, io: env.ids.next('io') };
  io.sector += Math.floor(size / 512);
  io.inflight.push(bio);
  return true;
}

/** bio_iov_iter_bounce() or bio_iov_iter_get_pages(); its return. */
function* fill(env: ActorEnv, io: DioIo, bio: number, maxVecs: number): ActorStep<number> {
  const count = env.world().iters[io.iter]?.count ?? 0;
  const minsize = io.buf.blockSize;
  let e: BvsimEvent;
  if (io.bounce) {
    const allocs = io.write ? writeAllocs(env, count, io.maxlen, minsize, maxVecs) : readAllocs(env, count, io.maxlen, minsize);
    e = { type: 'bio_iov_iter_bounce', bio, iter: io.iter, maxlen: io.maxlen, minsize, allocs };
  } else {
    e = { type: 'bio_iov_iter_get_pages', bio, iter: io.iter, maxlen: io.maxlen, mem_align_mask: io.memAlignMask, len_align_mask: minsize - 1 };
  }
  const out = yield e;
  return typeof out.ret === 'number' ? out.ret : 0;
}

function completed(w: World, bio: number): boolean {
  return (w.bios[bio]?.end_io_calls.length ?? 0) > 0;
}

/** Whether any of `bios` has completed: asked at every step while the I/O waits, so no closure. */
function anyCompleted(w: World, bios: readonly number[]): boolean {
  for (const b of bios) if (completed(w, b)) return true;
  return false;
}

/** iomap_dio_bio_end_io() for every bio of the I/O that has completed, in submission order. */
function* reapDone(env: ActorEnv, io: DioIo): ActorStep<void> {
  for (;;) {
    const w = env.world();
    const k = io.inflight.findIndex((b) => completed(w, b));
    const bio = io.inflight[k];
    if (bio === undefined) return;
    io.inflight.splice(k, 1);
    const failed = (w.bios[bio]?.status ?? 0) !== 0;
    if (io.bounce) yield { type: 'bio_iov_iter_unbounce', bio, is_error: failed, mark_dirty: !io.write };
    else yield { type: 'bio_release_pages', bio, mark_dirty: !io.write };
    yield { type: 'bio_put', bio };
  }
}
