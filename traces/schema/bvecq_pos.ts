import type { BvecqPosEvent } from '../../core/index.ts';
import { z } from 'zod';
import { bool, event, id, nullableId, size, type SpecTable } from './common.ts';

const posOnly = <T extends string>(type: T) => event(type, { pos: id });

export const bvecqPosSpecs: SpecTable<BvecqPosEvent> = {
  bvecq_pos_init: {
    schema: event('bvecq_pos_init', { pos: id, bvecq: nullableId, slot: size, offset: size }),
    example: { type: 'bvecq_pos_init', pos: 0, bvecq: 0, slot: 0, offset: 0 },
    doc: 'Points a position variable at (bvecq, slot, offset) by hand, taking a reference; `bvecq: null` makes an unset position.',
  },
  bvecq_pos_set: {
    schema: event('bvecq_pos_set', { pos: id, at: id }),
    example: { type: 'bvecq_pos_set', pos: 1, at: 0 },
    doc: 'bvecq_pos_set(): copies `at` into `pos` and takes a reference; from an unset position it is `bug bvecq_pos.null_deref`.',
  },
  bvecq_pos_unset: { schema: posOnly('bvecq_pos_unset'), example: { type: 'bvecq_pos_unset', pos: 1 }, doc: 'bvecq_pos_unset(): puts the reference (cascading) and zeroes the position.' },
  bvecq_pos_transfer: {
    schema: event('bvecq_pos_transfer', { pos: id, from: id }),
    example: { type: 'bvecq_pos_transfer', pos: 1, from: 0 },
    doc: 'bvecq_pos_transfer(): moves `from` into `pos` with its reference and zeroes `from`; a reference `pos` held is leaked.',
  },
  bvecq_pos_move: {
    schema: event('bvecq_pos_move', { pos: id, to: id }),
    example: { type: 'bvecq_pos_move', pos: 0, to: 1 },
    doc: 'bvecq_pos_move(): gets `to` then puts the old node; nothing when already there. Slot and offset are kept.',
  },
  bvecq_pos_advance: {
    schema: event('bvecq_pos_advance', { pos: id, amount: size }),
    example: { type: 'bvecq_pos_advance', pos: 0, amount: 4096 },
    doc: 'bvecq_pos_advance(): consumes `amount` bytes; `warn bvecq_pos_advance.past_end` if the chain ends first.',
  },
  bvecq_pos_step: { schema: posOnly('bvecq_pos_step'), example: { type: 'bvecq_pos_step', pos: 0 }, doc: 'bvecq_pos_step(): to the start of the next slot, crossing nodes; ret false at the chain end.' },
  bvecq_pos_nudge: { schema: posOnly('bvecq_pos_nudge'), example: { type: 'bvecq_pos_nudge', pos: 0 }, doc: 'bvecq_pos_nudge(): normalises forward onto a byte; ret false at the chain end.' },
  bvecq_slice: {
    schema: event('bvecq_slice', { pos: id, max_size: size, max_slots: size }),
    example: { type: 'bvecq_slice', pos: 0, max_size: 65536, max_slots: 16 },
    doc: 'bvecq_slice(): moves the position over up to max_size bytes / max_slots page-backed slots; ret {size, nr_slots}.',
  },
  bvecq_zero: {
    schema: event('bvecq_zero', { pos: id, amount: size }),
    example: { type: 'bvecq_zero', pos: 0, amount: 512 },
    doc: 'bvecq_zero(): clears and consumes up to `amount` bytes (zero provenance in tracked folios); ret bytes cleared.',
  },
  bvecq_extract: {
    schema: event('bvecq_extract', { pos: id, max_size: size, max_slots: size, to: id, fail: bool }),
    example: { type: 'bvecq_extract', pos: 0, max_size: 8192, max_slots: 4, to: 10, fail: false },
    doc: 'bvecq_extract(): copies the next slice (stopping at a node boundary) into a new chain with ids to, to+1, ...; ret bytes, -5 (EIO) if nothing, -12 if `fail`.',
  },
  bvecq_delete_spent: {
    schema: posOnly('bvecq_delete_spent'),
    example: { type: 'bvecq_delete_spent', pos: 0 },
    doc: 'bvecq_delete_spent(): drops spent front nodes (never the last); ret whether more is available.',
  },
  bvecq_shorten_buffer: {
    schema: event('bvecq_shorten_buffer', { bvecq: id, slot: size, size }),
    example: { type: 'bvecq_shorten_buffer', bvecq: 0, slot: 0, size: 6000 },
    doc: 'bvecq_shorten_buffer(): keeps exactly `size` bytes from `slot`, releasing the rest; ret 0 or -90 (EMSGSIZE, with a WARN).',
  },
  bvecq_expand_buffer: {
    schema: event('bvecq_expand_buffer', { bvecq: nullableId, cur_size: size, size, nodes: z.array(nullableId), allocs: z.array(nullableId) }),
    example: { type: 'bvecq_expand_buffer', bvecq: null, cur_size: 0, size: 12288, nodes: [5], allocs: [64, 66] },
    doc: 'bvecq_expand_buffer(): grows an ALLOCED buffer to `size`; `nodes` are the ids of nodes it allocates (null: failed), `allocs` each page allocation (PFN or null); ret {ret, cur_size}.',
  },
  bvecq_buffer_init: {
    schema: event('bvecq_buffer_init', { pos: id, bvecq: id, fail: bool }),
    example: { type: 'bvecq_buffer_init', pos: 0, bvecq: 0, fail: false },
    doc: 'bvecq_buffer_init(): a new 29-slot node held by `pos`; ret 0 or -12.',
  },
  bvecq_buffer_append: {
    schema: event('bvecq_buffer_append', { pos: id, bvecq: id }),
    example: { type: 'bvecq_buffer_append', pos: 0, bvecq: 1 },
    doc: "bvecq_buffer_append(): links `bvecq` after the position's node and moves the position onto it; the caller's ref becomes the link.",
  },
  bvecq_append_page: {
    schema: event('bvecq_append_page', { pos: id, page: nullableId, offset: size, len: size, bvecq: id.exactOptional(), fail: bool.exactOptional() }),
    example: { type: 'bvecq_append_page', pos: 0, page: 64, offset: 0, len: 4096 },
    doc: 'bvecq_append_page(): fills and publishes the next slot; a full node gets a new one with id `bvecq` (`fail`: -12); WARN unless at the published end.',
  },
  bvecq_alloc_chain: {
    schema: event('bvecq_alloc_chain', { nr_slots: size, bvecqs: z.array(id), max_slots: z.array(size), fail: bool }),
    example: { type: 'bvecq_alloc_chain', nr_slots: 40, bvecqs: [3, 4], max_slots: [29, 29], fail: false },
    doc: 'bvecq_alloc_chain(): nodes `bvecqs` with granted `max_slots` until they hold nr_slots; `fail`: the next allocation failed and the partial chain is put; ret head id or null.',
  },
};
