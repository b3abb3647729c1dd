/**
 * The command-line parts for campaigns: `fuzz`, `check` and `findings merge|list`. Pure like
 * argv.ts: value problems throw commander's InvalidArgumentError, which parseArgv turns into
 * a usage error (exit 2).
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { resolveMutants } from '../core/index.ts';
import { DESIGNS, GOALS, type Design, type Shard } from '../fuzz/index.ts';
import type { CheckArgs } from './commands/check.ts';
import type { FindingsArgs } from './commands/findings.ts';
import type { FuzzArgs } from './commands/fuzz.ts';
import { parseDuration } from './duration.ts';
import { parseSeed } from './seed.ts';

export type CampaignCommand = { kind: 'fuzz'; args: FuzzArgs } | { kind: 'check'; args: CheckArgs } | { kind: 'findings'; args: FindingsArgs } | { kind: 'list-mutants' };

/** `i/n` with 0 <= i < n. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new InvalidArgumentError(`--shard takes i/n with 0 <= i < n (e.g. 0/4), not "${value}"`);
  }
  return { index, count };
}

function positive(value: string): number {
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

export function oneOf<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    const hit = allowed.find((a) => a === value);
    if (hit === undefined) throw new InvalidArgumentError(`${flag} must be ${allowed.join(' or ')}, not "${value}"`);
    return hit;
  };
}

const collect = (value: string, prev: string[]): string[] => [...prev, ...value.split(',').filter((s) => s !== '')];
const collectDirs = (value: string, prev: string[]): string[] => [...prev, value];

function mutants(names: string[]): string[] {
  const known = resolveMutants(names);
  if ('unknown' in known) throw new InvalidArgumentError(`unknown mutant "${known.unknown}" (--mutant); bvsim list-mutants names them`);
  return names;
}

const goal = oneOf('--canary', GOALS.map((g) => g.goal));

interface FuzzOptions {
  time?: number;
  runs?: number;
  workers?: number;
  seed?: number;
  shard?: Shard;
  out: string;
  design?: Design;
  mutant: string[];
  policy?: 'random' | 'pct';
  untilFinding: boolean;
  listMutants: boolean;
  canary?: string;
  shrink: boolean;
  shrinkBudget: number;
  progressEvery: number;
}

function addFuzz(p: Command, set: (c: CampaignCommand) => void): void {
  p.command('fuzz')
    .description('a campaign: run seeds on worker threads, write each new finding to OUT/findings/')
    .option('--time <duration>', 'time budget: 90s, 10m, 8h (default: until interrupted or --runs)', parseDuration)
    .option('--runs <n>', 'run budget: campaign runs 0..n-1 (of them, this shard\'s)', positive)
    .option('--workers <n>', 'worker threads (default: all cores)', positive)
    .option('--seed <seed>', 'campaign seed: u32 or commit hash (default: the store\'s last one, else fresh)', parseSeed)
    .option('--shard <i/n>', 'take the runs k with k % n == i', parseShard)
    .option('--out <dir>', 'findings store', '.bvsim')
    .option('--design <design>', `netfs design of every run: ${DESIGNS.join(' or ')} (default: each seed draws its own)`, oneOf('--design', DESIGNS))
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .option('--policy <policy>', 'scheduling policy for every run: random or pct (default: each seed draws)', oneOf('--policy', ['random', 'pct'] as const))
    .option('--until-finding', 'stop at the first finding, once it is written', false)
    .option('--list-mutants', 'print the mutant names and exit', false)
    .option('--canary <goal>', 'report reaching this coverage goal as a finding (proves the pipeline)', goal)
    .option('--no-shrink', 'store findings unshrunk')
    .option('--shrink-budget <duration>', 'time to shrink each new finding in the background', parseDuration, 60_000)
    .option('--progress-every <duration>', 'progress line cadence when stdout is not a terminal', parseDuration, 10_000)
    .exitOverride()
    .action((o: FuzzOptions) => {
      if (o.listMutants) return set({ kind: 'list-mutants' });
      set({
        kind: 'fuzz',
        args: {
          timeMs: o.time ?? null,
          runs: o.runs ?? null,
          workers: o.workers ?? availableParallelism(),
          seed: o.seed ?? null,
          shard: o.shard ?? { index: 0, count: 1 },
          out: o.out,
          design: o.design ?? 'swarm',
          mutants: mutants(o.mutant),
          policy: o.policy ?? null,
          untilFinding: o.untilFinding,
          canary: o.canary ?? null,
          shrinkMs: o.shrink ? o.shrinkBudget : null,
          progressEveryMs: o.progressEvery,
        },
      });
    });
}

function addCheck(p: Command, set: (c: CampaignCommand) => void): void {
  p.command('check')
    .description('what CI runs: replay the regression traces and any corpus, a fixed seed budget, the required coverage goals')
    .option('--corpus <dir>', 'more traces to replay: a directory or a findings store (repeatable)', collectDirs, [])
    .option('--seeds <n>', 'seed budget: runs with no finding allowed', parseCountOption, 200)
    .option('--seed <seed>', 'campaign seed of the seed budget: u32 or commit hash', parseSeed, 0)
    .option('--junit <file>', 'write a JUnit XML report here')
    .option('--mutant <names>', 'turn on mutant flags (comma-separated, repeatable)', collect, [])
    .option('--regressions <dir>', "regression traces (default: the checkout's test/regressions)")
    .exitOverride()
    .action((o: { corpus: string[]; seeds: number; seed: number; junit?: string; mutant: string[]; regressions?: string }) => {
      set({ kind: 'check', args: { corpus: o.corpus, seeds: o.seeds, seed: o.seed, junit: o.junit ?? null, mutants: mutants(o.mutant), regressions: o.regressions ?? null } });
    });
}

function parseCountOption(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

function addFindings(p: Command, set: (c: CampaignCommand) => void): void {
  const f = p.command('findings').description('findings stores: merge them, list one').exitOverride();
  f.command('merge')
    .description('merge stores (dedup by signature, counts added) into the first DIR or --out DIR')
    .argument('<dirs...>', 'findings stores')
    .option('--out <dir>', 'merge into this store instead of the first DIR')
    .exitOverride()
    .action((dirs: string[], o: { out?: string }) => set({ kind: 'findings', args: { action: 'merge', dirs, out: o.out ?? null } }));
  f.command('list')
    .description("list a store's findings with their counts and files")
    .argument('<dir>', 'findings store')
    .exitOverride()
    .action((dir: string) => set({ kind: 'findings', args: { action: 'list', dirs: [dir], out: null } }));
}

export function addCampaignCommands(p: Command, set: (c: CampaignCommand) => void): void {
  addFuzz(p, set);
  addCheck(p, set);
  addFindings(p, set);
}
