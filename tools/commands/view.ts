/**
 * `bvsim view FILE [--out FILE.html]`: one self-contained HTML file to step through a trace
 * (traces/view/). The default output sits beside the trace; an existing file is never
 * replaced. Exit 0 once written — findings in the trace are what the page is for — and 4
 * when the trace cannot be read or the model rejects a step (the page then stops there).
 */
import { basename } from 'node:path';
import { buildViewData, formatTraceError, renderViewHtml } from '../../traces/index.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { viewerScript, sha256Base64 } from '../view_bundle.ts';
import { besideTrace, loadTrace, writeNew } from './trace_file.ts';

export interface ViewArgs {
  readonly file: string;
  readonly out: string | null;
  readonly mutants: readonly string[];
  /** Steps between checkpoints; null for the default (which may grow for huge states). */
  readonly checkpointEvery: number | null;
}

export function runView(args: ViewArgs, io: Io): ExitCode {
  const loaded = loadTrace(args.file, args.mutants, io);
  if (loaded === null) return EXIT.traceError;
  const data = buildViewData(loaded.trace, {
    title: basename(args.file),
    model: loaded.model,
    ...(args.checkpointEvery !== null ? { checkpointEvery: args.checkpointEvery } : {}),
  });
  const html = renderViewHtml({ data, script: viewerScript(), sha256: sha256Base64 });
  const out = args.out ?? besideTrace(args.file, '.html');
  if (!writeNew(out, html, io)) return EXIT.traceError;
  const mb = (html.length / (1024 * 1024)).toFixed(1);
  io.out(`${out}: ${data.steps.length} steps, ${data.findings.length} finding(s), ${data.checkpoints.length} checkpoint(s) every ${data.checkpointEvery} steps, ${mb} MB\n`);
  if (data.error !== null) {
    io.err(`${formatTraceError(args.file, data.error)}\n`);
    return EXIT.traceError;
  }
  return EXIT.ok;
}
