/**
 * `invariant data.misplaced` (SPEC §3, issue 2): every copied byte carries its origin, and a
 * byte that lands anywhere but where its source put it is a finding. For each copy the byte
 * movers ask for a plan before moving anything and hand it back with the count moved: the plan
 * lays the window out flat from where the iterator was set up (data_window.ts, independent of
 * the iterator walkers) and records what each logical byte must hold afterwards. Only the bytes
 * the event moved are looked at. Where the same physical byte appears twice in the window, the
 * later logical position is the one that must hold.
 * The checker only reads; it never reports anything but this one invariant.
 */
import type { StepCtx } from '../ctx.ts';
import type { DataRun, IovIter, IterId, World } from '../state.ts';
import { readData, type DataPiece } from '../data.ts';
import { describeFirst, firstDifference, runsDifference, slicePieces, unknownPiece, zeroPiece } from '../data_pieces.ts';
import { folioOfPfn } from '../lookup.ts';
import { PAGE_SIZE } from '../kernel_int.ts';
import { flatWindow, type WindowPart, type WindowWhere } from './data_window.ts';

/** The kernel side of a copy: a kbuf range, a page range (from `pfn`, may span pages), or zeros. */
export type KernelSide = { kind: 'kbuf'; buf: number; offset: number } | { kind: 'page'; pfn: number; offset: number } | { kind: 'zero' };

/** What a copy must leave behind, computed before it runs. */
export interface PlacementPlan {
  readonly iter: IterId;
  /** The iterator's logical position when the copy began. */
  readonly start: number;
  /** `to_iter`: the window receives the kernel side; `from_iter`: the kernel side receives the window. */
  readonly dir: 'to_iter' | 'from_iter';
  readonly side: KernelSide;
  readonly parts: WindowPart[];
  /** The labels logical bytes [start, start + n) must carry afterwards, where they land. */
  readonly expected: DataPiece[];
  /** Names the window in a report when it is not an iterator of the state (a bio's vecs). */
  readonly what?: string;
}

/** A copy byte found misplaced: its index in the copy, and what is wrong with it. */
type Bad = { k: number; text: string };

/** The runs holding one place and where the place starts in them, or null for memory the model does not track. */
function holderAt(d: World, w: WindowWhere): { runs: DataRun[]; at: number } | null {
  if (w.kind === 'kbuf') {
    const b = d.kbufs[w.buf];
    return b === undefined || b.freed ? null : { runs: b.data, at: w.offset };
  }
  const id = folioOfPfn(d, w.pfn);
  const f = id === null ? undefined : d.folios[id];
  return f === undefined ? null : { runs: f.data, at: (w.pfn - f.pfn) * PAGE_SIZE + w.offset };
}

/** The labels of one place, or null for memory the model does not track. */
function readWhere(d: World, w: WindowWhere, len: number): DataPiece[] | null {
  const h = holderAt(d, w);
  return h === null ? null : readData(h.runs, h.at, len);
}

/**
 * Kernel-side bytes [from, from + len) as consecutive chunks, each with its labels or null
 * where the model does not track the memory.
 */
function sideChunks(d: World, side: KernelSide, from: number, len: number): { len: number; pieces: DataPiece[] | null }[] {
  if (side.kind === 'zero') return [{ len, pieces: [zeroPiece(len)] }];
  if (side.kind === 'kbuf') return [{ len, pieces: readWhere(d, { kind: 'kbuf', buf: side.buf, offset: side.offset + from }, len) }];
  const out: { len: number; pieces: DataPiece[] | null }[] = [];
  for (let done = 0; done < len; ) {
    const at = side.offset + from + done;
    const take = Math.min(len - done, PAGE_SIZE - (at % PAGE_SIZE));
    out.push({ len: take, pieces: readWhere(d, { kind: 'page', pfn: side.pfn + Math.floor(at / PAGE_SIZE), offset: at % PAGE_SIZE }, take) });
    done += take;
  }
  return out;
}

/** The labels of kernel-side bytes [from, from + len); untracked bytes read as unknown. */
function readSide(d: World, side: KernelSide, from: number, len: number): DataPiece[] {
  // A kbuf is one chunk: its labels are the answer, with no list of chunks to gather them.
  if (side.kind === 'kbuf') return readWhere(d, { kind: 'kbuf', buf: side.buf, offset: side.offset + from }, len) ?? [unknownPiece(len)];
  const out: DataPiece[] = [];
  for (const c of sideChunks(d, side, from, len)) pushAll(out, c.pieces ?? [unknownPiece(c.len)]);
  return out;
}

/** Appends without spreading: a spread of a long list into push() allocates its arguments. */
function pushAll(out: DataPiece[], pieces: readonly DataPiece[]): void {
  for (const p of pieces) out.push(p);
}

/**
 * Plans the check of a copy of at most `n` bytes at the iterator's current position; null
 * when it must abstain (see flatWindow). Reads only.
 */
export function planPlacement(d: World, id: IterId, it: IovIter, n: number, dir: PlacementPlan['dir'], side: KernelSide): PlacementPlan | null {
  const start = it.consumed;
  const parts = flatWindow(d, it, start, n);
  if (parts === null) return null;
  let expected: DataPiece[];
  if (dir === 'to_iter') {
    expected = readSide(d, side, 0, n);
  } else {
    expected = [];
    for (const p of parts) pushAll(expected, readWhere(d, p.where, p.len) ?? [unknownPiece(p.len)]);
  }
  return { iter: id, start, dir, side, parts, expected };
}

function whereText(w: WindowWhere): string {
  return w.kind === 'kbuf' ? `kbuf ${w.buf} offset ${w.offset}` : `page ${w.pfn} offset ${w.offset}`;
}

function report(ctx: StepCtx, plan: PlacementPlan, k: number, text: string): void {
  ctx.invariant('data.misplaced', `${plan.what ?? `iter ${plan.iter}`}: ${plan.dir === 'to_iter' ? 'copy into' : 'copy out of'} the window, byte ${k} of the copy (window position ${plan.start + k}) ${text}`);
}

/**
 * Physical byte ranges already accounted for by a later logical position, per holder (a Map
 * keyed by number: an object keyed by fresh strings would grow V8's hidden-class tree forever).
 */
type Claimed = Map<number, [number, number][]>;

/** Kbufs take negative keys, pages their pfn. */
function holderKey(w: WindowWhere): number {
  return w.kind === 'kbuf' ? -1 - w.buf : w.pfn;
}

/** Removes [a, b) from each range of `free`. */
function subtract(free: [number, number][], a: number, b: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [x, y] of free) {
    if (b <= x || a >= y) {
      out.push([x, y]);
      continue;
    }
    if (a > x) out.push([x, a]);
    if (b < y) out.push([b, y]);
  }
  return out;
}

/** The sub-ranges of [lo, hi) not yet claimed, then claims the whole range. */
function unclaimed(claimed: Claimed, key: number, lo: number, hi: number): [number, number][] {
  let free: [number, number][] = [[lo, hi]];
  const taken = claimed.get(key);
  if (taken === undefined) {
    claimed.set(key, [[lo, hi]]);
    return free;
  }
  for (const [a, b] of taken) free = subtract(free, a, b);
  taken.push([lo, hi]);
  return free;
}

/**
 * Whether no two parts lie in the same holder (so no byte can appear twice): the usual window,
 * checked without the claim bookkeeping. Long windows take the bookkeeping instead.
 */
function distinctHolders(parts: readonly WindowPart[]): boolean {
  if (parts.length > 32) return false;
  for (let a = 0; a < parts.length; a++) {
    const pa = parts[a];
    for (let b = a + 1; b < parts.length; b++) {
      const pb = parts[b];
      if (pa !== undefined && pb !== undefined && holderKey(pa.where) === holderKey(pb.where)) return false;
    }
  }
  return true;
}

/** The first bad copy byte among the window parts (last writer wins), or null. */
function firstBadInWindow(d: World, plan: PlacementPlan, copied: number): Bad | null {
  let worst: Bad | null = null;
  const claimed: Claimed | null = distinctHolders(plan.parts) ? null : new Map();
  for (let j = plan.parts.length - 1; j >= 0; j--) {
    const p = plan.parts[j];
    if (p === undefined) continue;
    const k0 = p.logical - plan.start;
    const len = Math.min(p.len, copied - k0);
    if (len <= 0) continue;
    const h = holderAt(d, p.where);
    const lo0 = p.where.offset;
    if (claimed === null) {
      worst = badInRange(d, plan, p.where, h, lo0, lo0 + len, k0, worst);
      continue;
    }
    for (const [lo, hi] of unclaimed(claimed, holderKey(p.where), lo0, lo0 + len)) worst = badInRange(d, plan, p.where, h, lo, hi, k0 + (lo - lo0), worst);
  }
  return worst;
}

/**
 * Bytes [lo, hi) of a window place, copy byte `k` onwards, against the plan: the earlier of
 * their first bad byte and `worst`. Untracked memory (`h` null) has nothing to check.
 */
function badInRange(d: World, plan: PlacementPlan, where: WindowWhere, h: { runs: DataRun[]; at: number } | null, lo: number, hi: number, k: number, worst: Bad | null): Bad | null {
  if (h === null) return worst;
  const bad = runsDifference(h.runs, h.at + (lo - where.offset), hi - lo, plan.expected, k);
  if (bad < 0 || (worst !== null && k + bad >= worst.k)) return worst;
  return { k: k + bad, text: misplacedText(d, plan, where, lo, hi, k, bad) };
}

/** Describes the bad byte `bad` of the `hi - lo` bytes from `lo` of a window place. */
function misplacedText(d: World, plan: PlacementPlan, where: WindowWhere, lo: number, hi: number, k: number, bad: number): string {
  const got = readWhere(d, { ...where, offset: lo }, hi - lo) ?? [];
  const want = slicePieces(plan.expected, k, hi - lo);
  return `at ${whereText({ ...where, offset: lo + bad })} should hold ${describeFirst(slicePieces(want, bad, 1))} but holds ${describeFirst(slicePieces(got, bad, 1))}`;
}

/** Checks a finished copy of `copied` bytes against its plan; reports the first bad byte. */
export function checkPlacement(d: World, plan: PlacementPlan | null, copied: number, ctx: StepCtx): void {
  if (plan === null || copied === 0) return;
  let covered = 0;
  for (const p of plan.parts) covered += p.len;
  if (copied > covered) {
    report(ctx, plan, covered, `lies beyond the ${covered} byte(s) the window holds from there, yet ${copied} were moved`);
    return;
  }
  if (plan.dir === 'to_iter') {
    const bad = firstBadInWindow(d, plan, copied);
    if (bad !== null) report(ctx, plan, bad.k, bad.text);
    return;
  }
  const bad = firstBadInSide(d, plan, copied);
  if (bad !== null) report(ctx, plan, bad.k, bad.text);
}

/** The first copy byte the kernel side does not hold as the window held it, or null. */
function firstBadInSide(d: World, plan: PlacementPlan, copied: number): Bad | null {
  const side = plan.side;
  if (side.kind === 'kbuf') {
    // One chunk, compared in place: the common case, and it needs no copy of the kbuf's labels.
    const h = holderAt(d, { kind: 'kbuf', buf: side.buf, offset: side.offset });
    if (h === null || runsDifference(h.runs, h.at, copied, plan.expected, 0) === -1) return null;
  }
  let k = 0;
  for (const chunk of sideChunks(d, side, 0, copied)) {
    if (chunk.pieces !== null) {
      const want = slicePieces(plan.expected, k, chunk.len);
      const bad = firstDifference(chunk.pieces, want);
      if (bad >= 0) {
        return { k: k + bad, text: `should land as ${describeFirst(slicePieces(want, bad, 1))} but the destination holds ${describeFirst(slicePieces(chunk.pieces, bad, 1))}` };
      }
    }
    k += chunk.len;
  }
  return null;
}
