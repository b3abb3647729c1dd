/**
 * `bvsim replay --from-choices FILE`: re-runs the actors from the trace's seed, config,
 * mutants and recorded choice sequence, and compares the regenerated events with the recorded
 * ones. The first step where they differ is a divergence (exit 3), named with both events;
 * otherwise "regenerated events match", and exit 1 if the run has a finding.
 */
import { canonicalJson, resolveMutants, type BvsimEvent } from '../../core/index.ts';
import { runChoicesTrace } from '../../fuzz/index.ts';
import { decodeTrace, formatTraceError, type DecodedTrace, type Trace } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { simRunOf } from '../sim_trace.ts';
import type { ReplayArgs } from './replay.ts';
import { readText } from './replay.ts';

export interface EventMismatch {
  readonly i: number;
  /** null: the recorded trace ended before step `i`. */
  readonly recorded: BvsimEvent | null;
  /** null: the regenerated run ended before step `i`. */
  readonly regenerated: BvsimEvent | null;
}

/** The first step whose event differs between two traces (an extra step on one side counts). */
export function firstEventMismatch(recorded: Trace, regenerated: Trace): EventMismatch | null {
  const n = Math.max(recorded.steps.length, regenerated.steps.length);
  for (let i = 0; i < n; i++) {
    const a = recorded.steps[i]?.event ?? null;
    const b = regenerated.steps[i]?.event ?? null;
    if (a === null || b === null || canonicalJson(a) !== canonicalJson(b)) return { i, recorded: a, regenerated: b };
  }
  return null;
}

export function replayFromChoices(file: string, args: ReplayArgs, io: Io): ExitCode {
  const text = readText(file, io);
  if (text === null) return EXIT.traceError;
  const decoded = decodeTrace(text);
  if (!decoded.ok) {
    io.err(`${formatTraceError(file, decoded.error)}\n`);
    return EXIT.traceError;
  }
  const trace = decoded.value;
  const sim = simRunOf(trace);
  if (!sim.ok) {
    io.err(`${formatTraceError(file, { line: 1, message: `cannot re-run from choices: ${sim.why}`, field: null })}\n`);
    return EXIT.traceError;
  }
  const mutants = [...(trace.header.mutants ?? []), ...args.mutants];
  const known = resolveMutants(mutants);
  if ('unknown' in known) {
    io.err(`${formatTraceError(file, { line: 1, message: `unknown mutant "${known.unknown}"`, field: 'mutants' })}\n`);
    return EXIT.traceError;
  }
  const run = runChoicesTrace(sim.run.seed, sim.run.config, sim.run.choices, { mutants, mode: args.mode });
  const mismatch = firstEventMismatch(trace, run.trace);
  if (mismatch !== null) {
    io.err(`${file}:${lineOf(trace, mismatch.i)}: regenerated events differ at step ${mismatch.i}: ${describe(mismatch)}\n`);
    return EXIT.divergence;
  }
  const first = run.result.findings[0];
  const findings = first === undefined ? 'no findings' : `${run.result.findings.length} finding(s), first ${first.kind} ${first.id}`;
  io.out(`${file}: regenerated events match (${run.trace.steps.length} steps), ${findings}\n`);
  return first === undefined ? EXIT.ok : EXIT.finding;
}

function lineOf(trace: DecodedTrace, i: number): number {
  return trace.stepLines[i] ?? trace.footerLine ?? trace.stepLines.length + 1;
}

function describe(m: EventMismatch): string {
  const recorded = m.recorded === null ? 'the recorded trace ends there' : `recorded ${canonicalJson(m.recorded)}`;
  const regenerated = m.regenerated === null ? 'the regenerated run ends there' : `regenerated ${canonicalJson(m.regenerated)}`;
  return `${recorded}, ${regenerated}`;
}
