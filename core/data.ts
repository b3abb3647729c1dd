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

function writeOne(runs: DataRun[], at: number, p: DataPiece): void {
  if (p.len === 0) return;
  const end = at + p.len;
  const kept: DataRun[] = [];
  for (const r of runs) {
    const rEnd = r.at + r.len;
    if (rEnd <= at || r.at >= end) {
      kept.push({ at: r.at, len: r.len, src: r.src, off: r.off });
      continue;
    }
    if (r.at < at) kept.push({ at: r.at, len: at - r.at, src: r.src, off: r.off });
    if (rEnd > end) kept.push({ at: end, len: rEnd - end, src: r.src, off: r.off + (end - r.at) });
  }
  if (p.src !== null) kept.push({ at, len: p.len, src: p.src, off: p.off });
  kept.sort((a, b) => a.at - b.at);
  runs.length = 0;
  for (const r of kept) {
    const last = runs[runs.length - 1];
    if (last && last.src === r.src && last.at + last.len === r.at && last.off + last.len === r.off) {
      last.len += r.len;
    } else {
      runs.push(r);
    }
  }
}

/** A single piece labelling `len` bytes of `src` from `off`. */
export function piece(src: string, off: number, len: number): DataPiece {
  return { len, src, off };
}
