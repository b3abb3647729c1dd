/**
 * Replay throughput: a workload's events folded through replayTrace in one engine mode,
 * with no decoding and no output, so the figure is the engine plus the replay loop.
 */
import { DEFAULT_OPTIONS, type BvsimEvent, type EngineMode } from '../../core/index.ts';
import { replayTrace, TRACE_FORMAT, TRACE_VERSION, type DecodedTrace } from '../../traces/index.ts';

export interface ThroughputResult {
  readonly mode: EngineMode;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly findings: number;
}

export function asTrace(events: readonly BvsimEvent[]): DecodedTrace {
  return {
    header: { format: TRACE_FORMAT, version: TRACE_VERSION, model: null, seed: null, config: {} },
    steps: events.map((event, i) => ({ i, event })),
    footer: null,
    stepLines: events.map((_, i) => i + 2),
    footerLine: null,
  };
}

/** `eventChecks: false` measures the engine without the per-event checkers (ModelOptions). */
export function measureReplay(trace: DecodedTrace, mode: EngineMode, now: () => number, eventChecks = true): ThroughputResult {
  const t0 = now();
  const r = replayTrace(trace, { model: eventChecks ? DEFAULT_OPTIONS : { ...DEFAULT_OPTIONS, eventChecks }, mode });
  const seconds = (now() - t0) / 1000;
  if (r.error !== null) throw new Error(`workload rejected at line ${r.error.line}: ${r.error.message}`);
  return { mode, events: r.stepsRun, seconds, eventsPerSecond: r.stepsRun / seconds, findings: r.findings.length };
}
