/**
 * The command-line parts for reading a finding: `view`, `export`, and replay's `--blame`
 * and `--diff`. Pure like argv.ts: value problems throw commander's InvalidArgumentError,
 * which parseArgv turns into a usage error (exit 2).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { resolveMutants } from '../core/index.ts';
import { CHROME_BYTES_MAX, parseBlameTarget, type BlameTarget } from '../traces/index.ts';
import type { ExportArgs } from './commands/export.ts';
import type { ReplayQuery } from './commands/replay_query.ts';
import type { ViewArgs } from './commands/view.ts';

export type ViewExportCommand = { kind: 'view'; args: ViewArgs } | { kind: 'export'; args: ExportArgs };

function parseBlame(value: string): BlameTarget {
  const r = parseBlameTarget(value);
  if (!r.ok) throw new InvalidArgumentError(`--blame: ${r.message}`);
  return r.target;
}

function collectStep(value: string, prev: number[] | undefined): number[] {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`--diff takes two step numbers, "${value}" is not one (put the trace first: bvsim replay FILE --diff A B)`);
  }
  return [...(prev ?? []), Number(value)];
}

function positive(value: string): number {
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

const collect = (value: string, prev: string[]): string[] => [...prev, ...value.split(',').filter((s) => s !== '')];

function mutants(names: string[]): string[] {
  const known = resolveMutants(names);
  if ('unknown' in known) throw new InvalidArgumentError(`unknown mutant "${known.unknown}" (--mutant); bvsim list-mutants names them`);
  return names;
}

/** Adds `--blame` and `--diff` to the replay command. */
export function withReplayQuery(cmd: Command): Command {
  return cmd
    .option('--blame <target>', 'every step that changed <kind>:<id>.<field> (folio:3.refcount, bvecq:0.ref, bio:2.remaining, iter:0.count, pos:1.slot), old → new', parseBlame)
    .option('--diff <steps...>', 'the state differences between after step A and after step B: FILE --diff A B', collectStep);
}

/** The replay question asked, if any: `{ query }` to spread into ReplayArgs, or `{}`. */
export function replayQueryOf(o: { blame?: BlameTarget; diff?: number[] }): { query?: ReplayQuery } {
  if (o.blame !== undefined && o.diff !== undefined) throw new InvalidArgumentError('--blame and --diff ask different questions: give one');
  if (o.blame !== undefined) return { query: { kind: 'blame', target: o.blame } };
  if (o.diff === undefined) return {};
  const [a, b] = o.diff;
  if (a === undefined || b === undefined || o.diff.length !== 2) throw new InvalidArgumentError(`--diff takes exactly two step numbers, got ${o.diff.length}`);
  return { query: { kind: 'diff', a, b } };
}

export function addViewExport(p: Command, set: (c: ViewExportCommand) => void): void {
  p.command('view')
    .description('write a self-contained HTML viewer of a trace: timeline, step slider, state drawing')
    .argument('<file>', 'trace file (JSON Lines)')
    .option('--out <file>', 'where to write (default: FILE with .html for .jsonl); never over an existing file')
    .option('--checkpoint-every <n>', 'steps between embedded checkpoint states (default 500, raised for huge states)', positive)
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .exitOverride()
    .action((file: string, o: { out?: string; checkpointEvery?: number; mutant: string[] }) => {
      set({ kind: 'view', args: { file, out: o.out ?? null, mutants: mutants(o.mutant), checkpointEvery: o.checkpointEvery ?? null } });
    });
  p.command('export')
    .description('export a trace for Perfetto or chrome://tracing (Chrome trace-event JSON)')
    .argument('<file>', 'trace file (JSON Lines)')
    .requiredOption('--format <format>', 'output format: chrome')
    .option('--out <file>', 'where to write (default: FILE with .chrome.json for .jsonl); never over an existing file')
    .option('--split', 'cut output past --max-bytes into numbered files instead of refusing it', false)
    .option('--max-bytes <n>', `largest output file (default ${CHROME_BYTES_MAX}, 100 MB)`, positive, CHROME_BYTES_MAX)
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .exitOverride()
    .action((file: string, o: { format: string; out?: string; split: boolean; maxBytes: number; mutant: string[] }) => {
      if (o.format !== 'chrome') throw new InvalidArgumentError(`--format must be chrome, not "${o.format}"`);
      set({ kind: 'export', args: { file, format: 'chrome', out: o.out ?? null, split: o.split, bytesMax: o.maxBytes, mutants: mutants(o.mutant) } });
    });
}
