/**
 * Command-line parsing as a pure function: a fresh commander program per call, which never
 * exits or prints; help and errors come back as values (usage errors exit 2).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { resolveMutants } from '../core/index.ts';
import type { BlameTarget } from '../traces/index.ts';
import type { ReplayArgs } from './commands/replay.ts';
import type { RunArgs } from './commands/run.ts';
import type { ShrinkArgs } from './commands/shrink.ts';
import { addViewExport, replayQueryOf, withReplayQuery, type ViewExportCommand } from './argv_view.ts';
import { addCampaignCommands, oneOf, type CampaignCommand } from './argv_campaign.ts';
import { DESIGNS, type Design } from '../fuzz/index.ts';
import { parseDuration } from './duration.ts';
import { freshSeed, parseSeed } from './seed.ts';

export type CliCommand =
  | { kind: 'help'; text: string }
  | { kind: 'replay'; args: ReplayArgs }
  | { kind: 'run'; args: RunArgs }
  | { kind: 'shrink'; args: ShrinkArgs }
  | ViewExportCommand
  | CampaignCommand
  | { kind: 'list-mutants' }
  | { kind: 'bench'; args: readonly string[] };

export type ParseResult = { ok: true; command: CliCommand } | { ok: false; message: string };

/** A non-negative integer option value. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('too large');
  return n;
}

const collect = (value: string, prev: string[]): string[] => [...prev, ...value.split(',').filter((s) => s !== '')];

function checkMode(mode: string): 'immutable' | 'mutable' {
  if (mode !== 'immutable' && mode !== 'mutable') throw new InvalidArgumentError(`--mode must be immutable or mutable, not "${mode}"`);
  return mode;
}

function checkMutants(names: string[]): string[] {
  const known = resolveMutants(names);
  if ('unknown' in known) throw new InvalidArgumentError(`unknown mutant "${known.unknown}" (--mutant); bvsim list-mutants names them`);
  return names;
}

function program(set: (c: CliCommand) => void, help: { text: string }): Command {
  const p = new Command('bvsim')
    .description('deterministic simulation and fuzzing of the Linux I/O buffer layer')
    .exitOverride()
    .configureOutput({ writeOut: (t) => (help.text += t), writeErr: (t) => (help.text += t) })
    .showHelpAfterError(false);
  withReplayQuery(p.command('replay'))
    .description('replay trace files through the model')
    .argument('<files...>', 'trace files (JSON Lines)')
    .option('--json', 'one JSON object per step', false)
    .option('--state', 'include the state after each step', false)
    .option('--until <n>', 'stop after step n', parseCount)
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .option('--mode <mode>', 'execution mode: immutable or mutable', 'immutable')
    .option('--quiet', 'print only errors and the summary', false)
    .option('--from-choices', "re-run the actors from the trace's seed, config and choices; compare the events", false)
    .exitOverride()
    .action((files: string[], o: { json: boolean; state: boolean; until?: number; mutant: string[]; mode: string; quiet: boolean; fromChoices: boolean; blame?: BlameTarget; diff?: number[] }) => {
      set({
        kind: 'replay',
        args: { files, json: o.json, state: o.state, until: o.until ?? null, mutants: checkMutants(o.mutant), mode: checkMode(o.mode), quiet: o.quiet, fromChoices: o.fromChoices, ...replayQueryOf(o) },
      });
    });
  p.command('run')
    .description('one simulated run from a seed to a trace')
    .option('--seed <seed>', 'u32 seed or a commit hash (default: a fresh one, printed first)', parseSeed)
    .option('--config <file>', 'a JSON simulator config instead of one drawn from the seed')
    .option('--out <file>', 'write the trace here (never over an existing file) instead of stdout')
    .option('--events-max <n>', 'event budget before the drain phase', parseCount)
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .option('--mode <mode>', 'execution mode: immutable or mutable', 'mutable')
    .option('--design <design>', `netfs design: ${DESIGNS.join(' or ')} (default: the seed draws it, or the config's)`, oneOf('--design', DESIGNS))
    .exitOverride()
    .action((o: { seed?: number; config?: string; out?: string; eventsMax?: number; mutant: string[]; mode: string; design?: Design }) => {
      set({
        kind: 'run',
        args: { seed: o.seed ?? freshSeed(), configFile: o.config ?? null, out: o.out ?? null, eventsMax: o.eventsMax ?? null, mutants: checkMutants(o.mutant), mode: checkMode(o.mode), design: o.design ?? null },
      });
    });
  p.command('shrink')
    .description('minimise a failing trace, keeping its first finding (kind and id)')
    .argument('<file>', 'trace file (JSON Lines)')
    .option('--out <file>', 'where to write (default: FILE with .shrunk before .trace.jsonl); never over an existing file')
    .option('--budget <duration>', 'wall-clock budget: 500ms, 60s, 5m, 1h', parseDuration, 60_000)
    .option('--candidates-max <n>', 'most candidate runs to try', parseCount)
    .option('--mode <mode>', 'engine mode for candidates: immutable or mutable', 'mutable')
    .exitOverride()
    .action((file: string, o: { out?: string; budget: number; candidatesMax?: number; mode: string }) => {
      set({ kind: 'shrink', args: { file, out: o.out ?? null, budgetMs: o.budget, candidatesMax: o.candidatesMax ?? null, mode: checkMode(o.mode) } });
    });
  addViewExport(p, set);
  addCampaignCommands(p, set);
  p.command('list-mutants')
    .description('print the mutant flag names, one per line')
    .exitOverride()
    .action(() => set({ kind: 'list-mutants' }));
  // Listed for the help text only: parseArgv hands everything after `bench` to the benchmark's own parser.
  p.command('bench')
    .description('the benchmarks (npm run bench): --only SECTION,... (throughput, corpus, sim, mutants, baseline, scaling, soak, shrink, policies, seeds, clean)')
    .argument('[args...]', 'benchmark options');
  return p;
}

export function parseArgv(argv: readonly string[]): ParseResult {
  if (argv[0] === 'bench') return { ok: true, command: { kind: 'bench', args: argv.slice(1) } };
  let command: CliCommand | null = null;
  const help = { text: '' };
  const p = program((c) => (command = c), help);
  try {
    p.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') {
        return { ok: true, command: { kind: 'help', text: help.text } };
      }
      return { ok: false, message: (help.text.trim() || err.message).split('\n')[0] ?? err.message };
    }
    if (err instanceof InvalidArgumentError) return { ok: false, message: err.message };
    throw err;
  }
  if (command === null) return { ok: true, command: { kind: 'help', text: p.helpInformation() } };
  return { ok: true, command };
}
