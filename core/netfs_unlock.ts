/**
 * Unlocking read folios: netfs_unlock_read_folio(), netfs_read_unlock_folios() and
 * netfs_unlock_abandoned_read_pages() (fs/netfs/read_collect.c and read_retry.c; cursor design
 * at 871d0fe2, rolling design as merged with "netfs: Switch folioq to bvecq"), with the checks
 * the design promises at the point a folio is released: strictly in file order
 * (`folio.unlocked_out_of_order`), only once every byte up to its end is collected
 * (`folio.unlocked_before_collected`), once (`folio.unlocked_twice`), and, when marked uptodate,
 * holding the file's bytes at the right positions (`data.misplaced`) with nothing missing
 * (`data.lost`: bytes never delivered, or zeroed below the end of file). A folio the completion
 * has to unlock as abandoned although it was wholly collected without failure is
 * `folio.collected_not_uptodate`: the read succeeded but the page cache never learns it.
 */
import type { StepCtx } from './ctx.ts';
import type { Folio, FolioId, World } from './state.ts';
import type { NetfsLoadedFolio, NetfsRequest, RreqId } from './netfs_state.ts';
import { fileSrc, loadedFolio } from './netfs_state.ts';
import { readData } from './data.ts';
import { ZERO_SRC } from './data_pieces.ts';

/** The first byte of a folio whose label is wrong, with the finding it makes; null if none. */
function firstBadByte(r: NetfsRequest, lf: NetfsLoadedFolio, f: Folio): { id: string; text: string } | null {
  const src = fileSrc(r.ino);
  let x = lf.pos;
  for (const p of readData(f.data, 0, lf.size)) {
    if (p.src === null) return { id: 'data.lost', text: `file byte ${x} was never delivered` };
    if (p.src === ZERO_SRC) {
      if (x < r.eof) return { id: 'data.lost', text: `file byte ${x} is zero although the end of file is at ${r.eof}` };
    } else if (p.src !== src || p.off !== x) {
      return { id: 'data.misplaced', text: `file byte ${x} holds ${p.src} byte ${p.off}` };
    }
    x += p.len;
  }
  return null;
}

/** Checks a folio about to be marked uptodate against the file it caches. */
function checkReadFolio(r: NetfsRequest, rid: RreqId, lf: NetfsLoadedFolio, f: Folio, ctx: StepCtx): void {
  const bad = firstBadByte(r, lf, f);
  if (bad !== null) ctx.invariant(bad.id, `rreq ${rid}: folio ${lf.folio} (file ${lf.pos}..${lf.pos + lf.size}) marked uptodate: ${bad.text}`);
}

export type UnlockHow = 'collected' | 'abandoned';

/**
 * netfs_unlock_read_folio() (and the abandoned-page unlock): folios below `abandon_to` and
 * abandoned ones are unlocked without being marked uptodate. Returns false after a bug.
 */
export function netfs_unlock_read_folio(d: World, rid: RreqId, r: NetfsRequest, id: FolioId, how: UnlockHow, ctx: StepCtx): boolean {
  const lf = loadedFolio(r, id);
  if (lf === null) throw new Error(`rreq ${rid}: folio ${id} in the buffer was never loaded`);
  const f = d.folios[id];
  if (f === undefined || f.freed) {
    ctx.bug('folio.use_after_free', `rreq ${rid} unlocks folio ${id} after it was freed`);
    return false;
  }
  ctx.touch('folio', id);
  if (!f.locked) {
    ctx.invariant('folio.unlocked_twice', `rreq ${rid}: folio ${id} (file ${lf.entry.pos}) unlocked again`);
    return true;
  }
  const earlier = r.folios.slice(0, lf.index).find((e) => d.folios[e.folio]?.locked === true);
  if (earlier !== undefined) {
    ctx.invariant('folio.unlocked_out_of_order', `rreq ${rid}: folio ${id} (file ${lf.entry.pos}) unlocked while folio ${earlier.folio} (file ${earlier.pos}) is still locked`);
  }
  const fend = lf.entry.pos + lf.entry.size;
  if (how === 'collected' && r.collected_to < fend) {
    ctx.invariant('folio.unlocked_before_collected', `rreq ${rid}: folio ${id} ends at ${fend} but only ${r.collected_to} is collected`);
  }
  if (how === 'abandoned' && r.collected_to >= fend && lf.entry.pos >= r.abandon_to) {
    ctx.invariant('folio.collected_not_uptodate', `rreq ${rid}: folio ${id} (file ${lf.entry.pos}..${fend}) was wholly collected without failure but is unlocked at completion without being marked uptodate`);
  }
  if (how === 'collected' && lf.entry.pos >= r.abandon_to) {
    checkReadFolio(r, rid, lf.entry, f, ctx);
    f.uptodate = true;
  }
  f.locked = false;
  return true;
}

/** The folio a slot of the buffer holds, or null after a bug (a cleared slot, external memory). */
export function slotFolio(d: World, r: NetfsRequest, page: number | null, ctx: StepCtx): FolioId | null {
  if (page === null) {
    ctx.bug('netfs.collect_null_page', 'page_folio() of a cleared (NULL) buffer slot');
    return null;
  }
  for (const lf of r.folios) {
    const f = d.folios[lf.folio];
    if (f !== undefined && f.pfn === page) return lf.folio;
  }
  ctx.bug('netfs.collect_null_page', `buffer slot page ${page} is no folio of the request`);
  return null;
}

/**
 * netfs_unlock_abandoned_read_pages(): at completion, every folio still held by a slot from
 * the consumer end onwards is unlocked (not uptodate) and its slot cleared.
 */
export function netfs_unlock_abandoned_read_pages(d: World, rid: RreqId, r: NetfsRequest, ctx: StepCtx): void {
  let bq = r.design === 'cursor' ? r.collect_cursor.bvecq : (r.buffer?.tail ?? null);
  for (let hops = 0; bq !== null; hops++) {
    if (hops > 64 && hops > Object.keys(d.bvecqs).length) throw new Error('netfs_unlock_abandoned_read_pages: chain loops');
    const q = d.bvecqs[bq];
    if (q === undefined || q.freed) {
      ctx.bug('bvecq.use_after_free', `netfs_unlock_abandoned_read_pages walks freed bvecq ${bq}`);
      return;
    }
    for (let slot = 0; slot < q.nr_slots; slot++) {
      const bv = q.bv[slot];
      if (bv === undefined || bv.page === null) continue;
      const id = slotFolio(d, r, bv.page, ctx);
      if (id === null || !netfs_unlock_read_folio(d, rid, r, id, 'abandoned', ctx)) return;
      bv.page = null;
      ctx.touch('bvecq', bq);
    }
    bq = q.next;
  }
}
