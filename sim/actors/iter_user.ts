/**
 * An iterator user: a filesystem reading into or writing from a netfs-style buffer. Each
 * round it allocates folios, hangs them in an ITER_BVECQ chain (PAGECACHE slots, zero-length
 * slots, empty nodes in the middle) or an ITER_BVEC array, sets up one or two iterators with
 * a drawn start and count, runs drawn copies and moves on them (iter_ops.ts), then puts the
 * chain, whose cascade releases the folios, or drops its folios itself.
 */
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import { drawSize } from '../sizes.ts';
import { allocFolios, assert, buildChain, chainLayout, planPieces, PAGE_SIZE, type ActorStep, type Piece } from './chain_build.ts';
import { iterOps } from './iter_ops.ts';

export type IterVariant = 'bvecq' | 'bvec' | 'mixed';

export interface IterUserParams {
  /** Buffers built one after another. */
  readonly rounds: number;
  /** Most folios in one buffer (>= 1). */
  readonly folios: number;
  readonly orderMax: number;
  /** Largest node capacity asked for (>= 1). */
  readonly slotsMax: number;
  readonly emptyNodes: boolean;
  readonly zeroSlots: boolean;
  /** Most iterator calls in one pass (>= 1). */
  readonly opsMax: number;
  readonly variant: IterVariant;
}

export function iterUser(name: string, p: IterUserParams): ActorSpec {
  return { name, start: (env) => run(env, p) };
}

function* run(env: ActorEnv, p: IterUserParams): ActorProgram {
  for (let round = 0; round < p.rounds && !env.draining(); round++) {
    const folios = yield* allocFolios(env, 1 + env.draw.int(p.folios), p.orderMax);
    if (folios.length === 0) continue;
    const pieces = planPieces(env, folios, p.zeroSlots);
    const useBvecq = p.variant === 'bvecq' || (p.variant === 'mixed' && env.draw.chance({ numerator: 1, denominator: 2 }));
    if (useBvecq) yield* bvecqRound(env, p, pieces);
    else yield* bvecRound(env, p, pieces, folios);
  }
}

function* withKbuf(env: ActorEnv, total: number, body: (kbuf: number, size: number) => ActorStep<void>): ActorStep<void> {
  const kbuf = env.ids.next('kbuf');
  const size = 1 + drawSize(env.draw, total + 2 * PAGE_SIZE);
  yield { type: 'kbuf_alloc', buf: kbuf, size };
  yield* body(kbuf, size);
  yield { type: 'kbuf_free', buf: kbuf };
}

function* bvecqRound(env: ActorEnv, p: IterUserParams, pieces: readonly Piece[]): ActorStep<void> {
  const head = yield* buildChain(env, p, pieces);
  if (head === null) return;
  if (env.draw.chance({ numerator: 1, denominator: 8 })) {
    // Trim the buffer as a short read would, to at most what it holds (more would WARN, -EMSGSIZE).
    const total = chainLayout(env.world(), head).total;
    yield { type: 'bvecq_shorten_buffer', bvecq: head, slot: 0, size: drawSize(env.draw, total) };
  }
  const passes = 1 + env.draw.int(2);
  yield* withKbuf(env, chainLayout(env.world(), head).total, function* (kbuf, kbufSize) {
    for (let k = 0; k < passes && !env.draining(); k++) yield* bvecqPass(env, p, head, kbuf, kbufSize);
  });
  yield { type: 'bvecq_put', bvecq: head };
}

/**
 * One ITER_BVECQ iterator over the chain: the start is a published slot with an offset up to
 * its length, or the end of a node (`slot == nr_slots`, as an exact advance leaves it); the
 * count is what lies after the start, or now and then more (a budget the chain cannot fill).
 */
function* bvecqPass(env: ActorEnv, p: IterUserParams, head: number, kbuf: number, kbufSize: number): ActorStep<void> {
  const layout = chainLayout(env.world(), head);
  let start: { bvecq: number; slot: number; offset: number; before: number };
  const s = layout.slots.length > 0 && env.draw.chance({ numerator: 3, denominator: 4 }) ? env.draw.pick(layout.slots) : null;
  if (s !== null) {
    const offset = drawSize(env.draw, s.len);
    start = { bvecq: s.bvecq, slot: s.slot, offset, before: s.before + offset };
  } else {
    const n = env.draw.pick(layout.nodes);
    start = { bvecq: n.id, slot: n.nr_slots, offset: 0, before: n.end };
  }
  const avail = layout.total - start.before;
  assert(avail >= 0, `iterator start ${start.before} past the ${layout.total} byte(s) of the chain`);
  const over = env.draw.chance({ numerator: 1, denominator: 16 });
  const count = over ? avail + 1 + drawSize(env.draw, 2 * PAGE_SIZE) : drawSize(env.draw, avail);
  const iter = env.ids.next('iter');
  const direction = env.draw.int(2) === 0 ? 0 : 1;
  yield { type: 'iov_iter_bvec_queue', iter, direction, bvecq: start.bvecq, slot: start.slot, offset: start.offset, count };
  yield* iterOps(env, { iter, direction, kbuf, kbufSize }, 1 + env.draw.int(p.opsMax));
}

/** ITER_BVEC over a window of a bio_vec array; the caller keeps its folio references. */
function* bvecRound(env: ActorEnv, p: IterUserParams, pieces: readonly Piece[], folios: readonly number[]): ActorStep<void> {
  const bvec = env.ids.next('bvec');
  yield { type: 'bvec_array', bvec, bv: pieces.map((x) => ({ page: x.page, offset: x.offset, len: x.len })) };
  const total = pieces.reduce((a, x) => a + x.len, 0);
  const passes = 1 + env.draw.int(2);
  yield* withKbuf(env, total, function* (kbuf, kbufSize) {
    for (let k = 0; k < passes && !env.draining(); k++) {
      const start = env.draw.int(pieces.length + 1);
      const nr_segs = env.draw.int(pieces.length - start + 1);
      const window = pieces.slice(start, start + nr_segs).reduce((a, x) => a + x.len, 0);
      const iter = env.ids.next('iter');
      const direction = env.draw.int(2) === 0 ? 0 : 1;
      // The count never exceeds the window: iterate_bvec has no bound but nr_segs.
      yield { type: 'iov_iter_bvec', iter, direction, bvec, start, nr_segs, count: drawSize(env.draw, window) };
      yield* iterOps(env, { iter, direction, kbuf, kbufSize }, 1 + env.draw.int(p.opsMax));
    }
  });
  for (const f of folios) yield { type: 'folio_put', folio: f };
}
