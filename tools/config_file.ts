/**
 * Reading an explicit simulator config (`--config FILE`): the same JSON a trace header
 * carries, validated field by field so a typo is a one-line error naming the field.
 */
import { z } from 'zod';
import type { SimConfig } from '../sim/index.ts';

const ratio = z.strictObject({ numerator: z.number().int().nonnegative(), denominator: z.number().int().positive() });
const count = z.number().int().nonnegative();

// Field groups shared by several actor kinds (zod shapes spread into each strict object).
const named = { name: z.string().min(1), rounds: count };
const upTo = (max: number): z.ZodNumber => z.number().int().min(1).max(max);
// Up to a PMD-sized THP for user and netfs folios; the user frames below the kernel's are 2^20.
const orderMax9 = z.number().int().min(0).max(9);
const orderMax10 = z.number().int().min(0).max(10);
const slots = z.number().int().min(1).max(253);
/** How a netfs request is cut and sent: segments per subrequest, slots per node, send errors. */
const netfsIo = { maxSegs: z.number().int().min(1), nodeSlots: z.number().int().min(1).max(65535), sendErrors: z.boolean() };
/** A read that meets the end of the file: how short the file may be, how much it may shrink. */
const netfsEof = { eofShortMax: count, truncateMax: count };
/** An unbuffered/DIO caller's buffer: pieces of folios, maybe unaligned, at some file offset. */
const netfsDio = { ...named, pieces: upTo(4096), orderMax: orderMax9, unaligned: z.boolean(), startMax: count };

const dio = {
  ...named,
  pagesMax: upTo(1024),
  orderMax: orderMax9,
  faults: z.boolean(),
  nofault: z.boolean(),
  path: z.enum(['bounce', 'pin', 'mixed']),
  vecsMax: z.number().int().min(2).max(256),
};

const actor = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('stacking_driver'), ...named, folios: upTo(256), orderMax: orderMax10, limitSectors: z.number().int().min(8) }),
  z.strictObject({
    kind: z.literal('iter_user'),
    ...named,
    folios: upTo(256),
    orderMax: orderMax10,
    slotsMax: slots,
    emptyNodes: z.boolean(),
    zeroSlots: z.boolean(),
    opsMax: z.number().int().min(1),
    variant: z.enum(['bvecq', 'bvec', 'mixed']),
  }),
  z.strictObject({
    kind: z.literal('bvecq_consumer'),
    name: z.string().min(1),
    pages: upTo(4096),
    orderMax: orderMax10,
    nodeSlotsMax: slots,
    sliceMax: z.number().int().min(1),
    sliceSlotsMax: slots,
    inflightMax: z.number().int().min(1),
    // Traces from before the expand_buffer producer: pages of its own.
    ownPages: z.boolean().default(true),
  }),
  z.strictObject({
    kind: z.literal('netfs_reader'),
    ...named,
    folios: upTo(4096),
    orderMax: orderMax9,
    rsize: z.number().int().min(1),
    ...netfsIo,
    ...netfsEof,
    cached: z.boolean(),
    hazards: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('dio_writer'), ...dio, reserved: z.boolean() }),
  z.strictObject({ kind: z.literal('dio_reader'), ...dio }),
  z.strictObject({ kind: z.literal('netfs_dio_writer'), ...netfsDio, wsize: z.number().int().min(1), ...netfsIo }),
  z.strictObject({ kind: z.literal('netfs_dio_reader'), ...netfsDio, ...netfsEof, rsize: z.number().int().min(1), ...netfsIo }),
  z.strictObject({
    kind: z.literal('netfs_writeback'),
    ...named,
    folios: upTo(4096),
    orderMax: orderMax9,
    cache: z.boolean(),
    startPagesMax: count,
    wsize: z.number().int().min(1),
    ...netfsIo,
  }),
  z.strictObject({
    kind: z.literal('bvecq_buffer'),
    ...named,
    callerPages: z.number().int().min(0).max(4096),
    orderMax: orderMax9,
    headSlots: slots,
    growPages: z.number().int().min(0).max(4096),
    growSteps: z.number().int().min(1),
    fragmented: z.boolean(),
    opsMax: count,
    pieceMax: z.number().int().min(1),
    pieceSlotsMax: slots,
  }),
]);

const policy = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('random') }),
  z.strictObject({ kind: z.literal('pct'), depth: z.number().int().min(1).max(64) }),
  z.strictObject({ kind: z.literal('fixed'), order: z.array(z.string()) }),
]);

export const simConfigSchema = z.strictObject({
  actors: z.array(actor).min(1),
  policy,
  eventsMax: count,
  drainMax: count,
  allocFailRate: ratio,
  device: z.strictObject({ shortRate: ratio, errorRate: ratio, weight: z.number().int().min(1) }),
  design: z.enum(['cursor', 'rolling']).exactOptional(),
  stopAtFinding: z.boolean().exactOptional(),
});

/** Parses config JSON text; on error returns `field: what` for the caller to prefix with the file. */
export function parseSimConfig(text: string): { ok: true; config: SimConfig } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return checkSimConfig(raw);
}

/** Validates an already parsed config (a trace header's `config`); on error returns `what (field)`. */
export function checkSimConfig(raw: unknown): { ok: true; config: SimConfig } | { ok: false; message: string } {
  const r = simConfigSchema.safeParse(raw);
  if (r.success) return { ok: true, config: r.data };
  const issue = r.error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  return { ok: false, message: `${issue?.message ?? 'invalid'} (${path === '' ? 'config' : path})` };
}
