/**
 * The simulated block device (SPEC §2: submitting a bio and completing it are events, so
 * completions of split and chained bios can interleave in any order). `submit_bio` hands a
 * bio to the device as in-flight operation `io`; `sim.device_complete` is the device
 * finishing `bytes` of it with status `error` and the driver doing what
 * blk_update_request() does for one bio: set the status on error, advance the bio by the
 * bytes done, and call bio_endio() once the bio is finished or failed.
 * Divergence: there is no request queue, merging or splitting to limits; a short
 * completion without error leaves the rest of the bio in flight for a later completion,
 * and a completion with an error ends the bio at once. A READ labels the bytes it delivers
 * with their disk address (`disk`, byte `bi_sector * 512 + k`) for the data checks.
 */
import type { StepCtx } from './ctx.ts';
import type { RecipeTable } from './recipe.ts';
import type { BioId, IoId, World } from './state.ts';
import { checkNewId, folioOfPfn, lookupLive } from './lookup.ts';
import { PAGE_SIZE, max, min, u8 } from './kernel_int.ts';
import { writeData } from './data.ts';
import { REQ_OP_WRITE, bio_no_advance_iter, bio_op } from './bio_state.ts';
import { bioVecExtent, bioVecRead } from './bio_vec_table.ts';
import { bio_advance } from './bio_advance.ts';
import { bio_endio } from './bio_chain.ts';

export type BlkdevEvent =
  | { type: 'submit_bio'; bio: BioId; io: IoId }
  | { type: 'sim.device_complete'; io: IoId; bytes: number; error: number };

/** Labels `len` bytes at physical byte `addr` with disk bytes from `diskOff`, page by page. */
function labelPhys(d: World, addr: number, len: number, diskOff: number, ctx: StepCtx): void {
  for (let done = 0; done < len; ) {
    const at = addr + done;
    const pfn = Math.floor(at / PAGE_SIZE);
    const chunk = min(PAGE_SIZE - (at % PAGE_SIZE), len - done);
    const fid = folioOfPfn(d, pfn);
    const f = fid === null ? undefined : d.folios[fid];
    if (fid !== null && f !== undefined) {
      writeData(f.data, (pfn - f.pfn) * PAGE_SIZE + (at % PAGE_SIZE), [{ len: chunk, src: 'disk', off: diskOff + done }]);
      ctx.touch('folio', fid);
    }
    done += chunk;
  }
}

/**
 * The device's DMA for a READ: walks the bio's remaining segments from `bi_iter` for
 * `bytes` and labels the memory they name. Returns false after a memory error.
 */
function deliverRead(d: World, id: BioId, bytes: number, ctx: StepCtx): boolean {
  const b = d.bios[id];
  if (b === undefined) return false;
  const extent = bioVecExtent(d, id) ?? { written: 0, slots: 0 };
  let idx = b.bi_idx;
  let skip = b.bi_bvec_done;
  let moved = 0;
  for (let guard = 0; moved < bytes; guard++) {
    if (guard > extent.slots + 1) throw new Error('deliverRead: walked past every slot without a memory error');
    // Past the written prefix every entry is zero-length: the walk runs to the table's end.
    if (idx >= extent.written) idx = Math.max(idx, extent.slots);
    const bv = bioVecRead(d, id, idx, ctx);
    if (bv === null) return false;
    const take = min(max(0, bv.len - skip), bytes - moved);
    if (bv.page !== null && take > 0) labelPhys(d, bv.page * PAGE_SIZE + bv.offset + skip, take, b.bi_sector * 512 + moved, ctx);
    moved += take;
    idx++;
    skip = 0;
  }
  return true;
}

export const blkdevRecipes: RecipeTable<BlkdevEvent> = {
  // submit_bio(): the bio is now the device's; submitting one already in flight is a caller bug.
  submit_bio(d, e, ctx) {
    if (lookupLive(d.bios, e.bio, ctx, 'bio', 'bio') === null) return null;
    if (!checkNewId(d.ios, e.io, ctx, 'io', 'io')) return null;
    for (const [k, io] of Object.entries(d.ios)) {
      if (!io.freed && io.bio === e.bio) ctx.invariant('submit_bio.in_flight', `bio ${e.bio} submitted as io ${e.io} while io ${k} still carries it`);
    }
    d.ios[e.io] = { bio: e.bio, freed: false };
    ctx.touch('bio', e.bio);
    return null;
  },
  'sim.device_complete'(d, e, ctx) {
    const io = lookupLive(d.ios, e.io, ctx, 'io', 'io');
    if (io === null) return null;
    const b = lookupLive(d.bios, io.bio, ctx, 'bio', 'io');
    if (b === null) return null;
    if (e.bytes > b.bi_size) return ctx.reject('bytes', `io ${e.io} completes ${e.bytes} bytes of a bio with ${b.bi_size} left`);
    const status = u8(e.error, 'bi_status', ctx);
    const read = (bio_op(b) & REQ_OP_WRITE) === 0 && !bio_no_advance_iter(b);
    if (read && !deliverRead(d, io.bio, e.bytes, ctx)) return null;
    if (status !== 0) b.status = status;
    if (!bio_advance(d, io.bio, e.bytes, ctx)) return null;
    if (status === 0 && b.bi_size > 0) return null;
    io.freed = true;
    bio_endio(d, io.bio, ctx);
    return null;
  },
};
