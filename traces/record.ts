/**
 * Recording: folds events through the model and writes down what it said, so the trace
 * replays to the same `ret`s and digests. Used by the simulator to write runs and by tests
 * to make traces with known-good recordings.
 */
import { createEngine, resolveMutants, type BvsimEvent, type EngineMode, type Finding } from '../core/index.ts';
import { DIGEST_EVERY, TRACE_FORMAT, TRACE_VERSION, type Trace, type TraceHeader, type TraceStep } from './format.ts';

export interface RecordOptions {
  readonly model?: string | null;
  readonly seed?: string | null;
  readonly config?: Record<string, unknown>;
  /** Mutant flags or groups; named in the header so replay turns them on too. */
  readonly mutants?: readonly string[];
  readonly mode?: EngineMode;
}

/** Why a list of events cannot become a trace: the model rejected event `i`, or a mutant is unknown. */
export interface RecordError {
  readonly i: number | null;
  readonly field: string;
  readonly message: string;
}

export type Recorded = { ok: true; trace: Trace } | { ok: false; error: RecordError };

export function recordTrace(events: readonly BvsimEvent[], opts: RecordOptions = {}): Recorded {
  const names = [...(opts.mutants ?? [])];
  const mutants = resolveMutants(names);
  if ('unknown' in mutants) return { ok: false, error: { i: null, field: 'mutants', message: `unknown mutant "${mutants.unknown}"` } };
  const engine = createEngine(opts.mode ?? 'immutable', { mutants: mutants.flags });
  const steps: TraceStep[] = [];
  const findings: Finding[] = [];
  for (const [i, event] of events.entries()) {
    const out = engine.step(event);
    if (out.rejection !== null) return { ok: false, error: { i, ...out.rejection } };
    const step: TraceStep = { i, event, ret: out.ret };
    if ((i + 1) % DIGEST_EVERY === 0 || i === events.length - 1) step.digest = engine.digest();
    if (out.findings.length > 0) step.findings = [...out.findings];
    findings.push(...out.findings);
    steps.push(step);
  }
  const header: TraceHeader = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: opts.model ?? null,
    seed: opts.seed ?? null,
    config: opts.config ?? {},
  };
  if (names.length > 0) header.mutants = names;
  return { ok: true, trace: { header, steps, footer: { end: true, events: steps.length, findings, digest: engine.digest() } } };
}
