/**
 * The model's state: plain JSON only (numbers, strings, booleans, null, arrays, plain
 * objects), so that both execution modes, digests and traces agree. Pointers are ids into
 * per-kind tables; ids are chosen by the trace writer and never reused, and a freed object
 * stays in its table as a tombstone (`freed: true`) so use-after-free is observable.
 *
 * The fields named in SPEC §6 are part of the public contract of `bvsim replay --state`.
 */

import type { Bio, BlkIo } from './bio_state.ts';
import type { NetfsRequest, NetfsSubrequest } from './netfs_state.ts';

export type { Bio, BlkIo, IoId } from './bio_state.ts';
export type { NetfsRequest, NetfsSubrequest, RreqId, SubreqId } from './netfs_state.ts';
export type FolioId = number;
export type BvecId = number;
export type KvecId = number;
export type KbufId = number;
export type BiterId = number;
export type IterId = number;
export type BvecqId = number;
export type PosId = number;
export type BioId = number;

/** Table keyed by a decimal object id. Integer-like keys enumerate in ascending order. */
export type Table<T> = Record<number, T>;

/**
 * Where a run of bytes came from: bytes [at, at+len) of the holder carry bytes
 * [off, off+len) of source `src` ("user", "file:<n>", "kbuf:<n>", "zero", ...).
 */
export interface DataRun {
  at: number;
  len: number;
  src: string;
  off: number;
}

/** A `struct bio_vec`. `page` is a PFN, or null for a NULL `bv_page`. */
export interface BioVec {
  page: number | null;
  offset: number;
  len: number;
}

export interface Folio {
  pfn: number;
  order: number;
  refcount: number;
  pincount: number;
  locked: boolean;
  uptodate: boolean;
  dirty: boolean;
  writeback: boolean;
  freed: boolean;
  /** References held by long-lived owners (user mapping, page cache): the leak baseline. */
  baseline_refs: number;
  /** Whether this folio maps user memory (named by head PFN, created by sim.user_map). */
  user: boolean;
  /** Whether a bounce-buffer helper allocated it (folio_alloc_greedy): a leak is `folio.leak`. */
  bounce: boolean;
  /** Byte provenance over the whole folio, sorted by `at`, non-overlapping. */
  data: DataRun[];
}

/** A standalone `bio_vec[]` in memory. */
export interface BvecArray {
  bv: BioVec[];
}

/** A `kvec` element: `len` bytes of kernel buffer `buf` from `offset`. */
export interface Kvec {
  buf: KbufId;
  offset: number;
  len: number;
}

export interface KvecArray {
  iov: Kvec[];
}

/** A kernel virtual buffer (kmalloc'd memory): source or target of copies, KVEC segments. */
export interface Kbuf {
  size: number;
  freed: boolean;
  data: DataRun[];
  /**
   * The PFNs backing the buffer's pages in address order (virt_to_page / vmalloc_to_page),
   * when the trace named them; page extraction from an ITER_KVEC needs them.
   */
  pages?: number[];
}

export interface BvecIter {
  bvec: BvecId;
  bi_sector: number;
  bi_size: number;
  bi_idx: number;
  bi_bvec_done: number;
}

export type BvecqMemType = 'EXTERNAL' | 'PAGECACHE' | 'GUP' | 'ALLOCED';

export interface Bvecq {
  next: BvecqId | null;
  prev: BvecqId | null;
  ref: number;
  nr_slots: number;
  max_slots: number;
  mem_type: BvecqMemType;
  inline_bv: boolean;
  /** All `max_slots` entries; slots at and past `nr_slots` are unpublished. */
  bv: BioVec[];
  freed: boolean;
}

export interface BvecqPos {
  bvecq: BvecqId | null;
  slot: number;
  offset: number;
}

export type IterType = 'ITER_UBUF' | 'ITER_BVEC' | 'ITER_KVEC' | 'ITER_BVECQ' | 'ITER_DISCARD';

export interface IovIter {
  iter_type: IterType;
  data_source: boolean;
  nofault: boolean;
  count: number;
  iov_offset: number;
  /**
   * Elements from the current one to the end of the window (ITER_BVEC, ITER_KVEC); the
   * kernel's 1 for ITER_UBUF and 0 for ITER_DISCARD; null for ITER_BVECQ, where the field
   * shares storage with `bvecq_slot`.
   */
  nr_segs: number | null;
  bvec: BvecId | null;
  bvec_index: number | null;
  kvec: KvecId | null;
  kvec_index: number | null;
  bvecq: BvecqId | null;
  bvecq_slot: number | null;
  /** ITER_UBUF: the user offset of the buffer start (`ubuf`); the position is `ubuf + iov_offset`. */
  ubuf: number | null;
  /**
   * Checker bookkeeping, not a kernel field: bytes consumed since the iterator was
   * initialised (advance adds, revert subtracts). Negative means over-reverted.
   */
  consumed: number;
  /** Checker bookkeeping, not a kernel field: where the iterator was set up. */
  origin: IterOrigin;
}

/**
 * The start of an iterator's window as its initialiser set it: for ITER_BVEC / ITER_KVEC the
 * first element (`index`), for ITER_BVECQ the node, slot and offset; zeros otherwise. The
 * data-placement checker walks the window flat from here.
 */
export interface IterOrigin {
  bvecq: BvecqId | null;
  index: number;
  offset: number;
}

/** User address space: page j of the user buffer is backed by `pages[j]` (a PFN). */
export interface UserMemory {
  pages: number[];
  /** User bytes at and after this offset fault; null when nothing faults. */
  fault: number | null;
}

export interface World {
  folios: Table<Folio>;
  /** Head PFN -> folio id, for PFN lookups (folios are naturally aligned). */
  pfn_folio: Record<number, FolioId>;
  bvecs: Table<BvecArray>;
  kvecs: Table<KvecArray>;
  kbufs: Table<Kbuf>;
  biters: Table<BvecIter>;
  iters: Table<IovIter>;
  bvecqs: Table<Bvecq>;
  positions: Table<BvecqPos>;
  bios: Table<Bio>;
  /** In-flight operations on the simulated block device (core/blkdev.ts). */
  ios: Table<BlkIo>;
  /** netfs read requests and their subrequests (core/netfs_*.ts). */
  rreqs: Table<NetfsRequest>;
  subreqs: Table<NetfsSubrequest>;
  user: UserMemory;
  /** Set by the first `bug` finding: the run is halted and later events do nothing. */
  halted: { i: number; id: string } | null;
}

export function emptyWorld(): World {
  return {
    folios: {},
    pfn_folio: {},
    bvecs: {},
    kvecs: {},
    kbufs: {},
    biters: {},
    iters: {},
    bvecqs: {},
    positions: {},
    bios: {},
    ios: {},
    rreqs: {},
    subreqs: {},
    user: { pages: [], fault: null },
    halted: null,
  };
}
