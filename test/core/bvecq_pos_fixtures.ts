// Shared set-up for the bvecq position tests: chains written as slot lists, folded through an engine.
import { createEngine, type BvecqMemType, type BvsimEvent, type EngineMode, type StepOutcome, type World } from '../../core/index.ts';

/** A node: its slots as [page, offset, len], how many are allocated, and its mem_type. */
export interface NodeSpec {
  slots: [number | null, number, number][];
  max?: number;
  mem_type?: BvecqMemType;
}

/**
 * Events building a linked chain with ids `base`, `base+1`, ...: the head keeps its allocation
 * reference (the owner's), every later node holds only its link reference.
 */
export function chainEvents(nodes: NodeSpec[], base = 0): BvsimEvent[] {
  const ev: BvsimEvent[] = [];
  nodes.forEach((n, k) => {
    const id = base + k;
    const max = n.max ?? Math.max(n.slots.length, 1);
    ev.push({ type: 'bvecq_alloc_one', bvecq: id, nr_slots: max, max_slots: max, fail: false, mem_type: n.mem_type ?? 'EXTERNAL' });
    n.slots.forEach(([page, offset, len], s) => ev.push({ type: 'bvecq_set_slot', bvecq: id, slot: s, page, offset, len }));
    ev.push({ type: 'bvecq_filled_to', bvecq: id, nr_slots: n.slots.length });
    if (k > 0) ev.push({ type: 'bvecq_append', to: id - 1, add: id });
  });
  return ev;
}

export interface Run {
  outs: StepOutcome[];
  state: World;
  /** The outcome of the last event. */
  last: StepOutcome;
}

function runIn(mode: EngineMode, events: BvsimEvent[], mutants: Record<string, boolean>): Run {
  const engine = createEngine(mode, { mutants });
  const outs = events.map((e) => engine.step(e));
  const last = outs[outs.length - 1];
  if (last === undefined) throw new Error('run: no events');
  return { outs, state: engine.snapshot(), last };
}

/** Runs the events in both engine modes and insists they agree; returns the immutable run. */
export function run(events: BvsimEvent[], mutants: Record<string, boolean> = {}): Run {
  const immutable = runIn('immutable', events, mutants);
  const mutable = runIn('mutable', events, mutants);
  if (JSON.stringify([immutable.outs, immutable.state]) !== JSON.stringify([mutable.outs, mutable.state])) {
    throw new Error('the immutable and mutable engines disagree');
  }
  return immutable;
}

/** `kind.id` of every finding of the run, in order. */
export function findingIds(r: Run): string[] {
  return r.outs.flatMap((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
}

export function pos(r: Run, id: number): [number | null, number, number] {
  const p = r.state.positions[id];
  if (p === undefined) throw new Error(`no position ${id}`);
  return [p.bvecq, p.slot, p.offset];
}

export function refs(r: Run): (number | 'freed')[] {
  return Object.values(r.state.bvecqs).map((q) => (q.freed ? 'freed' : q.ref));
}

export const at = (p: number, bvecq: number | null, slot = 0, offset = 0): BvsimEvent => ({ type: 'bvecq_pos_init', pos: p, bvecq, slot, offset });
