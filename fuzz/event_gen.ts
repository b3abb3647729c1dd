/**
 * A generic generator of event sequences over the whole vocabulary, driven by the event
 * schemas: each step picks an event type and fills every field from its schema, preferring
 * ids of live objects of the right kind (so most events are meaningful calls) and otherwise
 * fresh ids. It is not a workload — it makes kernel-legal and kernel-illegal calls alike — and
 * serves the laws (determinism, both engines agree, replay round-trips) for every event type.
 * Draws go through a `Draw`, so fast-check shrinks the integer list behind it.
 */
import type { z } from 'zod';
import { EVENT_TYPES, type BvsimEvent, type EventType, type World } from '../core/index.ts';
import { eventSpecs } from '../traces/index.ts';
import type { Draw } from '../sim/index.ts';

export type IdKind = 'folio' | 'bvecq' | 'pos' | 'iter' | 'biter' | 'bvec' | 'kvec' | 'kbuf' | 'bio' | 'io';

/** Which table an id field names, by field name. */
export const ID_FIELDS: Readonly<Record<string, IdKind>> = {
  folio: 'folio',
  bvecq: 'bvecq',
  to: 'bvecq',
  add: 'bvecq',
  bvecqs: 'bvecq',
  nodes: 'bvecq',
  pos: 'pos',
  at: 'pos',
  from: 'pos',
  iter: 'iter',
  biter: 'biter',
  bvec: 'bvec',
  kvec: 'kvec',
  buf: 'kbuf',
  bio: 'bio',
  clone: 'bio',
  split: 'bio',
  parent: 'bio',
  io: 'io',
};

const TABLE: Readonly<Record<IdKind, keyof World>> = {
  folio: 'folios',
  bvecq: 'bvecqs',
  pos: 'positions',
  iter: 'iters',
  biter: 'biters',
  bvec: 'bvecs',
  kvec: 'kvecs',
  kbuf: 'kbufs',
  bio: 'bios',
  io: 'ios',
};

/** Small limits per numeric field name; others get page-edge sizes up to 3 pages. */
const SMALL: Readonly<Record<string, number>> = {
  order: 3,
  direction: 3,
  opf: 1,
  slot: 6,
  nr_slots: 8,
  max_slots: 8,
  nr_segs: 6,
  max_vecs: 16,
  nr_vecs: 8,
  table: 6,
  sectors: 48,
  npages: 3,
  status: 10,
  error: 10,
  bi_idx: 5,
  maxpages: 8,
  start: 3,
};

interface GenCtx {
  readonly draw: Draw;
  readonly world: World;
  /** The next fresh id per kind (ids are never reused). */
  readonly fresh: Record<string, number>;
}

function liveIds(w: World, kind: IdKind): number[] {
  const table = w[TABLE[kind]] as Record<string, { freed?: boolean }> | undefined;
  return Object.keys(table ?? {}).map(Number);
}

function pageOf(g: GenCtx): number {
  const folios = Object.values(g.world.folios);
  const f = folios.length > 0 && g.draw.int(8) > 0 ? g.draw.pick(folios) : null;
  if (f === null) return 100_000 + g.draw.int(64);
  return f.pfn + g.draw.int(2 ** f.order);
}

function idFor(g: GenCtx, kind: IdKind): number {
  const live = liveIds(g.world, kind);
  if (live.length > 0 && g.draw.int(10) < 7) return g.draw.pick(live);
  const next = Math.max(g.fresh[kind] ?? 1, ...live.map((x) => x + 1));
  g.fresh[kind] = next + 1;
  return kind === 'folio' ? next * 16 : next;
}

function numberFor(g: GenCtx, field: string): number {
  if (field === 'page' || field === 'pfn') return field === 'pfn' ? 16 * (1 + g.draw.int(4096)) : pageOf(g);
  const small = SMALL[field];
  if (small !== undefined) return g.draw.int(small + 1);
  const kind = ID_FIELDS[field];
  if (kind !== undefined) return idFor(g, kind);
  const shape = g.draw.int(6);
  if (shape === 0) return 0;
  if (shape === 1) return 4096 + g.draw.int(3) - 1;
  if (shape === 2) return 1 + g.draw.int(64);
  return g.draw.int(3 * 4096 + 1);
}

function valueFor(g: GenCtx, field: string, schema: z.ZodType, depth: number): unknown {
  const def = (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;
  switch (def.type) {
    case 'number':
      return numberFor(g, field);
    case 'boolean':
      return field === 'fail' ? g.draw.int(8) === 0 : g.draw.int(2) === 1;
    case 'string':
      return `note ${g.draw.int(100)}`;
    case 'literal':
      return (def['values'] as unknown[])[0];
    case 'enum':
      return g.draw.pick(Object.values(def['entries'] as Record<string, string>));
    case 'nullable':
      return g.draw.int(6) === 0 ? null : valueFor(g, field, def['innerType'] as z.ZodType, depth);
    case 'optional':
      return valueFor(g, field, def['innerType'] as z.ZodType, depth);
    case 'union':
      return valueFor(g, field, g.draw.pick(def['options'] as z.ZodType[]), depth);
    case 'array':
      return Array.from({ length: 1 + g.draw.int(4) }, () => valueFor(g, field, def['element'] as z.ZodType, depth + 1));
    case 'tuple':
      return (def['items'] as z.ZodType[]).map((item, k) => valueFor(g, `${field}.${k}`, item, depth + 1));
    case 'object':
      return objectFor(g, def['shape'] as Record<string, z.ZodType>, depth + 1);
    default:
      throw new Error(`event_gen: no generator for schema type ${def.type} (field ${field})`);
  }
}

function objectFor(g: GenCtx, shape: Record<string, z.ZodType>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, s] of Object.entries(shape)) {
    const type = (s as unknown as { def: { type: string } }).def.type;
    if (type === 'optional' && g.draw.int(3) === 0) continue;
    out[field] = valueFor(g, field, s, depth);
  }
  return out;
}

/** One event of a type drawn uniformly (or of `type`), shaped by its schema. */
export function generateEvent(draw: Draw, world: World, fresh: Record<string, number>, type?: EventType): BvsimEvent {
  const t = type ?? draw.pick(EVENT_TYPES);
  const schema = eventSpecs[t].schema as unknown as { def: { shape: Record<string, z.ZodType> } };
  const ev = objectFor({ draw, world, fresh }, schema.def.shape, 0);
  const parsed = eventSpecs[t].schema.safeParse(ev);
  if (!parsed.success) throw new Error(`event_gen made an invalid ${t}: ${parsed.error.message}`);
  return parsed.data;
}
