/**
 * `bvsim replay FILE...`: each file decoded and folded through the model independently.
 * Exit 1 if any file has a finding, 3 on a divergence, 4 on an unreadable or invalid trace,
 * 70 on our own bug; the worst code wins, and every file is still replayed.
 */
import { canonicalJson, resolveMutants, type Finding } from '../../core/index.ts';
import { decodeTrace, formatTraceError, replayTrace, type ReplayResult, type ReplayStepReport } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { replayFromChoices } from './replay_choices.ts';
import { replayQueryFile, type ReplayQuery } from './replay_query.ts';

export interface ReplayArgs {
  readonly files: readonly string[];
  readonly json: boolean;
  readonly state: boolean;
  readonly until: number | null;
  /** Already checked by the argument parser: every name is a known flag or group. */
  readonly mutants: readonly string[];
  readonly mode: 'immutable' | 'mutable';
  readonly quiet: boolean;
  /** Re-run the actors from each trace's choices and compare events instead (replay_choices.ts). */
  readonly fromChoices: boolean;
  /** Answer `--blame` or `--diff` about each file instead of printing its steps (replay_query.ts). */
  readonly query?: ReplayQuery;
}

/** Which code wins when files end differently: a broken tool or command line over bad data over findings. */
const SEVERITY: Readonly<Record<ExitCode, number>> = { 0: 0, 1: 1, 3: 2, 4: 3, 2: 4, 70: 5 };

export function worstExit(a: ExitCode, b: ExitCode): ExitCode {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

export function runReplay(args: ReplayArgs, io: Io): ExitCode {
  let worst: ExitCode = EXIT.ok;
  for (const file of args.files) worst = worstExit(worst, replayGuarded(file, args, io));
  return worst;
}

/** Our own bug on one file is reported with its stack, and the other files still run. */
function replayGuarded(file: string, args: ReplayArgs, io: Io): ExitCode {
  try {
    if (args.query !== undefined) return replayQueryFile(file, { ...args, query: args.query }, io);
    return args.fromChoices ? replayFromChoices(file, args, io) : replayOne(file, args, io);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    io.err(`${file}: internal error: ${e.message}\n${e.stack ?? ''}\n`);
    return EXIT.internal;
  }
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a trace file',
  EACCES: 'permission denied',
  ERR_ENCODING_INVALID_ENCODED_DATA: 'not valid UTF-8',
  ERR_STRING_TOO_LONG: 'file too large to be a trace',
};

/** Reads a trace file, or prints `FILE:0: cannot read: why` and returns null. */
export function readText(file: string, io: Io): string | null {
  try {
    return io.readFile(file);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    const why = READ_ERRORS[code] ?? (err instanceof Error ? err.message : String(err));
    io.err(`${formatTraceError(file, { line: 0, message: `cannot read: ${why}`, field: null })}\n`);
    return null;
  }
}

function replayOne(file: string, args: ReplayArgs, io: Io): ExitCode {
  const text = readText(file, io);
  if (text === null) return EXIT.traceError;
  const decoded = decodeTrace(text);
  if (!decoded.ok) {
    io.err(`${formatTraceError(file, decoded.error)}\n`);
    return EXIT.traceError;
  }
  const mutants = resolveMutants([...(decoded.value.header.mutants ?? []), ...args.mutants]);
  if ('unknown' in mutants) {
    io.err(`${formatTraceError(file, { line: 1, message: `unknown mutant "${mutants.unknown}"`, field: 'mutants' })}\n`);
    return EXIT.traceError;
  }
  const result = replayTrace(decoded.value, {
    model: { mutants: mutants.flags },
    mode: args.mode,
    ...(args.until !== null ? { until: args.until } : {}),
    wantState: args.state,
    onStep: (r) => printStep(file, r, args, io),
  });
  return report(file, result, args, io);
}

function report(file: string, result: ReplayResult, args: ReplayArgs, io: Io): ExitCode {
  if (result.error !== null) {
    io.err(`${formatTraceError(file, result.error)}\n`);
    return EXIT.traceError;
  }
  if (result.divergence !== null) {
    const d = result.divergence;
    const where = d.what === 'final digest' ? `after step ${d.i - 1}` : `at step ${d.i}`;
    io.err(`${file}:${d.line}: replay diverges ${where}: recorded ${d.what} ${d.expected}, model gives ${d.got}\n`);
    return EXIT.divergence;
  }
  if (!args.json) io.out(`${file}: ${result.stepsRun} steps, ${summary(result.findings)}, digest ${result.digest()}\n`);
  return result.findings.length > 0 ? EXIT.finding : EXIT.ok;
}

function summary(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  return `${findings.length} finding(s), first ${findings[0]?.kind ?? ''} ${findings[0]?.id ?? ''}`;
}

function printStep(file: string, r: ReplayStepReport, args: ReplayArgs, io: Io): void {
  if (args.json) {
    const line: Record<string, unknown> = { file, i: r.i, event: r.event, ret: r.ret, findings: r.findings };
    if (r.wraps.length > 0) line['wraps'] = r.wraps;
    if (r.halted) line['halted'] = true;
    if (r.state !== undefined) line['state'] = r.state;
    io.out(`${JSON.stringify(line)}\n`);
    return;
  }
  if (args.quiet) return;
  const fs = r.findings.map((f) => `  ${f.kind} ${f.id}: ${f.detail}`).join('\n');
  const halted = r.halted ? ' (halted: not applied)' : '';
  io.out(`${r.i} ${r.event.type} -> ${canonicalJson(r.ret)}${halted}\n${fs === '' ? '' : `${fs}\n`}`);
  if (r.state !== undefined) io.out(`${canonicalJson(r.state)}\n`);
}
