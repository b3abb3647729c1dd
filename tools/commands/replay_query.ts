/**
 * The questions `bvsim replay` answers about one trace instead of printing every step:
 * `--blame <kind>:<id>.<field>` (each step that changed the field, old → new, with its
 * event) and `--diff A B` (the state paths that differ between after step A and after step
 * B). Exit 0 with the answer, 2 when the question names a field the object never had, 4
 * when the trace cannot be read or replayed that far.
 */
import { canonicalJson } from '../../core/index.ts';
import { blameTrace, diffStates, formatBlameTarget, formatTraceError, showValue, statesAfterSteps, type BlameTarget } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { loadTrace, type LoadedTrace } from './trace_file.ts';

export type ReplayQuery = { kind: 'blame'; target: BlameTarget } | { kind: 'diff'; a: number; b: number };

export function runReplayQuery(file: string, loaded: LoadedTrace, query: ReplayQuery, json: boolean, io: Io): ExitCode {
  return query.kind === 'blame' ? blame(file, loaded, query.target, json, io) : diff(file, loaded, query, json, io);
}

function blame(file: string, loaded: LoadedTrace, target: BlameTarget, json: boolean, io: Io): ExitCode {
  const r = blameTrace(loaded.trace, target, loaded.model);
  const name = formatBlameTarget(target);
  if (r.error !== null) {
    io.err(`${formatTraceError(file, r.error)}\n`);
    return EXIT.traceError;
  }
  const field = target.field[0];
  if (r.objectFields !== null && field !== undefined && !r.objectFields.includes(field)) {
    io.err(`${file}: ${target.kind} ${target.id} has no field "${field}" (it has: ${r.objectFields.join(', ')})\n`);
    return EXIT.usage;
  }
  if (json) {
    for (const c of r.changes) io.out(`${JSON.stringify({ file, target: name, ...c })}\n`);
    return EXIT.ok;
  }
  const never = r.objectFields === null ? ` (${target.kind} ${target.id} never exists in this trace)` : '';
  io.out(`${file}: ${name}: ${r.changes.length} change(s) in ${r.stepsRun} steps${never}\n`);
  for (const c of r.changes) {
    const by = c.by === undefined ? '' : `  [${c.by}]`;
    io.out(`  step ${c.i}: ${showValue(c.old)} → ${showValue(c.new)}  ${c.event.type} ${canonicalJson(c.event)}${by}\n`);
  }
  return EXIT.ok;
}

function diff(file: string, loaded: LoadedTrace, q: { a: number; b: number }, json: boolean, io: Io): ExitCode {
  const r = statesAfterSteps(loaded.trace, [q.a, q.b], loaded.model);
  if (!r.ok) {
    io.err(`${formatTraceError(file, r.error)}\n`);
    return EXIT.traceError;
  }
  const changes = diffStates(r.states.get(q.a), r.states.get(q.b));
  if (json) {
    for (const c of changes) io.out(`${JSON.stringify({ file, a: q.a, b: q.b, ...c })}\n`);
    return EXIT.ok;
  }
  io.out(`${file}: after step ${q.a} → after step ${q.b}: ${changes.length} difference(s)\n`);
  for (const c of changes) io.out(`  ${c.path}: ${showValue(c.old)} → ${showValue(c.new)}\n`);
  return EXIT.ok;
}

/** `bvsim replay FILE --blame/--diff`: load the trace, then answer instead of printing steps. */
export function replayQueryFile(file: string, args: { query: ReplayQuery; mutants: readonly string[]; json: boolean }, io: Io): ExitCode {
  const loaded = loadTrace(file, args.mutants, io);
  if (loaded === null) return EXIT.traceError;
  return runReplayQuery(file, loaded, args.query, args.json, io);
}
