/**
 * `bvsim run`: one simulated run from a seed (config drawn from the seed unless given) to a
 * trace. The seed is printed first; the trace goes to `--out` (never over an existing file)
 * or standard output. Exit 1 when the run has a finding.
 */
import { encodeTrace } from '../../traces/index.ts';
import { runSeedTrace } from '../../fuzz/index.ts';
import type { NetfsDesign, SimConfig } from '../../sim/index.ts';
import { parseSimConfig } from '../config_file.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';

export interface RunArgs {
  readonly seed: number;
  readonly configFile: string | null;
  readonly out: string | null;
  readonly eventsMax: number | null;
  readonly mutants: readonly string[];
  readonly mode: 'immutable' | 'mutable';
  /** Forces the netfs design (of the drawn config, or over the given one's); null keeps it. */
  readonly design: NetfsDesign | null;
}

export function runRun(args: RunArgs, io: Io): ExitCode {
  let config: SimConfig | undefined;
  if (args.configFile !== null) {
    const parsed = parseSimConfig(io.readFile(args.configFile));
    if (!parsed.ok) {
      io.err(`${args.configFile}:1: ${parsed.message}\n`);
      return EXIT.traceError;
    }
    config = args.eventsMax === null ? parsed.config : { ...parsed.config, eventsMax: args.eventsMax };
  }
  if (args.out !== null && io.exists(args.out)) {
    io.err(`${args.out}: exists; not overwriting it\n`);
    return EXIT.traceError;
  }
  io.err(`seed ${args.seed}\n`);
  const run = runSeedTrace(args.seed, {
    mutants: args.mutants,
    mode: args.mode,
    ...(config !== undefined ? { config } : {}),
    ...(args.eventsMax !== null ? { eventsMax: args.eventsMax } : {}),
    ...(args.design !== null ? { design: args.design } : {}),
  });
  const text = encodeTrace(run.trace);
  if (args.out === null) io.out(text);
  else io.writeFile(args.out, text);
  const f = run.result.findings;
  const first = f[0];
  io.err(`${run.result.steps.length} events, ${f.length} finding(s)${first ? `, first ${first.kind} ${first.id}: ${first.detail}` : ''}\n`);
  if (first !== undefined && args.out !== null) io.err(`reproduce: bvsim replay ${args.out}\n`);
  return f.length > 0 ? EXIT.finding : EXIT.ok;
}
