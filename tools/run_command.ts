/** Dispatches a parsed command with an injected `Io`; returns the exit code. */
import { mutantNames } from '../core/index.ts';
import type { CliCommand } from './argv.ts';
import { runReplay } from './commands/replay.ts';
import { runRun } from './commands/run.ts';
import { EXIT, type ExitCode, type Io } from './io.ts';

export function runCommand(cmd: CliCommand, io: Io): ExitCode {
  switch (cmd.kind) {
    case 'help':
      io.out(cmd.text);
      return EXIT.ok;
    case 'replay':
      return runReplay(cmd.args, io);
    case 'run':
      return runRun(cmd.args, io);
    case 'list-mutants':
      for (const name of mutantNames()) io.out(`${name}\n`);
      return EXIT.ok;
    default:
      return assertNever(cmd);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled command ${JSON.stringify(x)}`);
}
