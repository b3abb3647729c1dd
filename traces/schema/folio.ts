import type { FolioEvent, SimEvent, UserMemEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bool, event, id, size, type SpecTable } from './common.ts';

const folioOnly = <T extends string>(type: T) => event(type, { folio: id });

export const folioSpecs: SpecTable<FolioEvent> = {
  folio_alloc: {
    schema: event('folio_alloc', { folio: id, order: size, pfn: size, fail: bool }),
    example: { type: 'folio_alloc', folio: 1, order: 2, pfn: 64, fail: false },
    doc: 'Allocates a folio of 2^order pages at `pfn` (naturally aligned), refcount 1; `fail` records an allocation failure.',
  },
  zero_folio: {
    schema: folioOnly('zero_folio'),
    example: { type: 'zero_folio', folio: 0 },
    doc: 'Names the shared zero page (PFN 0): never freed, always uptodate, reads as zeroes.',
  },
  folio_get: { schema: folioOnly('folio_get'), example: { type: 'folio_get', folio: 1 }, doc: 'Takes a reference.' },
  folio_put: {
    schema: folioOnly('folio_put'),
    example: { type: 'folio_put', folio: 1 },
    doc: 'Drops a reference; frees the folio at zero. A put of a freed folio is `bug folio.put_underflow`.',
  },
  folio_lock: { schema: folioOnly('folio_lock'), example: { type: 'folio_lock', folio: 1 }, doc: 'Sets PG_locked.' },
  folio_unlock: {
    schema: folioOnly('folio_unlock'),
    example: { type: 'folio_unlock', folio: 1 },
    doc: 'Clears PG_locked; unlocking an unlocked folio is `bug folio_unlock.not_locked`.',
  },
  folio_mark_uptodate: { schema: folioOnly('folio_mark_uptodate'), example: { type: 'folio_mark_uptodate', folio: 1 }, doc: 'Sets PG_uptodate.' },
  folio_mark_dirty: { schema: folioOnly('folio_mark_dirty'), example: { type: 'folio_mark_dirty', folio: 1 }, doc: 'Sets PG_dirty.' },
  folio_clear_dirty_for_io: {
    schema: folioOnly('folio_clear_dirty_for_io'),
    example: { type: 'folio_clear_dirty_for_io', folio: 1 },
    doc: 'Clears PG_dirty before writeback; ret is whether it was dirty.',
  },
  folio_start_writeback: { schema: folioOnly('folio_start_writeback'), example: { type: 'folio_start_writeback', folio: 1 }, doc: 'Sets PG_writeback.' },
  folio_end_writeback: { schema: folioOnly('folio_end_writeback'), example: { type: 'folio_end_writeback', folio: 1 }, doc: 'Clears PG_writeback.' },
  unpin_user_page: {
    schema: event('unpin_user_page', { page: size }),
    example: { type: 'unpin_user_page', page: 65 },
    doc: 'Drops one GUP pin on the folio holding PFN `page`; with none left it is `bug pin.double_unpin`.',
  },
  unpin_user_folio: {
    schema: event('unpin_user_folio', { folio: id, npages: size }),
    example: { type: 'unpin_user_folio', folio: 1, npages: 2 },
    doc: 'Drops `npages` pins of one folio.',
  },
};

export const simSpecs: SpecTable<SimEvent> = {
  'sim.note': {
    schema: event('sim.note', { text: z.string().max(4096) }),
    example: { type: 'sim.note', text: 'the collector runs now' },
    doc: 'A free-text annotation; changes nothing.',
  },
  'sim.quiesce': {
    schema: event('sim.quiesce', {}),
    example: { type: 'sim.quiesce' },
    doc: 'All actors are done and devices drained: runs the leak checks (refcounts, pins, bvecqs, positions).',
  },
};

const userRun = z.tuple([size, size, size, size]);

export const userMemSpecs: SpecTable<UserMemEvent> = {
  'sim.user_map': {
    schema: event('sim.user_map', { runs: z.array(userRun) }),
    example: { type: 'sim.user_map', runs: [[128, 2, 1, 3]] },
    doc: 'Maps the user buffer: page j of run [head, order, first_subpage, count] is PFN head+first_subpage+j of the folio headed at `head`.',
  },
  'sim.user_fault': {
    schema: event('sim.user_fault', { offset: size }),
    example: { type: 'sim.user_fault', offset: 8192 },
    doc: 'User bytes at and after this user offset fault.',
  },
};
