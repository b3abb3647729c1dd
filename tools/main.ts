/**
 * The whole CLI as a function of argv and an `Io`, so tests run exactly what `bvsim` runs:
 * a usage error exits 2, and an exception escaping a command (our bug) exits 70.
 */
import { parseArgv } from './argv.ts';
import { EXIT, type ExitCode, type Io } from './io.ts';
import { runCommand } from './run_command.ts';

export function main(argv: readonly string[], io: Io): ExitCode | Promise<ExitCode> {
  const parsed = parseArgv(argv);
  if (!parsed.ok) {
    io.err(`bvsim: ${parsed.message}\n`);
    return EXIT.usage;
  }
  try {
    const code = runCommand(parsed.command, io);
    return code instanceof Promise ? code.catch((err: unknown) => internalError(err, io)) : code;
  } catch (err) {
    return internalError(err, io);
  }
}

function internalError(err: unknown, io: Io): ExitCode {
  const e = err instanceof Error ? err : new Error(String(err));
  io.err(`bvsim: internal error: ${e.message}\n${e.stack ?? ''}\n`);
  return EXIT.internal;
}
