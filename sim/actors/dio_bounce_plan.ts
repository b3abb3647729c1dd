/**
 * The page allocator's answers to one bio_iov_iter_bounce() call. The event carries every
 * allocation outcome in the order the kernel asks (REFERENCE §2.11), so the actor walks the
 * same loops as folio_alloc_greedy() and bio_alloc_bounce_folios() to know how many questions
 * come and what size each asks for; each answer is a fresh folio or a failure. The NORETRY
 * attempts of the greedy loop fail more often than the blocking one, as high orders do on a
 * fragmented machine. A mismatch with the model is a rejection, which the run loop turns
 * into an error: the actor tests catch it. Under mutant `folio_alloc_greedy_v1` the kernel
 * shrinks down to PAGE_SIZE whatever `minsize` is, so it asks a different number of times.
 */
import { kernel } from '../../core/index.ts';
import type { ActorEnv } from '../actor.ts';

export const SZ_1M = 1048576;

/** The outcomes so far, in call order. */
type Answers = (number | null)[];

/** One folio_alloc(): a fresh folio of `order`, or null. No failure while draining. */
function answer(env: ActorEnv, order: number, noretry: boolean, out: Answers): number | null {
  const fragmented = noretry && order > 0 && !env.draining() && env.draw.chance({ numerator: 1, denominator: 4 });
  const fail = env.allocFails('folio') || fragmented;
  const pfn = fail ? null : env.ids.pfn(order);
  out.push(pfn);
  return pfn;
}

/** folio_alloc_greedy(size, minsize) as the allocator sees it: the size settled on, or null. */
function greedy(env: ActorEnv, sizeIn: number, minsize: number, out: Answers): number | null {
  const floor = env.mutant('folio_alloc_greedy_v1') ? kernel.PAGE_SIZE : minsize;
  let size = sizeIn;
  for (let pass = 0; size > floor; pass++) {
    if (pass > 64) throw new Error('greedy: the size stopped shrinking');
    const order = kernel.getOrder(size);
    // An order above MAX_PAGE_ORDER fails without asking the allocator.
    if (order <= kernel.MAX_PAGE_ORDER && answer(env, order, true, out) !== null) return size;
    if (size === 1) throw new Error('greedy: minsize 0 would shrink to nothing');
    size = kernel.rounddownPowOfTwo(size - 1);
  }
  const order = kernel.getOrder(size);
  if (order > kernel.MAX_PAGE_ORDER) return null;
  return answer(env, order, false, out) === null ? null : size;
}

/** The answers for a bounce READ of an iterator holding `count` bytes. */
export function readAllocs(env: ActorEnv, count: number, maxlen: number, minsize: number): Answers {
  const out: Answers = [];
  greedy(env, Math.min(count, maxlen, SZ_1M), minsize, out);
  return out;
}

/**
 * The answers for a bounce WRITE into an empty bio of `maxVecs` vecs: chunks of at most
 * 1 MiB (a power of two above twice `minsize`) until the length is covered, BIO_MAX_SIZE would
 * be passed, an allocation fails or the vecs run out.
 */
export function writeAllocs(env: ActorEnv, count: number, maxlen: number, minsize: number, maxVecs: number): Answers {
  const out: Answers = [];
  let left = Math.min(maxlen, count);
  let size = 0;
  let vcnt = 0;
  do {
    let thisLen = Math.min(left, SZ_1M);
    if (thisLen > minsize * 2) thisLen = kernel.rounddownPowOfTwo(thisLen);
    if (size > kernel.BIO_MAX_SIZE - thisLen) break;
    const got = greedy(env, thisLen, minsize, out);
    if (got === null) break;
    size += got;
    vcnt += 1;
    left -= got;
  } while (left > 0 && vcnt < maxVecs);
  return out;
}
