// The direct-I/O and bio-limit coverage goals on hand-written traces: the bounce regressions
// replayed on the fixed model, a bounce read and a pinned read of user memory, and the
// .bi_size trace whose last add the fixed bio_add_page() refuses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BvsimEvent } from '../../core/index.ts';
import { coverageOf } from '../../fuzz/index.ts';
import { decodeTrace, recordTrace } from '../../traces/index.ts';

function regression(name: string): string[] {
  const decoded = decodeTrace(readFileSync(new URL(`../regressions/${name}.trace.jsonl`, import.meta.url), 'utf8'));
  if (!decoded.ok) throw new Error(`${name} does not decode`);
  return coverageOf(decoded.value.steps, { mutants: {} });
}

function coverage(events: BvsimEvent[]): string[] {
  const r = recordTrace(events);
  if (!r.ok) throw new Error(`does not record: ${JSON.stringify(r.error)}`);
  expect(r.trace.footer?.findings).toEqual([]);
  return coverageOf(r.trace.steps, { mutants: {} });
}

/** A 6000-byte read from user offset 100 of two mapped pages into one bio, completed whole. */
function userRead(fill: BvsimEvent, finish: BvsimEvent): BvsimEvent[] {
  return [
    { type: 'sim.user_map', runs: [[16, 0, 0, 1], [17, 0, 0, 1]] },
    { type: 'iov_iter_ubuf', iter: 1, direction: 0, start: 100, len: 6144, nofault: false },
    { type: 'bio_alloc', bio: 1, nr_vecs: 3, opf: 0, max_vecs: 3, fail: false },
    { type: 'bio_set_end_io', bio: 1, end_io: 'record' },
    fill,
    { type: 'submit_bio', bio: 1, io: 1 },
    { type: 'sim.device_complete', io: 1, bytes: 6144, error: 0 },
    finish,
    { type: 'bio_put', bio: 1 },
    { type: 'sim.quiesce' },
  ];
}

describe('coverageOf (direct I/O goals)', () => {
  it('should see a bounce write fault part-way, and under nofault', () => {
    expect(regression('bounce.copy_short_not_reverted__bounce_write_no_revert')).toEqual(['bounce.write_copy_short']);
    expect(regression('bounce.fault_under_nofault__bounce_write_ignores_nofault')).toEqual(['bounce.nofault_met_fault', 'bounce.write_copy_short']);
  });

  it('should see a bounce read whose first extraction failed', () => {
    expect(regression('folio.leak__bounce_read_folio_leak')).toEqual(['bounce.read_first_extract_failed']);
  });

  it('should see the add the fixed bio_add_page refuses at BIO_MAX_SIZE', () => {
    expect(regression('bio.size_overflow__hand')).toEqual(['bio_add.refused', 'bio_add.size_limit']);
  });

  it('should see a bounce read copied back to user pages', () => {
    const bounce: BvsimEvent = { type: 'bio_iov_iter_bounce', bio: 1, iter: 1, maxlen: 4294967295, minsize: 512, allocs: [1048576] };
    expect(coverage(userRead(bounce, { type: 'bio_iov_iter_unbounce', bio: 1, is_error: false, mark_dirty: true }))).toEqual(['bounce.read_copied_back']);
  });

  it('should see pinned user pages released, and not a copy-back that failed', () => {
    const pin: BvsimEvent = { type: 'bio_iov_iter_get_pages', bio: 1, iter: 1, maxlen: 4294967295, mem_align_mask: 3, len_align_mask: 511 };
    expect(coverage(userRead(pin, { type: 'bio_release_pages', bio: 1, mark_dirty: true }))).toEqual(['pin.user_pages_released']);
    const bounce: BvsimEvent = { type: 'bio_iov_iter_bounce', bio: 1, iter: 1, maxlen: 4294967295, minsize: 512, allocs: [1048576] };
    expect(coverage(userRead(bounce, { type: 'bio_iov_iter_unbounce', bio: 1, is_error: true, mark_dirty: true }))).toEqual([]);
  });
});
