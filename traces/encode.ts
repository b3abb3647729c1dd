/** Writing traces: canonical JSON per line, header first, footer last. */
import { canonicalJson } from '../core/index.ts';
import type { Trace, TraceFooter, TraceHeader, TraceStep } from './format.ts';

export function encodeHeader(h: TraceHeader): string {
  return canonicalJson(h);
}

export function encodeStep(s: TraceStep): string {
  return canonicalJson(s);
}

export function encodeFooter(f: TraceFooter): string {
  return canonicalJson(f);
}

export function encodeTrace(t: Trace): string {
  const lines = [encodeHeader(t.header), ...t.steps.map(encodeStep)];
  if (t.footer !== null) lines.push(encodeFooter(t.footer));
  return `${lines.join('\n')}\n`;
}
