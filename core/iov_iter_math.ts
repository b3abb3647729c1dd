/**
 * The few C integer idioms the iterator code leans on that kernel_int.ts does not cover:
 * `min(a - b, cap)` over `size_t` (where `a - b` may wrap to a huge value), bitwise OR of
 * `unsigned long` values, and the conversion of a count to a C `int`. Each wrap is recorded.
 */
import type { WrapLog } from './kernel_int.ts';

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;

/**
 * `min((size_t)(a - b), cap)` for `cap` below 2^53: when `b > a` the C subtraction wraps to
 * a value near 2^64, larger than any `cap`, so the answer is `cap` (and the wrap is logged).
 */
export function sizeDiff(a: number, b: number, cap: number, log: WrapLog): number {
  if (b <= a) return a - b < cap ? a - b : cap;
  log.wrap({ field: 'size_t difference', value: a - b, wrapped: cap });
  return cap;
}

/** Bitwise OR of two non-negative integers below 2^53, as 64-bit `unsigned long`. */
export function or64(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) | Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a >>> 0) | (b >>> 0)) >>> 0;
  return hi * TWO_32 + lo;
}

/** Converts to a C `int` (two's complement, modulo 2^32), logging a change of value. */
export function s32(value: number, field: string, log: WrapLog): number {
  // In range, the value stands (`+ 0` turns -0 into 0 as the modulo does); see kernel_int.ts mod().
  if (value >= 0 && value < TWO_31) return value + 0;
  const low = ((value % TWO_32) + TWO_32) % TWO_32;
  const wrapped = low >= TWO_31 ? low - TWO_32 : low;
  if (wrapped !== value) log.wrap({ field, value, wrapped });
  return wrapped;
}
