// Reading vectors/kunit/kunit_iov_iter.json (vectors/README.md §2) and building the KUnit test's
// memory as events: a 1 MiB buffer of 256 pages (buffer page j is PFN BASE + j, an order-0
// folio each), the buffer as a kbuf backed by those pages, and the 20-node bvecq chain.
import { readFileSync } from 'node:fs';
import type { BvsimEvent, IovIter, World } from '../../core/index.ts';
import { readData, type DataPiece } from '../../core/data.ts';
import { normalizePieces } from '../../core/data_pieces.ts';

/** A vector number: a JSON integer or a "0x..." string. */
type VNum = number | string;

export interface ImageEntry {
  dst_from: VNum;
  dst_to: VNum;
  value: string;
}
export interface BvecqStateV {
  bvecq_index: number;
  bvecq_slot: number;
  iov_offset: number;
  count: number;
}
export interface BvecStateV {
  bvec_index: number;
  nr_segs: number;
  iov_offset: number;
  count: number;
}
export interface ExtractCallV {
  len: VNum;
  offset0: VNum;
  pages: number[];
  count_after?: VNum;
  state_after?: BvecStateV | BvecqStateV;
}
export interface CopyStepV {
  init: { bvecq_index: number; slot: number; offset: number; count: VNum };
  advance: VNum;
  derived_state_after_advance: BvecqStateV;
  copy_bytes: VNum;
  expected: { copied: VNum; 'iter.count': number };
  derived_state_after_copy: BvecqStateV;
}

/** The parts of a KUnit case (vectors/README.md §2.3) these tests read. */
export interface KunitCaseV {
  id: string;
  setup: {
    kvec: { iov_base_offset: VNum; iov_len: VNum }[];
    bvec_nomerge: { page: number; bv_offset: VNum; bv_len: VNum }[];
    nr_segs: number;
    count: VNum;
    bvecq_chain: { slots_per_node: number[] };
  };
  operations: { bytes: VNum }[];
  expected: { copied: VNum; 'iter.count': number; 'iter.nr_segs': number; image: ImageEntry[]; final_image: ImageEntry[] };
  expected_final: { 'iter.count': number };
  derived_final_state: { kvec_index?: number; bvec_index?: number; nr_segs: number; iov_offset: number; count: number };
  steps: CopyStepV[];
  derived_calls: ExtractCallV[];
  per_range: {
    init: { iov_iter_bvec_queue: { slot: number; offset: number; count: VNum }; advance: VNum };
    derived_calls: ExtractCallV[];
    expected: { sum_len: VNum; 'iter.count': number };
  }[];
}

/** The parts of a derived edge vector (vectors/README.md §2.4) these tests read. */
export interface EdgeVectorV {
  id: string;
  ops?: string[];
  state?: BvecqStateV;
  state_after?: BvecqStateV;
  state_after_advance?: BvecqStateV;
  state_after_copy?: BvecqStateV;
  state_after_first?: BvecqStateV;
  state_after_second?: BvecqStateV;
  states?: BvecqStateV[];
  bvecq_state?: BvecqStateV;
  bvec_state?: BvecStateV;
  iov_iter_bvec_advance_4096_same_layout?: BvecStateV;
  copy_ret?: number;
  copied?: VNum;
  calls?: ExtractCallV[];
  'npages(maxpages=INT_MAX)'?: number;
  'npages(maxpages=8)'?: number;
}

const url = new URL('../../../shared/vectors/kunit/kunit_iov_iter.json', import.meta.url);
export const KUNIT = JSON.parse(readFileSync(url, 'utf8')) as {
  constants: { extract_maxsize: VNum; extract_maxpages: VNum };
  cases: KunitCaseV[];
  derived_edge_vectors: EdgeVectorV[];
};

export function num(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && /^0x[0-9a-f]+$/i.test(x)) return parseInt(x, 16);
  throw new Error(`not a vector number: ${JSON.stringify(x)}`);
}

export function kunitCase(id: string): KunitCaseV {
  const c = KUNIT.cases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no KUnit case ${id}`);
  return c;
}

export function edgeVector(id: string): EdgeVectorV {
  const v = KUNIT.derived_edge_vectors.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no derived edge vector ${id}`);
  return v;
}

export const BASE = 4096;
export const NPAGES = 256;
export const BUFSIZE = 0x100000;
/** The buffer as a kbuf (its bytes are the pattern: kbuf:BUF byte x is pattern(x)). */
export const BUF = 1;
/** The scratch buffer (kbuf:SCRATCH byte x is pattern(x) when it is the source). */
export const SCRATCH = 2;

export const bufferPages = (): BvsimEvent[] =>
  Array.from({ length: NPAGES }, (_, j): BvsimEvent => ({ type: 'folio_alloc', folio: BASE + j, order: 0, pfn: BASE + j, fail: false }));

export const kbufs = (): BvsimEvent[] => [
  { type: 'kbuf_alloc', buf: BUF, size: BUFSIZE, pages: Array.from({ length: NPAGES }, (_, j) => BASE + j) },
  { type: 'kbuf_alloc', buf: SCRATCH, size: BUFSIZE },
];

/** The KUnit chain: nodes 0..19 of up to 13 slots, slot s of node n holding buffer page 13n + s. */
export function kunitChain(): BvsimEvent[] {
  const ev: BvsimEvent[] = [];
  const per = kunitCase('iov_kunit_copy_to_bvecq').setup.bvecq_chain.slots_per_node;
  for (const [n, slots] of per.entries()) {
    ev.push({ type: 'bvecq_alloc_one', bvecq: n, nr_slots: 13, max_slots: 13, fail: false });
    for (let s = 0; s < slots; s++) ev.push({ type: 'bvecq_set_slot', bvecq: n, slot: s, page: BASE + 13 * n + s, offset: 0, len: 4096 });
    ev.push({ type: 'bvecq_filled_to', bvecq: n, nr_slots: slots });
    if (n > 0) ev.push({ type: 'bvecq_append', to: n - 1, add: n });
  }
  return ev;
}

/** An ITER_BVECQ iterator in the vectors' terms (node index = bvecq id here). */
export const bvecqState = (it: IovIter | undefined) => it && { bvecq_index: it.bvecq, bvecq_slot: it.bvecq_slot, iov_offset: it.iov_offset, count: it.count };
export const bvecState = (it: IovIter | undefined) => it && { bvec_index: it.bvec_index, nr_segs: it.nr_segs, iov_offset: it.iov_offset, count: it.count };

/**
 * Destination offset -> source offset from an `image` entry, whose `value` reads
 * `pattern(k - dst_from + 0x...)` or `pattern(k - 0x... + 0x...)`.
 */
export function imageMap(entry: ImageEntry): { from: number; to: number; srcAt: (k: number) => number } {
  const m = /^pattern\(k - (dst_from|0x[0-9a-f]+) \+ (0x[0-9a-f]+)\)$/i.exec(entry.value);
  if (m === null) throw new Error(`unreadable image value ${entry.value}`);
  const from = num(entry.dst_from);
  const sub = m[1] === 'dst_from' ? from : num(m[1]);
  const add = num(m[2]);
  return { from, to: num(entry.dst_to), srcAt: (k) => k - sub + add };
}

/**
 * The labels destination bytes [at, at + len) must carry after a copy whose result is
 * `image` (vectors/README.md §2.3): inside an image range the source's byte, elsewhere
 * whatever `gap` says was there before.
 */
export function imagePieces(image: readonly ImageEntry[], src: string, at: number, len: number, gap: (k: number, n: number) => DataPiece): DataPiece[] {
  const ranges = image.map(imageMap).sort((a, b) => a.from - b.from);
  const out: DataPiece[] = [];
  let k = at;
  const end = at + len;
  for (const r of ranges) {
    const lo = Math.max(r.from, k);
    const hi = Math.min(r.to, end);
    if (hi <= lo) continue;
    if (lo > k) out.push(gap(k, lo - k));
    out.push({ src, off: r.srcAt(lo), len: hi - lo });
    k = hi;
  }
  if (k < end) out.push(gap(k, end - k));
  return normalizePieces(out);
}

/** The normalised labels of bytes [at, at + len) of a holder's runs. */
export function heldPieces(runs: World['kbufs'][number]['data'], at: number, len: number): DataPiece[] {
  return normalizePieces(readData(runs, at, len));
}
