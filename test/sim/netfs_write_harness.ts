// A hand-driven unbuffered/DIO netfs write for scenario tests: the caller's buffer (folios the
// test allocates, filled with the bytes it means for the file), the write request, dispatch,
// server answers, the filesystem's sending, collection and retry, each stepped through the
// immutable engine so a test fixes the schedule exactly.
import type { DataRun } from '../../core/index.ts';
import { WriteRequestHarness, type WriteLimits } from './netfs_write_request_harness.ts';

export const PAGE_SIZE = 4096;

/** One bio_vec of the caller's buffer: a folio of `order`, `len` bytes from `offset`. */
export interface SourcePiece {
  order: number;
  offset: number;
  len: number;
}

export interface WriteSetup {
  design: 'cursor' | 'rolling';
  pieces: SourcePiece[];
  /** File position of the first byte. */
  start?: number;
  /** Slots per chain node. */
  nodeSlots?: number;
  /** Write from user memory instead (ITER_UBUF over `pages` mapped pages, from user offset `at`); `pieces` is then ignored. */
  ubuf?: { pages: number; at: number; len: number };
  mutants?: Record<string, boolean>;
}

export class NetfsWriteHarness extends WriteRequestHarness {
  readonly ino = 9;
  readonly folios: number[] = [];
  readonly start: number;
  readonly total: number;

  constructor(setup: WriteSetup, limits: WriteLimits = {}) {
    super(setup.mutants ?? {}, limits, 'write');
    this.start = setup.start ?? 0;
    let pfn = 1 << 12;
    const bv = [];
    const pieces = setup.ubuf === undefined ? setup.pieces : [];
    for (const p of pieces) {
      pfn = Math.ceil(pfn / 2 ** p.order) * 2 ** p.order;
      this.step({ type: 'folio_alloc', folio: pfn, order: p.order, pfn, fail: false });
      this.folios.push(pfn);
      bv.push({ page: pfn, offset: p.offset, len: p.len });
      pfn += 2 ** p.order;
    }
    this.total = setup.ubuf?.len ?? bv.reduce((n, b) => n + b.len, 0);
    this.ubuf = setup.ubuf ?? null;
    if (setup.ubuf === undefined) this.fillSource(bv);
    else {
      this.step({ type: 'sim.user_map', runs: Array.from({ length: setup.ubuf.pages }, (_, k) => [0x100 + k, 0, 0, 1] as [number, number, number, number]) });
      this.step({ type: 'iov_iter_ubuf', iter: 2, direction: 1, start: setup.ubuf.at, len: setup.ubuf.len, nofault: false });
    }
    const slots = setup.nodeSlots ?? 29;
    const pages = setup.ubuf === undefined ? pieces.reduce((n, p) => n + Math.ceil(((p.offset % PAGE_SIZE) + p.len) / PAGE_SIZE), 0) : setup.ubuf.pages;
    const nodes = Math.ceil(pages / slots);
    this.step({
      type: 'netfs_unbuffered_write',
      wreq: this.wreq,
      design: setup.design,
      ino: this.ino,
      start: this.start,
      source: 2,
      bvecqs: Array.from({ length: nodes }, (_, k) => 1 + k),
      max_slots: slots,
      iter: setup.design === 'rolling' ? 3 : null,
    });
  }

  /** One pass of the dispatch loop; returns the new subrequest's id. */
  issue(o: { send_error?: number; wsize?: number } = {}): number {
    return this.issueOn(0, o);
  }

  private readonly ubuf: { pages: number; at: number; len: number } | null;

  /** The application fills its buffer with the bytes it means for the file from `start`; the source iterator is iter 2. */
  private fillSource(bv: { page: number; offset: number; len: number }[]): void {
    this.step({ type: 'bvec_array', bvec: 1, bv });
    // The application fills its buffer with the bytes it means for the file from `start`.
    this.step({ type: 'iov_iter_bvec', iter: 1, direction: 0, bvec: 1, start: 0, nr_segs: bv.length, count: this.total });
    this.step({ type: 'kbuf_alloc', buf: 1, size: this.total });
    this.step({ type: 'sim.netfs_recv', buf: 1, ino: this.ino, pos: this.start, len: this.total });
    this.step({ type: 'copy_to_iter', iter: 1, bytes: this.total, buf: 1, offset: 0 });
    this.step({ type: 'kbuf_free', buf: 1 });
    this.step({ type: 'iov_iter_bvec', iter: 2, direction: 1, bvec: 1, start: 0, nr_segs: bv.length, count: this.total });
  }

  /** The strictly sequential loop, answering every subrequest whole, until the request completes. */
  writeAll(): number[] {
    const ids: number[] = [];
    for (let guard = 0; guard < 200 && this.request.flags.in_progress; guard++) {
      const r = this.request;
      const inflight = r.stream.subrequests.find((id) => this.world.subreqs[id]?.flags.in_progress === true);
      if (inflight !== undefined) this.answer(inflight);
      else if (r.flags.retrying) this.retry();
      else if (r.work_queued || r.flags.pause || r.flags.all_queued) this.collect();
      else ids.push(this.issue());
      if (r.flags.all_queued && r.stream.subrequests.length === 0 && !r.flags.in_progress) break;
    }
    return ids;
  }

  /** Drops the caller's reference and its buffer, as the caller of the write does. */
  finish(): void {
    if (this.world.rreqs[this.wreq]?.freed !== true) this.step({ type: 'netfs_put_request', rreq: this.wreq });
    for (const f of this.folios) this.step({ type: 'folio_put', folio: f });
    this.step({ type: 'sim.quiesce' });
  }

  /** The server's copy of the file. */
  serverData(): DataRun[] {
    return this.request.server_data;
  }

  /** The file the caller meant: its bytes from `start`. */
  expected(len = this.total): DataRun[] {
    if (len === 0) return [];
    return [{ at: this.start, len, src: this.ubuf === null ? `file:${this.ino}` : 'user', off: this.ubuf?.at ?? this.start }];
  }
}
