/**
 * `bvsim findings merge DIR... [--out DIR]`: folds the stores of several shards or machines
 * into one — traces of signatures it lacks are copied (atomically, never over a file), and
 * each stream's furthest stats record is taken, so counts add up and merging twice changes
 * nothing. `bvsim findings list DIR`: the signatures, counts and files of one store.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { goalsNeverReached, mergePlan, viewOf } from '../../fuzz/index.ts';
import { isStore, openStore, readStore, StoreBusyError, type StoreContents } from '../campaign/store.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';

export interface FindingsArgs {
  readonly action: 'merge' | 'list';
  readonly dirs: readonly string[];
  readonly out: string | null;
}

export function runFindings(args: FindingsArgs, io: Io): ExitCode {
  for (const dir of args.dirs) {
    if (!isStore(dir)) {
      io.err(`${dir}: not a findings store (no campaign.jsonl or findings/)\n`);
      return EXIT.traceError;
    }
  }
  try {
    return args.action === 'list' ? list(readStore(args.dirs[0] ?? ''), io) : merge(args, io);
  } catch (err) {
    io.err(`bvsim findings: ${err instanceof StoreBusyError ? err.message : String(err)}\n`);
    return EXIT.traceError;
  }
}

function merge(args: FindingsArgs, io: Io): ExitCode {
  const target = args.out ?? args.dirs[0] ?? '';
  const sources = args.dirs.filter((d) => resolve(d) !== resolve(target));
  const writer = openStore(target);
  try {
    let copied = 0;
    for (const dir of sources) {
      const into = readStore(target);
      const from = readStore(dir);
      warnErrors(from, io);
      const plan = mergePlan(into.view, viewOf(from.records, from.fileNames), dir);
      for (const name of plan.copy) writer.copyTrace(dir, name);
      for (const r of plan.append) writer.append(r);
      copied += plan.copy.length;
    }
    io.out(`merged ${sources.length} store(s) into ${target}: ${copied} new distinct finding(s)\n`);
  } finally {
    writer.release();
  }
  return list(readStore(target), io);
}

function list(store: StoreContents, io: Io): ExitCode {
  warnErrors(store, io);
  const v = store.view;
  const sigs = [...v.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  io.out(`${store.dir}: ${sigs.length} distinct finding(s), ${v.runs} runs, ${v.events} events, ${v.streams.size} stream(s)\n`);
  const width = Math.max(0, ...sigs.map((s) => s.length));
  for (const sig of sigs) {
    const file = `${store.dir}/findings/${v.files.get(sig) ?? ''}`;
    const missing = existsSync(file) ? '' : '  (file missing)';
    io.out(`  ${sig.padEnd(width)}  ${String(v.counts[sig] ?? 0).padStart(7)}  ${file}${missing}\n`);
  }
  const never = goalsNeverReached(v.coverage);
  if (v.runs > 0) io.out(`coverage goals never reached: ${never.length === 0 ? 'none' : never.join(', ')}\n`);
  return EXIT.ok;
}

function warnErrors(store: StoreContents, io: Io): void {
  for (const e of store.errors) io.err(`${store.dir}/campaign.jsonl:${e.line}: ignored: ${e.message}\n`);
}
