/**
 * Reading an explicit simulator config (`--config FILE`): the same JSON a trace header
 * carries, validated field by field so a typo is a one-line error naming the field.
 */
import { z } from 'zod';
import type { SimConfig } from '../sim/index.ts';

const ratio = z.strictObject({ numerator: z.number().int().nonnegative(), denominator: z.number().int().positive() });
const count = z.number().int().nonnegative();

const dio = {
  name: z.string().min(1),
  rounds: count,
  pagesMax: z.number().int().min(1).max(1024),
  // Up to a PMD-sized THP; the user frames below the kernel's are 2^20.
  orderMax: z.number().int().min(0).max(9),
  faults: z.boolean(),
  nofault: z.boolean(),
  path: z.enum(['bounce', 'pin', 'mixed']),
  vecsMax: z.number().int().min(2).max(256),
};

const actor = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('stacking_driver'),
    name: z.string().min(1),
    folios: z.number().int().min(1).max(256),
    orderMax: z.number().int().min(0).max(10),
    limitSectors: z.number().int().min(8),
    rounds: count,
  }),
  z.strictObject({
    kind: z.literal('iter_user'),
    name: z.string().min(1),
    rounds: count,
    folios: z.number().int().min(1).max(256),
    orderMax: z.number().int().min(0).max(10),
    slotsMax: z.number().int().min(1).max(253),
    emptyNodes: z.boolean(),
    zeroSlots: z.boolean(),
    opsMax: z.number().int().min(1),
    variant: z.enum(['bvecq', 'bvec', 'mixed']),
  }),
  z.strictObject({
    kind: z.literal('bvecq_consumer'),
    name: z.string().min(1),
    pages: z.number().int().min(1).max(4096),
    orderMax: z.number().int().min(0).max(10),
    nodeSlotsMax: z.number().int().min(1).max(253),
    sliceMax: z.number().int().min(1),
    sliceSlotsMax: z.number().int().min(1).max(253),
    inflightMax: z.number().int().min(1),
  }),
  z.strictObject({
    kind: z.literal('netfs_reader'),
    name: z.string().min(1),
    folios: z.number().int().min(1).max(4096),
    orderMax: z.number().int().min(0).max(9),
    rounds: count,
    rsize: z.number().int().min(1),
    maxSegs: z.number().int().min(1),
    nodeSlots: z.number().int().min(1).max(65535),
    eofShortMax: count,
    truncateMax: count,
    cached: z.boolean(),
    sendErrors: z.boolean(),
    hazards: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('dio_writer'), ...dio, reserved: z.boolean() }),
  z.strictObject({ kind: z.literal('dio_reader'), ...dio }),
  z.strictObject({
    kind: z.literal('netfs_dio_writer'),
    name: z.string().min(1),
    rounds: count,
    pieces: z.number().int().min(1).max(4096),
    orderMax: z.number().int().min(0).max(9),
    unaligned: z.boolean(),
    startMax: count,
    wsize: z.number().int().min(1),
    maxSegs: z.number().int().min(1),
    nodeSlots: z.number().int().min(1).max(65535),
    sendErrors: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal('netfs_dio_reader'),
    name: z.string().min(1),
    rounds: count,
    pieces: z.number().int().min(1).max(4096),
    orderMax: z.number().int().min(0).max(9),
    unaligned: z.boolean(),
    startMax: count,
    eofShortMax: count,
    truncateMax: count,
    rsize: z.number().int().min(1),
    maxSegs: z.number().int().min(1),
    nodeSlots: z.number().int().min(1).max(65535),
    sendErrors: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal('netfs_writeback'),
    name: z.string().min(1),
    rounds: count,
    folios: z.number().int().min(1).max(4096),
    orderMax: z.number().int().min(0).max(9),
    cache: z.boolean(),
    startPagesMax: count,
    wsize: z.number().int().min(1),
    maxSegs: z.number().int().min(1),
    nodeSlots: z.number().int().min(1).max(65535),
    sendErrors: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal('bvecq_buffer'),
    name: z.string().min(1),
    rounds: count,
    callerPages: z.number().int().min(0).max(4096),
    orderMax: z.number().int().min(0).max(9),
    headSlots: z.number().int().min(1).max(253),
    growPages: z.number().int().min(0).max(4096),
    growSteps: z.number().int().min(1),
    fragmented: z.boolean(),
    opsMax: count,
    pieceMax: z.number().int().min(1),
    pieceSlotsMax: z.number().int().min(1).max(253),
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
