/**
 * The producer side of a bvecq rolling buffer (netfs tree, bvecq series): a position at the
 * tail onto which pages are appended with bvecq_append_page(), and new nodes linked with
 * bvecq_buffer_append() when the tail fills up (or, now and then, before it does, which
 * leaves short and even empty nodes behind, as a producer that hit a boundary would).
 * The nodes are EXTERNAL: the producer keeps its folio references and drops them at the end.
 * Or, as a netfs bounce or crypto buffer is grown, the producer hangs no pages of its own:
 * bvecq_expand_buffer() links ALLOCED nodes and pages after the tail, which the chain owns
 * and frees with its nodes.
 */
import type { BvsimEvent } from '../../core/index.ts';
import type { ActorEnv } from '../actor.ts';
import { allocFolios, grantedSlots, PAGE_SIZE, planPieces, type ActorStep, type Piece } from './chain_build.ts';
import { expand, type Buffer } from './bvecq_buffer_ops.ts';

/** What the buffer's owner tracks: positions, bytes published and handed out, folios owned. */
export interface RollingBuffer {
  readonly prod: number;
  readonly disp: number;
  readonly coll: number;
  readonly kbuf: number;
  readonly kbufSize: number;
  /** Bytes published by the producer. */
  appended: number;
  /** Bytes the dispatcher has handed to subrequests. */
  dispatched: number;
  pagesLeft: number;
  readonly folios: number[];
  readonly subs: Subreq[];
  /** The chain as bvecq_expand_buffer() sees it: its head and the bytes in it. */
  readonly grown: Buffer;
}

/** A dispatched slice of the buffer: `pos` holds its start, `chain` an extracted copy. */
export interface Subreq {
  readonly pos: number;
  readonly size: number;
  left: number;
  readonly chain: number | null;
}

export interface ProducerParams {
  readonly orderMax: number;
  /** Largest capacity asked for a node the producer links itself (>= 1). */
  readonly nodeSlotsMax: number;
  /** Pages of its own appended at the tail; false: the buffer grows by bvecq_expand_buffer(). */
  readonly ownPages: boolean;
}

const quarter = { numerator: 1, denominator: 4 };

type AppendPageEvent = Extract<BvsimEvent, { type: 'bvecq_append_page' }>;

/** Allocates one folio and appends it, whole or in pieces, at the tail. */
export function* produce(env: ActorEnv, p: ProducerParams, b: RollingBuffer): ActorStep<void> {
  b.pagesLeft -= 1;
  if (!p.ownPages) {
    // The helper walks to the tail from the node it is given: the collector's, as the nodes
    // before it may be deleted. One to four pages at a time; it may stop short when an
    // allocation fails.
    b.grown.head = env.world().positions[b.coll]?.bvecq ?? null;
    yield* expand(env, b.grown, b.grown.size + PAGE_SIZE * (1 + env.draw.int(4)), false);
    b.appended = b.grown.size;
    return;
  }
  const [folio] = yield* allocFolios(env, 1, p.orderMax);
  if (folio === undefined) return;
  b.folios.push(folio);
  if (env.draw.chance({ numerator: 1, denominator: 10 })) yield* linkNode(env, p, b);
  for (const piece of planPieces(env, [folio], true)) {
    if (!(yield* appendPage(env, p, b, piece))) return;
  }
}

/** Whether the producer's node has no free slot left. */
function tailFull(env: ActorEnv, b: RollingBuffer): boolean {
  const w = env.world();
  const pos = w.positions[b.prod];
  const q = pos?.bvecq === null || pos === undefined ? undefined : w.bvecqs[pos.bvecq];
  if (pos === undefined || q === undefined) throw new Error(`producer position ${b.prod} lost its node`);
  return pos.slot >= q.max_slots;
}

/** bvecq_append_page(); a full tail gets a node linked by hand, or lets the helper allocate one. */
function* appendPage(env: ActorEnv, p: ProducerParams, b: RollingBuffer, piece: Piece): ActorStep<boolean> {
  if (tailFull(env, b) && env.draw.chance({ numerator: 3, denominator: 4 })) {
    if (!(yield* linkNode(env, p, b))) return false;
  }
  const ev: AppendPageEvent = { type: 'bvecq_append_page', pos: b.prod, page: piece.page, offset: piece.offset, len: piece.len };
  // Only a full tail makes the helper allocate, so only then does the call carry the node's id and fate.
  const out = yield tailFull(env, b) ? { ...ev, bvecq: env.ids.next('bvecq'), fail: env.allocFails('bvecq') } : ev;
  if (out.ret !== 0) return false;
  b.appended += piece.len;
  return true;
}

/** A fresh EXTERNAL node linked after the tail with bvecq_buffer_append(); false if refused. */
function* linkNode(env: ActorEnv, p: ProducerParams, b: RollingBuffer): ActorStep<boolean> {
  const id = env.ids.next('bvecq');
  const want = env.draw.chance(quarter) ? 29 : 1 + env.draw.int(p.nodeSlotsMax);
  const fail = env.allocFails('bvecq');
  yield { type: 'bvecq_alloc_one', bvecq: id, nr_slots: want, max_slots: grantedSlots(want), fail };
  if (fail) return false;
  yield { type: 'bvecq_buffer_append', pos: b.prod, bvecq: id };
  return true;
}
