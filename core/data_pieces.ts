/**
 * Working with byte labels (core/data.ts) as sequences: slicing, comparing and describing
 * them, and writing them only when they change, so that a copy which rewrites bytes with the
 * labels they already carry leaves the state untouched (and immer hands back the same
 * snapshot). Zero bytes are labelled `zero`; their offset carries no meaning.
 */
import type { DataRun } from './state.ts';
import { readData, writeData, type DataPiece } from './data.ts';

export const ZERO_SRC = 'zero';

/** `len` zero bytes. */
export function zeroPiece(len: number): DataPiece {
  return { len, src: ZERO_SRC, off: 0 };
}

/** `len` bytes of unknown content (memory the model does not track). */
export function unknownPiece(len: number): DataPiece {
  return { len, src: null, off: 0 };
}

/** Total length of a piece list. */
export function piecesLen(pieces: readonly DataPiece[]): number {
  let n = 0;
  for (const p of pieces) n += p.len;
  return n;
}

/** Bytes [from, from + len) of a piece list (shorter if the list ends first). */
export function slicePieces(pieces: readonly DataPiece[], from: number, len: number): DataPiece[] {
  const out: DataPiece[] = [];
  let pos = 0;
  const end = from + len;
  for (const p of pieces) {
    const pEnd = pos + p.len;
    if (pEnd > from && pos < end) {
      const lo = Math.max(pos, from);
      const hi = Math.min(pEnd, end);
      out.push({ len: hi - lo, src: p.src, off: p.src === null ? 0 : p.off + (lo - pos) });
    }
    pos = pEnd;
    if (pos >= end) break;
  }
  return out;
}

function mergeable(a: DataPiece, b: DataPiece): boolean {
  if (a.src !== b.src) return false;
  return a.src === null || a.src === ZERO_SRC || a.off + a.len === b.off;
}

/** The canonical form of a piece list: no empty pieces, neighbours with one label merged. */
export function normalizePieces(pieces: readonly DataPiece[]): DataPiece[] {
  const out: DataPiece[] = [];
  for (const p of pieces) {
    if (p.len === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && mergeable(last, p)) last.len += p.len;
    else out.push({ len: p.len, src: p.src, off: p.src === null || p.src === ZERO_SRC ? 0 : p.off });
  }
  return out;
}

/** The first byte at which two piece lists of the same length differ, or -1. */
export function firstDifference(a: readonly DataPiece[], b: readonly DataPiece[]): number {
  const x = normalizePieces(a);
  const y = normalizePieces(b);
  let pos = 0;
  for (let k = 0; k < x.length && k < y.length; k++) {
    const p = x[k];
    const q = y[k];
    if (p === undefined || q === undefined) break;
    if (p.src !== q.src || (p.src !== null && p.src !== ZERO_SRC && p.off !== q.off)) return pos;
    if (p.len !== q.len) return pos + Math.min(p.len, q.len);
    pos += p.len;
  }
  return x.length === y.length ? -1 : pos;
}

/** A short human description of the label of the first byte of `pieces`. */
export function describeFirst(pieces: readonly DataPiece[]): string {
  const p = pieces.find((x) => x.len > 0);
  if (p === undefined) return 'nothing';
  if (p.src === null) return 'unwritten memory';
  return p.src === ZERO_SRC ? 'a zero byte' : `${p.src} byte ${p.off}`;
}

/** Writes `pieces` at `at` unless the runs already hold exactly those labels there. */
export function writeDataIfChanged(runs: DataRun[], at: number, pieces: readonly DataPiece[]): void {
  const len = piecesLen(pieces);
  if (len === 0) return;
  if (firstDifference(readData(runs, at, len), pieces) === -1) return;
  writeData(runs, at, pieces);
}
