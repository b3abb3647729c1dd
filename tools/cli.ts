/** The `bvsim` entry point: run with the real world, set the exit code. */
import { realIo } from './io.ts';
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2), realIo());
