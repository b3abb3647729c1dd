/**
 * Command-line parsing as a pure function: a fresh commander program per call, which never
 * exits or prints; help and errors come back as values (usage errors exit 2).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { ReplayArgs } from './commands/replay.ts';

export type CliCommand =
  | { kind: 'help'; text: string }
  | { kind: 'replay'; args: ReplayArgs }
  | { kind: 'list-mutants' };

export type ParseResult = { ok: true; command: CliCommand } | { ok: false; message: string };

/** A non-negative integer option value. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('too large');
  return n;
}

const collect = (value: string, prev: string[]): string[] => [...prev, ...value.split(',').filter((s) => s !== '')];

function program(set: (c: CliCommand) => void, help: { text: string }): Command {
  const p = new Command('bvsim')
    .description('deterministic simulation and fuzzing of the Linux I/O buffer layer')
    .exitOverride()
    .configureOutput({ writeOut: (t) => (help.text += t), writeErr: (t) => (help.text += t) })
    .showHelpAfterError(false);
  p.command('replay')
    .description('replay trace files through the model')
    .argument('<files...>', 'trace files (JSON Lines)')
    .option('--json', 'one JSON object per step', false)
    .option('--state', 'include the state after each step', false)
    .option('--until <n>', 'stop after step n', parseCount)
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .option('--mode <mode>', 'execution mode: immutable or mutable', 'immutable')
    .option('--quiet', 'print only errors and the summary', false)
    .exitOverride()
    .action((files: string[], o: { json: boolean; state: boolean; until?: number; mutant: string[]; mode: string; quiet: boolean }) => {
      if (o.mode !== 'immutable' && o.mode !== 'mutable') throw new InvalidArgumentError(`--mode must be immutable or mutable, not "${o.mode}"`);
      set({
        kind: 'replay',
        args: { files, json: o.json, state: o.state, until: o.until ?? null, mutants: o.mutant, mode: o.mode, quiet: o.quiet },
      });
    });
  p.command('list-mutants')
    .description('print the mutant flag names, one per line')
    .exitOverride()
    .action(() => set({ kind: 'list-mutants' }));
  return p;
}

export function parseArgv(argv: readonly string[]): ParseResult {
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
