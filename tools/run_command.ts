/** Dispatches a parsed command with an injected `Io`; returns the exit code (a promise for `fuzz`, which waits on workers). */
import { mutantNames } from '../core/index.ts';
import type { CliCommand } from './argv.ts';
import { runReplay } from './commands/replay.ts';
import { runRun } from './commands/run.ts';
import { runShrink } from './commands/shrink.ts';
import { runExport } from './commands/export.ts';
import { runView } from './commands/view.ts';
import { runCheck } from './commands/check.ts';
import { runFindings } from './commands/findings.ts';
import { runFuzz } from './commands/fuzz.ts';
import { EXIT, type ExitCode, type Io } from './io.ts';

export function runCommand(cmd: CliCommand, io: Io): ExitCode | Promise<ExitCode> {
  switch (cmd.kind) {
    case 'help':
      io.out(cmd.text);
      return EXIT.ok;
    case 'replay':
      return runReplay(cmd.args, io);
    case 'run':
      return runRun(cmd.args, io);
    case 'shrink':
      return runShrink(cmd.args, io);
    case 'view':
      return runView(cmd.args, io);
    case 'export':
      return runExport(cmd.args, io);
    case 'fuzz':
      return runFuzz(cmd.args, io);
    case 'check':
      return runCheck(cmd.args, io);
    case 'findings':
      return runFindings(cmd.args, io);
    case 'bench':
      return runBench(cmd.args, io);
    case 'list-mutants':
      for (const name of mutantNames()) io.out(`${name}\n`);
      return EXIT.ok;
    default:
      return assertNever(cmd);
  }
}

/** The benchmarks, loaded only when asked for (they pull in fast-check and the campaign tools). */
async function runBench(args: readonly string[], io: Io): Promise<ExitCode> {
  const { benchMain } = await import('./bench/main.ts');
  try {
    return (await benchMain(args)) === 0 ? EXIT.ok : EXIT.finding;
  } catch (err) {
    io.err(`bvsim bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled command ${JSON.stringify(x)}`);
}
