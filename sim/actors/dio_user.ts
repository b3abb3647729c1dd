/**
 * The user side of a direct I/O: the process maps its buffer (user folios of drawn orders,
 * the first one sometimes mapped from a middle page, as a THP or hugetlb mapping of an
 * unaligned range is), then either leaves it whole or makes it fault from a drawn byte on —
 * 0, 1, either side of a page boundary, just before the end — and sets up an ITER_UBUF over
 * it, sometimes `nofault` (a filesystem holding locks that must not take a page fault).
 * The user address space is one per run, as the threads of one process share it: each I/O
 * maps fresh pages from user offset 0 (mmap MAP_FIXED over whatever another actor mapped),
 * and the fault offset is the process's too. An actor racing another's remap or fault only
 * sees its own I/O fault or read other pages, which the kernel must survive all the same.
 */
import type { BvsimEvent } from '../../core/index.ts';
import type { ActorEnv } from '../actor.ts';
import { drawOffset, drawSize } from '../sizes.ts';
import { PAGE_SIZE } from './chain_build.ts';

/** A fault offset no user byte reaches: the buffer is wholly mapped again. */
export const NO_FAULT = Number.MAX_SAFE_INTEGER;

export interface UserBufferShape {
  /** Most pages the buffer spans (>= 1). */
  readonly pagesMax: number;
  /** Largest user folio order (a THP is 9). */
  readonly orderMax: number;
  /** Whether I/Os may fault part-way. */
  readonly faults: boolean;
  /** Whether iterators may be `nofault`. */
  readonly nofault: boolean;
}

/** One I/O's buffer: user offset and length, the logical block size, whether it faults. */
export interface UserBuffer {
  readonly start: number;
  readonly len: number;
  readonly blockSize: number;
  readonly nofault: boolean;
  /** Absolute user offset of the first faulting byte, or NO_FAULT. */
  readonly fault: number;
}

/**
 * The runs of a map over `pages` user pages: folios of drawn orders; the first sometimes
 * mapped from a middle subpage, the last cut short where the buffer ends.
 */
function mapRuns(env: ActorEnv, pages: number, orderMax: number): [number, number, number, number][] {
  const runs: [number, number, number, number][] = [];
  for (let mapped = 0; mapped < pages; ) {
    const order = env.draw.int(orderMax + 1);
    const head = env.ids.userPfn(order);
    const span = 2 ** order;
    const first = mapped === 0 && span > 1 && env.draw.chance({ numerator: 1, denominator: 3 }) ? env.draw.int(span) : 0;
    const count = Math.min(span - first, pages - mapped);
    runs.push([head, order, first, count]);
    mapped += count;
  }
  return runs;
}

/** An absolute fault offset inside (or just past) [start, start + len), biased to edges. */
function drawFault(env: ActorEnv, start: number, len: number): number {
  const boundary = Math.ceil((start + 1) / PAGE_SIZE) * PAGE_SIZE;
  const at = [start, start + 1, boundary - 1, boundary, boundary + 1, start + len - 1, start + PAGE_SIZE - 1, start + drawSize(env.draw, len)];
  return env.draw.pick(at);
}

/**
 * Plans, maps and (maybe) faults one I/O's buffer: `len` whole logical blocks from an
 * unaligned user offset; `lbs` allows blocks larger than a page. Yields `sim.user_map` and
 * `sim.user_fault`.
 */
export function* mapUserBuffer(env: ActorEnv, shape: UserBufferShape, lbs: boolean): Generator<BvsimEvent, UserBuffer, unknown> {
  // A large-block-size filesystem (16 KiB blocks on 4 KiB pages) only where no user page is
  // pinned: align-down drops one pin per multi-page vec (REFERENCE §3 item 15, unconfirmed).
  const blockSize = lbs && env.draw.chance({ numerator: 1, denominator: 4 }) ? 16384 : env.draw.pick([512, 4096]);
  const start = (env.draw.chance({ numerator: 1, denominator: 4 }) ? PAGE_SIZE : 0) + drawOffset(env.draw);
  const room = shape.pagesMax * PAGE_SIZE - (start % PAGE_SIZE);
  const blocks = Math.max(1, Math.ceil(drawSize(env.draw, room) / blockSize));
  const len = blocks * blockSize;
  const pages = Math.ceil((start + len) / PAGE_SIZE);
  yield { type: 'sim.user_map', runs: mapRuns(env, pages, shape.orderMax) };
  const faulty = shape.faults && env.draw.chance({ numerator: 1, denominator: 2 });
  const fault = faulty ? drawFault(env, start, len) : NO_FAULT;
  // Always said, so a fault another I/O left behind does not carry over to this one.
  yield { type: 'sim.user_fault', offset: fault };
  const nofault = shape.nofault && env.draw.chance({ numerator: 1, denominator: 2 });
  return { start, len, blockSize, nofault, fault };
}
