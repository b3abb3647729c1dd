// Provenance runs (core/data.ts): writes and reads agree with a flat array holding one label per
// byte, and the runs stay canonical (sorted, disjoint, neighbours with one label merged), which
// the state digests depend on.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { readData, writeData, type DataPiece } from '../../core/data.ts';
import type { DataRun } from '../../core/state.ts';

const SIZE = 48;
type Label = { src: string; off: number } | null;

/** The canonical runs of a per-byte label array, built without core/ code. */
function runsOf(bytes: readonly Label[]): DataRun[] {
  const out: DataRun[] = [];
  bytes.forEach((b, at) => {
    if (b === null) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.src === b.src && last.at + last.len === at && last.off + last.len === b.off) last.len += 1;
    else out.push({ at, len: 1, src: b.src, off: b.off });
  });
  return out;
}

const pieceArb = fc.record({
  len: fc.integer({ min: 0, max: 12 }),
  src: fc.constantFrom(null, 'a', 'b', 'zero'),
  off: fc.integer({ min: 0, max: 20 }),
});
const writeArb = fc.record({ at: fc.integer({ min: 0, max: SIZE - 1 }), pieces: fc.array(pieceArb, { maxLength: 4 }) });

describe('writeData', () => {
  test.prop([fc.array(writeArb, { maxLength: 25 })])('should leave the runs a flat per-byte copy predicts, in canonical form', (writes) => {
    const runs: DataRun[] = [];
    const bytes: Label[] = Array.from({ length: SIZE + 64 }, () => null);
    for (const w of writes) {
      writeData(runs, w.at, w.pieces);
      let at = w.at;
      for (const p of w.pieces) {
        for (let k = 0; k < p.len; k++) bytes[at + k] = p.src === null ? null : { src: p.src, off: p.off + k };
        at += p.len;
      }
      expect(runs).toEqual(runsOf(bytes));
    }
  });

  test.prop([fc.array(writeArb, { maxLength: 10 }), fc.integer({ min: 0, max: SIZE }), fc.integer({ min: 1, max: 40 })])(
    'should read back, for any range, exactly the labels the bytes carry',
    (writes, at, len) => {
      const runs: DataRun[] = [];
      for (const w of writes) writeData(runs, w.at, w.pieces);
      const got = readData(runs, at, len);
      expect(got.reduce((n, p) => n + p.len, 0)).toBe(len);
      const flat: Label[] = got.flatMap((p: DataPiece) => Array.from({ length: p.len }, (_, k) => (p.src === null ? null : { src: p.src, off: p.off + k })));
      const bytes: Label[] = Array.from({ length: at + len }, () => null);
      for (const r of runs) for (let k = 0; k < r.len; k++) bytes[r.at + k] = { src: r.src, off: r.off + k };
      expect(flat).toEqual(bytes.slice(at, at + len));
    },
  );

  it('should split a run around a hole and merge a rewrite that restores it', () => {
    const runs: DataRun[] = [{ at: 0, len: 30, src: 'k', off: 100 }];
    writeData(runs, 10, [{ len: 5, src: null, off: 0 }]);
    expect(runs).toEqual([
      { at: 0, len: 10, src: 'k', off: 100 },
      { at: 15, len: 15, src: 'k', off: 115 },
    ]);
    writeData(runs, 10, [{ len: 5, src: 'k', off: 110 }]);
    expect(runs).toEqual([{ at: 0, len: 30, src: 'k', off: 100 }]);
  });
});
