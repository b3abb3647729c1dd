// `npm run bench -- ARGS`: the benchmark without the bvsim CLI around it.
import { benchMain } from './main.ts';

try {
  process.exitCode = await benchMain(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
