/**
 * Semantic coverage (DESIGN "Campaigns"): which (event type × interesting state) pairs a run
 * reached — a revert that crossed a bvecq node, a short device completion, a parent ended by
 * its last chained child. Each goal is a probe of one step: its event and ret, and the world
 * just before and just after it. A campaign asks the probes as the simulator applies each step
 * (coverageTracker); a finished trace is folded through the model again (coverageOf).
 * Campaigns count goals per run, favour the configs that reach rare ones, and `bvsim check`
 * fails when a required goal is never reached.
 */
import { createEngine, type BvsimEvent, type EventType, type ModelOptions, type Ret, type World } from '../core/index.ts';
import type { TraceStep } from '../traces/index.ts';
import { DIO_GOALS } from './coverage_dio.ts';
import { NETFS_GOALS } from './coverage_netfs.ts';

export interface GoalProbe {
  readonly goal: string;
  readonly about: string;
  /** Reached by the built-in actors within `bvsim check`'s default seed budget: CI requires it. */
  readonly required: boolean;
  /** The event types the probe looks at. */
  readonly types: readonly EventType[] | 'all';
  /** One number read from the world before the step (read only, never kept). */
  readonly before?: (w: World, e: BvsimEvent) => number;
  readonly hit: (w: World, step: ProbeStep, before: number) => boolean;
}

export interface ProbeStep {
  readonly event: BvsimEvent;
  readonly ret: Ret;
}

const NONE = -1;

function numericRet(ret: Ret): number | null {
  return typeof ret === 'number' ? ret : null;
}

/** The bvecq node an iterator or a position is on, or NONE. */
function iterNode(w: World, e: BvsimEvent): number {
  if (!('iter' in e) || typeof e.iter !== 'number') return NONE;
  const it = w.iters[e.iter];
  return it?.iter_type === 'ITER_BVECQ' ? (it.bvecq ?? NONE) : NONE;
}

function posNode(w: World, e: BvsimEvent): number {
  if (!('pos' in e) || typeof e.pos !== 'number') return NONE;
  return w.positions[e.pos]?.bvecq ?? NONE;
}

/** The parent a completing io's bio is chained to, or NONE. */
function chainParent(w: World, e: BvsimEvent): number {
  if (e.type !== 'sim.device_complete') return NONE;
  const bio = w.ios[e.io]?.bio;
  return bio === undefined ? NONE : (w.bios[bio]?.private ?? NONE);
}

const COPIES: readonly EventType[] = ['copy_to_iter', 'copy_from_iter', 'copy_page_to_iter', 'copy_page_from_iter', 'iov_iter_zero'];

export const GOALS: readonly GoalProbe[] = [
  {
    goal: 'alloc.failed',
    about: 'an allocation failed (folio, bio, split, clone or bvecq node)',
    required: true,
    types: 'all',
    hit: (_w, s) => 'fail' in s.event && s.event.fail === true,
  },
  {
    goal: 'device.error',
    about: 'a device completion carried an I/O error',
    required: true,
    types: ['sim.device_complete'],
    hit: (_w, s) => s.event.type === 'sim.device_complete' && s.event.error !== 0,
  },
  {
    goal: 'device.short',
    about: 'a short device completion: part of a bio done, the rest still in flight',
    required: true,
    types: ['sim.device_complete'],
    hit: (w, s) => s.event.type === 'sim.device_complete' && s.event.error === 0 && w.ios[s.event.io]?.freed === false,
  },
  {
    goal: 'bio_chain.three_children',
    about: 'a parent bio with three chained children in flight at once (__bi_remaining >= 4)',
    required: true,
    types: ['bio_chain'],
    hit: (w, s) => s.event.type === 'bio_chain' && (w.bios[s.event.parent]?.remaining ?? 0) >= 4,
  },
  {
    goal: 'bio_chain.parent_ended_by_child',
    about: "a chained parent completed by its last child's completion",
    required: true,
    types: ['sim.device_complete'],
    before: (w, e) => {
      const parent = chainParent(w, e);
      return parent === NONE ? NONE : (w.bios[parent]?.end_io_calls.length ?? NONE);
    },
    hit: (w, s, before) => before !== NONE && (w.bios[chainParent(w, s.event)]?.end_io_calls.length ?? 0) > before,
  },
  {
    goal: 'bio_chain.child_error_to_parent',
    about: "a chained child's I/O error became its parent's status",
    required: false,
    types: ['sim.device_complete'],
    before: (w, e) => {
      const parent = chainParent(w, e);
      return parent === NONE ? NONE : (w.bios[parent]?.status ?? NONE);
    },
    hit: (w, s, before) => before === 0 && (w.bios[chainParent(w, s.event)]?.status ?? 0) !== 0,
  },
  {
    goal: 'bio_add.refused',
    about: 'a bio refused a page or folio (full, or past its size limit)',
    required: true,
    types: ['bio_add_page', 'bio_add_folio'],
    hit: (_w, s) => s.ret === false || s.ret === 0,
  },
  {
    goal: 'copy.short',
    about: 'a copy or zeroing through an iterator came up short',
    required: false,
    types: COPIES,
    hit: (_w, s) => 'bytes' in s.event && (numericRet(s.ret) ?? s.event.bytes) < s.event.bytes,
  },
  {
    goal: 'iov_iter_revert.crossed_node',
    about: 'an ITER_BVECQ revert that crossed back into an earlier bvecq node',
    required: false,
    types: ['iov_iter_revert'],
    before: iterNode,
    hit: (w, s, before) => before !== NONE && iterNode(w, s.event) !== before,
  },
  {
    goal: 'iov_iter_advance.crossed_node',
    about: 'an ITER_BVECQ advance that moved on to another bvecq node',
    required: false,
    types: ['iov_iter_advance'],
    before: iterNode,
    hit: (w, s, before) => before !== NONE && iterNode(w, s.event) !== before,
  },
  {
    goal: 'bvecq_slice.ended_at_node_end',
    about: 'a bvecq slice that ended exactly at the end of a node',
    required: false,
    types: ['bvecq_slice'],
    before: posNode,
    hit: (w, s, before) => {
      if (!('pos' in s.event) || typeof s.event.pos !== 'number') return false;
      const p = w.positions[s.event.pos];
      if (p === undefined || p.bvecq === null || p.offset !== 0) return false;
      const node = w.bvecqs[p.bvecq];
      return (p.slot === 0 && p.bvecq !== before) || (node !== undefined && node.next === null && p.slot === node.nr_slots);
    },
  },
  {
    goal: 'bvecq_pos.crossed_node',
    about: 'a bvecq position advanced, stepped or nudged onto another node',
    required: false,
    types: ['bvecq_pos_advance', 'bvecq_pos_step', 'bvecq_pos_nudge'],
    before: posNode,
    hit: (w, s, before) => before !== NONE && posNode(w, s.event) !== before,
  },
  ...DIO_GOALS,
  ...NETFS_GOALS,
];

export const REQUIRED_GOALS: readonly string[] = GOALS.filter((g) => g.required).map((g) => g.goal);

function probesByType(): ReadonlyMap<string, readonly GoalProbe[]> {
  const map = new Map<string, GoalProbe[]>();
  for (const p of GOALS) {
    for (const t of p.types === 'all' ? ['*'] : p.types) map.set(t, [...(map.get(t) ?? []), p]);
  }
  return map;
}

const BY_TYPE = probesByType();

/**
 * Counts the goals of a run as its steps are applied: `before` just ahead of each event,
 * `after` once it is applied (a sim StepObserver). A probe stops being asked once its goal
 * is reached; the lists are reused from step to step, as this runs for every campaign event.
 */
export interface CoverageTracker {
  before(w: World, e: BvsimEvent): void;
  after(w: World, e: BvsimEvent, ret: Ret): void;
  /** The goals reached so far, sorted. */
  goals(): string[];
}

const ALWAYS = BY_TYPE.get('*') ?? [];

export function coverageTracker(): CoverageTracker {
  const reached = new Set<string>();
  // The probes asked at this step and their before() answers: the first `n` entries, written
  // over at each step (emptying a list with `length = 0` drops its storage, to be grown again).
  const asked: GoalProbe[] = [];
  const befores: number[] = [];
  let n = 0;
  const ask = (probes: readonly GoalProbe[], w: World, e: BvsimEvent): void => {
    for (const p of probes) {
      if (reached.has(p.goal)) continue;
      asked[n] = p;
      befores[n++] = p.before === undefined ? 0 : p.before(w, e);
    }
  };
  return {
    before(w, e) {
      n = 0;
      ask(ALWAYS, w, e);
      ask(BY_TYPE.get(e.type) ?? [], w, e);
    },
    after(w, e, ret) {
      if (n === 0) return;
      const step: ProbeStep = { event: e, ret };
      for (let k = 0; k < n; k++) {
        const p = asked[k];
        if (p !== undefined && p.hit(w, step, befores[k] ?? 0)) reached.add(p.goal);
      }
    },
    goals: () => [...reached].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

/** The goals a trace reaches, sorted; folding stops at a step the model rejects. */
export function coverageOf(steps: readonly TraceStep[], model: ModelOptions): string[] {
  const engine = createEngine('mutable', model);
  const tracker = coverageTracker();
  for (const step of steps) {
    tracker.before(engine.peek(), step.event);
    const out = engine.step(step.event);
    if (out.rejection !== null) break;
    tracker.after(engine.peek(), step.event, out.ret);
  }
  return tracker.goals();
}

/** Whether `goal` is rare so far: reached by at most 1 run in 1000 (and at most 3 times early on). */
export function isRareGoal(goal: string, counts: Readonly<Record<string, number>>, runs: number): boolean {
  return (counts[goal] ?? 0) <= Math.max(3, Math.floor(runs / 1000));
}

/** Goals of the catalogue no run reached, in catalogue order. */
export function goalsNeverReached(counts: Readonly<Record<string, number>>): string[] {
  return GOALS.map((g) => g.goal).filter((g) => (counts[g] ?? 0) === 0);
}
