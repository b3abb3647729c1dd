/**
 * A netfs-style user of a bvecq rolling buffer with cursors that hold node references (the
 * bvecq_pos design, netfs tree): a producer appends pages at the tail (bvecq_producer.ts); a
 * dispatcher cuts subrequests off the front with bvecq_slice / bvecq_extract /
 * bvecq_pos_advance / bvecq_pos_step, each subrequest keeping a position set at its start;
 * subrequests finish in any order (advancing, zeroing, or copying through an ITER_BVECQ
 * iterator at their position); a collector advances over them strictly in order, unsets
 * their positions and deletes spent nodes. The owner counts the bytes it published, handed
 * out and collected, so every walk it asks for stays within what is there, and every
 * position is unset at the end: a clean model balances every reference at quiescence.
 */
import type { World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import { drawSize } from '../sizes.ts';
import { assert, PAGE_SIZE, retField, type ActorStep } from './chain_build.ts';
import { produce, type ProducerParams, type RollingBuffer, type Subreq } from './bvecq_producer.ts';
import { bytesAhead } from './bvecq_buffer_ops.ts';

export interface BvecqConsumerParams extends ProducerParams {
  /** Folios the producer appends in all (>= 1). */
  readonly pages: number;
  /** Largest `max_size` of a dispatch slice, in bytes (>= 1). */
  readonly sliceMax: number;
  /** Largest `max_slots` of a dispatch slice (>= 1). */
  readonly sliceSlotsMax: number;
  /** Most subrequests dispatched and not yet collected (>= 1). */
  readonly inflightMax: number;
}

export function bvecqConsumer(name: string, p: BvecqConsumerParams): ActorSpec {
  return { name, start: (env) => run(env, p) };
}

const EIO = 5;
/** Weights of produce, dispatch, complete, collect, nudge. */
const ACTION_WEIGHTS = [3, 3, 3, 2, 1];
const ACTIONS_MAX = 100_000;

function* run(env: ActorEnv, p: BvecqConsumerParams): ActorProgram {
  const b = yield* setup(env, p);
  if (b === null) return;
  for (let n = 0; n < ACTIONS_MAX; n++) {
    const enabled = [
      b.pagesLeft > 0 && !env.draining(),
      b.appended > b.dispatched && b.subs.length < p.inflightMax,
      b.subs.some((s) => s.left > 0),
      b.subs[0]?.left === 0,
    ];
    if (!enabled.includes(true)) break;
    enabled.push(nudgeStaysInNode(env.world(), b.disp));
    const action = env.draw.weighted(ACTION_WEIGHTS.map((w, k) => (enabled[k] === true ? w : 0)));
    if (action === 0) yield* produce(env, p, b);
    else if (action === 1) yield* dispatch(env, p, b);
    else if (action === 2) yield* complete(env, b);
    else if (action === 3) yield* collect(env, b);
    else yield { type: 'bvecq_pos_nudge', pos: b.disp };
  }
  yield* teardown(b);
}

function* setup(env: ActorEnv, p: BvecqConsumerParams): ActorStep<RollingBuffer | null> {
  const prod = env.ids.next('pos');
  const head = env.ids.next('bvecq');
  const fail = env.allocFails('bvecq');
  yield { type: 'bvecq_buffer_init', pos: prod, bvecq: head, fail };
  if (fail) return null;
  const disp = env.ids.next('pos');
  const coll = env.ids.next('pos');
  yield { type: 'bvecq_pos_set', pos: disp, at: prod };
  yield { type: 'bvecq_pos_set', pos: coll, at: prod };
  const kbuf = env.ids.next('kbuf');
  const kbufSize = Math.max(PAGE_SIZE, p.sliceMax);
  yield { type: 'kbuf_alloc', buf: kbuf, size: kbufSize };
  return { prod, disp, coll, kbuf, kbufSize, appended: 0, dispatched: 0, pagesLeft: p.pages, folios: [], subs: [], grown: { head, size: 0, send: null, acks: [] } };
}

function* teardown(b: RollingBuffer): ActorStep<void> {
  for (const s of b.subs) yield* retire(s);
  for (const pos of [b.disp, b.coll, b.prod]) yield { type: 'bvecq_pos_unset', pos };
  for (const f of b.folios) yield { type: 'folio_put', folio: f };
  yield { type: 'kbuf_free', buf: b.kbuf };
}

function* retire(s: Subreq): ActorStep<void> {
  yield { type: 'bvecq_pos_unset', pos: s.pos };
  if (s.chain !== null) yield { type: 'bvecq_put', bvecq: s.chain };
}

/** The position's node and slot as the world has them. */
function posAt(w: World, pos: number): { slot: number; offset: number; q: World['bvecqs'][number] } | null {
  const p = w.positions[pos];
  const q = p === undefined || p.bvecq === null ? undefined : w.bvecqs[p.bvecq];
  return p === undefined || q === undefined || q.freed ? null : { slot: p.slot, offset: p.offset, q };
}

/**
 * Bytes a bvecq_pos_step() would pass over: the rest of a published slot, or nothing when
 * the position sits at a node's published end with a successor. Null where stepping would
 * leave the published data (at the chain end it moves the slot past what is published).
 */
function stepBytes(w: World, pos: number): number | null {
  const at = posAt(w, pos);
  if (at === null) return null;
  if (at.slot < at.q.nr_slots) {
    const len = at.q.bv[at.slot]?.len ?? 0;
    return at.offset <= len ? len - at.offset : null;
  }
  return at.slot === at.q.nr_slots && at.q.next !== null ? 0 : null;
}

/**
 * Whether bvecq_pos_nudge() stops on a byte of the position's own node. Past the node's end
 * the kernel's helper re-checks the next node with the old slot number and can walk off
 * with the position left behind, so the dispatcher only nudges where that cannot happen.
 */
function nudgeStaysInNode(w: World, pos: number): boolean {
  const at = posAt(w, pos);
  if (at === null) return false;
  for (let s = at.slot; s < at.q.nr_slots; s++) {
    if ((s === at.slot ? at.offset : 0) < (at.q.bv[s]?.len ?? 0)) return true;
  }
  return false;
}

/** Hands the next bytes to a new subrequest whose position is set where they start. */
function* dispatch(env: ActorEnv, p: BvecqConsumerParams, b: RollingBuffer): ActorStep<void> {
  const avail = b.appended - b.dispatched;
  assert(avail > 0, `dispatch with ${avail} byte(s) available`);
  if (stepBytes(env.world(), b.disp) === 0 && env.draw.chance({ numerator: 1, denominator: 2 })) {
    // Parked at the published end of a node with a successor: step onto the next node first,
    // so the subrequest's position starts where its bytes do.
    yield { type: 'bvecq_pos_step', pos: b.disp };
  }
  const sub = env.ids.next('pos');
  yield { type: 'bvecq_pos_set', pos: sub, at: b.disp };
  const step = stepBytes(env.world(), b.disp);
  const maxSlots = 1 + env.draw.int(p.sliceSlotsMax);
  let size = 0;
  let chain: number | null = null;
  let found = true;
  // Edge-heavy: a third of the slices and advances end exactly where the node holding the
  // next byte ends, so subrequests start parked at a node's end.
  const room = Math.min(bytesAhead(env.world(), b.disp).room, avail);
  const toNodeEnd = room > 0 && env.draw.chance({ numerator: 1, denominator: 3 });
  switch (env.draw.weighted([3, 2, step === null ? 0 : 1, 1])) {
    case 0: {
      const out = yield { type: 'bvecq_slice', pos: b.disp, max_size: toNodeEnd ? room : 1 + env.draw.int(p.sliceMax), max_slots: maxSlots };
      size = retField(out.ret, 'size');
      found = size > 0;
      break;
    }
    case 1:
      size = toNodeEnd ? room : 1 + drawSize(env.draw, avail - 1);
      yield { type: 'bvecq_pos_advance', pos: b.disp, amount: size };
      break;
    case 2:
      size = step ?? 0;
      yield { type: 'bvecq_pos_step', pos: b.disp };
      break;
    default: {
      // bvecq_extract() names its new nodes to, to+1, ...: one id per slot it may fill is ample.
      const to = env.ids.next('bvecq');
      for (let k = 1; k < maxSlots; k++) env.ids.next('bvecq');
      const out = yield { type: 'bvecq_extract', pos: b.disp, max_size: 1 + env.draw.int(p.sliceMax), max_slots: maxSlots, to, fail: env.allocFails('bvecq') };
      const ret = typeof out.ret === 'number' ? out.ret : 0;
      if (ret > 0) [size, chain] = [ret, to];
      found = ret !== -EIO;
    }
  }
  if (!found && avail > 0) {
    // The walk found nothing although bytes are published: the cursor is ahead of the
    // owner's count. Push it on by hand, as a caller trusting its count would.
    size = Math.min(avail, p.sliceMax);
    yield { type: 'bvecq_pos_advance', pos: b.disp, amount: size };
  }
  if (size === 0) {
    yield* retire({ pos: sub, size, left: 0, chain });
    return;
  }
  b.dispatched += size;
  b.subs.push({ pos: sub, size, left: size, chain });
}

/** Some progress on one unfinished subrequest, in any order. */
function* complete(env: ActorEnv, b: RollingBuffer): ActorStep<void> {
  const s = env.draw.pick(b.subs.filter((x) => x.left > 0));
  const how = s.chain !== null ? 2 : env.draw.int(3);
  if (how === 2) {
    yield* copyThrough(env, b, s);
    return;
  }
  const n = 1 + drawSize(env.draw, s.left - 1);
  assert(n <= s.left, `${n} byte(s) of a subrequest with ${s.left} left`);
  yield how === 0 ? { type: 'bvecq_pos_advance', pos: s.pos, amount: n } : { type: 'bvecq_zero', pos: s.pos, amount: n };
  s.left -= n;
}

/**
 * Moves the subrequest's next bytes between the buffer and the kernel buffer through an
 * ITER_BVECQ iterator set up at its position (or over its extracted chain), then advances the
 * position by what moved. A copy that moves nothing would loop forever: the rest is
 * advanced over instead.
 */
function* copyThrough(env: ActorEnv, b: RollingBuffer, s: Subreq): ActorStep<void> {
  const iter = env.ids.next('iter');
  const direction = env.draw.int(2) === 0 ? 0 : 1;
  const n = Math.min(s.left, b.kbufSize);
  if (s.chain !== null) {
    yield { type: 'iov_iter_bvec_queue', iter, direction, bvecq: s.chain, slot: 0, offset: 0, count: s.size };
    if (s.size > s.left) yield { type: 'iov_iter_advance', iter, bytes: s.size - s.left };
  } else {
    const w = env.world();
    const pos = w.positions[s.pos];
    if (pos === undefined || pos.bvecq === null) throw new Error(`subrequest position ${s.pos} is not set`);
    yield { type: 'iov_iter_bvec_queue', iter, direction, bvecq: pos.bvecq, slot: pos.slot, offset: pos.offset, count: n };
  }
  const type = direction === 0 ? 'copy_to_iter' : 'copy_from_iter';
  const out = yield { type, iter, bytes: n, buf: b.kbuf, offset: 0 };
  const copied = typeof out.ret === 'number' && out.ret > 0 ? out.ret : 0;
  const moved = copied > 0 ? copied : s.left;
  if (s.chain === null) yield { type: 'bvecq_pos_advance', pos: s.pos, amount: moved };
  s.left -= moved;
}

/** Retires the oldest subrequest once it is done: the collector walks over it, in order. */
function* collect(env: ActorEnv, b: RollingBuffer): ActorStep<void> {
  const s = b.subs.shift();
  if (s === undefined) return;
  assert(s.left === 0, `collecting subrequest at position ${s.pos} with ${s.left} byte(s) left`);
  yield { type: 'bvecq_pos_advance', pos: b.coll, amount: s.size };
  yield* retire(s);
  if (env.draw.chance({ numerator: 3, denominator: 4 })) yield { type: 'bvecq_delete_spent', pos: b.coll };
}
