/**
 * `bvsim replay FILE...`: each file decoded and folded through the model independently.
 * Exit 1 if any file has a finding, 3 on a divergence, 4 on an unreadable or invalid trace;
 * the worst code wins, and every file is still replayed.
 */
import { canonicalJson, resolveMutants, type Finding } from '../../core/index.ts';
import { decodeTrace, formatTraceError, replayTrace, type ReplayStepReport } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';

export interface ReplayArgs {
  readonly files: readonly string[];
  readonly json: boolean;
  readonly state: boolean;
  readonly until: number | null;
  readonly mutants: readonly string[];
  readonly mode: 'immutable' | 'mutable';
  readonly quiet: boolean;
}

const severity = (c: ExitCode): number => ({ 0: 0, 1: 1, 3: 2, 4: 3, 2: 4, 70: 5 })[c];

export function runReplay(args: ReplayArgs, io: Io): ExitCode {
  let worst: ExitCode = EXIT.ok;
  for (const file of args.files) {
    const code = replayOne(file, args, io);
    if (severity(code) > severity(worst)) worst = code;
  }
  return worst;
}

function readText(file: string, io: Io): string | null {
  try {
    return io.readFile(file);
  } catch (err) {
    const why = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    io.err(`${file}:0: cannot read file: ${why}\n`);
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
    io.err(`${file}:1: unknown mutant "${mutants.unknown}" (mutants)\n`);
    return EXIT.traceError;
  }
  const result = replayTrace(decoded.value, {
    model: { mutants: mutants.flags },
    mode: args.mode,
    ...(args.until !== null ? { until: args.until } : {}),
    wantState: args.state,
    onStep: (r) => printStep(file, r, args, io),
  });
  if (result.error !== null) {
    io.err(`${formatTraceError(file, result.error)}\n`);
    return EXIT.traceError;
  }
  if (result.divergence !== null) {
    const d = result.divergence;
    io.err(`${file}:${d.line}: replay diverges at step ${d.i}: recorded ${d.what} ${d.expected}, model gives ${d.got}\n`);
    return EXIT.divergence;
  }
  if (!args.json && !args.quiet) io.out(`${file}: ${result.stepsRun} steps, ${summary(result.findings)}, digest ${result.digest}\n`);
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
