// A hand-driven netfs read for scenario tests: each method proposes the kernel calls one actor
// would make (readahead, dispatch, server answer, filesystem completion, collection, retry) and
// steps them through the immutable engine, so a test fixes the schedule exactly.
import { EngineHarness } from './engine_harness.ts';
import { netfsFsCompletion } from '../../sim/netfs_server.ts';

export const PAGE_SIZE = 4096;

export interface ReadSetup {
  design: 'cursor' | 'rolling';
  /** Folio orders, in file order from 0. */
  orders: number[];
  i_size?: number;
  /** Slots granted per chain node. */
  nodeSlots?: number;
  /** Slots granted to each node, overriding `nodeSlots`. */
  caps?: number[];
  mutants?: Record<string, boolean>;
  /** A DIO read into a buffer of these bio_vecs (one folio each; `orders` is then ignored) from file position `start`. */
  dio?: { pieces: { order: number; offset: number; len: number }[]; start: number };
}

export interface IssueOpts {
  rsize?: number;
  max_segs?: number;
  cached?: [number, number] | null;
  send_error?: number;
}

export class NetfsHarness extends EngineHarness {
  readonly rreq = 1;
  readonly ino = 7;
  readonly folios: number[] = [];
  private readonly rsize: number;
  private readonly maxSegs: number;

  constructor(setup: ReadSetup, dispatch: { rsize?: number; max_segs?: number } = {}) {
    super(setup.mutants ?? {});
    this.rsize = dispatch.rsize ?? 1 << 20;
    this.maxSegs = dispatch.max_segs ?? 64;
    if (setup.dio !== undefined) {
      this.dioRead(setup, setup.dio);
      return;
    }
    let pfn = 1 << 12;
    let total = 0;
    for (const order of setup.orders) {
      pfn = Math.ceil(pfn / 2 ** order) * 2 ** order;
      this.step({ type: 'folio_alloc', folio: pfn, order, pfn, fail: false });
      this.step({ type: 'folio_lock', folio: pfn });
      this.folios.push(pfn);
      total += PAGE_SIZE * 2 ** order;
      pfn += 2 ** order;
    }
    const slots = setup.nodeSlots ?? 29;
    const caps: number[] = setup.caps ?? [];
    if (setup.caps === undefined) for (let left = setup.orders.length; left > 0; left -= slots) caps.push(slots);
    this.step({
      type: 'netfs_readahead',
      rreq: this.rreq,
      design: setup.design,
      ino: this.ino,
      start: 0,
      i_size: setup.i_size ?? total,
      folios: this.folios,
      bvecqs: caps.map((_, k) => 1 + k),
      max_slots: caps,
      fail: false,
      iter: setup.design === 'rolling' ? 1 : null,
    });
  }

  /** The caller's buffer (folios it allocated, as bio_vecs), its destination iterator, netfs_unbuffered_read(). */
  private dioRead(setup: ReadSetup, dio: NonNullable<ReadSetup['dio']>): void {
    let pfn = 1 << 12;
    const bv = [];
    for (const p of dio.pieces) {
      pfn = Math.ceil(pfn / 2 ** p.order) * 2 ** p.order;
      this.step({ type: 'folio_alloc', folio: pfn, order: p.order, pfn, fail: false });
      this.folios.push(pfn);
      bv.push({ page: pfn, offset: p.offset, len: p.len });
      pfn += 2 ** p.order;
    }
    const total = bv.reduce((n, b) => n + b.len, 0);
    this.step({ type: 'bvec_array', bvec: 1, bv });
    this.step({ type: 'iov_iter_bvec', iter: 2, direction: 0, bvec: 1, start: 0, nr_segs: bv.length, count: total });
    const slots = setup.nodeSlots ?? 29;
    const pages = dio.pieces.reduce((n, p) => n + Math.ceil(((p.offset % PAGE_SIZE) + p.len) / PAGE_SIZE), 0);
    this.step({
      type: 'netfs_unbuffered_read',
      rreq: this.rreq,
      design: setup.design,
      ino: this.ino,
      start: dio.start,
      i_size: setup.i_size ?? dio.start + total,
      dest: 2,
      bvecqs: Array.from({ length: Math.ceil(pages / slots) }, (_, k) => 1 + k),
      max_slots: slots,
      iter: setup.design === 'rolling' ? 1 : null,
    });
  }

  /** One pass of the dispatch loop; returns the new subrequest's id. */
  issue(o: IssueOpts = {}): number {
    const subreq = this.fresh();
    this.step({
      type: 'netfs_issue_read',
      rreq: this.rreq,
      subreq,
      iter: subreq,
      cached_from: o.cached === undefined || o.cached === null ? null : o.cached[0],
      cached_to: o.cached === undefined || o.cached === null ? null : o.cached[1],
      rsize: o.rsize ?? this.rsize,
      max_segs: o.max_segs ?? this.maxSegs,
      send_error: o.send_error ?? 0,
      fail: false,
    });
    return subreq;
  }

  /** Dispatches until the loop ends; returns the subrequests in order. */
  issueAll(o: IssueOpts = {}): number[] {
    const ids: number[] = [];
    while (this.world.rreqs[this.rreq]?.flags.all_queued === false) ids.push(this.issue(o));
    return ids;
  }

  /** The server's answer: whole up to `serverSize` (the file's real end) unless `bytes` is given. */
  reply(subreq: number, o: { bytes?: number; error?: number; serverSize?: number } = {}): void {
    const s = this.world.subreqs[subreq];
    if (s === undefined) throw new Error(`no subreq ${subreq}`);
    const size = o.serverSize ?? this.world.rreqs[this.rreq]?.i_size ?? 0;
    const pos = s.start + s.transferred;
    const want = s.len - s.transferred;
    const bytes = o.bytes ?? (s.source === 'cache' ? want : Math.max(0, Math.min(want, size - pos)));
    const error = o.error ?? 0;
    this.step({ type: 'sim.netfs_reply', subreq, bytes, error, eof: s.source === 'server' && error === 0 && pos + bytes >= size });
  }

  /** The filesystem copies the answer and terminates the subrequest. */
  complete(subreq: number): void {
    for (const e of netfsFsCompletion(this.world, subreq, this.fresh())) this.step(e);
  }

  answer(subreq: number, o: { bytes?: number; error?: number; serverSize?: number } = {}): void {
    this.reply(subreq, o);
    this.complete(subreq);
  }

  collect(): unknown {
    return this.step({ type: 'netfs_read_collection', rreq: this.rreq });
  }

  retry(spares = 4): unknown {
    const spare = Array.from({ length: spares }, () => {
      const id = this.fresh();
      return { subreq: id, iter: id };
    });
    return this.step({ type: 'netfs_retry_reads', rreq: this.rreq, rsize: this.rsize, max_segs: this.maxSegs, spare });
  }

  /** Runs collection and retries until nothing is pending; answers reissued subrequests whole. */
  settle(serverSize?: number): void {
    for (let guard = 0; guard < 200; guard++) {
      const r = this.world.rreqs[this.rreq];
      if (r === undefined || r.freed || this.world.halted !== null) return;
      const inflight = Object.entries(this.world.subreqs).filter(([, s]) => !s.freed && s.flags.in_progress);
      if (r.flags.retrying && inflight.length === 0) this.retry();
      else if (r.work_queued && !r.flags.retrying) this.collect();
      else if (inflight.length > 0) {
        const id = Number(inflight[0]?.[0]);
        if (this.world.subreqs[id]?.reply === null) this.reply(id, serverSize === undefined ? {} : { serverSize });
        this.complete(id);
      } else if (r.flags.in_progress) this.collect();
      else return;
    }
    throw new Error('settle: no end');
  }

  /** Drops the caller's reference and the folios, as the readahead caller and page cache do. */
  finish(): void {
    if (this.world.rreqs[this.rreq]?.freed !== true) this.step({ type: 'netfs_put_request', rreq: this.rreq });
    for (const f of this.folios) if (this.world.folios[f]?.locked === false) this.step({ type: 'folio_put', folio: f });
    this.step({ type: 'sim.quiesce' });
  }
}
