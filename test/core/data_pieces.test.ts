// The label comparisons of core/data_pieces.ts walk piece lists and runs in step without
// copying them; they must answer as a comparison of one label per byte does, where an
// unwritten byte is null, zero bytes are equal whatever their offset, and a list that ends
// first differs where it ends.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { writeData, type DataPiece } from '../../core/data.ts';
import { firstDifference, runsDifference, ZERO_SRC } from '../../core/data_pieces.ts';
import type { DataRun } from '../../core/state.ts';

type Label = string | null;

/** One label per byte, with the offset folded in for real sources. */
function bytesOf(pieces: readonly DataPiece[]): Label[] {
  return pieces.flatMap((p) => Array.from({ length: p.len }, (_, k) => (p.src === null || p.src === ZERO_SRC ? p.src : `${p.src}@${p.off + k}`)));
}

function bytesOfRuns(runs: readonly DataRun[], at: number, len: number): Label[] {
  const bytes: Label[] = Array.from({ length: len }, () => null);
  for (const r of runs) {
    for (let k = 0; k < r.len; k++) {
      const i = r.at + k - at;
      if (i >= 0 && i < len) bytes[i] = r.src === ZERO_SRC ? r.src : `${r.src}@${r.off + k}`;
    }
  }
  return bytes;
}

/** The first index where two byte lists differ, the shorter length if one is a prefix, else -1. */
function flatDifference(a: readonly Label[], b: readonly Label[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return k;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}

const pieceArb = fc.record({
  len: fc.integer({ min: 0, max: 6 }),
  src: fc.constantFrom(null, 'a', 'b', ZERO_SRC),
  off: fc.integer({ min: 0, max: 8 }),
});
const piecesArb = fc.array(pieceArb, { maxLength: 6 });

/** Runs written from pieces, so they are canonical as in the state. */
const runsArb = fc.array(fc.record({ at: fc.integer({ min: 0, max: 20 }), pieces: piecesArb }), { maxLength: 5 }).map((writes) => {
  const runs: DataRun[] = [];
  for (const w of writes) writeData(runs, w.at, w.pieces);
  return runs;
});

describe('firstDifference', () => {
  test.prop([piecesArb, piecesArb])('should find the first byte whose labels differ', (a, b) => {
    expect(firstDifference(a, b)).toBe(flatDifference(bytesOf(a), bytesOf(b)));
  });

  test.prop([piecesArb])('should find a list equal to its own copy split anywhere', (a) => {
    const split = a.flatMap((p) => (p.len < 2 ? [p] : [{ ...p, len: 1 }, { ...p, len: p.len - 1, off: p.off + 1 }]));
    expect(firstDifference(a, split)).toBe(-1);
  });
});

describe('runsDifference', () => {
  test.prop([runsArb, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 20 }), piecesArb, fc.integer({ min: 0, max: 12 })])(
    'should compare the runs over [at, at + len) with the pieces from `from`',
    (runs, at, len, pieces, from) => {
      const want = bytesOf(pieces).slice(from, from + len);
      expect(runsDifference(runs, at, len, pieces, from)).toBe(flatDifference(bytesOfRuns(runs, at, len), want));
    },
  );
});
