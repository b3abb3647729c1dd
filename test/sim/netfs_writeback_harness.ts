// A hand-driven buffered writeback for scenario tests: dirty page-cache folios holding the
// file's bytes, netfs_writepages() with the server's stream and optionally the cache's, each
// stream's subrequests, answers, the filesystem's sending, collection and retry, stepped
// through the immutable engine so a test fixes the schedule exactly.
import type { DataRun } from '../../core/index.ts';
import { WriteRequestHarness, type WriteLimits } from './netfs_write_request_harness.ts';

export const PAGE_SIZE = 4096;

export interface WritebackSetup {
  design: 'cursor' | 'rolling';
  /** Folio orders in file order from `start`. */
  orders: number[];
  start?: number;
  cache?: boolean;
  nodeSlots?: number;
  mutants?: Record<string, boolean>;
}

export class NetfsWritebackHarness extends WriteRequestHarness {
  readonly ino = 11;
  readonly folios: number[] = [];
  readonly start: number;
  readonly total: number;

  constructor(setup: WritebackSetup, limits: WriteLimits = {}) {
    super(setup.mutants ?? {}, limits, 'writeback');
    this.start = setup.start ?? 0;
    let pfn = 1 << 12;
    const bv = [];
    for (const order of setup.orders) {
      pfn = Math.ceil(pfn / 2 ** order) * 2 ** order;
      this.step({ type: 'folio_alloc', folio: pfn, order, pfn, fail: false });
      this.folios.push(pfn);
      bv.push({ page: pfn, offset: 0, len: PAGE_SIZE * 2 ** order });
      pfn += 2 ** order;
    }
    this.total = bv.reduce((n, b) => n + b.len, 0);
    // The page cache holds the file's bytes from `start` in these folios, dirty and locked for writeback.
    this.step({ type: 'bvec_array', bvec: 1, bv });
    this.step({ type: 'iov_iter_bvec', iter: 1, direction: 0, bvec: 1, start: 0, nr_segs: bv.length, count: this.total });
    this.step({ type: 'kbuf_alloc', buf: 1, size: this.total });
    this.step({ type: 'sim.netfs_recv', buf: 1, ino: this.ino, pos: this.start, len: this.total });
    this.step({ type: 'copy_to_iter', iter: 1, bytes: this.total, buf: 1, offset: 0 });
    this.step({ type: 'kbuf_free', buf: 1 });
    for (const f of this.folios) {
      this.step({ type: 'folio_mark_dirty', folio: f });
      this.step({ type: 'folio_lock', folio: f });
    }
    const slots = setup.nodeSlots ?? 29;
    const caps: number[] = [];
    for (let left = setup.orders.length; left > 0; left -= slots) caps.push(slots);
    const rolling = setup.design === 'rolling';
    this.step({
      type: 'netfs_writepages',
      wreq: this.wreq,
      design: setup.design,
      ino: this.ino,
      start: this.start,
      folios: this.folios,
      bvecqs: caps.map((_, k) => 1 + k),
      max_slots: caps,
      cache: setup.cache ?? false,
      iter: rolling ? 2 : null,
      cache_iter: rolling && setup.cache === true ? 3 : null,
    });
  }

  issue(stream: number, o: { wsize?: number; send_error?: number } = {}): number {
    return this.issueOn(stream, o);
  }

  /** Issues every subrequest of `stream`; returns them in order. */
  issueAll(stream: number): number[] {
    const ids: number[] = [];
    const st = () => (stream === 0 ? this.request.stream : this.request.cache_stream);
    while ((st()?.buffered ?? 0) > 0) ids.push(this.issue(stream));
    return ids;
  }

  /** Which folios are still under writeback, in file order. */
  writeback(): boolean[] {
    return this.folios.map((f) => this.world.folios[f]?.writeback === true);
  }

  finish(): void {
    if (this.world.rreqs[this.wreq]?.freed !== true) this.step({ type: 'netfs_put_request', rreq: this.wreq });
    for (const f of this.folios) this.step({ type: 'folio_put', folio: f });
    this.step({ type: 'sim.quiesce' });
  }

  expected(len = this.total): DataRun[] {
    return len === 0 ? [] : [{ at: this.start, len, src: `file:${this.ino}`, off: this.start }];
  }
}
