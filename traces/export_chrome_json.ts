/**
 * Chrome trace-event JSON text, one event per line. Past `bytesMax` the export is refused,
 * or with `split` cut into parts that each open on their own: every part repeats the
 * process and thread names, and a device operation still in flight at a cut is ended in
 * the part it started in and begun again (`continued`) in the next, so each part's async
 * slices pair up. A flow arrow across a cut loses its other end.
 */
import type { ChromeEvent, ChromeExport } from './export_chrome.ts';

export const CHROME_BYTES_MAX = 100 * 1024 * 1024;

export type ChromeFiles = { ok: true; files: string[] } | { ok: false; bytes: number; reason: 'too large' | 'event larger than a part' };

export interface ChromeJsonOptions {
  readonly bytesMax: number;
  readonly split: boolean;
  readonly otherData: Readonly<Record<string, unknown>>;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < text.length) {
      n += 4;
      k++;
    } else n += 3;
  }
  return n;
}

const SEP = ',\n';
const SUFFIX = '\n]}\n';
const prefix = (otherData: Readonly<Record<string, unknown>>): string => `{"displayTimeUnit":"ms","otherData":${JSON.stringify(otherData)},"traceEvents":[\n`;

export function serializeChrome(x: ChromeExport, opts: ChromeJsonOptions): ChromeFiles {
  const meta = x.metadata.map((e) => JSON.stringify(e));
  const lines = x.events.map((e) => JSON.stringify(e));
  if (!opts.split) {
    const head = prefix(opts.otherData);
    const all = [...meta, ...lines];
    const bytes = utf8Length(head) + all.reduce((s, l) => s + utf8Length(l), 0) + SEP.length * Math.max(all.length - 1, 0) + SUFFIX.length;
    if (bytes > opts.bytesMax) return { ok: false, bytes, reason: 'too large' };
    return { ok: true, files: [`${head}${all.join(SEP)}${SUFFIX}`] };
  }
  return splitParts(x.events, lines, meta, opts);
}

interface Part {
  lines: string[];
  bytes: number;
  lastTs: number;
}

function splitParts(events: readonly ChromeEvent[], lines: readonly string[], meta: readonly string[], opts: ChromeJsonOptions): ChromeFiles {
  const files: string[] = [];
  const open = new Map<number, ChromeEvent>();
  const closeLine = (b: ChromeEvent, ts: number): string => JSON.stringify({ ...b, ph: 'e', ts, args: { continued: true } });
  const closingBytes = (ts: number): number => [...open.values()].reduce((s, b) => s + SEP.length + utf8Length(closeLine(b, ts)), 0);
  const newPart = (ts: number): Part => {
    const head = [...meta, ...[...open.values()].map((b) => JSON.stringify({ ...b, ts, args: { ...b.args, continued: true } }))];
    const text = prefix({ ...opts.otherData, part: files.length + 1 });
    return { lines: head, bytes: utf8Length(text) + head.reduce((s, l) => s + SEP.length + utf8Length(l), 0), lastTs: ts };
  };
  const finish = (p: Part): void => {
    const closes = [...open.values()].map((b) => closeLine(b, p.lastTs + 1));
    files.push(`${prefix({ ...opts.otherData, part: files.length + 1 })}${[...p.lines, ...closes].join(SEP)}${SUFFIX}`);
  };
  let part = newPart(0);
  let inPart = 0;
  for (const [k, e] of events.entries()) {
    const line = lines[k] ?? '';
    const extra = e.ph === 'b' && e.id !== undefined ? SEP.length + utf8Length(closeLine(e, e.ts)) + 8 : 0;
    const need = SEP.length + utf8Length(line) + extra;
    // Margin for a close line whose ts gains digits.
    const fits = (p: Part): boolean => p.bytes + need + closingBytes(e.ts) + 8 * open.size + SUFFIX.length <= opts.bytesMax;
    if (!fits(part) && inPart > 0) {
      finish(part);
      part = newPart(e.ts);
      inPart = 0;
    }
    if (!fits(part)) return { ok: false, bytes: part.bytes + need, reason: 'event larger than a part' };
    part.lines.push(line);
    part.bytes += SEP.length + utf8Length(line);
    part.lastTs = Math.max(part.lastTs, e.ts);
    inPart++;
    if (e.ph === 'b' && e.id !== undefined) open.set(e.id, e);
    if (e.ph === 'e' && e.id !== undefined) open.delete(e.id);
  }
  finish(part);
  return { ok: true, files };
}
