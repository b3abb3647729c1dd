/**
 * C integer discipline for the model. Kernel fields are unsigned of fixed width; JavaScript
 * numbers are doubles. Every narrowing goes through these helpers so a wrap is never silent:
 * the caller passes a `WrapLog` and each truncation that changed the value is recorded.
 * Values stay below 2^53 (SPEC §2), so plain arithmetic on them is exact before narrowing.
 */

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const PAGE_MASK = -PAGE_SIZE; // used only through page_align helpers below
export const MAX_RW_COUNT = 2147479552;
export const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;
export const U16_MAX = 65535;
export const SIZE_MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const BIO_MAX_VECS = 256;
export const BIO_MAX_SIZE = UINT_MAX;
export const BVECQ_POOL_SLOTS = 29;
export const BVECQ_4KB_SLOTS = 253;
export const MAX_PAGE_ORDER = 10;
export const SECTOR_SHIFT = 9;

export interface Wrap {
  readonly field: string;
  readonly value: number;
  readonly wrapped: number;
}

/** Collects the truncations one event caused; the engine attaches them to the step. */
export interface WrapLog {
  wrap(w: Wrap): void;
}

const TWO_32 = 4294967296;

/** Truncates to `u32` as C does for an assignment to an `unsigned int`. */
export function u32(value: number, field: string, log: WrapLog): number {
  const wrapped = mod(value, TWO_32);
  if (wrapped !== value) log.wrap({ field, value, wrapped });
  return wrapped;
}

/** Truncates to `u16`. */
export function u16(value: number, field: string, log: WrapLog): number {
  const wrapped = mod(value, 65536);
  if (wrapped !== value) log.wrap({ field, value, wrapped });
  return wrapped;
}

/** Truncates to `u8`. */
export function u8(value: number, field: string, log: WrapLog): number {
  const wrapped = mod(value, 256);
  if (wrapped !== value) log.wrap({ field, value, wrapped });
  return wrapped;
}

/** Converts to a C `int` (two's complement), as an `unsigned int` return or `int` parameter does. */
export function s32(value: number, field: string, log: WrapLog): number {
  const low = mod(value, TWO_32);
  const wrapped = low >= 2147483648 ? low - TWO_32 : low;
  if (wrapped !== value) log.wrap({ field, value, wrapped });
  return wrapped;
}

/** `size_t` subtraction: a negative result is a wrap the model records and clamps to 0. */
export function sizeSub(a: number, b: number, field: string, log: WrapLog): number {
  if (b <= a) return a - b;
  log.wrap({ field, value: a - b, wrapped: 0 });
  return 0;
}

/**
 * `value` modulo `m`, non-negative. A value already in range is returned as it came: `%` by
 * 2^32 (a boxed double to V8) boxes even a small result, and once a boxed number is stored in
 * the state, V8 boxes that field in every object of the same shape from then on.
 */
function mod(value: number, m: number): number {
  if (value >= 0 && value < m) return value;
  const r = value % m;
  return r < 0 ? r + m : r;
}

/** Bytes from `offset` to the end of its page. */
export function pageRemainder(offset: number): number {
  return PAGE_SIZE - (offset % PAGE_SIZE);
}

export function min(a: number, b: number): number {
  return a < b ? a : b;
}

export function max(a: number, b: number): number {
  return a > b ? a : b;
}

/** Rounds a non-negative integer up to the next multiple of PAGE_SIZE. */
export function pageAlignUp(value: number): number {
  return Math.ceil(value / PAGE_SIZE) * PAGE_SIZE;
}

/** Pages touched by `len` bytes starting at in-page `offset` (kernel DIV_ROUND_UP form). */
export function pagesSpanned(offset: number, len: number): number {
  return Math.ceil(((offset % PAGE_SIZE) + len) / PAGE_SIZE);
}

/** `rounddown_pow_of_two`, for 1 <= value < 2^53. */
export function rounddownPowOfTwo(value: number): number {
  let p = 1;
  while (p * 2 <= value) p *= 2;
  return p;
}

/** `get_order(size)` from asm-generic: the smallest order whose pages cover `size`. */
export function getOrder(size: number): number {
  if (size === 0) return 52;
  let order = 0;
  while (PAGE_SIZE * 2 ** order < size) order++;
  return order;
}
