/**
 * `bvsim export FILE --format chrome [--out FILE.json] [--split]`: Chrome trace-event JSON
 * for Perfetto and chrome://tracing (traces/export_chrome.ts). Output past `--max-bytes`
 * (100 MB) is refused with exit 4 unless `--split` cuts it into numbered files
 * (`X.1.json`, `X.2.json`, ...). No output file is ever replaced.
 */
import { basename } from 'node:path';
import { buildChromeExport, formatTraceError, serializeChrome } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { besideTrace, loadTrace, writeNew } from './trace_file.ts';

export type ExportFormat = 'chrome';

export interface ExportArgs {
  readonly file: string;
  readonly format: ExportFormat;
  readonly out: string | null;
  readonly split: boolean;
  readonly bytesMax: number;
  readonly mutants: readonly string[];
}

const MB = 1024 * 1024;

/** `x.chrome.json` → `x.chrome.3.json`. */
function partPath(path: string, part: number): string {
  return /\.json$/i.test(path) ? path.replace(/\.json$/i, `.${part}.json`) : `${path}.${part}`;
}

export function runExport(args: ExportArgs, io: Io): ExitCode {
  const loaded = loadTrace(args.file, args.mutants, io);
  if (loaded === null) return EXIT.traceError;
  const { trace } = loaded;
  const exported = buildChromeExport(trace, { title: basename(args.file), model: loaded.model });
  const otherData = { trace: basename(args.file), seed: trace.header.seed, model: trace.header.model, steps: trace.steps.length, time: '1 µs per step' };
  const out = args.out ?? besideTrace(args.file, '.chrome.json');
  const json = serializeChrome(exported, { bytesMax: args.bytesMax, split: args.split, otherData });
  if (!json.ok) {
    const size = `${(json.bytes / MB).toFixed(1)} MB`;
    const limit = `${(args.bytesMax / MB).toFixed(1)} MB`;
    const why = json.reason === 'too large' ? `the export would be ${size}, more than the ${limit} limit; pass --split to cut it into numbered files` : `one event alone is ${size}, more than a part may hold (${limit})`;
    io.err(`${out}: not written: ${why}\n`);
    return EXIT.traceError;
  }
  const paths = json.files.length === 1 && !args.split ? [out] : json.files.map((_, k) => partPath(out, k + 1));
  const taken = paths.find((p) => io.exists(p));
  if (taken !== undefined) {
    io.err(`${taken}: exists; not overwriting it (remove it or pass --out)\n`);
    return EXIT.traceError;
  }
  for (const [k, p] of paths.entries()) {
    if (!writeNew(p, json.files[k] ?? '', io)) return EXIT.traceError;
  }
  io.out(`${paths.join(', ')}: ${exported.events.length} trace events from ${trace.steps.length} steps\n`);
  if (exported.error !== null) {
    io.err(`${formatTraceError(args.file, exported.error)}\n`);
    return EXIT.traceError;
  }
  return EXIT.ok;
}
