/**
 * Reading one trace file for a command: read, decode, and resolve the mutant flags its
 * header names (plus any from the command line). Each failure is printed as one
 * `FILE:LINE: what (field)` line and becomes exit 4.
 */
import { resolveMutants, type ModelOptions } from '../../core/index.ts';
import { decodeTrace, formatTraceError, type DecodedTrace } from '../../traces/index.ts';
import type { Io } from '../io.ts';
import { readText } from './replay.ts';

export interface LoadedTrace {
  readonly trace: DecodedTrace;
  readonly model: ModelOptions;
}

/** The decoded trace and the model options to replay it with, or null after printing why not. */
export function loadTrace(file: string, extraMutants: readonly string[], io: Io): LoadedTrace | null {
  const text = readText(file, io);
  if (text === null) return null;
  const decoded = decodeTrace(text);
  if (!decoded.ok) {
    io.err(`${formatTraceError(file, decoded.error)}\n`);
    return null;
  }
  const mutants = resolveMutants([...(decoded.value.header.mutants ?? []), ...extraMutants]);
  if ('unknown' in mutants) {
    io.err(`${formatTraceError(file, { line: 1, message: `unknown mutant "${mutants.unknown}"`, field: 'mutants' })}\n`);
    return null;
  }
  return { trace: decoded.value, model: { mutants: mutants.flags } };
}

/** `dir/name.trace.jsonl` → `dir/name.trace<suffix>`: an output path beside the trace. */
export function besideTrace(file: string, suffix: string): string {
  const stem = file.replace(/\.jsonl$/i, '').replace(/\.json$/i, '');
  return `${stem}${suffix}`;
}

/** Writes a new file (never over an existing one); false after printing why it could not. */
export function writeNew(path: string, text: string, io: Io): boolean {
  if (io.exists(path)) {
    io.err(`${path}: exists; not overwriting it (remove it or pass --out)\n`);
    return false;
  }
  try {
    io.writeFile(path, text);
    return true;
  } catch (err) {
    io.err(`${path}: cannot write: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
}
