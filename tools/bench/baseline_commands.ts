/**
 * The mutant benchmark's baseline (issue 7): the same mutants found by plain fast-check
 * `fc.commands` (baseline_property.ts) instead of the simulator, so the mutants table shows
 * what swarm configs, PCT scheduling and coverage guidance add. Per mutant and fast-check
 * seed: time and sequences to the first failing run, what it found, and how short fast-check
 * shrinks it. `npm run bench -- --only baseline [--baseline-budget 120s] [--baseline-seeds 5]`.
 */
import fc from 'fast-check';
import { resolveMutants } from '../../core/index.ts';
import { commandsArb, MAX_COMMANDS, MutantFound, runSequence, type CleanRule, type DiffModel, type EnginePair } from './baseline_property.ts';

type Sequence = Iterable<fc.Command<DiffModel, EnginePair>>;

/** Milliseconds of search, or a number of generated sequences (deterministic, for tests). */
export type BaselineBudget = number | { readonly runs: number };

export interface BaselineRow {
  readonly mutant: string;
  readonly seed: number;
  readonly found: boolean;
  /** From the start of the check to the end of the first failing run; shrinking not included. */
  readonly firstMs: number | null;
  /** Sequences run up to and including the first failing one, or all run when none failed. */
  readonly runs: number;
  readonly signature: string | null;
  /** Commands run by fast-check's shrunk counterexample up to the failing step. */
  readonly shrunkLength: number | null;
  /** Whether shrinking hit its bound (the length is then of the smallest failure so far). */
  readonly shrinkInterrupted: boolean;
  /** Search and shrinking. */
  readonly totalMs: number;
}

export interface BaselineRowOptions {
  /** Bound on shrinking; by default the search budget in ms, or 10 s for a runs budget. */
  readonly shrinkMs?: number;
  /** When comparing with the clean engine stops (baseline_property.ts); default `halt`. */
  readonly rule?: CleanRule;
}

/** No run limit of its own: a time budget ends the search. */
const UNLIMITED_RUNS = 2 ** 31 - 1;
const DEFAULT_SHRINK_MS_FOR_RUNS = 10_000;

/**
 * fast-check's time-limit plugin, typed for our property: it is declared as Plugin<unknown>,
 * which Parameters<T> refuses for any other T, although it only watches the clock.
 */
function interruptAfter(ms: number): fc.Plugin<[Sequence]> {
  return fc.interruptAfterTimeLimit(ms) as fc.Plugin<[Sequence]>;
}

function flagsOf(mutant: string): Record<string, boolean> {
  if (mutant === '') return {};
  const r = resolveMutants([mutant]);
  if ('unknown' in r) throw new Error(`unknown mutant: ${r.unknown}`);
  return r.flags;
}

/** Commands run up to the mutant's finding when `cmds` is replayed, or null if it no longer fails. */
function failingLength(flags: Readonly<Record<string, boolean>>, cmds: Sequence, rule: CleanRule): number | null {
  try {
    runSequence(flags, cmds, rule);
  } catch (e) {
    if (e instanceof MutantFound) return e.step + 1;
    throw e;
  }
  return null;
}

/**
 * Searches with fc.check until the first failing sequence (endOnFailure, so the search time is
 * not mixed with shrinking), then replays that run by its counterexample path and lets
 * fast-check shrink it under its own bound. The empty mutant name runs the clean model against
 * itself, which must never fail.
 */
export function baselineRow(mutant: string, seed: number, budget: BaselineBudget, now: () => number, opts: BaselineRowOptions = {}): BaselineRow {
  const flags = flagsOf(mutant);
  const rule = opts.rule ?? 'halt';
  const start = now();
  let runs = 0;
  const hits: { ms: number; runs: number; signature: string; cmds: Sequence }[] = [];
  const search = fc.property(commandsArb(), (cmds) => {
    runs++;
    try {
      runSequence(flags, cmds, rule);
    } catch (e) {
      if (e instanceof MutantFound && hits.length === 0) hits.push({ ms: now() - start, runs, signature: e.signature, cmds });
      throw e;
    }
  });
  const limit = typeof budget === 'number' ? { numRuns: UNLIMITED_RUNS, plugins: [interruptAfter(budget)] } : { numRuns: budget.runs };
  const d1 = fc.check(search, { seed, endOnFailure: true, ...limit });
  const hit = hits[0];
  if (d1.failed && hit === undefined) throw d1.errorInstance instanceof Error ? d1.errorInstance : new Error(`baseline ${mutant} seed ${seed}: the check failed without a find`);
  if (hit === undefined || d1.counterexamplePath === null) {
    return { mutant, seed, found: false, firstMs: null, runs, signature: null, shrunkLength: null, shrinkInterrupted: false, totalMs: now() - start };
  }
  const shrinkMs = opts.shrinkMs ?? (typeof budget === 'number' ? budget : DEFAULT_SHRINK_MS_FOR_RUNS);
  const replay = fc.property(commandsArb(), (cmds) => runSequence(flags, cmds, rule));
  const d2 = fc.check(replay, { seed, path: d1.counterexamplePath, plugins: [interruptAfter(shrinkMs)] });
  // Interrupted before even the replay: the unshrunk sequence is the smallest known.
  const shrunk = d2.counterexample?.[0] ?? hit.cmds;
  return {
    mutant,
    seed,
    found: true,
    firstMs: hit.ms,
    runs: hit.runs,
    signature: hit.signature,
    shrunkLength: failingLength(flags, shrunk, rule),
    shrinkInterrupted: d2.interrupted || d2.counterexample === null,
    totalMs: now() - start,
  };
}

export interface BaselineTableOptions {
  readonly mutants: readonly string[];
  readonly seeds: readonly number[];
  readonly budgetMs: number;
  readonly shrinkMs?: number;
  readonly rule?: CleanRule;
}

export interface BaselineSummary {
  readonly mutant: string;
  readonly rows: readonly BaselineRow[];
  readonly found: number;
  /** Infinity where the median or worst seed found nothing within the budget. */
  readonly medianMs: number;
  readonly worstMs: number;
  readonly medianRuns: number;
  readonly worstRuns: number;
  readonly signature: string | null;
  readonly medianShrunk: number | null;
}

/** The middle value, or the mean of the two middle ones: with 2 seeds the upper one would be the worst. */
function median(xs: readonly number[]): number | null {
  const sorted = [...xs].sort((a, b) => a - b);
  const hi = sorted[Math.floor(sorted.length / 2)];
  const lo = sorted[Math.ceil(sorted.length / 2) - 1];
  return hi === undefined || lo === undefined ? null : (lo + hi) / 2;
}

/** The most frequent signature; a tie goes to the one found at the lowest seed. */
function commonest(sigs: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const s of sigs) counts.set(s, (counts.get(s) ?? 0) + 1);
  let best: string | null = null;
  for (const [s, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = s;
  return best;
}

export function summarize(mutant: string, rows: readonly BaselineRow[]): BaselineSummary {
  const hits = rows.filter((r) => r.found);
  const ms = rows.map((r) => r.firstMs ?? Infinity);
  const runs = rows.map((r) => (r.found ? r.runs : Infinity));
  return {
    mutant,
    rows,
    found: hits.length,
    medianMs: median(ms) ?? Infinity,
    worstMs: Math.max(...ms),
    medianRuns: median(runs) ?? Infinity,
    worstRuns: Math.max(...runs),
    signature: commonest(hits.flatMap((r) => (r.signature === null ? [] : [r.signature]))),
    medianShrunk: median(hits.flatMap((r) => (r.shrunkLength === null ? [] : [r.shrunkLength]))),
  };
}

const COLUMNS = ['mutant'.padEnd(36), 'found'.padStart(5), 'med time'.padStart(9), 'worst'.padStart(9), 'med runs'.padStart(8), 'worst'.padStart(8), 'shrunk'.padStart(6), 'finding'];

export function formatSummary(s: BaselineSummary, budgetMs: number): string {
  const time = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)}s` : `>${budgetMs / 1000}s`);
  const runs = (n: number): string => (Number.isFinite(n) ? String(Math.round(n)) : '-');
  return [
    s.mutant.padEnd(36),
    `${s.found}/${s.rows.length}`.padStart(5),
    time(s.medianMs).padStart(9),
    time(s.worstMs).padStart(9),
    runs(s.medianRuns).padStart(8),
    runs(s.worstRuns).padStart(8),
    (s.medianShrunk === null ? '-' : String(Math.round(s.medianShrunk))).padStart(6),
    s.signature ?? '',
  ].join(' ');
}

/** The table's heading: what was run, with which budget, compared how. */
export function baselineHeading(opts: BaselineTableOptions): string[] {
  const shrinkMs = opts.shrinkMs ?? opts.budgetMs;
  const rule = opts.rule ?? 'halt';
  return [
    `\nBaseline: fast-check fc.commands (uniform choices; no swarm, PCT or coverage guidance), up to ${MAX_COMMANDS} commands, ` +
      `fc seeds ${opts.seeds.join(',')}, ${opts.budgetMs / 1000}s search + up to ${shrinkMs / 1000}s shrinking per seed, ` +
      `compared with the clean engine until it ${rule === 'halt' ? 'halts' : 'reports any finding'}\n`,
    COLUMNS.join(' '),
  ];
}
