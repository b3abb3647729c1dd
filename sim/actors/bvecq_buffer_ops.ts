/**
 * What the bvecq buffer actor (bvecq_buffer.ts) does to a built buffer, as netfs uses the
 * helpers of fs/netfs/bvecq.c: growing it with bvecq_expand_buffer(), cutting
 * subrequest-sized pieces off the front with bvecq_extract() and sending them (copied into a
 * staging buffer, or spliced: the socket takes page references it drops on acknowledgement,
 * possibly after the buffer is gone), clearing ranges with bvecq_zero() and trimming it with
 * bvecq_shorten_buffer(). Every walk asked for stays within the published bytes, so the
 * fixed helpers report nothing.
 */
import type { BvecqMemType, World } from '../../core/index.ts';
import type { ActorEnv } from '../actor.ts';
import { drawSize } from '../sizes.ts';
import { chainLayout, PAGE_SIZE, retField, type ActorStep } from './chain_build.ts';

/** What one buffer of the actor tracks between calls. */
export interface Buffer {
  /** The first node; the actor holds its allocation reference. Null until one exists. */
  head: number | null;
  /** Bytes in the buffer, as bvecq_expand_buffer()'s `*_cur_size` counts them. */
  size: number;
  /** The sender's position, set at the first send. */
  send: number | null;
  /** Page references the socket holds for spliced pages, dropped when they are acknowledged. */
  readonly acks: number[];
}

/** MAX_PAGECACHE_ORDER, the cap bvecq_expand_buffer() puts on its compound pages. */
const MAX_ORDER = 9;
const POOL_SLOTS = 29;

function ilog2(v: number): number {
  let l = 0;
  while (2 ** (l + 1) <= v) l++;
  return l;
}

interface Tail {
  nr: number;
  max: number;
  mem: BvecqMemType;
}

function tailOf(w: World, head: number | null): Tail | null {
  let id = head;
  // A looping chain ends the walk; counted once, not at every hop.
  const limit = Object.keys(w.bvecqs).length;
  for (let n = 0; id !== null && n <= limit; n++) {
    const q = w.bvecqs[id];
    if (q === undefined) return null;
    if (q.next === null) return { nr: q.nr_slots, max: q.max_slots, mem: q.mem_type };
    id = q.next;
  }
  return null;
}

/**
 * bvecq_expand_buffer() to `target` bytes. The event carries every allocation's outcome, so
 * the actor plays the helper's loop ahead of it: a node whenever the tail is missing, full
 * or (since the v4 fix) not ALLOCED, then a page of the order the shortfall asks for, at
 * order 0 once a larger one is refused. A fragmented allocator refuses every larger order,
 * which is what makes order-0 ALLOCED pages common.
 */
export function* expand(env: ActorEnv, b: Buffer, target: number, fragmented: boolean): ActorStep<void> {
  // The d8286849 helper fills any tail with room, so that revision asks for fewer nodes.
  const mixes = env.mutant('bvecq_expand_mixes_mem_types');
  let t = tailOf(env.world(), b.head);
  const nodes: (number | null)[] = [];
  const allocs: (number | null)[] = [];
  const want = Math.ceil(target / PAGE_SIZE) * PAGE_SIZE;
  for (let cur = b.size; cur < want; ) {
    if (t === null || t.nr >= t.max || (!mixes && t.mem !== 'ALLOCED')) {
      if (env.allocFails('bvecq')) {
        nodes.push(null);
        break;
      }
      nodes.push(env.ids.next('bvecq'));
      t = { nr: 0, max: POOL_SLOTS, mem: 'ALLOCED' };
    }
    const need = want - cur;
    let order = need > PAGE_SIZE ? Math.min(ilog2(need) - 12, MAX_ORDER) : 0;
    let granted = !(fragmented && order > 0) && !env.allocFails('folio');
    if (!granted && order > 0) {
      // Refused at the larger order: the helper tries once more at order 0.
      allocs.push(null);
      order = 0;
      granted = !env.allocFails('folio');
    }
    if (!granted) {
      allocs.push(null);
      break;
    }
    allocs.push(env.ids.pfn(order));
    t.nr++;
    cur += PAGE_SIZE * 2 ** order;
  }
  const out = yield { type: 'bvecq_expand_buffer', bvecq: b.head, cur_size: b.size, size: target, nodes, allocs };
  b.size = retField(out.ret, 'cur_size');
  if (b.head === null) b.head = nodes[0] ?? null;
}

/**
 * From a position: the bytes left in the chain, and those left in the node where the next
 * byte is (the walk of bvecq_slice(): slots without a page or with nothing left are passed
 * over, a used-up node is left for its successor). The later bvecq_extract() never takes
 * more than `room` in one call, because it stops at that node's end.
 */
export function bytesAhead(w: World, pos: number): { left: number; room: number; slots: number } {
  const p = w.positions[pos];
  let id = p?.bvecq ?? null;
  let slot = p?.slot ?? 0;
  let offset = p?.offset ?? 0;
  let left = 0;
  let room = -1;
  let slots = 0;
  const limit = Object.keys(w.bvecqs).length;
  for (let n = 0; id !== null && n <= limit; n++) {
    const q = w.bvecqs[id];
    if (q === undefined || q.freed) break;
    let inNode = 0;
    let taken = 0;
    for (; slot < q.nr_slots; slot++, offset = 0) {
      const bv = q.bv[slot];
      if (bv === undefined || bv.page === null || offset >= bv.len) continue;
      inNode += bv.len - offset;
      taken++;
    }
    if (room < 0 && inNode > 0) [room, slots] = [inNode, taken];
    left += inNode;
    [id, slot, offset] = [q.next, 0, 0];
  }
  return { left, room: Math.max(room, 0), slots };
}

/**
 * Cuts the next piece off the buffer with bvecq_extract() and sends it. A copy-send stages
 * the piece in a buffer sized to what the sender's node has left: netfs starts a new node
 * where the file position jumps, and the helper's contract is that one piece never spans a
 * node boundary. A splice-send gives the socket a reference on each page instead.
 */
export function* sendPiece(env: ActorEnv, b: Buffer, p: { pieceMax: number; pieceSlotsMax: number }): ActorStep<void> {
  if (b.head === null) return;
  if (b.send === null) {
    b.send = env.ids.next('pos');
    yield { type: 'bvecq_pos_init', pos: b.send, bvecq: b.head, slot: 0, offset: 0 };
    // Half the time the sender resumes where an earlier request stopped: mostly at the start
    // of a node's last slot, where a piece can reach the node boundary.
    const layout = chainLayout(env.world(), b.head);
    const lasts = layout.slots.filter((s) => s.slot === (layout.nodes.find((n) => n.id === s.bvecq)?.nr_slots ?? 0) - 1);
    const from = env.draw.chance({ numerator: 1, denominator: 2 }) && layout.slots.length > 0 ? env.draw.pick(lasts.length > 0 && env.draw.chance({ numerator: 3, denominator: 4 }) ? lasts : layout.slots) : null;
    if (from !== null && from.before > 0) yield { type: 'bvecq_pos_advance', pos: b.send, amount: from.before };
  }
  const { left, room, slots } = bytesAhead(env.world(), b.send);
  if (left === 0) return;
  // Edge-heavy: exactly the node's rest, a byte more, or past it, as well as anything smaller.
  const past = room + 1 + drawSize(env.draw, p.pieceMax);
  const maxSize = Math.max(1, env.draw.pick([room, room + 1, past, past, 1 + drawSize(env.draw, p.pieceMax)]));
  // As many slots as the node has left, one more, or any number up to the actor's limit.
  const maxSlots = env.draw.pick([1 + env.draw.int(p.pieceSlotsMax), slots, slots + 1, slots + 1 + env.draw.int(p.pieceSlotsMax)]);
  const to = env.ids.next('bvecq');
  // bvecq_extract() names its new nodes to, to+1, ...: one id per slot it may fill is ample.
  for (let k = 1; k < maxSlots; k++) env.ids.next('bvecq');
  const out = yield { type: 'bvecq_extract', pos: b.send, max_size: maxSize, max_slots: maxSlots, to, fail: env.allocFails('bvecq') };
  const got = typeof out.ret === 'number' ? out.ret : 0;
  if (got <= 0) return;
  if (env.draw.chance({ numerator: 1, denominator: 2 })) yield* copySend(env, to, got, Math.min(maxSize, room));
  else yield* spliceSend(env, b, to);
  yield { type: 'bvecq_put', bvecq: to };
}

/** Copies the extracted piece out through an ITER_BVECQ into a staging buffer of `stage` bytes. */
function* copySend(env: ActorEnv, chain: number, got: number, stage: number): ActorStep<void> {
  const buf = env.ids.next('kbuf');
  const iter = env.ids.next('iter');
  yield { type: 'kbuf_alloc', buf, size: stage };
  yield { type: 'iov_iter_bvec_queue', iter, direction: 1, bvecq: chain, slot: 0, offset: 0, count: got };
  yield { type: 'copy_from_iter', iter, bytes: got, buf, offset: 0 };
  yield { type: 'kbuf_free', buf };
}

/** MSG_SPLICE_PAGES: a page reference per slot of the piece, held until acknowledged. */
function* spliceSend(env: ActorEnv, b: Buffer, chain: number): ActorStep<void> {
  const w = env.world();
  const pages: number[] = [];
  for (let id: number | null = chain, n = 0; id !== null && n < 64; n++) {
    const q: World['bvecqs'][number] | undefined = w.bvecqs[id];
    if (q === undefined) break;
    for (let s = 0; s < q.nr_slots; s++) {
      const page = q.bv[s]?.page ?? null;
      if (page !== null && w.folios[page]?.freed === false) pages.push(page);
    }
    id = q.next;
  }
  for (const folio of pages) {
    yield { type: 'folio_get', folio };
    b.acks.push(folio);
  }
}

/** Drops the socket's references for some acknowledged pages (all of them when `all`). */
export function* acknowledge(env: ActorEnv, b: Buffer, all: boolean): ActorStep<void> {
  while (b.acks.length > 0 && (all || env.draw.chance({ numerator: 1, denominator: 2 }))) {
    const folio = b.acks.shift();
    if (folio !== undefined) yield { type: 'folio_put', folio };
  }
}

/** Clears a range of the buffer with bvecq_zero() through a position of its own. */
export function* zeroRange(env: ActorEnv, b: Buffer): ActorStep<void> {
  if (b.head === null) return;
  const pos = env.ids.next('pos');
  yield { type: 'bvecq_pos_init', pos, bvecq: b.head, slot: 0, offset: 0 };
  const total = bytesAhead(env.world(), pos).left;
  const skip = drawSize(env.draw, total);
  if (skip > 0) yield { type: 'bvecq_pos_advance', pos, amount: skip };
  const { left, room } = bytesAhead(env.world(), pos);
  const amount = env.draw.pick([room, left, drawSize(env.draw, left)]);
  yield { type: 'bvecq_zero', pos, amount };
  yield { type: 'bvecq_pos_unset', pos };
}

/** Trims the buffer with bvecq_shorten_buffer(), mostly to a slot or node boundary. */
export function* shorten(env: ActorEnv, b: Buffer): ActorStep<void> {
  if (b.head === null) return;
  if (b.send !== null) {
    // The sender is done: its position goes before the cut can take its node off the chain.
    yield { type: 'bvecq_pos_unset', pos: b.send };
    b.send = null;
  }
  const layout = chainLayout(env.world(), b.head);
  const ends = [...layout.slots.map((s) => s.before + s.len), ...layout.nodes.map((n) => n.end)];
  const size = env.draw.chance({ numerator: 2, denominator: 3 }) && ends.length > 0 ? env.draw.pick(ends) : drawSize(env.draw, layout.total);
  yield { type: 'bvecq_shorten_buffer', bvecq: b.head, slot: 0, size };
  b.size = size;
}
