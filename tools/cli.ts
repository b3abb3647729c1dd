/** The `bvsim` entry point: parse, run with the real world, set the exit code. */
import { parseArgv } from './argv.ts';
import { EXIT, realIo } from './io.ts';
import { runCommand } from './run_command.ts';

function main(): number {
  const io = realIo();
  const parsed = parseArgv(process.argv.slice(2));
  if (!parsed.ok) {
    io.err(`bvsim: ${parsed.message}\n`);
    return EXIT.usage;
  }
  try {
    return runCommand(parsed.command, io);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    io.err(`bvsim: internal error: ${e.message}\n${e.stack ?? ''}\n`);
    return EXIT.internal;
  }
}

process.exitCode = main();
