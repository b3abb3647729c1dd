// Builds engine traces from vectors/oracle/bvecq_pos.json exactly as ../shared/checks/oracle_cli.mjs
// does, plus an optional folio per page so page releases and zero provenance can be checked too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BvsimEvent } from '../../core/index.ts';

export interface VSlot { page: number | null; bv_offset: number; bv_len: number }
export interface VNode { max_slots: number; nr_slots: number; mem_type: 'EXTERNAL' | 'PAGECACHE' | 'GUP' | 'ALLOCED'; extra_ref: number; slots: VSlot[] }
export interface VPos { node: number; slot: number; offset: number }
export interface VState {
  A: VPos | null;
  B: VPos | null;
  refs: (number | null)[];
  freed: boolean[];
  next: (number | null)[];
  prev: (number | null)[];
  nr_slots: number[];
}
export interface VAfter extends VState {
  ret: unknown;
  warn: boolean;
  warn_sites: string[];
  freed_now: number[];
  page_ops: [string, number][];
  zeroed?: [number, number, number, number][];
  lens?: (number[] | null)[];
}
export interface VUndefined { undefined: string; detail: string; warn: boolean; warn_sites: string[] }
export interface VOp {
  op: string;
  pos?: 'A' | 'B';
  src?: 'A' | 'B';
  node?: number;
  amount?: number | string;
  max_size?: number | string;
  max_slots?: number | string;
  slot?: number;
  size?: number | string;
  after: VAfter | VUndefined;
  buggy_after: VAfter | VUndefined | null;
}
export interface VCase { id: number; chain: VNode[]; owner_ref: boolean; init: VState; ops: VOp[] }

const file = fileURLToPath(new URL('../../../shared/vectors/oracle/bvecq_pos.json', import.meta.url));
export const cases: VCase[] = (JSON.parse(readFileSync(file, 'utf8')) as { cases: VCase[] }).cases;

/** SIZE_MAX in the vectors is a decimal string; the SPEC's 2^53-1 behaves the same. */
const big = (v: number | string | undefined): number => (typeof v === 'string' ? Number.MAX_SAFE_INTEGER : (v ?? 0));
const P = (x: 'A' | 'B' | undefined): number => (x === 'B' ? 1 : 0);

/** The pages (one folio each) a case can release or clear: every page of every non-GUP slot. */
export function trackedPages(c: VCase): number[] {
  const pages: number[] = [];
  for (const node of c.chain) {
    if (node.mem_type === 'GUP') continue;
    for (const sl of node.slots) {
      if (sl.page === null) continue;
      const n = Math.max(1, Math.ceil((sl.bv_offset + sl.bv_len) / 4096));
      for (let k = 0; k < n; k++) pages.push(sl.page + k);
    }
  }
  return pages;
}

export function opEvent(op: VOp): BvsimEvent {
  switch (op.op) {
    case 'advance': return { type: 'bvecq_pos_advance', pos: P(op.pos), amount: big(op.amount) };
    case 'step': return { type: 'bvecq_pos_step', pos: P(op.pos) };
    case 'nudge': return { type: 'bvecq_pos_nudge', pos: P(op.pos) };
    case 'slice': return { type: 'bvecq_slice', pos: P(op.pos), max_size: big(op.max_size), max_slots: big(op.max_slots) };
    case 'zero': return { type: 'bvecq_zero', pos: P(op.pos), amount: big(op.amount) };
    case 'delete_spent': return { type: 'bvecq_delete_spent', pos: P(op.pos) };
    case 'set': return { type: 'bvecq_pos_set', pos: P(op.pos), at: P(op.src) };
    case 'transfer': return { type: 'bvecq_pos_transfer', pos: P(op.pos), from: P(op.src) };
    case 'move': return { type: 'bvecq_pos_move', pos: P(op.pos), to: op.node ?? 0 };
    case 'unset': return { type: 'bvecq_pos_unset', pos: P(op.pos) };
    case 'put_owner': return { type: 'bvecq_put', bvecq: 0 };
    case 'shorten': return { type: 'bvecq_shorten_buffer', bvecq: op.node ?? 0, slot: op.slot ?? 0, size: big(op.size) };
    default: throw new Error(`unknown op ${op.op}`);
  }
}

/** The set-up events of a case; the state after the last one is `init`. */
export function setupEvents(c: VCase, withFolios: boolean): BvsimEvent[] {
  const ev: BvsimEvent[] = [];
  if (withFolios) {
    for (const pfn of trackedPages(c)) {
      ev.push({ type: 'folio_alloc', folio: pfn, order: 0, pfn, fail: false }, { type: 'folio_get', folio: pfn });
    }
  }
  c.chain.forEach((node, q) => {
    ev.push({ type: 'bvecq_alloc_one', bvecq: q, nr_slots: node.max_slots, max_slots: node.max_slots, fail: false, mem_type: node.mem_type });
    node.slots.forEach((sl, s) => ev.push({ type: 'bvecq_set_slot', bvecq: q, slot: s, page: sl.page, offset: sl.bv_offset, len: sl.bv_len }));
    ev.push({ type: 'bvecq_filled_to', bvecq: q, nr_slots: node.nr_slots });
  });
  c.chain.forEach((_, q) => { if (q > 0) ev.push({ type: 'bvecq_append', to: q - 1, add: q }); });
  c.chain.forEach((node, q) => { if (node.extra_ref) ev.push({ type: 'bvecq_get', bvecq: q }); });
  const A = c.init.A;
  ev.push({ type: 'bvecq_pos_init', pos: 0, bvecq: A ? A.node : null, slot: A ? A.slot : 0, offset: A ? A.offset : 0 });
  ev.push({ type: 'bvecq_pos_init', pos: 1, bvecq: null, slot: 0, offset: 0 });
  if (!c.owner_ref) ev.push({ type: 'bvecq_put', bvecq: 0 });
  return ev;
}

/** The finding id the model gives for each kind of undefined behaviour the harness records. */
export const BUG_ID: Record<string, string> = {
  null_deref: 'bvecq_pos.null_deref',
  use_after_free: 'bvecq.use_after_free',
  kmap_null_page: 'bvecq_zero.kmap_null_page',
  read_unfilled_slot: 'bvecq.read_unfilled_slot',
  read_beyond_max_slots: 'bvecq.read_beyond_max_slots',
};

/** The WARN site ids for the harness's `warn_sites`. */
export const WARN_ID: Record<string, string> = {
  bvecq_pos_advance: 'bvecq_pos_advance.past_end',
  bvecq_zero: 'bvecq_zero.past_end',
  bvecq_shorten_buffer: 'bvecq_shorten_buffer.too_short',
};
