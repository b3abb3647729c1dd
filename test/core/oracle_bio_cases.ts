// Turns the kernel-computed bio vectors (../shared/vectors/oracle/bio.json, README §4) into
// SPEC events exactly as ../shared/checks/oracle_bio_cli.mjs does, and compares a step's
// outcome and state with the kernel's record the same way. Cases using ops outside SPEC are left out.
import { readFileSync } from 'node:fs';
import type { BvsimEvent, StepOutcome, World } from '../../core/index.ts';

interface OracleBio {
  h: number;
  flags: string[];
  status: number;
  iter: [number, number, number, number];
  vcnt: number;
  max_vecs: number;
  remaining: number;
  cnt: number;
  vecs: [number, number, number][];
}
interface OracleIter {
  i: number;
  type: string;
  count: number;
  iov_offset: number;
  at?: number;
}
interface OracleState {
  bios: OracleBio[];
  iters: OracleIter[];
  folios: [number, number, number][];
  pins: [number, number][];
  dirty: number[];
}
interface OracleOp {
  op: string;
  args?: Record<string, unknown>;
  ret: unknown;
  ev?: { ev: string; bio?: number; status?: number; ok?: boolean; folio?: number; too_big?: boolean }[];
  state: OracleState;
}
export interface OracleCase {
  id: string;
  family: string;
  ops: OracleOp[];
}

export type Expect =
  | null
  | { kind: 'bug' }
  | { kind: 'bio'; state: OracleState; ret: unknown; warned: boolean; endios: Record<number, number[]>; created: number[] };

export interface BuiltCase {
  events: BvsimEvent[];
  expect: Expect[];
}

const FLAGS = ['CLONED', 'CHAIN', 'PAGE_PINNED', 'REFFED'];
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const SHIM_ONLY = new Set(['slab', 'fscript', 'fmax']);
const UNSUPPORTED = new Set(['atomic', 'run_works', 'set_flag', 'set_remaining']);
/** ITER_BVEC arrays get ids from here on, as the checker does. */
const BVEC_BASE = 1000;

export function loadOracleCases(): OracleCase[] {
  const url = new URL('../../../shared/vectors/oracle/bio.json', import.meta.url);
  const data = JSON.parse(readFileSync(url, 'utf8')) as { cases: OracleCase[] };
  return data.cases;
}

export function caseScope(c: OracleCase): 'in' | 'unsupported' {
  return c.ops.some((o) => UNSUPPORTED.has(o.op)) ? 'unsupported' : 'in';
}

/** The page-allocator outcomes an op recorded: the folio got or null; too-large orders take none. */
function allocsOf(op: OracleOp): (number | null)[] {
  return (op.ev ?? []).filter((e) => e.ev === 'folio_alloc' && e.too_big !== true).map((e) => (e.ok === true ? (e.folio ?? null) : null));
}

/** The event for an iterator, extraction or bounce op (families d and e), or null if not one. */
function iterEventOf(op: OracleOp): { ev: BvsimEvent; ret: unknown } | null {
  const a = op.args ?? {};
  const bio = num(a, 'bio');
  const iter = num(a, 'iter');
  const flag = (k: string): boolean => a[k] === 1 || a[k] === true;
  switch (op.op) {
    case 'umap':
      return { ev: { type: 'sim.user_map', runs: a['runs'] as [number, number, number, number][] }, ret: op.ret };
    case 'ufault':
      return { ev: { type: 'sim.user_fault', offset: num(a, 'off') }, ret: op.ret };
    case 'ibvec': {
      const i = retObj(op)['i'] as number;
      return { ev: { type: 'iov_iter_bvec', iter: i, direction: num(a, 'dir'), bvec: BVEC_BASE + i, start: 0, nr_segs: num(a, 'nsegs'), count: num(a, 'count') }, ret: null };
    }
    case 'iubuf':
      return { ev: { type: 'iov_iter_ubuf', iter: retObj(op)['i'] as number, direction: num(a, 'dir'), start: num(a, 'start'), len: num(a, 'len'), nofault: flag('nofault') }, ret: null };
    case 'iadvance':
    case 'irevert':
      return { ev: { type: op.op === 'iadvance' ? 'iov_iter_advance' : 'iov_iter_revert', iter, bytes: num(a, 'n') }, ret: op.ret };
    case 'get_pages':
      return { ev: { type: 'bio_iov_iter_get_pages', bio, iter, maxlen: num(a, 'maxlen'), mem_align_mask: num(a, 'mem_align_mask'), len_align_mask: num(a, 'len_align_mask') }, ret: op.ret };
    case 'release':
      return { ev: { type: 'bio_release_pages', bio, mark_dirty: flag('mark_dirty') }, ret: op.ret };
    case 'bounce':
      return { ev: { type: 'bio_iov_iter_bounce', bio, iter, maxlen: num(a, 'maxlen'), minsize: num(a, 'minsize'), allocs: allocsOf(op) }, ret: op.ret };
    case 'unbounce':
      return { ev: { type: 'bio_iov_iter_unbounce', bio, is_error: flag('is_error'), mark_dirty: flag('mark_dirty') }, ret: op.ret };
    case 'bounce_nr_vecs':
      return { ev: { type: 'bio_iov_bounce_nr_vecs', iter, op: num(a, 'op') }, ret: op.ret };
    case 'vecs_to_alloc':
    case 'npages':
      return { ev: op.op === 'npages' ? { type: 'iov_iter_npages', iter, maxpages: num(a, 'max') } : { type: 'bio_iov_vecs_to_alloc', iter, max: num(a, 'max') }, ret: op.ret };
    case 'alloc_bounce':
      return { ev: { type: 'bio_alloc_bounce_folios', bio, total_len: num(a, 'total_len'), minsize: num(a, 'minsize'), allocs: allocsOf(op) }, ret: op.ret };
    case 'free_folios':
      return { ev: { type: 'bio_free_folios', bio }, ret: op.ret };
    case 'greedy':
      return { ev: { type: 'folio_alloc_greedy', size: num(a, 'size'), minsize: num(a, 'minsize'), allocs: allocsOf(op) }, ret: op.ret };
    case 'align_down':
      return { ev: { type: 'bio_iov_iter_align_down', bio, iter, mask: num(a, 'mask') }, ret: op.ret };
    default:
      return null;
  }
}

const num = (a: Record<string, unknown>, k: string): number => a[k] as number;
const retObj = (op: OracleOp): Record<string, unknown> =>
  op.ret !== null && typeof op.ret === 'object' && !Array.isArray(op.ret) ? (op.ret as Record<string, unknown>) : {};
const END_IO = { rec: 'record', put: 'record_put', none: null } as const;

/** The event for one in-scope op, and its ret to compare (null: not compared). */
function eventOf(op: OracleOp, created: Set<number>): { ev: BvsimEvent; ret: unknown } | 'skip' {
  const a = op.args ?? {};
  const r = retObj(op);
  const bio = num(a, 'bio');
  const h = r['h'] as number;
  const iterEvent = iterEventOf(op);
  if (iterEvent !== null) return iterEvent;
  switch (op.op) {
    case 'mkfolio':
      return { ev: { type: 'folio_alloc', folio: num(a, 'head'), order: num(a, 'order'), pfn: num(a, 'head'), fail: false }, ret: null };
    case 'alloc':
    case 'alloc_for_iter':
    case 'alloc_for_bounce': {
      if ((op.ev ?? []).some((e) => e.ev === 'warn')) return 'skip';
      const b = op.state.bios.find((x) => x.h === h);
      if (r['bio'] !== null) created.add(h);
      return { ev: { type: 'bio_alloc', bio: h, nr_vecs: r['nr_vecs'] as number, opf: num(a, 'opf'), max_vecs: b !== undefined ? b.max_vecs : 0, fail: r['bio'] === null }, ret: null };
    }
    case 'bioinit':
      created.add(h);
      return { ev: { type: 'bio_init', bio: h, table: num(a, 'ntab'), max_vecs: num(a, 'max_vecs'), opf: num(a, 'opf') }, ret: null };
    case 'add_page':
    case '__add_page':
      return { ev: { type: op.op === 'add_page' ? 'bio_add_page' : '__bio_add_page', bio, page: num(a, 'page'), len: num(a, 'len'), offset: num(a, 'off') }, ret: op.ret };
    case 'add_folio':
    case 'add_folio_nofail':
      return { ev: { type: op.op === 'add_folio' ? 'bio_add_folio' : 'bio_add_folio_nofail', bio, folio: num(a, 'folio'), len: num(a, 'len'), offset: num(a, 'off') }, ret: op.ret };
    case 'full':
      return { ev: { type: 'bio_full', bio, len: num(a, 'len') }, ret: op.ret };
    case 'advance':
    case 'advance_iter':
      return { ev: { type: op.op === 'advance' ? 'bio_advance' : 'bio_advance_iter', bio, bytes: num(a, 'bytes') }, ret: op.ret };
    case 'split':
      if (r['err'] === undefined) created.add(h);
      return { ev: { type: 'bio_split', bio, split: h, sectors: num(a, 'sectors'), fail: r['err'] === -12 }, ret: r['err'] ?? 0 };
    case 'trim':
      return { ev: { type: 'bio_trim', bio, offset: num(a, 'offset'), size: num(a, 'size') }, ret: op.ret };
    case 'clone':
      if (r['err'] === undefined) created.add(h);
      return { ev: { type: 'bio_alloc_clone', bio, clone: h, fail: r['err'] !== undefined }, ret: null };
    case 'init_clone':
      created.add(h);
      return { ev: { type: 'bio_init_clone', bio, clone: h }, ret: r['ret'] };
    case 'chain':
      return { ev: { type: 'bio_chain', bio, parent: num(a, 'parent') }, ret: op.ret };
    case 'endio_fn':
      return { ev: { type: 'bio_set_end_io', bio, end_io: END_IO[a['kind'] as keyof typeof END_IO] }, ret: op.ret };
    case 'set_status':
      return { ev: { type: 'bio_set_status', bio, status: num(a, 'status') }, ret: op.ret };
    case 'set_size':
      return { ev: { type: 'bio_set_size', bio, size: num(a, 'size') }, ret: op.ret };
    case 'set_sector':
      return { ev: { type: 'bio_set_sector', bio, sector: num(a, 'sector') }, ret: op.ret };
    case 'endio':
      return { ev: { type: 'bio_endio', bio }, ret: op.ret };
    case 'endio_status':
      return { ev: { type: 'bio_endio', bio, status: num(a, 'status') }, ret: op.ret };
    case 'get':
    case 'put':
    case 'uninit':
      return { ev: { type: `bio_${op.op}`, bio }, ret: op.ret };
    case 'reset':
    case 'reuse':
      return { ev: { type: `bio_${op.op}`, bio, opf: num(a, 'opf') }, ret: op.ret };
    case 'folio_put':
      return { ev: { type: 'folio_put', folio: num(a, 'folio') }, ret: op.ret };
    default:
      throw new Error(`op ${op.op} has no SPEC event`);
  }
}

/** Builds the events of an in-scope case (null when an alloc refusal puts it outside SPEC). */
export function buildCase(c: OracleCase): BuiltCase | null {
  const out: BuiltCase = { events: [], expect: [] };
  const known = new Set<number>();
  const created = new Set<number>();
  const endios: Record<number, number[]> = {};
  for (const op of c.ops) {
    if (op.ret === 'refused' || SHIM_ONLY.has(op.op)) continue;
    if (op.op === 'mkfolio') known.add(num(op.args ?? {}, 'head'));
    if (op.op === 'umap') for (const [head] of op.args?.['runs'] as number[][]) known.add(head ?? -1);
    for (const f of allocsOf(op)) if (f !== null) known.add(f);
    if (op.op === 'ibvec') {
      const bvecs = op.args?.['bvecs'] as [number, number, number][];
      out.events.push({ type: 'bvec_array', bvec: BVEC_BASE + (retObj(op)['i'] as number), bv: bvecs.map(([page, len, offset]) => ({ page, offset, len })) });
      out.expect.push(null);
    }
    if (op.op === 'add_folio' || op.op === 'add_folio_nofail' || op.op === 'folio_put') {
      const f = num(op.args ?? {}, 'folio');
      if (!known.has(f)) {
        known.add(f);
        out.events.push({ type: 'folio_alloc', folio: f, order: 0, pfn: f, fail: false });
        out.expect.push(null);
      }
    }
    const built = eventOf(op, created);
    if (built === 'skip') return null;
    out.events.push(built.ev);
    if (op.ret === 'BUG') {
      out.expect.push({ kind: 'bug' });
      return out;
    }
    for (const e of op.ev ?? []) if (e.ev === 'end_io' && e.bio !== undefined) (endios[e.bio] ??= []).push(e.status ?? 0);
    const warned = (op.ev ?? []).some((e) => e.ev === 'warn');
    out.expect.push({ kind: 'bio', state: op.state, ret: built.ret, warned, endios: structuredClone(endios), created: [...created] });
  }
  return out;
}

/** The first difference between the model's step and the kernel's record, or null. */
export function compareStep(exp: Expect, out: StepOutcome, st: World): string | null {
  if (exp === null) return null;
  const bug = out.findings.some((f) => f.kind === 'bug');
  if (exp.kind === 'bug') return bug ? null : `expected a bug, got ${JSON.stringify(out.findings)}`;
  if (bug || out.rejection !== null) return `unexpected ${JSON.stringify(out.rejection ?? out.findings)}`;
  const warned = out.findings.some((f) => f.kind === 'warn');
  if (warned !== exp.warned) return `warned ${String(warned)} != ${String(exp.warned)}`;
  if (exp.ret !== null && exp.ret !== undefined && JSON.stringify(out.ret) !== JSON.stringify(exp.ret)) {
    return `ret ${JSON.stringify(out.ret)} != ${JSON.stringify(exp.ret)}`;
  }
  for (const b of exp.state.bios) {
    const m = st.bios[b.h];
    if (m === undefined || m.freed) return `bio ${b.h} missing or freed`;
    const got = [m.bi_sector, m.bi_size, m.bi_idx, m.bi_bvec_done, m.bi_vcnt, m.bi_max_vecs, m.remaining, m.cnt, m.status];
    const want = [...b.iter, b.vcnt, b.max_vecs, b.remaining, b.cnt, b.status];
    if (JSON.stringify(got) !== JSON.stringify(want)) return `bios[${b.h}] ${JSON.stringify(got)} != ${JSON.stringify(want)}`;
    const mf = m.flags.filter((x) => FLAGS.includes(x)).sort(byName).join(',');
    const wf = b.flags.filter((x) => FLAGS.includes(x)).sort(byName).join(',');
    if (mf !== wf) return `bios[${b.h}].flags [${mf}] != [${wf}]`;
    const mv = JSON.stringify(m.vecs.map((v) => [v.page, v.len, v.offset]));
    if (mv !== JSON.stringify(b.vecs)) return `bios[${b.h}].vecs ${mv} != ${JSON.stringify(b.vecs)}`;
    if (JSON.stringify(m.end_io_calls) !== JSON.stringify(exp.endios[b.h] ?? [])) return `bios[${b.h}].end_io_calls differ`;
  }
  const live = new Set(exp.state.bios.map((b) => b.h));
  for (const h of exp.created) if (!live.has(h) && st.bios[h]?.freed === false) return `bio ${h} should be gone`;
  for (const [head, , ref] of exp.state.folios) {
    const f = st.folios[head];
    if ((f === undefined || f.freed ? 0 : f.refcount) !== ref) return `folios[${head}].refcount != ${ref}`;
  }
  for (const it of exp.state.iters) {
    const m = st.iters[it.i];
    if (m === undefined) return `no iters[${it.i}]`;
    if (m.count !== it.count || m.iov_offset !== it.iov_offset) return `iters[${it.i}] count/iov_offset ${m.count}/${m.iov_offset} != ${it.count}/${it.iov_offset}`;
    if (it.type === 'bvec' && m.bvec_index !== it.at) return `iters[${it.i}].bvec_index ${String(m.bvec_index)} != ${String(it.at)}`;
  }
  for (const [head, n] of exp.state.pins) if ((st.folios[head]?.pincount ?? 0) !== n) return `folios[${head}].pincount != ${n}`;
  for (const head of exp.state.dirty) if (st.folios[head]?.dirty !== true) return `folios[${head}] not dirty`;
  return null;
}
