/**
 * Edge-heavy sizes: most kernel bugs in this layer live at 0, 1, a page boundary ± 1, a range
 * that straddles pages, or just short of the end of a node or buffer. A draw picks one of those
 * shapes first, then a value of that shape, so edges come up far more often than uniformly.
 */
import type { Draw } from './choices.ts';

const PAGE_SIZE = 4096;

/** A size in [0, limit] (limit >= 0), biased towards edges relative to pages and to `limit`. */
export function drawSize(draw: Draw, limit: number): number {
  if (limit <= 0) return 0;
  const shape = draw.int(9);
  switch (shape) {
    case 0:
      return 0;
    case 1:
      return clamp(1, limit);
    case 2:
      return clamp(PAGE_SIZE - 1 + draw.int(3), limit);
    case 3:
      return limit;
    case 4:
      return clamp(limit - 1 - draw.int(2), limit);
    case 5:
      return clamp((1 + draw.int(4)) * PAGE_SIZE + draw.int(3) - 1, limit);
    case 6:
      return clamp(1 + draw.int(Math.min(limit, 512)), limit);
    default:
      return draw.int(limit + 1);
  }
}

// A module-level helper, not a closure: tsx names every closure it creates (keepNames), and
// drawSize runs on most actor steps.
function clamp(v: number, limit: number): number {
  return Math.max(0, Math.min(limit, v));
}

/** An in-page offset biased to 0, 1, the last byte, and the middle. */
export function drawOffset(draw: Draw): number {
  const shape = draw.int(5);
  if (shape === 0) return 0;
  if (shape === 1) return 1;
  if (shape === 2) return PAGE_SIZE - 1;
  if (shape === 3) return PAGE_SIZE / 2;
  return draw.int(PAGE_SIZE);
}
