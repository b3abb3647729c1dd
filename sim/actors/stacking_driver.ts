/**
 * A stacking block driver (dm/md style) as an actor: it builds a bio over freshly allocated
 * folios, splits it to the lower device's size limit, chains every split to the original,
 * submits the pieces, waits for the original to complete, then drops its folios.
 * The bio layer's completion accounting (__bi_remaining, first error wins, bio_chain_endio
 * putting each child) is what runs of this actor exercise.
 */
import type { BvsimEvent, World } from '../../core/index.ts';
import type { ActorEnv, ActorProgram, ActorSpec } from '../actor.ts';
import { drawSize } from '../sizes.ts';

const PAGE_SIZE = 4096;

export interface StackingDriverParams {
  /** Folios in the bio (1..). */
  readonly folios: number;
  /** Largest folio order to allocate. */
  readonly orderMax: number;
  /** The lower device's limit per bio, in sectors (>= 8). */
  readonly limitSectors: number;
  /** How many bios to build one after another. */
  readonly rounds: number;
}

/** The vector count the allocator grants: the request itself when it fits inline (4), else a biovec slab. */
export function grantedVecs(nr: number): number {
  if (nr <= 4) return nr;
  for (const size of [16, 64, 128, 256]) if (nr <= size) return size;
  return nr;
}

export function stackingDriver(name: string, p: StackingDriverParams): ActorSpec {
  return { name, start: (env) => run(env, p) };
}

function* run(env: ActorEnv, p: StackingDriverParams): ActorProgram {
  for (let round = 0; round < p.rounds && !env.draining(); round++) {
    yield* oneBio(env, p);
  }
}

function* allocFolios(env: ActorEnv, p: StackingDriverParams): Generator<BvsimEvent, number[], unknown> {
  const folios: number[] = [];
  for (let k = 0; k < p.folios; k++) {
    const order = env.draw.int(p.orderMax + 1);
    const pfn = env.ids.pfn(order);
    const fail = env.allocFails('folio');
    yield { type: 'folio_alloc', folio: pfn, order, pfn, fail };
    if (!fail) folios.push(pfn);
  }
  return folios;
}

function* oneBio(env: ActorEnv, p: StackingDriverParams): ActorProgram {
  const folios = yield* allocFolios(env, p);
  if (folios.length === 0) return;
  const bio = env.ids.next('bio');
  const opf = env.draw.int(2);
  const fail = env.allocFails('bio');
  yield { type: 'bio_alloc', bio, nr_vecs: folios.length, opf, max_vecs: grantedVecs(folios.length), fail };
  if (!fail) {
    yield* fillAndSubmit(env, p, bio, folios);
    yield { wait: `bio ${bio} completion`, until: (w: World) => w.bios[bio]?.freed === true };
  }
  for (const f of folios) yield { type: 'folio_put', folio: f };
}

function* fillAndSubmit(env: ActorEnv, p: StackingDriverParams, bio: number, folios: readonly number[]): ActorProgram {
  for (const f of folios) {
    const size = PAGE_SIZE * 2 ** (env.world().folios[f]?.order ?? 0);
    // Sector-aligned pieces, as a block driver builds them.
    const offset = env.draw.int(size / 512) * 512;
    const len = Math.max(512, Math.floor(drawSize(env.draw, size - offset) / 512) * 512);
    if (offset + len <= size) yield { type: 'bio_add_folio', bio, folio: f, len, offset };
  }
  yield { type: 'bio_set_sector', bio, sector: env.draw.int(1 << 20) * 8 };
  yield { type: 'bio_set_end_io', bio, end_io: 'record_put' };
  const limit = p.limitSectors * 512;
  for (let guard = 0; guard < 1024; guard++) {
    const size = env.world().bios[bio]?.bi_size ?? 0;
    if (size <= limit) break;
    const split = env.ids.next('bio');
    const fail = env.allocFails('bio');
    const out = yield { type: 'bio_split', bio, split, sectors: p.limitSectors, fail };
    if (out.ret !== 0) break;
    yield { type: 'bio_chain', bio: split, parent: bio };
    yield { type: 'submit_bio', bio: split, io: env.ids.next('io') };
  }
  yield { type: 'submit_bio', bio, io: env.ids.next('io') };
}
