/**
 * Working with byte labels (core/data.ts) as sequences: slicing, comparing and describing
 * them, and writing them only when they change, so that a copy which rewrites bytes with the
 * labels they already carry leaves the state untouched (and immer hands back the same
 * snapshot). Zero bytes are labelled `zero`; their offset carries no meaning.
 */
import type { DataRun } from './state.ts';
import { writeData, type DataPiece } from './data.ts';

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

/** Whether two byte labels are the same: offsets count only for real sources. */
function sameLabel(a: string | null, aOff: number, b: string | null, bOff: number): boolean {
  return a === b && (a === null || a === ZERO_SRC || aOff === bOff);
}

/**
 * The first byte at which two piece lists differ, or -1 when they label the same bytes; a
 * list that ends first differs where it ends. Compares byte labels, so two lists with the
 * same canonical form (normalizePieces) are equal. Walks both lists in step without copying
 * them: it runs for every byte a copy writes.
 */
export function firstDifference(a: readonly DataPiece[], b: readonly DataPiece[]): number {
  let i = 0;
  let j = 0;
  let ai = 0;
  let bj = 0;
  let pos = 0;
  for (;;) {
    let p = a[i];
    while (p !== undefined && ai >= p.len) {
      p = a[++i];
      ai = 0;
    }
    let q = b[j];
    while (q !== undefined && bj >= q.len) {
      q = b[++j];
      bj = 0;
    }
    if (p === undefined || q === undefined) return p === q ? -1 : pos;
    if (!sameLabel(p.src, p.off + ai, q.src, q.off + bj)) return pos;
    const step = Math.min(p.len - ai, q.len - bj);
    ai += step;
    bj += step;
    pos += step;
  }
}

/**
 * firstDifference(readData(runs, at, len), slicePieces(pieces, from, len)) without building
 * either list: the checkers and writeDataIfChanged compare a holder's runs with the labels a
 * copy should leave there on every copy.
 */
export function runsDifference(runs: readonly DataRun[], at: number, len: number, pieces: readonly DataPiece[], from: number): number {
  let i = 0;
  let j = 0;
  let pj = from;
  for (let pos = 0; pos < len; ) {
    let q = pieces[j];
    while (q !== undefined && pj >= q.len) {
      pj -= q.len;
      q = pieces[++j];
    }
    if (q === undefined) return pos;
    const cur = at + pos;
    let r = runs[i];
    while (r !== undefined && r.at + r.len <= cur) r = runs[++i];
    let step = Math.min(len - pos, q.len - pj);
    if (r === undefined || r.at > cur) {
      // A gap between runs: unwritten memory.
      if (q.src !== null) return pos;
      if (r !== undefined) step = Math.min(step, r.at - cur);
    } else {
      if (!sameLabel(r.src, r.off + (cur - r.at), q.src, q.off + pj)) return pos;
      step = Math.min(step, r.at + r.len - cur);
    }
    pos += step;
    pj += step;
  }
  return -1;
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
  if (runsDifference(runs, at, len, pieces, 0) === -1) return;
  writeData(runs, at, pieces);
}
