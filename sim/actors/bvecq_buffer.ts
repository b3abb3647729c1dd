/**
 * A netfs-style bvecq buffer, as the bvecq series' helpers (fs/netfs/bvecq.c) build and use
 * one: the caller hangs pages of its own in a first EXTERNAL node through a producer
 * position (bvecq_append_page), sometimes abandons a batch and shortens the buffer back to
 * where it was (bvecq_shorten_buffer) before appending on from there;
 * then bvecq_expand_buffer() grows the buffer with ALLOCED pages; pieces are extracted and
 * sent (bvecq_buffer_ops.ts), ranges cleared, the buffer trimmed; finally the buffer and
 * the caller's pages are released and the socket acknowledges what it still holds. Sizes
 * are drawn edge-heavy (slot and node ends, single-slot and full nodes). An empty write
 * never sets its position up, and clears its (empty) tail all the same: zero bytes.
 */
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import type { Draw } from '../choices.ts';
import { drawSize } from '../sizes.ts';
import { allocFolios, grantedSlots, PAGE_SIZE, type ActorStep } from './chain_build.ts';
import { acknowledge, expand, sendPiece, shorten, zeroRange, type Buffer } from './bvecq_buffer_ops.ts';

export interface BvecqBufferParams {
  /** Buffers built and released one after another (>= 1). */
  readonly rounds: number;
  /** Pages of the caller's own appended before the buffer is grown (>= 0). */
  readonly callerPages: number;
  readonly orderMax: number;
  /** Capacity asked for the first node (>= 1): small ones leave node boundaries early. */
  readonly headSlots: number;
  /** Pages bvecq_expand_buffer() adds in all (>= 0), over `growSteps` calls (>= 1). */
  readonly growPages: number;
  readonly growSteps: number;
  /** The page allocator refuses every order above 0 (bvecq_expand_buffer() falls back to order 0). */
  readonly fragmented: boolean;
  /** Operations on each built buffer (>= 0). */
  readonly opsMax: number;
  /** Largest piece a send asks for, in bytes (>= 1), and in slots (>= 1). */
  readonly pieceMax: number;
  readonly pieceSlotsMax: number;
}

const quarter = { numerator: 1, denominator: 4 };
const half = { numerator: 1, denominator: 2 };

export function drawBvecqBuffer(draw: Draw): BvecqBufferParams {
  return {
    rounds: 1 + draw.int(3),
    callerPages: draw.chance(quarter) ? 0 : 1 + draw.int(draw.chance(half) ? 3 : 40),
    orderMax: draw.int(3),
    headSlots: draw.pick([1, 2, 3, 1 + draw.int(28), 29]),
    growPages: draw.chance(quarter) ? 0 : 1 + draw.int(draw.chance(half) ? 4 : 64),
    growSteps: 1 + draw.int(3),
    fragmented: draw.chance(half),
    opsMax: draw.int(draw.chance(half) ? 4 : 16),
    pieceMax: draw.chance(half) ? draw.pick([1, PAGE_SIZE, 2 * PAGE_SIZE, 65536]) : 1 + draw.int(65536),
    pieceSlotsMax: 1 + draw.int(draw.chance(half) ? 3 : 29),
  };
}

export function bvecqBuffer(name: string, p: BvecqBufferParams): ActorSpec {
  return { name, start: (env) => run(env, p) };
}

function* run(env: ActorEnv, p: BvecqBufferParams): ActorProgram {
  for (let r = 0; r < p.rounds && !env.draining(); r++) yield* round(env, p);
}

/** The caller's side of the first node: the producer position and the folios it owns. */
interface Producer {
  readonly pos: number;
  readonly folios: number[];
}

function* round(env: ActorEnv, p: BvecqBufferParams): ActorStep<void> {
  const b: Buffer = { head: null, size: 0, send: null, acks: [] };
  const prod: Producer = { pos: env.ids.next('pos'), folios: [] };
  if (p.callerPages > 0) yield* start(env, p, b, prod);
  if (b.head === null && ((p.callerPages === 0 && p.growPages === 0) || env.draw.chance(quarter))) {
    // A write with no first node (empty, refused, or not grown yet): its position was never
    // set up, but the tail is cleared all the same, zero bytes of it. The fixed bvecq_zero()
    // does not look at the position for a zero amount.
    yield { type: 'bvecq_pos_init', pos: prod.pos, bvecq: null, slot: 0, offset: 0 };
    yield { type: 'bvecq_zero', pos: prod.pos, amount: 0 };
  }
  yield* grow(env, p, b);
  // Appending is over: the producer lets go of its position before the buffer is used.
  if (env.world().positions[prod.pos] !== undefined) yield { type: 'bvecq_pos_unset', pos: prod.pos };
  const ops = p.opsMax === 0 ? 0 : 1 + env.draw.int(p.opsMax);
  for (let k = 0; k < ops && b.head !== null; k++) {
    const op = env.draw.weighted([4, 2, 1, 1]);
    if (op === 0) yield* sendPiece(env, b, p);
    else if (op === 1) yield* zeroRange(env, b);
    else if (op === 2) yield* shorten(env, b);
    else yield* acknowledge(env, b, false);
  }
  yield* teardown(env, b, prod);
}

/** The first node, with the caller's pages appended through the producer position. */
function* start(env: ActorEnv, p: BvecqBufferParams, b: Buffer, prod: Producer): ActorStep<void> {
  const head = env.ids.next('bvecq');
  const fail = env.allocFails('bvecq');
  yield { type: 'bvecq_alloc_one', bvecq: head, nr_slots: p.headSlots, max_slots: grantedSlots(p.headSlots), fail, mem_type: 'EXTERNAL' };
  if (fail) return;
  b.head = head;
  yield { type: 'bvecq_pos_init', pos: prod.pos, bvecq: head, slot: 0, offset: 0 };
  for (let left = p.callerPages; left > 0 && !env.draining(); ) {
    const batch = Math.min(left, 1 + env.draw.int(3));
    left -= batch;
    if (env.draw.chance(quarter) && !(yield* abandonBatch(env, p, b, prod, batch))) return;
    if (!(yield* appendBatch(env, p, b, prod, batch))) return;
  }
}

/** Whether the producer position is strictly inside its node (a free slot follows it). */
function roomInNode(env: ActorEnv, pos: number): boolean {
  const w = env.world();
  const at = w.positions[pos];
  const q = at?.bvecq === null || at === undefined ? undefined : w.bvecqs[at.bvecq];
  return at !== undefined && q !== undefined && at.slot < q.max_slots;
}

/**
 * Appends a batch of whole folios at the producer position; a full node makes
 * bvecq_append_page() allocate the next one. False once an allocation was refused.
 */
function* appendBatch(env: ActorEnv, p: BvecqBufferParams, b: Buffer, prod: Producer, n: number): ActorStep<boolean> {
  const folios = yield* allocFolios(env, n, p.orderMax);
  prod.folios.push(...folios);
  for (const folio of folios) {
    const len = PAGE_SIZE * 2 ** (env.world().folios[folio]?.order ?? 0);
    const full = !roomInNode(env, prod.pos);
    const fail = full && env.allocFails('bvecq');
    const ev = { type: 'bvecq_append_page', pos: prod.pos, page: folio, offset: 0, len } as const;
    const out = yield full ? { ...ev, bvecq: env.ids.next('bvecq'), fail } : ev;
    if (out.ret !== 0) return false;
    b.size += len;
  }
  return folios.length === n;
}

/**
 * A batch appended and then given up (a copy from user space faulted, say): appending goes on
 * where the batch began, once bvecq_shorten_buffer() has cut the buffer back to the size it
 * had there. The caller either saved a position there first (bvecq_pos_set, moved back with
 * bvecq_pos_transfer), or counted its own slots and sets its position up again at the cut
 * (bvecq_pos_init); shrinking favours the second, one call shorter. Only done where the
 * position has a free slot after it in its node, so that the cut falls inside that node.
 */
function* abandonBatch(env: ActorEnv, p: BvecqBufferParams, b: Buffer, prod: Producer, n: number): ActorStep<boolean> {
  const at = env.world().positions[prod.pos];
  if (b.head === null || at === undefined || !roomInNode(env, prod.pos)) return true;
  const cut = { bvecq: at.bvecq, slot: at.slot, offset: at.offset };
  const saved = env.draw.chance(half) ? null : env.ids.next('pos');
  const size = b.size;
  if (saved !== null) yield { type: 'bvecq_pos_set', pos: saved, at: prod.pos };
  const ok = yield* appendBatch(env, p, b, prod, n);
  // The producer position may sit on a node the cut takes off: let go of it first, so that
  // no position is left on a node whose `prev` still names the kept part of the chain.
  yield { type: 'bvecq_pos_unset', pos: prod.pos };
  yield { type: 'bvecq_shorten_buffer', bvecq: b.head, slot: 0, size };
  b.size = size;
  if (saved !== null) yield { type: 'bvecq_pos_transfer', pos: prod.pos, from: saved };
  else yield { type: 'bvecq_pos_init', pos: prod.pos, ...cut };
  return ok;
}

/** bvecq_expand_buffer() in a few calls, each to an edge-heavy target. */
function* grow(env: ActorEnv, p: BvecqBufferParams, b: Buffer): ActorStep<void> {
  const goal = b.size + p.growPages * PAGE_SIZE;
  for (let k = 0; k < p.growSteps && b.size < goal && !env.draining(); k++) {
    const last = k === p.growSteps - 1;
    const target = last ? goal : b.size + 1 + drawSize(env.draw, goal - b.size - 1);
    yield* expand(env, b, target, p.fragmented);
  }
}

/**
 * Releases everything: the positions, the buffer (whose put frees its nodes and ALLOCED
 * pages), the caller's folios, and the socket's references, some of them only after the
 * buffer is gone (an acknowledgement can come late).
 */
function* teardown(env: ActorEnv, b: Buffer, prod: Producer): ActorStep<void> {
  yield* acknowledge(env, b, false);
  if (b.send !== null) yield { type: 'bvecq_pos_unset', pos: b.send };
  if (b.head !== null) yield { type: 'bvecq_put', bvecq: b.head };
  for (const folio of prod.folios) yield { type: 'folio_put', folio };
  yield* acknowledge(env, b, true);
}
