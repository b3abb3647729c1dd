// Turns the kernel-computed bio vectors (../shared/vectors/oracle/bio.json, README §4) into
// SPEC events exactly as ../shared/checks/oracle_bio_cli.mjs does, and compares a step's
// outcome and state with the kernel's record the same way. Cases needing part-2 ops are left out.
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
interface OracleState {
  bios: OracleBio[];
  folios: [number, number, number][];
  pins: [number, number][];
  dirty: number[];
}
interface OracleOp {
  op: string;
  args?: Record<string, unknown>;
  ret: unknown;
  ev?: { ev: string; bio?: number; status?: number }[];
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
/** Ops this part of the model covers (SPEC §2 block layer, without the iov_iter-based ones). */
const IN_SCOPE = new Set([
  ...SHIM_ONLY, 'mkfolio', 'alloc', 'bioinit', 'add_page', '__add_page', 'add_folio', 'add_folio_nofail', 'full',
  'advance', 'advance_iter', 'split', 'trim', 'clone', 'init_clone', 'chain', 'endio_fn', 'set_status', 'set_size',
  'set_sector', 'endio', 'endio_status', 'get', 'put', 'uninit', 'reset', 'reuse', 'folio_put',
]);
const UNSUPPORTED = new Set(['atomic', 'run_works', 'set_flag', 'set_remaining']);

export function loadOracleCases(): OracleCase[] {
  const url = new URL('../../../shared/vectors/oracle/bio.json', import.meta.url);
  const data = JSON.parse(readFileSync(url, 'utf8')) as { cases: OracleCase[] };
  return data.cases;
}

export function caseScope(c: OracleCase): 'in' | 'part2' | 'unsupported' {
  if (c.ops.some((o) => UNSUPPORTED.has(o.op))) return 'unsupported';
  return c.ops.every((o) => IN_SCOPE.has(o.op)) ? 'in' : 'part2';
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
  switch (op.op) {
    case 'mkfolio':
      return { ev: { type: 'folio_alloc', folio: num(a, 'head'), order: num(a, 'order'), pfn: num(a, 'head'), fail: false }, ret: null };
    case 'alloc': {
      if ((op.ev ?? []).some((e) => e.ev === 'warn')) return 'skip';
      const b = op.state.bios.find((x) => x.h === h);
      if (r['bio'] !== null) created.add(h);
      return { ev: { type: 'bio_alloc', bio: h, nr_vecs: r['nr_vecs'] as number, opf: num(a, 'opf'), max_vecs: b ? b.max_vecs : 0, fail: r['bio'] === null }, ret: null };
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
      throw new Error(`op ${op.op} is outside this part's scope`);
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
  for (const [head, n] of exp.state.pins) if ((st.folios[head]?.pincount ?? 0) !== n) return `folios[${head}].pincount != ${n}`;
  for (const head of exp.state.dirty) if (st.folios[head]?.dirty !== true) return `folios[${head}] not dirty`;
  return null;
}
