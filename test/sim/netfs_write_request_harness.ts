// What the unbuffered-write and writeback harnesses share: the immutable engine stepped by
// hand (a rejection throws: the test's own schedule is wrong), fresh ids, and the calls a
// write request's subrequests go through — issue, the server's reply, the filesystem's
// completion, collection and retry.
import { createEngine, type BvsimEvent, type Engine, type Finding, type World } from '../../core/index.ts';
import { netfsWriteCompletion } from '../../sim/netfs_write_server.ts';

export interface WriteLimits {
  wsize?: number;
  max_segs?: number;
}

export abstract class WriteRequestHarness {
  readonly engine: Engine;
  readonly events: BvsimEvent[] = [];
  readonly findings: Finding[] = [];
  readonly wreq = 1;
  private nextId = 100;
  private readonly wsize: number;
  private readonly maxSegs: number;
  private readonly what: string;

  protected constructor(mutants: Record<string, boolean>, limits: WriteLimits, what: string) {
    this.what = what;
    this.engine = createEngine('immutable', { mutants });
    this.wsize = limits.wsize ?? 1 << 20;
    this.maxSegs = limits.max_segs ?? 64;
  }

  get world(): World {
    return this.engine.peek();
  }

  get request() {
    const r = this.world.rreqs[this.wreq];
    if (r === undefined) throw new Error(`no ${this.what} request`);
    return r;
  }

  step(e: BvsimEvent): unknown {
    const out = this.engine.step(e);
    if (out.rejection !== null) throw new Error(`${e.type} rejected: ${out.rejection.message} (${out.rejection.field})`);
    this.events.push(e);
    this.findings.push(...out.findings);
    return out.ret;
  }

  fresh(): number {
    return this.nextId++;
  }

  /** One pass of the dispatch loop on `stream`; returns the new subrequest's id. */
  protected issueOn(stream: number, o: { send_error?: number; wsize?: number }): number {
    const subreq = this.fresh();
    this.step({ type: 'netfs_issue_write', wreq: this.wreq, stream, subreq, iter: subreq, wsize: o.wsize ?? this.wsize, max_segs: this.maxSegs, send_error: o.send_error ?? 0 });
    return subreq;
  }

  /** The server's answer: all that is left unless `bytes` or `error` says otherwise. */
  reply(subreq: number, o: { bytes?: number; error?: number } = {}): void {
    const s = this.world.subreqs[subreq];
    if (s === undefined) throw new Error(`no subreq ${subreq}`);
    const error = o.error ?? 0;
    this.step({ type: 'sim.netfs_reply', subreq, bytes: error === 0 ? (o.bytes ?? s.len - s.transferred) : 0, error, eof: false });
  }

  complete(subreq: number): void {
    for (const e of netfsWriteCompletion(this.world, subreq, this.fresh())) this.step(e);
  }

  answer(subreq: number, o: { bytes?: number; error?: number } = {}): void {
    this.reply(subreq, o);
    this.complete(subreq);
  }

  collect(): unknown {
    return this.step({ type: 'netfs_write_collection', wreq: this.wreq });
  }

  retry(): unknown {
    return this.step({ type: 'netfs_retry_writes', wreq: this.wreq });
  }
}
