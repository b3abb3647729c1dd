/**
 * `bvsim bench` / `npm run bench`: every benchmark of the project, one section after another;
 * `--only a,b` picks sections. The default set is the full report (about three hours on the
 * 2-core machine, most of it the mutant campaigns and the baseline at 120 s per seed):
 * - throughput: replay events/s per workload in each engine mode, per-event checks on and off;
 * - corpus: one `bvsim replay` process over 1,200 small traces;
 * - sim: `bvsim run` runs/s and events/s with per-event checks on and off;
 * - mutants: `bvsim fuzz --until-finding` from five campaign seeds per mutant flag: time and runs
 *   to the first finding, the finding, shrunk length against the hand-written minimum;
 * - baseline: the same mutants under plain fast-check fc.commands (no swarm, PCT or coverage);
 * - scaling: clean campaign runs/s with one worker and with all, in interleaved rounds; soak: a clean 10-minute campaign,
 *   its findings and memory at one minute against at the end;
 * - shrink: each regression trace and a simulator run with its finding, shrunk.
 * Only when named: `policies` (the seed-range table under forced random and PCT), `seeds` (the
 * seed-range detection table), `clean` (the clean model over many seeds, in process).
 */
import { performance } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { MUTANTS } from '../../core/index.ts';
import { parseDuration } from '../duration.ts';
import { throughputTable, corpusTable } from './replay_tables.ts';
import { shrinkBench } from './shrink_regressions.ts';
import { mutantTable } from './mutants_sim.ts';
import { cleanSweep, simRunsTable } from './sim_runs.ts';
import { baselineTable } from './baseline_table.ts';
import { mutantCampaignTable } from './campaign_mutants.ts';
import { scalingTable, soak } from './campaign_scaling.ts';

const OPTIONS = {
  only: { type: 'string' },
  mutant: { type: 'string', multiple: true },
  events: { type: 'string', default: '1000000' },
  'immutable-events': { type: 'string', default: '20000' },
  traces: { type: 'string', default: '1200' },
  'trace-events': { type: 'string', default: '40' },
  'sim-seeds': { type: 'string', default: '300' },
  'campaign-seeds': { type: 'string', default: '5' },
  'campaign-budget': { type: 'string', default: '120s' },
  workers: { type: 'string' },
  parallel: { type: 'string', default: '1' },
  'campaign-shrink-budget': { type: 'string', default: '60s' },
  'baseline-budget': { type: 'string', default: '120s' },
  'baseline-seeds': { type: 'string', default: '5' },
  'baseline-lenient': { type: 'boolean', default: false },
  'baseline-parallel': { type: 'string' },
  'scaling-time': { type: 'string', default: '240s' },
  'scaling-rounds': { type: 'string', default: '3' },
  'soak-time': { type: 'string', default: '10m' },
  'shrink-seeds': { type: 'string', default: '50' },
  'shrink-budget': { type: 'string', default: '30s' },
  'mutant-seeds': { type: 'string', default: '500' },
  'clean-seeds': { type: 'string', default: '10000' },
} as const;

const DEFAULT_SECTIONS = ['throughput', 'corpus', 'sim', 'mutants', 'baseline', 'scaling', 'soak', 'shrink'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS, 'policies', 'seeds', 'clean'];

function count(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`not a positive integer: ${s}`);
  return n;
}

const now = (): number => performance.now();
const print = (l: string): void => console.log(l);
const REGRESSIONS = new URL('../../test/regressions/', import.meta.url).pathname;
const seedList = (n: string): number[] => Array.from({ length: count(n) }, (_, k) => k + 1);

/** Runs the benchmark with `argv` (the arguments after `bench`); returns the exit code. */
export async function benchMain(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS });
  const sections = values.only === undefined ? DEFAULT_SECTIONS : values.only.split(',');
  const unknown = sections.filter((s) => !ALL_SECTIONS.includes(s));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')} (sections: ${ALL_SECTIONS.join(', ')})`);
  const wanted = (s: string): boolean => sections.includes(s);
  const listed = values.mutant?.flatMap((m) => m.split(',')) ?? [];
  // Individual flags by default: a group would only repeat its members' finds.
  const mutants = listed.length > 0 ? listed : Object.keys(MUTANTS);
  let exit = 0;
  if (wanted('throughput')) throughputTable(count(values.events), count(values['immutable-events']), now, print);
  if (wanted('corpus')) corpusTable(count(values.traces), count(values['trace-events']), now, print);
  if (wanted('sim')) simRunsTable(count(values['sim-seeds']), now, print);
  if (wanted('mutants')) {
    const workers = values.workers === undefined ? null : count(values.workers);
    const parallel = count(values.parallel);
    const shrinkBudget = values['campaign-shrink-budget'];
    await mutantCampaignTable(mutants, { seeds: seedList(values['campaign-seeds']), budget: values['campaign-budget'], workers, parallel, shrinkBudget, regressions: REGRESSIONS, now, print });
  }
  if (wanted('baseline')) {
    const rule = values['baseline-lenient'] ? 'halt' : 'finding-free';
    const parallel = values['baseline-parallel'] === undefined ? availableParallelism() : count(values['baseline-parallel']);
    await baselineTable({ mutants, seeds: seedList(values['baseline-seeds']), budgetMs: parseDuration(values['baseline-budget']), rule, parallel }, print);
  }
  if (wanted('scaling')) await scalingTable({ seconds: parseDuration(values['scaling-time']) / 1000, rounds: count(values['scaling-rounds']), seed: 7, now, print });
  if (wanted('soak') && (await soak({ seconds: parseDuration(values['soak-time']) / 1000, seed: 11, now, print })).findings > 0) exit = 1;
  if (wanted('shrink')) shrinkBench({ dir: REGRESSIONS, seeds: count(values['shrink-seeds']), budgetMs: parseDuration(values['shrink-budget']), now, print });
  if (wanted('seeds')) mutantTable({ seedsMax: count(values['mutant-seeds']) }, print, listed.length > 0 ? listed : undefined);
  if (wanted('policies')) {
    // bio_endio_parent_early needs a parent to overtake two of its chained splits: an ordering PCT's starvation finds.
    const list = listed.length > 0 ? listed : ['bvecq_pos_step_off_by_one', 'iov_iter_bvecq_empty_not_skipped', 'bio_endio_parent_early'];
    for (const policy of ['random', 'pct'] as const) mutantTable({ seedsMax: count(values['mutant-seeds']), policy }, print, list);
  }
  if (wanted('clean') && cleanSweep(count(values['clean-seeds']), print) > 0) exit = 1;
  return exit;
}
