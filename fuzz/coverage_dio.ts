/**
 * Coverage goals of direct I/O and of the bio limits (fuzz/coverage.ts has the probe type and
 * the rest of the catalogue): a bounce read copied back to user pages, a bounce copy that
 * faulted part-way, a first extraction that failed, a `nofault` write that met a fault, pinned
 * user pages released, a bio refusing an add past BIO_MAX_SIZE, and a chained parent whose own
 * I/O overtook two of its children — the states the bounce fixes, the `.bi_size` fix and the
 * completion count are about.
 */
import { kernel, type BvsimEvent, type World } from '../core/index.ts';
import type { GoalProbe } from './coverage.ts';

const EFAULT = 14;
const REQ_OP_WRITE = 1;

/** 1 when the event's bio is a write (`want` true) or a read (`want` false), else 0. */
function bioIs(w: World, e: BvsimEvent, want: boolean): number {
  if (!('bio' in e) || typeof e.bio !== 'number') return 0;
  const b = w.bios[e.bio];
  return b !== undefined && ((b.opf & REQ_OP_WRITE) !== 0) === want ? 1 : 0;
}

/** 1 when a bounce read's first extraction cannot pin the page under the iterator's position. */
function firstPageFaults(w: World, e: BvsimEvent): number {
  if (e.type !== 'bio_iov_iter_bounce' || bioIs(w, e, false) === 0) return 0;
  const it = w.iters[e.iter];
  if (it?.iter_type !== 'ITER_UBUF' || it.count === 0) return 0;
  const page = Math.floor(((it.ubuf ?? 0) + it.iov_offset) / kernel.PAGE_SIZE);
  const unmapped = w.user.pages[page] === undefined;
  return unmapped || (w.user.fault !== null && (page + 1) * kernel.PAGE_SIZE > w.user.fault) ? 1 : 0;
}

/** The parent-side count of the io's bio before its own completion, or 0. */
function ownRemaining(w: World, e: BvsimEvent): number {
  if (e.type !== 'sim.device_complete') return 0;
  const bio = w.ios[e.io]?.bio;
  const b = bio === undefined ? undefined : w.bios[bio];
  return b !== undefined && b.flags.includes('CHAIN') ? b.remaining : 0;
}

export const DIO_GOALS: readonly GoalProbe[] = [
  {
    goal: 'bounce.read_copied_back',
    about: 'a bounce read copied its bounce buffer back to the user pages',
    required: true,
    types: ['bio_iov_iter_unbounce'],
    before: (w, e) => (e.type === 'bio_iov_iter_unbounce' && w.bios[e.bio]?.bounce_vec === true ? bioIs(w, e, false) : 0),
    hit: (_w, s, before) => before === 1 && s.event.type === 'bio_iov_iter_unbounce' && s.event.is_error !== true && s.event.is_error !== 1,
  },
  {
    goal: 'bounce.write_copy_short',
    about: 'a bounce write faulted part-way through its copy from user memory and failed with -EFAULT',
    required: true,
    types: ['bio_iov_iter_bounce'],
    before: (w, e) => bioIs(w, e, true),
    hit: (_w, s, before) => before === 1 && s.ret === -EFAULT,
  },
  {
    goal: 'bounce.read_first_extract_failed',
    about: "a bounce read whose first extraction of user pages failed, so its bounce folio must be put",
    required: true,
    types: ['bio_iov_iter_bounce'],
    before: firstPageFaults,
    hit: (_w, s, before) => before === 1 && typeof s.ret === 'number' && s.ret < 0,
  },
  {
    goal: 'bounce.nofault_met_fault',
    about: 'a bounce write on a nofault iterator met a user fault (the atomic copy stopped short)',
    required: true,
    types: ['bio_iov_iter_bounce'],
    before: (w, e) => (e.type === 'bio_iov_iter_bounce' && w.iters[e.iter]?.nofault === true ? bioIs(w, e, true) : 0),
    hit: (_w, s, before) => before === 1 && s.ret === -EFAULT,
  },
  {
    goal: 'pin.user_pages_released',
    about: 'a direct I/O released the user pages its bio pinned (bio_release_pages on BIO_PAGE_PINNED)',
    required: true,
    types: ['bio_release_pages'],
    before: (w, e) => (e.type === 'bio_release_pages' && w.bios[e.bio]?.flags.includes('PAGE_PINNED') === true ? 1 : 0),
    hit: (_w, _s, before) => before === 1,
  },
  {
    goal: 'bio_add.size_limit',
    about: 'a bio refused an add that would have taken bi_size past BIO_MAX_SIZE (4 GiB - 1)',
    required: true,
    types: ['bio_add_page'],
    before: (w, e) => (e.type === 'bio_add_page' ? (w.bios[e.bio]?.bi_size ?? 0) : 0),
    hit: (_w, s, before) => s.event.type === 'bio_add_page' && s.ret === 0 && before + s.event.len > kernel.BIO_MAX_SIZE,
  },
  {
    goal: 'bio_chain.parent_overtook_children',
    about: "a chained parent's own I/O completed while two or more of its children were still in flight",
    required: true,
    types: ['sim.device_complete'],
    before: ownRemaining,
    hit: (w, s, before) => s.event.type === 'sim.device_complete' && w.ios[s.event.io]?.freed === true && before >= 3,
  },
];
