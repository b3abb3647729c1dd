/**
 * Building what an iterator walks, as a netfs buffered read or write does: folios named by
 * their head PFN, cut into pieces (whole folios, halves, sub-ranges), hung either in a
 * PAGECACHE bvecq chain (each slot owning a folio reference, so the cascading put releases
 * them) or in a plain `bio_vec[]`. Zero-length slots and, in the middle of a chain, empty
 * nodes appear as netfs buffers can have them; an empty node may carry a stale, unpublished
 * `bv[0]` (kmalloc'd slot memory is not cleared), which only a walker reading unpublished
 * slots would ever see.
 */
import type { Ret, StepOutcome, World } from '../../core/index.ts';
import type { ActorEnv, ActorYield } from '../actor.ts';
import { drawOffset, drawSize } from '../sizes.ts';

export const PAGE_SIZE = 4096;

/** Our own bookkeeping disagreeing with itself is a simulator bug, never a kernel finding. */
export function assert(cond: boolean, msg: string): asserts cond {
  if (!cond) throw new Error(`actor assertion failed: ${msg}`);
}

/** A sub-generator of an actor program returning `R`. */
export type ActorStep<R> = Generator<ActorYield, R, StepOutcome>;

/** One bio_vec to be: `folio` is whose reference it needs (null for a NULL page). */
export interface Piece {
  readonly folio: number | null;
  readonly page: number | null;
  readonly offset: number;
  readonly len: number;
}

export interface ChainShape {
  /** Largest node capacity asked of bvecq_alloc_one (>= 1). */
  readonly slotsMax: number;
  readonly emptyNodes: boolean;
  readonly zeroSlots: boolean;
}

/** Allocates up to `n` folios of order <= orderMax; returns those that were granted. */
export function* allocFolios(env: ActorEnv, n: number, orderMax: number): ActorStep<number[]> {
  const folios: number[] = [];
  for (let k = 0; k < n; k++) {
    const order = env.draw.int(orderMax + 1);
    const pfn = env.ids.pfn(order);
    const fail = env.allocFails('folio');
    yield { type: 'folio_alloc', folio: pfn, order, pfn, fail };
    if (!fail) folios.push(pfn);
  }
  return folios;
}

export function folioSize(w: World, folio: number): number {
  return PAGE_SIZE * 2 ** (w.folios[folio]?.order ?? 0);
}

/** Cuts each folio into one or two pieces, with zero-length NULL-page pieces sprinkled in. */
export function planPieces(env: ActorEnv, folios: readonly number[], zeroSlots: boolean): Piece[] {
  const out: Piece[] = [];
  const zero = (): void => {
    if (zeroSlots && env.draw.chance({ numerator: 1, denominator: 5 })) out.push({ folio: null, page: null, offset: 0, len: 0 });
  };
  for (const f of folios) {
    zero();
    const size = folioSize(env.world(), f);
    const shape = env.draw.int(4);
    if (shape === 0) {
      // A sub-range, as a short read or a partial write leaves it.
      const offset = Math.min(size - 1, drawOffset(env.draw));
      out.push({ folio: f, page: f, offset, len: Math.max(1, drawSize(env.draw, size - offset)) });
    } else if (shape === 1 && size > 1) {
      const cut = 1 + env.draw.int(size - 1);
      out.push({ folio: f, page: f, offset: 0, len: cut }, { folio: f, page: f, offset: cut, len: size - cut });
    } else {
      out.push({ folio: f, page: f, offset: 0, len: size });
    }
  }
  zero();
  return out;
}

/** What a kmalloc of a node for `n` slots grants: a 40-byte header, 16 bytes a slot, rounded up. */
export function grantedSlots(n: number): number {
  const bytes = 40 + 16 * n;
  const sizes = [64, 96, 128, 192, 256, 512, 1024, 2048, 4096];
  const size = sizes.find((s) => s >= bytes) ?? bytes;
  return Math.floor((size - 40) / 16);
}

/**
 * Hangs the pieces in a PAGECACHE chain. Each piece beyond a folio's first takes its own
 * folio reference first; a failed node allocation drops the references of the pieces left
 * over. Returns the head (holding the caller's reference) or null if no node was granted.
 */
export function* buildChain(env: ActorEnv, shape: ChainShape, pieces: readonly Piece[]): ActorStep<number | null> {
  const seen: number[] = [];
  for (const p of pieces) {
    if (p.folio === null) continue;
    if (seen.includes(p.folio)) yield { type: 'folio_get', folio: p.folio };
    else seen.push(p.folio);
  }
  let head: number | null = null;
  let tail: number | null = null;
  let k = 0;
  while (k < pieces.length) {
    if (tail !== null && shape.emptyNodes && env.draw.chance({ numerator: 1, denominator: 3 })) {
      const empty = yield* emptyNode(env, shape, pieces);
      if (empty !== null) {
        yield { type: 'bvecq_append', to: tail, add: empty };
        tail = empty;
      }
    }
    const node = yield* dataNode(env, shape, pieces, k);
    if (node === null) {
      for (const p of pieces.slice(k)) if (p.folio !== null) yield { type: 'folio_put', folio: p.folio };
      break;
    }
    k = node.next;
    if (tail === null) head = node.id;
    else yield { type: 'bvecq_append', to: tail, add: node.id };
    tail = node.id;
  }
  return head;
}

function* allocNode(env: ActorEnv, shape: ChainShape): ActorStep<{ id: number; max: number } | null> {
  const id = env.ids.next('bvecq');
  const want = 1 + env.draw.int(shape.slotsMax);
  const max = grantedSlots(want);
  const fail = env.allocFails('bvecq');
  yield { type: 'bvecq_alloc_one', bvecq: id, nr_slots: want, max_slots: max, fail, mem_type: 'PAGECACHE' };
  return fail ? null : { id, max };
}

/** A node filled with pieces [from, ...) up to its capacity and published; null if refused. */
function* dataNode(env: ActorEnv, shape: ChainShape, pieces: readonly Piece[], from: number): ActorStep<{ id: number; next: number } | null> {
  const node = yield* allocNode(env, shape);
  if (node === null) return null;
  let k = from;
  for (let slot = 0; slot < node.max && k < pieces.length; slot++, k++) {
    const p = pieces[k];
    if (p !== undefined) yield { type: 'bvecq_set_slot', bvecq: node.id, slot, page: p.page, offset: p.offset, len: p.len };
  }
  yield { type: 'bvecq_filled_to', bvecq: node.id, nr_slots: k - from };
  return { id: node.id, next: k };
}

/** An empty node; sometimes its first slot already holds a stale bio_vec it never published. */
function* emptyNode(env: ActorEnv, shape: ChainShape, pieces: readonly Piece[]): ActorStep<number | null> {
  const node = yield* allocNode(env, shape);
  if (node === null) return null;
  const stale = pieces.filter((p) => p.page !== null && p.len > 0);
  if (stale.length > 0 && env.draw.chance({ numerator: 2, denominator: 3 })) {
    const p = env.draw.pick(stale);
    yield { type: 'bvecq_set_slot', bvecq: node.id, slot: 0, page: p.page, offset: p.offset, len: p.len };
  }
  return node.id;
}

/** A number-valued field of a call's result (`{size, nr_slots}` and the like), else 0. */
export function retField(ret: Ret, key: string): number {
  if (typeof ret !== 'object' || ret === null || Array.isArray(ret)) return 0;
  const v = ret[key];
  return typeof v === 'number' ? v : 0;
}

/** A published slot of a chain, in chain order, with the bytes before it. */
export interface ChainSlot {
  readonly bvecq: number;
  readonly slot: number;
  readonly len: number;
  readonly before: number;
}

/** A node of a chain with the bytes published before its end. */
export interface ChainNode {
  readonly id: number;
  readonly nr_slots: number;
  end: number;
}

/** The nodes of the chain from `head` and their published slots, read from the world. */
export function chainLayout(w: World, head: number): { nodes: ChainNode[]; slots: ChainSlot[]; total: number } {
  const nodes: ChainNode[] = [];
  const slots: ChainSlot[] = [];
  let total = 0;
  const limit = Object.keys(w.bvecqs).length;
  for (let id: number | null = head; id !== null && nodes.length <= limit; ) {
    const q: World['bvecqs'][number] | undefined = w.bvecqs[id];
    if (q === undefined || q.freed) break;
    for (let s = 0; s < q.nr_slots; s++) {
      const len = q.bv[s]?.len ?? 0;
      slots.push({ bvecq: id, slot: s, len, before: total });
      total += len;
    }
    nodes.push({ id, nr_slots: q.nr_slots, end: total });
    id = q.next;
  }
  return { nodes, slots, total };
}
