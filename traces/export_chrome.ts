/**
 * A trace as Chrome trace events (the JSON that Perfetto and chrome://tracing open). Time
 * is the step index, one microsecond per step. Each lane — actor, the block device, the
 * simulator — is a thread with a one-step slice per event; each device operation is an
 * async slice from its `submit_bio` to the `sim.device_complete` that finishes it, with a
 * flow arrow between the two; folio and bvecq ref counts, bio chain counts and iterator
 * counts are counter tracks; findings are instant events. The model is re-run in immutable
 * mode so unchanged tables and objects keep their identity and counters cost little.
 */
import { createEngine, type BvsimEvent, type ModelOptions, type World } from '../core/index.ts';
import type { DecodedTrace } from './decode.ts';
import type { TraceError } from './format.ts';
import { DEVICE_LANE, assignLanes } from './lanes.ts';

export interface ChromeEvent {
  name: string;
  ph: 'X' | 'b' | 'n' | 'e' | 's' | 'f' | 'C' | 'i' | 'M';
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  dur?: number;
  id?: number;
  s?: 'g' | 't';
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface ChromeExport {
  /** Process and thread names: every part of a split export repeats them. */
  readonly metadata: readonly ChromeEvent[];
  readonly events: readonly ChromeEvent[];
  readonly error: TraceError | null;
}

export const THREADS_PID = 1;
export const COUNTERS_PID = 2;

/** Counter tracks: which objects, and which of their fields. */
const COUNTERS = [
  { table: 'folios', label: 'folio', fields: ['refcount', 'pincount'] },
  { table: 'bvecqs', label: 'bvecq', fields: ['ref'] },
  { table: 'bios', label: 'bio', fields: ['remaining', 'cnt'] },
  { table: 'iters', label: 'iter', fields: ['count'] },
] as const;

interface Flight {
  readonly name: string;
  readonly tid: number;
}

export function buildChromeExport(trace: DecodedTrace, opts: { title: string; model: ModelOptions }): ChromeExport {
  const { lanes, laneIndex } = assignLanes(trace.steps.map((s) => s.by));
  if (!lanes.includes(DEVICE_LANE) && trace.steps.some((s) => s.event.type === 'submit_bio')) lanes.push(DEVICE_LANE);
  const deviceTid = lanes.indexOf(DEVICE_LANE) + 1;
  const engine = createEngine('immutable', opts.model);
  const events: ChromeEvent[] = [];
  const flights = new Map<number, Flight>();
  const counters = new Map<string, string>();
  let error: TraceError | null = null;
  for (const [k, step] of trace.steps.entries()) {
    const before = engine.peek();
    const out = engine.step(step.event);
    if (out.rejection !== null) {
      error = { line: trace.stepLines[k] ?? 0, message: out.rejection.message, field: `event.${out.rejection.field}` };
      break;
    }
    const tid = (laneIndex[k] ?? 0) + 1;
    const args: Record<string, unknown> = { event: step.event, ret: out.ret, ...(step.by !== undefined ? { by: step.by } : {}), ...(out.halted ? { halted: true } : {}) };
    events.push({ name: step.event.type, cat: 'event', ph: 'X', ts: k, dur: 1, pid: THREADS_PID, tid, args });
    events.push(...ioEvents(step.event, k, { tid, deviceTid, after: engine.peek(), flights }));
    for (const f of out.findings) {
      events.push({ name: `${f.kind} ${f.id}`, cat: 'finding', ph: 'i', s: f.kind === 'bug' ? 'g' : 't', ts: k, pid: THREADS_PID, tid, args: { detail: f.detail } });
    }
    events.push(...counterEvents(before, engine.peek(), k, counters));
  }
  const end = error === null ? trace.steps.length : events.reduce((m, e) => Math.max(m, e.ts + 1), 0);
  for (const [io, fl] of flights) events.push({ name: fl.name, cat: 'io', ph: 'e', id: io, ts: end, pid: THREADS_PID, tid: fl.tid, args: { unfinished: true } });
  return { metadata: metadataEvents(opts.title, lanes), events, error };
}

function metadataEvents(title: string, lanes: readonly string[]): ChromeEvent[] {
  const m = (name: string, pid: number, tid: number, args: Record<string, unknown>): ChromeEvent => ({ name, ph: 'M', ts: 0, pid, tid, args });
  return [
    m('process_name', THREADS_PID, 0, { name: `bvsim ${title}` }),
    m('process_name', COUNTERS_PID, 0, { name: 'bvsim state counters' }),
    ...lanes.flatMap((lane, k) => [m('thread_name', THREADS_PID, k + 1, { name: lane }), m('thread_sort_index', THREADS_PID, k + 1, { sort_index: k })]),
  ];
}

interface IoContext {
  readonly tid: number;
  readonly deviceTid: number;
  readonly after: World;
  readonly flights: Map<number, Flight>;
}

/** The async slice and flow of a device operation: begun by submit_bio, ended by the completion that finishes it. */
function ioEvents(e: BvsimEvent, k: number, c: IoContext): ChromeEvent[] {
  if (e.type === 'submit_bio') {
    if (c.after.ios[e.io] === undefined || c.flights.has(e.io)) return [];
    const name = `io ${e.io} (bio ${e.bio})`;
    c.flights.set(e.io, { name, tid: c.deviceTid });
    return [
      { name, cat: 'io', ph: 'b', id: e.io, ts: k, pid: THREADS_PID, tid: c.deviceTid, args: { bio: e.bio, bytes: c.after.bios[e.bio]?.bi_size ?? null } },
      { name: 'submit → complete', cat: 'io', ph: 's', id: e.io, ts: k, pid: THREADS_PID, tid: c.tid },
    ];
  }
  if (e.type !== 'sim.device_complete') return [];
  const fl = c.flights.get(e.io);
  if (fl === undefined) return [];
  const args = { bytes: e.bytes, error: e.error };
  if (c.after.ios[e.io]?.freed !== true) return [{ name: fl.name, cat: 'io', ph: 'n', id: e.io, ts: k, pid: THREADS_PID, tid: fl.tid, args }];
  c.flights.delete(e.io);
  return [
    { name: fl.name, cat: 'io', ph: 'e', id: e.io, ts: k + 1, pid: THREADS_PID, tid: fl.tid, args },
    { name: 'submit → complete', cat: 'io', ph: 'f', bp: 'e', id: e.io, ts: k, pid: THREADS_PID, tid: c.tid },
  ];
}

/**
 * Counter samples for the objects whose counted fields changed in this step. Immutable
 * snapshots share unchanged tables and objects, so only changed ones are looked at.
 */
function counterEvents(before: World, after: World, k: number, last: Map<string, string>): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  for (const spec of COUNTERS) {
    const a: Readonly<Record<string, unknown>> = before[spec.table];
    const b: Readonly<Record<string, unknown>> = after[spec.table];
    if (a === b) continue;
    for (const id of Object.keys(b)) {
      const obj = b[id];
      if (obj === a[id] || obj === null || typeof obj !== 'object') continue;
      const fields = obj as Readonly<Record<string, unknown>>;
      const args = Object.fromEntries(spec.fields.map((f) => [f, fields[f]]));
      const name = `${spec.label} ${id}`;
      const key = JSON.stringify(args);
      if (last.get(name) === key) continue;
      last.set(name, key);
      out.push({ name, cat: 'counter', ph: 'C', ts: k, pid: COUNTERS_PID, tid: 0, args });
    }
  }
  return out;
}
