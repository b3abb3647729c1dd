// The kernel-computed bvecq_pos vectors, every case through both engine modes: `after` with no
// mutant (netfs tree 05662182) and `buggy_after` with the bvecq_pos_v1 group (d8286849).
import { describe, expect, it } from 'vitest';
import { createEngine, resolveMutants, type Engine, type EngineMode, type StepOutcome, type World } from '../../core/index.ts';
import { BUG_ID, cases, opEvent, setupEvents, trackedPages, WARN_ID, type VAfter, type VCase, type VState, type VUndefined } from './bvecq_pos_oracle_cases.ts';

const V1 = resolveMutants(['bvecq_pos_v1']);
if ('unknown' in V1) throw new Error('bvecq_pos_v1 group missing');

function flagsWithout(name: string | null): Record<string, boolean> {
  if (!('flags' in V1)) return {};
  const flags = { ...V1.flags };
  if (name !== null) delete flags[name];
  return flags;
}

type Expected = VAfter | VUndefined;

/** The first difference between the model's state and a vector state, or null. */
function stateDiff(w: VState & { lens?: (number[] | null)[] }, st: World): string | null {
  for (const [name, id] of [['A', 0], ['B', 1]] as const) {
    const p = st.positions[id];
    const mine = p && p.bvecq !== null ? { node: p.bvecq, slot: p.slot, offset: p.offset } : null;
    if (JSON.stringify(mine) !== JSON.stringify(w[name])) return `position ${name} ${JSON.stringify(mine)} != ${JSON.stringify(w[name])}`;
  }
  for (let i = 0; i < w.freed.length; i++) {
    const q = st.bvecqs[i];
    if (q === undefined) return `no bvecq ${i}`;
    if (q.freed !== w.freed[i]) return `bvecq ${i} freed ${q.freed}`;
    if (q.freed) continue;
    const mine = [q.ref, q.nr_slots, q.next, q.prev];
    const want = [w.refs[i], w.nr_slots[i], w.next[i], w.prev[i]];
    if (JSON.stringify(mine) !== JSON.stringify(want)) return `bvecq ${i} [ref,nr_slots,next,prev] ${JSON.stringify(mine)} != ${JSON.stringify(want)}`;
    const lens = w.lens?.[i];
    if (lens) {
      const got = q.bv.slice(0, lens.length).map((b) => b.len);
      if (JSON.stringify(got) !== JSON.stringify(lens)) return `bvecq ${i} lens ${JSON.stringify(got)} != ${JSON.stringify(lens)}`;
    }
  }
  return null;
}

function findingsDiff(a: Expected, out: StepOutcome): string | null {
  const warns = [...new Set(out.findings.filter((f) => f.kind === 'warn').map((f) => f.id))];
  const wantWarns = [...new Set(a.warn_sites.map((s) => WARN_ID[s] ?? s))];
  if (JSON.stringify(warns) !== JSON.stringify(wantWarns)) return `warns ${JSON.stringify(warns)} != ${JSON.stringify(wantWarns)}`;
  const bugs = out.findings.filter((f) => f.kind === 'bug').map((f) => f.id);
  const wantBugs = 'undefined' in a ? [BUG_ID[a.undefined] ?? a.undefined] : [];
  if (JSON.stringify(bugs) !== JSON.stringify(wantBugs)) return `bugs ${JSON.stringify(bugs)} != ${JSON.stringify(wantBugs)}`;
  return null;
}

function freedNow(before: World, after: World): number[] {
  return Object.keys(after.bvecqs)
    .map(Number)
    .filter((i) => after.bvecqs[i]?.freed === true && before.bvecqs[i]?.freed !== true);
}

/** Runs one case; returns the first mismatch as text, or null when every step matches. */
function runCase(c: VCase, mode: EngineMode, buggy: boolean, mutants: Record<string, boolean>): string | null {
  const engine = createEngine(mode, { mutants });
  for (const e of setupEvents(c, false)) {
    const out = engine.step(e);
    if (out.rejection !== null || out.findings.length > 0) return `setup ${e.type}: ${JSON.stringify(out)}`;
  }
  const init = stateDiff(c.init, engine.snapshot());
  if (init !== null) return `init: ${init}`;
  for (const [k, op] of c.ops.entries()) {
    const a = buggy ? op.buggy_after : op.after;
    if (a === null) break;
    const before = engine.snapshot();
    const out = engine.step(opEvent(op));
    const why = stepDiff(a, out, before, engine);
    if (why !== null) return `op ${k} (${op.op}): ${why}`;
    if ('undefined' in a) break;
  }
  return null;
}

function stepDiff(a: Expected, out: StepOutcome, before: World, engine: Engine): string | null {
  if (out.rejection !== null) return `rejected: ${out.rejection.message}`;
  const f = findingsDiff(a, out);
  if (f !== null || 'undefined' in a) return f;
  if (JSON.stringify(out.ret) !== JSON.stringify(a.ret)) return `ret ${JSON.stringify(out.ret)} != ${JSON.stringify(a.ret)}`;
  const st = engine.snapshot();
  const freed = freedNow(before, st);
  if (JSON.stringify(freed) !== JSON.stringify([...a.freed_now].sort((x, y) => x - y))) return `freed_now ${JSON.stringify(freed)} != ${JSON.stringify(a.freed_now)}`;
  return stateDiff(a, st);
}

const modes: EngineMode[] = ['immutable', 'mutable'];

describe('bvecq_pos oracle vectors (netfs tree 05662182)', () => {
  for (const mode of modes) {
    it.each(cases.map((c) => [c.id, c] as const))(`should match case %i in ${mode} mode`, (_id, c) => {
      expect(runCase(c, mode, false, {})).toBeNull();
    });
  }
});

describe('bvecq_pos oracle vectors, older revision (--mutant bvecq_pos_v1, d8286849)', () => {
  for (const mode of modes) {
    it.each(cases.map((c) => [c.id, c] as const))(`should match buggy_after of case %i in ${mode} mode`, (_id, c) => {
      expect(runCase(c, mode, true, flagsWithout(null))).toBeNull();
    });
  }

  it.each(['bvecq_pos_advance_inverted', 'bvecq_pos_step_off_by_one', 'bvecq_pos_nudge_no_recheck', 'bvecq_zero_slice_walk', 'bvecq_delete_spent_stale_slot', 'bvecq_shorten_keeps_empty_slot'])(
    'should need the flag %s to reproduce buggy_after',
    (flag) => {
      const broken = cases.filter((c) => runCase(c, 'mutable', true, flagsWithout(flag)) !== null);
      expect(broken.length).toBeGreaterThan(0);
    },
  );
});

/** Folio refcount, pool and provenance the vectors' page_ops and zeroed ranges imply. */
function pagesDiff(c: VCase, expectPages: Map<number, { refs: number; pool: number; zero: [number, number][] }>, st: World): string | null {
  for (const [pfn, want] of expectPages) {
    const f = st.folios[pfn];
    if (f === undefined) return `no folio ${pfn}`;
    if (f.refcount !== want.refs || f.baseline_refs !== want.pool) return `folio ${pfn} refcount/pool ${f.refcount}/${f.baseline_refs} != ${want.refs}/${want.pool}`;
    const runs = f.data.map((r) => [r.at, r.at + r.len]);
    if (f.data.some((r) => r.src !== 'zero') || JSON.stringify(runs) !== JSON.stringify(want.zero)) return `folio ${pfn} data ${JSON.stringify(f.data)} != zero ${JSON.stringify(want.zero)}`;
  }
  return null;
}

function addZero(list: [number, number][], from: number, to: number): [number, number][] {
  const all = [...list, [from, to] as [number, number]].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function applyPageOps(c: VCase, a: VAfter, pages: Map<number, { refs: number; pool: number; zero: [number, number][] }>): void {
  for (const [kind, page] of a.page_ops) {
    const p = pages.get(page);
    if (p === undefined) continue; // a GUP page: not tracked here
    if (kind === 'mempool_free_page') p.pool += 1;
    else p.refs -= 1;
  }
  for (const [node, slot, off, len] of a.zeroed ?? []) {
    const sl = c.chain[node]?.slots[slot];
    if (sl === undefined || sl.page === null) continue;
    for (let at = sl.bv_offset + off, left = len; left > 0; ) {
      const pfn = sl.page + Math.floor(at / 4096);
      const inPage = at % 4096;
      const part = Math.min(left, 4096 - inPage);
      const p = pages.get(pfn);
      if (p !== undefined) p.zero = addZero(p.zero, inPage, inPage + part);
      at += part;
      left -= part;
    }
  }
}

function runPages(c: VCase, buggy: boolean, mutants: Record<string, boolean>): string | null {
  const engine = createEngine('immutable', { mutants });
  for (const e of setupEvents(c, true)) if (engine.step(e).rejection !== null) return `setup ${e.type} rejected`;
  const pages = new Map(trackedPages(c).map((p) => [p, { refs: 2, pool: 0, zero: [] as [number, number][] }]));
  for (const [k, op] of c.ops.entries()) {
    const a = buggy ? op.buggy_after : op.after;
    if (a === null || 'undefined' in a) break;
    engine.step(opEvent(op));
    applyPageOps(c, a, pages);
    const why = pagesDiff(c, pages, engine.snapshot());
    if (why !== null) return `op ${k} (${op.op}): ${why}`;
  }
  return null;
}

describe('bvecq_free_slot and bvec_zero against the vectors\' page_ops and zeroed ranges', () => {
  it.each(cases.map((c) => [c.id, c] as const))('should release and clear the pages of case %i as the kernel did', (_id, c) => {
    expect(runPages(c, false, {})).toBeNull();
    expect(runPages(c, true, flagsWithout(null))).toBeNull();
  });

  it('should need bvecq_free_slot_page_pool for the older revision\'s page pool returns', () => {
    const broken = cases.filter((c) => runPages(c, true, flagsWithout('bvecq_free_slot_page_pool')) !== null);
    expect(broken.length).toBeGreaterThan(0);
  });
});
