/**
 * `bvsim check`: what CI runs. (1) Every regression trace and every `--corpus` trace
 * reproduces the finding its file name names; (2) a fixed seed budget (campaign runs 0..N-1
 * of `--seed`, default 0) runs with no finding; (3) those runs reach every required coverage
 * goal. Prints one line per failure and a result line; `--junit FILE` writes the same as
 * JUnit XML. Exit 0 when everything passed; otherwise the worst code (1 a finding or a
 * check that failed, 3 a divergence, 4 an unreadable trace).
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findingSignature } from '../../core/index.ts';
import { campaignRun, GOALS, REQUIRED_GOALS, runCampaignRun } from '../../fuzz/index.ts';
import { checkTrace, corpusFiles, type CorpusCase } from '../check_corpus.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { junitXml, type JunitSuite } from '../junit.ts';
import { worstExit } from './replay.ts';

export interface CheckArgs {
  readonly corpus: readonly string[];
  readonly seeds: number;
  readonly seed: number;
  readonly junit: string | null;
  readonly mutants: readonly string[];
  /** Regression traces; null: the checkout's test/regressions. */
  readonly regressions: string | null;
}

/** The checkout's regression traces, named relative to the working directory to keep messages short. */
function defaultRegressions(): string {
  return relative(process.cwd(), join(import.meta.dirname, '..', '..', 'test', 'regressions')) || '.';
}

interface Suite extends JunitSuite {
  readonly cases: readonly CorpusCase[];
}

export function runCheck(args: CheckArgs, io: Io): ExitCode {
  const suites: Suite[] = [];
  const regressions = args.regressions ?? defaultRegressions();
  const dirs = [{ name: 'regressions', dir: regressions }, ...args.corpus.map((dir) => ({ name: `corpus ${dir}`, dir }))];
  for (const { name, dir } of dirs) {
    if (!existsSync(dir)) {
      suites.push({ name, cases: [{ name: dir, failure: `${dir}: no such directory`, exit: EXIT.traceError }] });
      continue;
    }
    suites.push({ name, cases: corpusFiles(dir).map((f) => checkTrace(f, args.mutants, io)) });
  }
  const seeds = seedBudget(args);
  suites.push(seeds.suite, coverageSuite(seeds.reached));
  return report(suites, args, io);
}

/** Campaign runs 0..N-1 of the check seed, in this thread: each must end with no finding. */
function seedBudget(args: CheckArgs): { suite: Suite; reached: Set<string> } {
  const reached = new Set<string>();
  const cases: CorpusCase[] = [];
  const opts = { mutants: args.mutants, policy: null, canary: null };
  for (let k = 0; k < args.seeds; k++) {
    const spec = campaignRun(args.seed, k);
    const r = runCampaignRun(spec, opts, new Set());
    for (const g of r.coverage) reached.add(g);
    const name = `run ${k} (seed ${spec.seed})`;
    if (r.first === null) {
      cases.push({ name, failure: null, exit: EXIT.ok });
      continue;
    }
    const mutantFlags = args.mutants.map((m) => ` --mutant ${m}`).join('');
    const exit = r.first.kind === 'internal' ? EXIT.internal : EXIT.finding;
    cases.push({ name, failure: `${name}: ${findingSignature(r.first)}: ${r.first.detail}; reproduce: bvsim run --seed ${spec.seed}${mutantFlags}`, exit });
  }
  return { suite: { name: `seeds ${args.seed}:0..${args.seeds - 1}`, cases }, reached };
}

function coverageSuite(reached: ReadonlySet<string>): Suite {
  const cases = REQUIRED_GOALS.map((goal): CorpusCase => {
    if (reached.has(goal)) return { name: goal, failure: null, exit: EXIT.ok };
    const about = GOALS.find((g) => g.goal === goal)?.about ?? '';
    return { name: goal, failure: `required coverage goal ${goal} (${about}) never reached by the seed budget`, exit: EXIT.finding };
  });
  return { name: 'required coverage goals', cases };
}

function report(suites: readonly Suite[], args: CheckArgs, io: Io): ExitCode {
  let worst: ExitCode = EXIT.ok;
  for (const s of suites) {
    for (const c of s.cases) {
      if (c.failure === null) continue;
      io.err(`FAIL ${s.name}: ${c.failure}\n`);
      worst = worstExit(worst, c.exit);
    }
  }
  const parts = suites.map((s) => `${s.name} ${s.cases.filter((c) => c.failure === null).length}/${s.cases.length}`);
  io.out(`bvsim check: ${parts.join(', ')}: ${worst === EXIT.ok ? 'ok' : 'FAILED'}\n`);
  if (args.junit !== null) io.writeFile(args.junit, junitXml('bvsim check', suites), true);
  return worst;
}
