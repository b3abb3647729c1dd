// Shared set-up for the bounce-DIO tests: a user buffer of 7 pages over folios of three sizes,
// an engine runner, and byte images read from provenance labels (a byte is "src:off").
import { createEngine, type BvsimEvent, type StepOutcome, type World } from '../../core/index.ts';

/** User pages 64 | 129 130 131 (inside order-2 folio 128) | 80 | 96 97 (order-1 folio 96). */
export const USER_RUNS: [number, number, number, number][] = [
  [64, 0, 0, 1],
  [128, 2, 1, 3],
  [80, 0, 0, 1],
  [96, 1, 0, 2],
];
export const USER_PAGES = [64, 129, 130, 131, 80, 96, 97];
export const USER_BYTES = USER_PAGES.length * 4096;
/** Bounce folios come from here: aligned for every order up to 8. */
export const BOUNCE = 1048576;
export const bouncePfn = (k: number): number => BOUNCE + 256 * k;

export function run(events: BvsimEvent[], mutants: Record<string, boolean> = {}, mode: 'immutable' | 'mutable' = 'immutable') {
  const engine = createEngine(mode, { mutants });
  const outs: StepOutcome[] = events.map((e) => engine.step(e));
  const ids = outs.map((o) => (o.rejection !== null ? [`rejected.${o.rejection.field}`] : o.findings.map((f) => `${f.kind}.${f.id}`)));
  return { outs, ids, state: engine.snapshot() };
}

/** The label of byte `off` of page `pfn` ("none" where nothing was written or no folio holds it; "zero" for zeros). */
export function labelAt(w: World, pfn: number, off: number): string {
  for (const f of Object.values(w.folios)) {
    if (pfn < f.pfn || pfn >= f.pfn + 2 ** f.order) continue;
    const at = (pfn - f.pfn) * 4096 + off;
    const r = f.data.find((x) => x.at <= at && at < x.at + x.len);
    if (r === undefined) return 'none';
    return r.src === 'zero' ? 'zero' : `${r.src}:${r.off + at - r.at}`;
  }
  return 'none';
}

/** The labels of user bytes [from, from + len). */
export function userImage(w: World, from: number, len: number): string[] {
  const out: string[] = [];
  for (let u = from; u < from + len; u++) out.push(labelAt(w, USER_PAGES[Math.floor(u / 4096)] ?? -1, u % 4096));
  return out;
}

/** The labels of the bytes a list of bio_vecs covers, in order. */
export function vecsImage(w: World, vecs: readonly { page: number | null; offset: number; len: number }[]): string[] {
  const out: string[] = [];
  for (const v of vecs) {
    for (let k = 0; k < v.len; k++) out.push(labelAt(w, (v.page ?? -1) + Math.floor((v.offset + k) / 4096), (v.offset + k) % 4096));
  }
  return out;
}

/** The first index where two images differ, or -1 (kunit's "report the first bad index"). */
export function firstBad(got: readonly string[], want: readonly string[]): number {
  const n = Math.max(got.length, want.length);
  for (let k = 0; k < n; k++) if (got[k] !== want[k]) return k;
  return -1;
}

/** `len` labels of source `src` from offset `off`. */
export function pattern(src: string, off: number, len: number): string[] {
  return Array.from({ length: len }, (_, k) => `${src}:${off + k}`);
}
