/**
 * netfs request checks at quiescence (SPEC §3): every folio a read request loaded must have been
 * unlocked (`folio.left_locked`: a reader waiting on it would hang), every folio a writeback
 * request took must be out of writeback (`folio.left_writeback`: sync would wait forever),
 * every request and subrequest
 * must have been freed (`refcount.leak`), and no cursor of a live one may still hold a node
 * reference (`bvecq_pos.ref_leak`). The ordering and data checks run where the collector
 * releases each folio (core/netfs_unlock.ts).
 */
import type { StepCtx } from '../ctx.ts';
import type { BvecqPos, World } from '../state.ts';

function checkPos(what: string, p: BvecqPos, ctx: StepCtx): void {
  if (p.bvecq !== null) ctx.invariant('bvecq_pos.ref_leak', `${what} still set on bvecq ${p.bvecq}`);
}

export function checkNetfsQuiescence(d: World, ctx: StepCtx): void {
  for (const [id, r] of Object.entries(d.rreqs)) {
    for (const lf of r.folios) {
      const f = d.folios[lf.folio];
      if (f !== undefined && !f.freed && f.locked) ctx.invariant('folio.left_locked', `rreq ${id}: folio ${lf.folio} (file ${lf.pos}) is still locked`);
      if (r.origin === 'writeback' && f !== undefined && !f.freed && f.writeback) ctx.invariant('folio.left_writeback', `wreq ${id}: folio ${lf.folio} (file ${lf.pos}) is still under writeback`);
    }
    if (r.freed) continue;
    ctx.invariant('refcount.leak', `rreq ${id} still holds ${r.ref} reference(s) at quiescence`);
    checkPos(`rreq ${id} load_cursor`, r.load_cursor, ctx);
    checkPos(`rreq ${id} collect_cursor`, r.collect_cursor, ctx);
    checkPos(`rreq ${id} retry_cursor`, r.retry_cursor, ctx);
    checkPos(`rreq ${id} dispatch_cursor`, r.stream.dispatch_cursor, ctx);
    if (r.cache_stream !== null) checkPos(`rreq ${id} cache dispatch_cursor`, r.cache_stream.dispatch_cursor, ctx);
  }
  for (const [id, s] of Object.entries(d.subreqs)) {
    if (s.freed) continue;
    ctx.invariant('refcount.leak', `subreq ${id} still holds ${s.ref} reference(s) at quiescence`);
    checkPos(`subreq ${id} dispatch_pos`, s.dispatch_pos, ctx);
    checkPos(`subreq ${id} content`, s.content, ctx);
  }
}
