/**
 * Mutant flags: each re-creates a real earlier (buggy) revision of a kernel function, so
 * the fuzzer can be tested on bugs as they were (REFERENCE §3). All are off by default.
 * A group name turns on every member flag.
 */

export interface MutantInfo {
  readonly description: string;
  /** The kernel commit subject or series item that fixed it. */
  readonly fixedBy: string;
}

/** The bvecq position helper fixes between netfs tree d8286849 and 05662182 (REFERENCE §3 item 7). */
const BVECQ_V4 = 'netfs: Add some tools for managing bvecq chains (bvecq series v4/v5 changelog)';

export const MUTANTS: Readonly<Record<string, MutantInfo>> = Object.freeze({
  bvecq_pos_advance_inverted: {
    description: 'bvecq_pos_advance() tests slot validity with the opposite polarity: it hops to the next node while the slot is valid, then reads an unpublished slot',
    fixedBy: `${BVECQ_V4}: fixed the inverted slot test in bvecq_pos_advance()`,
  },
  bvecq_pos_step_off_by_one: {
    description: 'bvecq_pos_step() accepts slot <= nr_slots and keeps the old slot number after moving to the next node',
    fixedBy: `${BVECQ_V4}: "Fixed an off-by-one error in bvecq_pos_step() and added a missing slot reset"`,
  },
  bvecq_pos_nudge_no_recheck: {
    description: 'bvecq_pos_nudge() moves to the next node without the "more slots got added" re-check (which in the later revision tests the next node)',
    fixedBy: `${BVECQ_V4}: barriered bvecq_next() and slot re-checks in the position helpers`,
  },
  bvecq_zero_slice_walk: {
    description: 'bvecq_zero() walks like bvecq_slice(): skips page-less slots, stops on the slot of the last byte cleared, no WARN at the chain end, dereferences the position even for a zero amount',
    fixedBy: `${BVECQ_V4}: bvecq_zero() rewritten on the bvecq_pos_advance() walk`,
  },
  bvecq_delete_spent_stale_slot: {
    description: 'bvecq_delete_spent() takes the slot as a separate argument (callers had to keep it in step with pos->slot) and detaches the spent node by clearing its next pointer',
    fixedBy: `${BVECQ_V4}: callers of bvecq_delete_spent() not updating the slot; the slot is now read from the position`,
  },
  bvecq_shorten_keeps_empty_slot: {
    description: 'bvecq_shorten_buffer() cuts at the slot that takes a signed remainder below zero, so a size ending on a slot boundary keeps a zero-length slot',
    fixedBy: `${BVECQ_V4}: bvecq_shorten_buffer() retaining zero-length slots`,
  },
  bvecq_expand_mixes_mem_types: {
    description: 'bvecq_expand_buffer() appends ALLOCED pages to a tail node of another mem_type, which then releases them by that type',
    fixedBy: `${BVECQ_V4}: bvecq_expand_buffer() mixing memory types in one node`,
  },
  bvecq_free_slot_page_pool: {
    description: 'bvecq_free_slot() returns order-0 ALLOCED pages to netfs_page_pool instead of freeing them',
    fixedBy: `${BVECQ_V4}: ALLOCED pages freed with __free_pages() once netfs_page_pool was dropped`,
  },
  bvecq_extract_crosses_nodes: {
    description: 'bvecq_extract() goes on across node boundaries after taking data (only a discontig node stopped it)',
    fixedBy: `${BVECQ_V4}: bvecq_extract() stops at each node boundary once data was extracted (discontig removed)`,
  },
  iov_iter_bvecq_empty_not_skipped: {
    description: 'empty bvecqs (nr_slots == 0) not skipped by advance / revert / page counting: the ITER_BVECQ walkers of the first posting hop to the next node once and read its slot 0 without checking that it is published (iterate_bvecq, iov_iter_bvecq_advance, iov_iter_bvecq_revert, iov_iter_extract_bvecq_pages)',
    fixedBy: 'iov_iter: Add a segmented queue of bio_vec[] (bvecq series v5 changelog: empty bvecqs mishandled in iterate_bvecq, iov_iter_bvecq_advance, iov_iter_bvecq_revert, iter_count_bvecq_pages, iov_iter_extract_bvecq_pages)',
  },
  bounce_read_folio_leak: {
    description: 'bio_iov_iter_bounce_read() returns the error of a first extraction that failed without putting the bounce folio',
    fixedBy: 'block: fix folio leak in bio_iov_iter_bounce_read()',
  },
  bounce_write_no_revert: {
    description: 'bio_iov_iter_bounce_write() frees the folios after a short copy but leaves the iterator advanced by what was copied',
    fixedBy: 'block: revert the iov_iter after a short copy in bio_iov_iter_bounce_write()',
  },
  bounce_write_ignores_nofault: {
    description: 'bio_iov_iter_bounce_write() copies with copy_folio_from_iter(), which may take page faults, even when iter->nofault is set',
    fixedBy: 'block: respect iov_iter::nofault flag in bio_iov_iter_bounce_write()',
  },
  folio_alloc_greedy_v1: {
    description: 'folio_alloc_greedy() as first posted (BOUNCE-v1): it shrinks while the size is above PAGE_SIZE instead of minsize, so it can hand out folios smaller than the minimum I/O size, and its NORETRY attempts may WARN',
    fixedBy: 'block: pass a minsize argument to bio_iov_iter_bounce',
  },
  bio_size_overflow: {
    description: 'bio_add_page() merges and appends with no bi_size check, and bio_full() tests bi_vcnt only, so bi_size can wrap past 4 GiB',
    fixedBy: 'block: fix .bi_size overflow (79d08f89bb1b)',
  },
  bio_endio_parent_early: {
    description: 'bio_endio() completes a chained parent on a child\'s hand-off as soon as the parent\'s own I/O has finished, without waiting for __bi_remaining to reach zero, so a parent that overtook two of its children completes while one is still in flight',
    fixedBy: 'none recorded: bio_endio() has counted every completion in __bi_remaining since bio_chain() was added (REFERENCE §2.10, §3 item 14: ending the parent before its children only decrements the count)',
  },
  netfs_subreq_terminated_twice: {
    description: 'a filesystem whose ->issue_read() error path terminates the read subrequest and then terminates it again on its common exit',
    fixedBy: 'netfs: Keep track of folios in a segmented bio_vec[] chain (bvecq series v5 changelog: double termination in the ceph and nfs issue paths)',
  },
  netfs_9p_revert_after_read: {
    description: 'v9fs_issue_read() reverts the subrequest\'s io_iter by the bytes it read, so the iterator points back into nodes the collector may free',
    fixedBy: '9p: Don\'t revert the I/O iterator after reading',
  },
  netfs_no_transferred_check: {
    description: 'netfs_read_subreq_terminated() trusts a transferred count larger than the subrequest, so collection runs past the subrequest\'s end',
    fixedBy: 'netfs: Check for too much data being read',
  },
  netfs_collect_stale_slot: {
    description: 'netfs_read_unlock_folios() keeps its old slot number after bvecq_delete_spent() moved the collect cursor to the next node',
    fixedBy: 'netfs: Switch to using bvecq rather than folio_queue and rolling_buffer (bvecq series v5 changelog: callers of bvecq_delete_spent() not updating the slot)',
  },
  netfs_unlock_uncollected_folio: {
    description: 'netfs_read_unlock_folios() unlocks a folio once its first byte is collected rather than its last (REFERENCE §3 item 17, a plausible collector-ordering bug, not a recorded revision)',
    fixedBy: 'none recorded: the collector has always compared collected_to with the folio end',
  },
  netfs_dio_write_out_of_order: {
    description: 'netfs_unbuffered_write() issues the next subrequest without waiting for the one before it to be collected, so pieces of an unbuffered/DIO write may land out of order and an error leaves a hole before data already written',
    fixedBy: 'netfs: Fix unbuffered/DIO writes to dispatch subrequests in strict sequence (first patch of the RFC series "netfs: Keep track of folios in a segmented bio_vec[] chain")',
  },
  netfs_reissue_write_content_leak: {
    description: "netfs_reissue_write() sets the subrequest's content bvecq_pos for the retried slice without unsetting the old one first, leaking a node reference (cursor design)",
    fixedBy: 'netfs: Switch to using bvecq rather than folio_queue and rolling_buffer (bvecq series v5 changelog: netfs_reissue_write not unsetting content before setting)',
  },
  netfs_writeback_single_stream_end: {
    description: "the writeback collector ends writeback on folios once the server's stream 0 has passed them, not waiting for the cache's stream 1 (REFERENCE §2.12: collected_to must be the least over the active streams; a plausible collector bug, not a recorded revision)",
    fixedBy: 'none recorded: netfs_collect_write_results() has always taken the least collected_to of the active streams',
  },
});

/** Flag groups: one name for a whole earlier revision. */
export const MUTANT_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  /** The bvecq position helpers as of netfs tree d8286849 (SPEC §5, vectors `buggy_after`). */
  bvecq_pos_v1: [
    'bvecq_pos_advance_inverted',
    'bvecq_pos_step_off_by_one',
    'bvecq_pos_nudge_no_recheck',
    'bvecq_zero_slice_walk',
    'bvecq_delete_spent_stale_slot',
    'bvecq_shorten_keeps_empty_slot',
    'bvecq_expand_mixes_mem_types',
    'bvecq_free_slot_page_pool',
    'bvecq_extract_crosses_nodes',
  ],
});

/** Expands names (flags or groups) into the set of flags, or returns the first unknown name. */
export function resolveMutants(names: readonly string[]): { flags: Record<string, boolean> } | { unknown: string } {
  const flags: Record<string, boolean> = {};
  for (const name of names) {
    const group = MUTANT_GROUPS[name];
    if (group !== undefined) {
      for (const f of group) flags[f] = true;
    } else if (MUTANTS[name] !== undefined) {
      flags[name] = true;
    } else {
      return { unknown: name };
    }
  }
  return { flags };
}

export function mutantNames(): string[] {
  return [...Object.keys(MUTANT_GROUPS), ...Object.keys(MUTANTS)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
