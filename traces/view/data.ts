/**
 * What the HTML viewer embeds: the events with the model's `ret` and findings for each, and
 * checkpoint states every K steps — never a state per step. The page rebuilds the state at
 * any step from the nearest checkpoint by re-applying events (rebuild.ts), so a 100,000-event
 * trace stays a few megabytes. K starts at CHECKPOINT_EVERY and doubles while the checkpoints'
 * JSON would pass the byte budget (a state full of tombstones grows with the trace).
 */
import { canonicalJson, createEngine, type BvsimEvent, type Finding, type ModelOptions, type Ret, type World } from '../../core/index.ts';
import type { DecodedTrace } from '../decode.ts';
import type { TraceError, TraceHeader } from '../format.ts';
import { assignLanes } from '../lanes.ts';

/** The id of the page's `<script type="application/json">` that holds the view data. */
export const DATA_ELEMENT_ID = 'bvsim-data';

export const CHECKPOINT_EVERY = 500;
export const CHECKPOINT_BYTES_MAX = 48 * 1024 * 1024;

export interface ViewStep {
  readonly event: BvsimEvent;
  readonly ret: Ret;
  /** Index into `ViewData.lanes`. */
  readonly lane: number;
  /** The recorded `by`, when it says more than the lane (`io:7` in the device lane). */
  readonly by?: string;
  readonly findings?: readonly Finding[];
  /** An earlier bug halted the run: this event was not applied. */
  readonly halted?: true;
}

export interface ViewFinding extends Finding {
  readonly i: number;
}

export interface ViewData {
  readonly title: string;
  readonly header: TraceHeader;
  /** The mutant flags the model runs with (the header's, plus any the caller added). */
  readonly mutants: Readonly<Record<string, boolean>>;
  readonly lanes: readonly string[];
  readonly steps: readonly ViewStep[];
  readonly checkpointEvery: number;
  /** `checkpoints[c]` is the state after the first `c * checkpointEvery` events. */
  readonly checkpoints: readonly World[];
  readonly findings: readonly ViewFinding[];
  /** A step the model rejected: the view stops before it. */
  readonly error: TraceError | null;
}

export interface ViewDataOptions {
  readonly title: string;
  readonly model: ModelOptions;
  readonly checkpointEvery?: number;
  readonly checkpointBytesMax?: number;
}

export function buildViewData(trace: DecodedTrace, opts: ViewDataOptions): ViewData {
  const budget = opts.checkpointBytesMax ?? CHECKPOINT_BYTES_MAX;
  let every = opts.checkpointEvery ?? CHECKPOINT_EVERY;
  const engine = createEngine('mutable', opts.model);
  const { lanes, laneIndex } = assignLanes(trace.steps.map((s) => s.by));
  const steps: ViewStep[] = [];
  const findings: ViewFinding[] = [];
  let kept: { world: World; bytes: number }[] = [];
  let error: TraceError | null = null;
  for (const [k, step] of trace.steps.entries()) {
    if (k % every === 0) {
      const world = engine.snapshot();
      kept.push({ world, bytes: canonicalJson(world).length });
      // Thinning keeps every other checkpoint, so the kept ones stay at multiples of K.
      while (kept.length > 1 && total(kept) > budget) {
        kept = kept.filter((_, c) => c % 2 === 0);
        every *= 2;
      }
    }
    const out = engine.step(step.event);
    if (out.rejection !== null) {
      error = { line: trace.stepLines[k] ?? 0, message: out.rejection.message, field: `event.${out.rejection.field}` };
      break;
    }
    steps.push(viewStep(step.event, out.ret, laneIndex[k] ?? 0, step.by, out));
    for (const f of out.findings) findings.push({ i: k, ...f });
  }
  // A trace with no steps still has a state to show: the empty one.
  const checkpoints = kept.length > 0 ? kept.map((c) => c.world) : [engine.snapshot()];
  return { title: opts.title, header: trace.header, mutants: opts.model.mutants, lanes, steps, checkpointEvery: every, checkpoints, findings, error };
}

const total = (cs: readonly { bytes: number }[]): number => cs.reduce((s, c) => s + c.bytes, 0);

function viewStep(event: BvsimEvent, ret: Ret, lane: number, by: string | undefined, out: { findings: readonly Finding[]; halted: boolean }): ViewStep {
  return {
    event,
    ret,
    lane,
    ...(by !== undefined && by.startsWith('io:') ? { by } : {}),
    ...(out.findings.length > 0 ? { findings: out.findings } : {}),
    ...(out.halted ? { halted: true as const } : {}),
  };
}
