/**
 * Byte provenance. A holder (folio, kernel buffer) keeps a sorted list of runs saying which
 * source bytes it holds, so a copy moves labels rather than bytes and the checkers can tell
 * a misplaced, duplicated or lost byte without storing whole pages. Unlisted bytes were
 * never written (they hold whatever the allocator left).
 */
import type { DataRun } from './state.ts';

/** A source label: `len` bytes of `src` starting at `off`, or unwritten memory (`src` null). */
export interface DataPiece {
  len: number;
  src: string | null;
  off: number;
}

/** The pieces held in [at, at+len) of `runs`, in order, covering the range exactly. */
export function readData(runs: readonly DataRun[], at: number, len: number): DataPiece[] {
  const out: DataPiece[] = [];
  let cur = at;
  const end = at + len;
  for (const r of runs) {
    if (cur >= end) break;
    const rEnd = r.at + r.len;
    if (rEnd <= cur) continue;
    if (r.at >= end) break;
    if (r.at > cur) {
      out.push({ len: r.at - cur, src: null, off: 0 });
      cur = r.at;
    }
    const take = Math.min(rEnd, end) - cur;
    out.push({ len: take, src: r.src, off: r.off + (cur - r.at) });
    cur += take;
  }
  if (cur < end) out.push({ len: end - cur, src: null, off: 0 });
  return out;
}

/** Writes `pieces` into `runs` (mutated in place) starting at `at`, merging adjacent runs. */
export function writeData(runs: DataRun[], at: number, pieces: readonly DataPiece[]): void {
  let cur = at;
  for (const p of pieces) {
    writeOne(runs, cur, p);
    cur += p.len;
  }
}

/**
 * Replaces the runs overlapping [at, at + p.len) with what is left of them and the new piece,
 * in place. The runs are kept in canonical form (sorted, disjoint, neighbours with one label
 * merged), so only the edges of the written range can merge.
 */
function writeOne(runs: DataRun[], at: number, p: DataPiece): void {
  if (p.len === 0) return;
  const end = at + p.len;
  let i = 0;
  while (i < runs.length && runEnd(runs[i]) <= at) i++;
  let j = i;
  while (j < runs.length && (runs[j]?.at ?? end) < end) j++;
  const first = runs[i];
  const last = runs[j - 1];
  const head = j > i && first !== undefined && first.at < at ? { at: first.at, len: at - first.at, src: first.src, off: first.off } : null;
  const mid = p.src !== null ? { at, len: p.len, src: p.src, off: p.off } : null;
  const tail = j > i && last !== undefined && runEnd(last) > end ? { at: end, len: runEnd(last) - end, src: last.src, off: last.off + (end - last.at) } : null;
  // Into the slots of the replaced runs first: most writes put back as many runs as they
  // replace, and a splice() with a spread allocates its arguments and its result.
  let k = put(runs, i, j, head);
  k = put(runs, k, j, mid);
  k = put(runs, k, j, tail);
  if (k < j) runs.splice(k, j - k);
  for (let m = Math.min(k, runs.length - 1); m > 0 && m >= i; m--) {
    const a = runs[m - 1];
    const b = runs[m];
    if (a !== undefined && b !== undefined && a.src === b.src && a.at + a.len === b.at && a.off + a.len === b.off) {
      a.len += b.len;
      runs.splice(m, 1);
    }
  }
}

/** Stores `r` at `k`, over a replaced run while `k < j`, else inserted; returns the next slot. */
function put(runs: DataRun[], k: number, j: number, r: DataRun | null): number {
  if (r === null) return k;
  if (k < j) runs[k] = r;
  else runs.splice(k, 0, r);
  return k + 1;
}

function runEnd(r: DataRun | undefined): number {
  return r === undefined ? Infinity : r.at + r.len;
}

/** A single piece labelling `len` bytes of `src` from `off`. */
export function piece(src: string, off: number, len: number): DataPiece {
  return { len, src, off };
}
