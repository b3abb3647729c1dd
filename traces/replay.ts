/**
 * Replay: the engine folded over a trace's events, with no simulator and no PRNG. Recorded
 * `ret`s and digests (per step, and the footer's final digest) are compared as the fold
 * goes; the first difference is a divergence. A step the model rejects (an id never
 * created, ...) is a trace error naming its line.
 */
import {
  canonicalJson,
  createEngine,
  type BvsimEvent,
  type EngineMode,
  type Finding,
  type kernel,
  type ModelOptions,
  type Ret,
  type World,
} from '../core/index.ts';
import type { DecodedTrace } from './decode.ts';
import type { TraceError } from './format.ts';

export interface ReplayStepReport {
  readonly i: number;
  readonly line: number;
  readonly event: BvsimEvent;
  readonly ret: Ret;
  readonly findings: readonly Finding[];
  readonly wraps: readonly kernel.Wrap[];
  readonly halted: boolean;
  /** Present when the caller asked for states. */
  readonly state?: World;
}

export interface Divergence {
  /** The step index; for the footer digest, the number of steps. */
  readonly i: number;
  readonly line: number;
  readonly what: 'ret' | 'digest' | 'final digest';
  readonly expected: string;
  readonly got: string;
}

export interface ReplayResult {
  readonly stepsRun: number;
  readonly findings: readonly Finding[];
  readonly divergence: Divergence | null;
  readonly error: TraceError | null;
  /** The digest of the state where replay stopped; computed on demand, as it walks the whole state. */
  digest(): string;
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
  // The last step's digest, the footer's and the result's are of one state: hash it once.
  let memo = { count: -1, value: '' };
  const digest = (): string => {
    if (memo.count !== engine.count) memo = { count: engine.count, value: engine.digest() };
    return memo.value;
  };
  const result = (divergence: Divergence | null, error: TraceError | null): ReplayResult => ({
    stepsRun: engine.count,
    findings,
    divergence,
    error,
    digest,
  });
  // Index loops, and no per-step objects on the common path: a million-event replay feels
  // every allocation as garbage collection.
  for (let k = 0; k < trace.steps.length; k++) {
    const step = trace.steps[k];
    if (step === undefined) break;
    if (opts.until !== undefined && step.i > opts.until) return result(null, null);
    const line = trace.stepLines[k] ?? 0;
    const out = engine.step(step.event);
    if (out.rejection !== null) {
      return result(null, { line, message: out.rejection.message, field: `event.${out.rejection.field}` });
    }
    for (let j = 0; j < out.findings.length; j++) findings.push(out.findings[j] as Finding);
    opts.onStep?.({
      i: step.i,
      line,
      event: step.event,
      ret: out.ret,
      findings: out.findings,
      wraps: out.wraps,
      halted: out.halted,
      ...(opts.wantState === true ? { state: engine.snapshot() } : {}),
    });
    if (step.ret === undefined && step.digest === undefined) continue;
    const divergence = compareStep(step.ret, step.digest, out.ret, digest, { i: step.i, line });
    if (divergence !== null) return result(divergence, null);
  }
  return result(compareFooter(trace, digest), null);
}

function compareStep(
  wantRet: Ret | undefined,
  wantDigest: string | undefined,
  ret: Ret,
  digest: () => string,
  at: { i: number; line: number },
): Divergence | null {
  if (wantRet !== undefined) {
    const a = canonicalJson(wantRet);
    const b = canonicalJson(ret);
    if (a !== b) return { ...at, what: 'ret', expected: a, got: b };
  }
  if (wantDigest !== undefined) {
    const got = digest();
    if (got !== wantDigest) return { ...at, what: 'digest', expected: wantDigest, got };
  }
  return null;
}

function compareFooter(trace: DecodedTrace, digest: () => string): Divergence | null {
  const want = trace.footer?.digest;
  if (want === undefined) return null;
  const got = digest();
  if (want === got) return null;
  return { i: trace.steps.length, line: trace.footerLine ?? 0, what: 'final digest', expected: want, got };
}
