// What the unbuffered-write and writeback harnesses share beyond EngineHarness: the calls a
// write request's subrequests go through — issue, the server's reply, the filesystem's
// completion, collection and retry.
import { EngineHarness } from './engine_harness.ts';
import { netfsWriteCompletion } from '../../sim/netfs_write_server.ts';

export interface WriteLimits {
  wsize?: number;
  max_segs?: number;
}

export abstract class WriteRequestHarness extends EngineHarness {
  readonly wreq = 1;
  private readonly wsize: number;
  private readonly maxSegs: number;
  private readonly what: string;

  protected constructor(mutants: Record<string, boolean>, limits: WriteLimits, what: string) {
    super(mutants);
    this.what = what;
    this.wsize = limits.wsize ?? 1 << 20;
    this.maxSegs = limits.max_segs ?? 64;
  }

  get request() {
    const r = this.world.rreqs[this.wreq];
    if (r === undefined) throw new Error(`no ${this.what} request`);
    return r;
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
