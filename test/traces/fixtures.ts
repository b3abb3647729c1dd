// Shared trace fixtures: hand-written lines, and fast-check arbitraries that build event
// lists from the example events in eventSpecs with their integer fields varied.
import { fc } from '@fast-check/vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';
import { eventSpecs, specFor } from '../../traces/index.ts';

export const HEADER = '{"format":"bvsim-trace","version":1,"model":null,"seed":null,"config":{}}';
export const ALLOC = '{"i":0,"event":{"type":"folio_alloc","folio":1,"order":0,"pfn":8,"fail":false}}';
export const GET = '{"i":1,"event":{"type":"folio_get","folio":1}}';

/** A trace text from its lines, each ended by a newline. */
export const lines = (...ls: string[]): string => ls.map((l) => `${l}\n`).join('');

/** One step line for `event` at index `i`. */
export const stepLine = (i: number, event: Record<string, unknown>): string => JSON.stringify({ i, event });

const examples: BvsimEvent[] = Object.values(eventSpecs).map((s) => s.example);

/** An example event with each integer field kept or replaced by a small value (ids then collide). */
export const arbEvent: fc.Arbitrary<BvsimEvent> = fc.constantFrom(...examples).chain((ex) => {
  const ints = Object.entries(ex).filter(([, v]) => Number.isInteger(v));
  const overrides = ints.map(([k, v]) => fc.oneof(fc.constant(v), fc.nat(6)).map((n) => [k, n] as const));
  return fc.tuple(...overrides).map((kv) => {
    const candidate: unknown = { ...ex, ...Object.fromEntries(kv) };
    // Every spec accepts its example with other small integers; parse keeps the type honest.
    const r = specFor(ex.type)?.schema.safeParse(candidate);
    return r?.success === true ? r.data : ex;
  });
});

/** Keeps the events the model accepts, in order: what a well-formed trace may contain. */
export function accepted(events: readonly BvsimEvent[]): BvsimEvent[] {
  const engine = createEngine('mutable', DEFAULT_OPTIONS);
  return events.filter((e) => engine.step(e).rejection === null);
}

export const arbAcceptedEvents = (maxLength: number): fc.Arbitrary<BvsimEvent[]> =>
  fc.array(arbEvent, { minLength: maxLength / 2, maxLength }).map(accepted);
