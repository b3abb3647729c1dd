/**
 * `bvsim shrink FILE [--out FILE] [--budget 60s]`: minimises a failing trace, keeping its first
 * finding (kind and id), and writes the result next to it (never over an existing file).
 * Progress goes to stderr; the summary `events N → M in T s` to stdout. Exit 1 when the shrunk
 * trace has the finding (the normal case), 4 on a bad input trace or one with no finding.
 */
import { budgetStop, shrinkTrace, type ShrinkProgress, type ShrinkReport } from '../../fuzz/index.ts';
import { decodeTrace, encodeTrace, formatTraceError } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { simRunOf } from '../sim_trace.ts';
import { readText } from './replay.ts';

export interface ShrinkArgs {
  readonly file: string;
  readonly out: string | null;
  /** Wall-clock budget in milliseconds. */
  readonly budgetMs: number;
  readonly candidatesMax: number | null;
  readonly mode: 'immutable' | 'mutable';
}

/** At most one progress line per this many milliseconds, besides one per stage. */
const PROGRESS_EVERY_MS = 1000;

/** `FILE` with `.shrunk` before `.trace.jsonl` (or `.jsonl`); otherwise `.shrunk.trace.jsonl` appended. */
export function shrunkPath(file: string): string {
  for (const ext of ['.trace.jsonl', '.jsonl']) {
    if (file.endsWith(ext)) return `${file.slice(0, -ext.length)}.shrunk${ext}`;
  }
  return `${file}.shrunk.trace.jsonl`;
}

export function runShrink(args: ShrinkArgs, io: Io): ExitCode {
  const out = args.out ?? shrunkPath(args.file);
  const text = readText(args.file, io);
  if (text === null) return EXIT.traceError;
  const decoded = decodeTrace(text);
  if (!decoded.ok) {
    io.err(`${formatTraceError(args.file, decoded.error)}\n`);
    return EXIT.traceError;
  }
  if (io.exists(out)) {
    io.err(`${out}: exists; not overwriting it\n`);
    return EXIT.traceError;
  }
  const now = io.now ?? (() => 0);
  const started = now();
  const sim = simRunOf(decoded.value);
  const result = shrinkTrace(
    { trace: decoded.value, run: sim.ok ? sim.run : null, ...(sim.ok ? {} : { noRunReason: sim.why }) },
    {
      shouldStop: budgetStop(() => now() - started, args.budgetMs),
      ...(args.candidatesMax !== null ? { candidatesMax: args.candidatesMax } : {}),
      onProgress: progressPrinter(io, now),
      mode: args.mode,
    },
  );
  if (!result.ok) {
    io.err(`${args.file}: ${result.message}\n`);
    return EXIT.traceError;
  }
  io.writeFile(out, encodeTrace(result.report.trace));
  const seconds = ((now() - started) / 1000).toFixed(1);
  io.out(`events ${result.report.eventsBefore} → ${result.report.eventsAfter} in ${seconds} s\n`);
  printReport(out, result.report, io);
  return EXIT.finding;
}

function progressPrinter(io: Io, now: () => number): (p: ShrinkProgress) => void {
  let stage = 0;
  let printed = now();
  return (p) => {
    if (p.stage === stage && (!p.improved || now() - printed < PROGRESS_EVERY_MS)) return;
    stage = p.stage;
    printed = now();
    io.err(`shrink: stage ${p.stage}: ${p.tried} candidates tried, ${p.accepted} accepted, ${p.events} events\n`);
  };
}

const STOPPED: Readonly<Record<ShrinkReport['stopped'], string>> = {
  done: 'no smaller candidate left',
  'should-stop': 'time budget spent',
  candidates: 'candidate budget spent',
  plateau: 'stage 1 made no run shorter for a while',
};

function printReport(out: string, r: ShrinkReport, io: Io): void {
  for (const note of r.notes) io.err(`shrink: ${note}\n`);
  if (r.crashes > 0) io.err(`shrink: ${r.crashes} candidate(s) made the simulator throw (a simulator bug), first: ${r.firstCrash ?? ''}\n`);
  io.err(`shrink: ${r.tried} candidates, ${r.accepted} accepted, stopped: ${STOPPED[r.stopped]}; stage ${r.stage} result${r.stage === 1 ? ' (re-runs from its choices)' : ' (events edited; no choices)'}\n`);
  io.out(`wrote ${out}: first finding kept: ${r.target.kind} ${r.target.id}\n`);
  io.out(`reproduce: bvsim replay ${r.replayable ? '' : '--from-choices '}${out}\n`);
}
