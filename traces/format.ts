/**
 * Trace format v1 (SPEC §4): UTF-8 JSON Lines — a header, one line per step, an optional
 * footer. Lines are written in canonical JSON (sorted keys) so traces diff cleanly.
 */
import type { BvsimEvent, Finding, Ret } from '../core/index.ts';

export const TRACE_FORMAT = 'bvsim-trace';
export const TRACE_VERSION = 1;

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
}

export interface TraceFooter {
  end: true;
  events: number;
  findings: Finding[];
  digest?: string;
}

export interface Trace {
  header: TraceHeader;
  steps: TraceStep[];
  footer: TraceFooter | null;
}

/** A decoding error: the one line the CLI prints as `FILE:LINE: message (field)`. */
export interface TraceError {
  line: number;
  message: string;
  field: string | null;
}

export function formatTraceError(file: string, e: TraceError): string {
  return `${file}:${e.line}: ${e.message}${e.field !== null ? ` (${e.field})` : ''}`;
}
