/**
 * The model's `struct bio` (include/linux/blk_types.h and include/linux/bio.h, linux-block
 * tree at 10c5ed1d / 105c3cc3; REFERENCE §1.8) and the in-flight device operation that
 * carries one. Plain JSON: the vector table a bio allocated lives inside that bio, and
 * `bi_io_vec` is a reference (owner bio id or standalone bvec array id, plus an index), so a
 * clone shares its source's table without one object sitting at two paths.
 * Divergence: bi_bdev, bi_pool's bio_set, the per-cpu cache, cgroup, integrity and crypto
 * contexts are not modelled; `pool` only records whether the bio came from a bio_set.
 */
import type { BioId, BioVec, BvecId } from './state.ts';

export type IoId = number;

/** The `BIO_*` flag bits in kernel bit order (BIO_TG_BPS_THROTTLED aliases QOS_THROTTLED). */
export const BIO_FLAG_ORDER = [
  'PAGE_PINNED',
  'CLONED',
  'QUIET',
  'CHAIN',
  'REFFED',
  'BPS_THROTTLED',
  'TRACE_COMPLETION',
  'CGROUP_ACCT',
  'BLKG_REF',
  'QOS_THROTTLED',
  'QOS_MERGED',
  'REMAPPED',
  'ZONE_WRITE_PLUGGING',
  'EMULATES_ZONE_APPEND',
  'COMPLETE_IN_TASK',
] as const;

export type BioFlag = (typeof BIO_FLAG_ORDER)[number];

/**
 * What `bi_end_io` points at: nothing, the harness callbacks of the reference vectors
 * (`record` notes the status it sees; `record_put` notes it, then drops a reference, as
 * completion handlers do), or the `bio_chain_endio` sentinel that bio_chain() installs.
 */
export type BioEndIo = null | 'record' | 'record_put' | 'chain';

/** Where `bi_io_vec` points: entry `at` of bio `bio`'s own table, or of bvec array `bvec`. */
export interface BioIoVecRef {
  bio: BioId | null;
  bvec: BvecId | null;
  at: number;
}

/** A vector table a bio allocated (inline, slab or the caller's): `slots` entries. */
export interface BioTable {
  slots: number;
  /** The entries written so far, as a prefix; entries past its end read as zero. */
  bv: BioVec[];
  /** Other bios whose `bi_io_vec` points into this table (clones, splits), in order. */
  users: BioId[];
}

export interface Bio {
  opf: number;
  bi_sector: number;
  bi_size: number;
  bi_idx: number;
  bi_bvec_done: number;
  bi_vcnt: number;
  bi_max_vecs: number;
  /** `__bi_remaining` */
  remaining: number;
  /** `__bi_cnt` */
  cnt: number;
  status: number;
  flags: BioFlag[];
  /** A view: the first `bi_vcnt` entries from `bi_io_vec`, refreshed on every change. */
  vecs: BioVec[];
  /** The status seen by each recorded `bi_end_io` call, in order. */
  end_io_calls: number[];
  freed: boolean;
  end_io: BioEndIo;
  /** `bi_private`: the parent for a chained bio. */
  private: BioId | null;
  bi_io_vec: BioIoVecRef | null;
  table: BioTable | null;
  /** Whether the bio came from a bio_set (bio_put frees it) or caller memory (bio_init). */
  pool: boolean;
  /** Checker bookkeeping: bio_uninit() ran and no bio_reset() re-armed it since. */
  uninit: boolean;
  /** Checker bookkeeping: bi_end_io (or the chain hand-off) already ran for this use. */
  completed: boolean;
  /**
   * A successful bounce read left the bounce buffer in `bi_io_vec[0]`, with the user vecs at
   * 1..bi_vcnt, so `vecs` shows bi_vcnt + 1 entries (SPEC §6). Cleared by reset and reuse.
   */
  bounce_vec: boolean;
}

/** An operation in flight on the simulated block device, carrying one bio. */
export interface BlkIo {
  bio: BioId;
  freed: boolean;
}

export const BIO_INLINE_VECS = 4;
export const REQ_OP_MASK = 0xff;
export const REQ_OP_WRITE = 1;
export const REQ_OP_DISCARD = 3;
export const REQ_OP_SECURE_ERASE = 5;
export const REQ_OP_ZONE_APPEND = 7;
export const REQ_OP_WRITE_ZEROES = 9;
export const REQ_ATOMIC = 2 ** 27;
export const BIO_MAX_SECTORS = 8388607;
export const ENOMEM = 12;
export const EINVAL = 22;

export function bio_op(b: Bio): number {
  return b.opf & REQ_OP_MASK;
}

/** The ops whose bi_size is not a byte count over the vector (bio_no_advance_iter). */
export function bio_no_advance_iter(b: Bio): boolean {
  const op = bio_op(b);
  return op === REQ_OP_DISCARD || op === REQ_OP_SECURE_ERASE || op === REQ_OP_WRITE_ZEROES;
}

export function bio_sectors(b: Bio): number {
  return Math.floor(b.bi_size / 512);
}

export function bio_flagged(b: Bio, flag: BioFlag): boolean {
  return b.flags.includes(flag);
}

/** Sets a flag, keeping `flags` in kernel bit order so equal states print equally. */
export function bio_set_flag(b: Bio, flag: BioFlag): void {
  if (b.flags.includes(flag)) return;
  b.flags.push(flag);
  b.flags.sort((x, y) => BIO_FLAG_ORDER.indexOf(x) - BIO_FLAG_ORDER.indexOf(y));
}

export function bio_clear_flag(b: Bio, flag: BioFlag): void {
  const k = b.flags.indexOf(flag);
  if (k >= 0) b.flags.splice(k, 1);
}

/** A bio as bio_init() leaves it: one reference, remaining 1, empty iterator. */
export function newBio(opf: number, bi_max_vecs: number, table: BioTable | null, pool: boolean): Bio {
  return {
    opf,
    bi_sector: 0,
    bi_size: 0,
    bi_idx: 0,
    bi_bvec_done: 0,
    bi_vcnt: 0,
    bi_max_vecs,
    remaining: 1,
    cnt: 1,
    status: 0,
    flags: [],
    vecs: [],
    end_io_calls: [],
    freed: false,
    end_io: null,
    private: null,
    bi_io_vec: null,
    table,
    pool,
    uninit: false,
    completed: false,
    bounce_vec: false,
  };
}

export function newTable(slots: number): BioTable {
  return { slots, bv: [], users: [] };
}
