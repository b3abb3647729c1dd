/**
 * A kernel writer of a physically contiguous reserved region (a crash-dump or hibernation
 * image writer, a pmem-backed buffer: memory the page allocator never handed out, so no folio
 * is involved): one bio, bio_add_page() of large chunks, each physically right after the last
 * so it merges into the same multi-page bvec, until the bio refuses one. The chunks add up to
 * around 4 GiB, where `bi_size` (a u32) runs out: the fixed kernel refuses the add that would
 * pass BIO_MAX_SIZE ("block: fix .bi_size overflow", REFERENCE §3 item 2), the mutant
 * `bio_size_overflow` wraps it. Then the bio is submitted and put once it completed.
 */
import type { World } from '../../core/index.ts';
import type { ActorEnv } from '../actor.ts';
import { grantedVecs } from './stacking_driver.ts';
import { PAGE_SIZE, type ActorStep } from './chain_build.ts';

/** The region's first frame: far above the kernel's and the user's frames. */
const RESERVED_PFN = 2 ** 36;
const GIB = 2 ** 30;
/** The largest chunk whose length bio_add_page()'s int return still shows as positive. */
const CHUNK_MAX = 2 ** 31 - PAGE_SIZE;

/** Chunk lengths, edge-heavy around 4 GiB: whole GiBs ending 4 KiB short, 2 GiB halves, random. */
function drawChunks(env: ActorEnv): number[] {
  switch (env.draw.int(3)) {
    case 0:
      return [GIB, GIB, GIB, GIB - PAGE_SIZE, 2 * PAGE_SIZE];
    case 1:
      return [CHUNK_MAX, CHUNK_MAX, PAGE_SIZE, PAGE_SIZE, PAGE_SIZE];
    default:
      return Array.from({ length: 2 + env.draw.int(7) }, () => PAGE_SIZE * (1 + env.draw.int(CHUNK_MAX / PAGE_SIZE)));
  }
}

export function* reservedWrite(env: ActorEnv): ActorStep<void> {
  const bio = env.ids.next('bio');
  const nr = 1 + env.draw.int(4);
  const fail = env.allocFails('bio');
  yield { type: 'bio_alloc', bio, nr_vecs: nr, opf: 1, max_vecs: grantedVecs(nr), fail };
  if (fail) return;
  let phys = RESERVED_PFN * PAGE_SIZE + 512 * env.draw.int(8);
  for (const len of drawChunks(env)) {
    // Now and then a hole, so the next chunk needs a vec of its own.
    if (env.draw.chance({ numerator: 1, denominator: 8 })) phys += PAGE_SIZE;
    const out = yield { type: 'bio_add_page', bio, page: Math.floor(phys / PAGE_SIZE), len, offset: phys % PAGE_SIZE };
    if (out.ret !== len) break;
    phys += len;
  }
  if ((env.world().bios[bio]?.bi_size ?? 0) > 0) {
    yield { type: 'bio_set_sector', bio, sector: env.draw.int(1 << 20) * 8 };
    yield { type: 'bio_set_end_io', bio, end_io: 'record' };
    yield { type: 'submit_bio', bio, io: env.ids.next('io') };
    yield { wait: `reserved bio ${bio}`, until: (w: World) => (w.bios[bio]?.end_io_calls.length ?? 0) > 0 };
  }
  yield { type: 'bio_put', bio };
}
