/**
 * Replay: the engine folded over a trace's events, with no simulator and no PRNG. Recorded
 * `ret`s and digests are compared as the fold goes; the first difference is a divergence.
 * A step the model rejects (an id never created, ...) is a trace error naming its line.
 */
import {
  canonicalJson,
  createEngine,
  type BvsimEvent,
  type EngineMode,
  type Finding,
  type ModelOptions,
  type Ret,
  type World,
} from '../core/index.ts';
import type { Wrap } from '../core/kernel_int.ts';
import type { DecodedTrace } from './decode.ts';
import type { TraceError } from './format.ts';

export interface ReplayStepReport {
  readonly i: number;
  readonly line: number;
  readonly event: BvsimEvent;
  readonly ret: Ret;
  readonly findings: readonly Finding[];
  readonly wraps: readonly Wrap[];
  readonly halted: boolean;
  /** Present when the caller asked for states. */
  readonly state?: World;
}

export interface Divergence {
  readonly i: number;
  readonly line: number;
  readonly what: 'ret' | 'digest';
  readonly expected: string;
  readonly got: string;
}

export interface ReplayResult {
  readonly stepsRun: number;
  readonly findings: readonly Finding[];
  readonly divergence: Divergence | null;
  readonly error: TraceError | null;
  readonly digest: string;
}

export interface ReplayOptions {
  readonly model: ModelOptions;
  readonly mode: EngineMode;
  /** Stop after step `until` (inclusive). */
  readonly until?: number;
  readonly wantState?: boolean;
  readonly onStep?: (r: ReplayStepReport) => void;
}

export function replayTrace(trace: DecodedTrace, opts: ReplayOptions): ReplayResult {
  const engine = createEngine(opts.mode, opts.model);
  const findings: Finding[] = [];
  let stepsRun = 0;
  for (const [k, step] of trace.steps.entries()) {
    if (opts.until !== undefined && step.i > opts.until) break;
    const line = trace.stepLines[k] ?? 0;
    const out = engine.step(step.event);
    stepsRun++;
    if (out.rejection !== null) {
      const error = { line, message: out.rejection.message, field: `event.${out.rejection.field}` };
      return { stepsRun, findings, divergence: null, error, digest: engine.digest() };
    }
    findings.push(...out.findings);
    const report: ReplayStepReport = {
      i: step.i,
      line,
      event: step.event,
      ret: out.ret,
      findings: out.findings,
      wraps: out.wraps,
      halted: out.halted,
      ...(opts.wantState === true ? { state: engine.snapshot() } : {}),
    };
    opts.onStep?.(report);
    const divergence = compareStep(step.ret, step.digest, out.ret, () => engine.digest(), step.i, line);
    if (divergence !== null) return { stepsRun, findings, divergence, error: null, digest: engine.digest() };
  }
  return { stepsRun, findings, divergence: null, error: null, digest: engine.digest() };
}

function compareStep(
  wantRet: Ret | undefined,
  wantDigest: string | undefined,
  ret: Ret,
  digest: () => string,
  i: number,
  line: number,
): Divergence | null {
  if (wantRet !== undefined) {
    const a = canonicalJson(wantRet);
    const b = canonicalJson(ret);
    if (a !== b) return { i, line, what: 'ret', expected: a, got: b };
  }
  if (wantDigest !== undefined) {
    const got = digest();
    if (got !== wantDigest) return { i, line, what: 'digest', expected: wantDigest, got };
  }
  return null;
}
