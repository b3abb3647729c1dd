/**
 * Trace format v1 (SPEC §4): UTF-8 JSON Lines — a header, one line per step, an optional
 * footer. Lines are written in canonical JSON (sorted keys) so traces diff cleanly.
 */
import type { BvsimEvent, Finding, Ret } from '../core/index.ts';

export const TRACE_FORMAT = 'bvsim-trace';
export const TRACE_VERSION = 1;

/** A recorder writes a state digest on every DIGEST_EVERY-th step and on the last. */
export const DIGEST_EVERY = 64;

export interface TraceHeader {
  format: typeof TRACE_FORMAT;
  version: number;
  model: string | null;
  seed: string | null;
  config: Record<string, unknown>;
  /** Mutant flags the trace was made with (replay turns them on too). */
  mutants?: string[];
}

export interface TraceStep {
  i: number;
  event: BvsimEvent;
  ret?: Ret;
  digest?: string;
  /** Findings recorded at this step (informational; replay recomputes them). */
  findings?: Finding[];
  /** Who proposed the step in a simulated run: `actor:<name>`, `io:<id>` or `sim`. */
  by?: string;
}

export interface TraceFooter {
  end: true;
  events: number;
  findings: Finding[];
  digest?: string;
  /** A simulated run's choice sequence per stream, to re-run the actors (`--from-choices`, shrink). */
  choices?: Record<string, number[]>;
}

export interface Trace {
  header: TraceHeader;
  steps: TraceStep[];
  footer: TraceFooter | null;
}

/**
 * A decoding error: the one line the CLI prints as `FILE:LINE: message (field)`. Line 0
 * stands for the file as a whole (it cannot be read at all).
 */
export interface TraceError {
  line: number;
  message: string;
  field: string | null;
}

const MAX_MESSAGE_CHARS = 300;

/**
 * One line of text whatever the input held: messages quote parts of the trace (JSON.parse
 * echoes the bad text), which may carry control characters or be huge.
 */
export function formatTraceError(file: string, e: TraceError): string {
  const field = e.field !== null ? ` (${oneLine(e.field)})` : '';
  return `${file}:${e.line}: ${oneLine(e.message)}${field}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}
