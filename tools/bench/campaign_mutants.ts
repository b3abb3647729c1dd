/**
 * The mutant benchmark (issue 7): for every mutant flag, `bvsim fuzz --mutant FLAG --seed S
 * --until-finding --time BUDGET` from campaign seeds 1..5, each a real process on all cores.
 * Per mutant: how many campaigns found it, the median and worst time and runs to the first
 * finding (from the campaign's own books, so start-up is not counted), the finding, and the
 * shrunk length against the shortest known trace (test/regressions/) for the same finding
 * (issue 6's quality target: at most 1.5x), with the median time the shrink took.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingSignature } from '../../core/index.ts';
import { shrinkTrace } from '../../fuzz/index.ts';
import { decodeTrace, type Trace } from '../../traces/index.ts';
import { runFuzzProcess } from './fuzz_process.ts';

export interface CampaignFind {
  readonly seed: number;
  readonly found: boolean;
  readonly ms: number | null;
  readonly runs: number | null;
  readonly signature: string | null;
  readonly shrunk: number | null;
  readonly shrinkMs: number | null;
  readonly exitCode: number | null;
  readonly tail: string;
}

export interface MutantCampaignOptions {
  readonly seeds: readonly number[];
  readonly budget: string;
  /** Worker threads per campaign; null: the CLI default (all cores). */
  readonly workers: number | null;
  /** Campaigns run at the same time (each with `workers` threads). */
  readonly parallel: number;
  /** Each campaign's --shrink-budget. */
  readonly shrinkBudget: string;
  readonly regressions: string;
  readonly now: () => number;
  readonly print: (line: string) => void;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** What one campaign's books say about its first finding. */
export function firstFindOf(seed: number, records: readonly Record<string, unknown>[]): Omit<CampaignFind, 'exitCode' | 'tail'> {
  const at = records.findIndex((r) => r.type === 'finding');
  const finding = records[at];
  if (at < 0 || finding === undefined) return { seed, found: false, ms: null, runs: null, signature: null, shrunk: null, shrinkMs: null };
  const signature = str(finding.signature);
  const stats = records.slice(at + 1).find((r) => r.type === 'stats');
  const shrunk = records.filter((r) => r.type === 'shrunk' && r.signature === signature).at(-1);
  return {
    seed,
    found: true,
    ms: num(stats?.elapsedMs),
    runs: num(stats?.runs),
    signature,
    shrunk: num(shrunk?.events) ?? num(finding.events),
    shrinkMs: num(shrunk?.shrinkMs),
  };
}

export async function campaignFind(mutant: string, seed: number, o: MutantCampaignOptions): Promise<CampaignFind> {
  const args = ['--mutant', mutant, '--seed', String(seed), '--until-finding', '--time', o.budget, '--shrink-budget', o.shrinkBudget];
  if (o.workers !== null) args.push('--workers', String(o.workers));
  const r = await runFuzzProcess(args, { sampleEveryMs: 1000, now: o.now });
  return { ...firstFindOf(seed, r.records), exitCode: r.exitCode, tail: r.tail };
}

/**
 * The shortest known trace per `mutant finding` pair: each hand-written trace's calls (notes
 * not counted), or what the shrinker makes of it when that is shorter: the quality target
 * compares with the shortest story known, not with a hand trace that was not minimal.
 */
export function handMinimums(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.trace.jsonl'))) {
    const decoded = decodeTrace(readFileSync(join(dir, name), 'utf8'));
    if (!decoded.ok) continue;
    const mutants = decoded.value.header.mutants ?? [];
    if (mutants.length !== 1) continue;
    const shrunk = shrinkTrace({ trace: decoded.value, run: null }, { candidatesMax: HAND_SHRINK_CANDIDATES });
    if (!shrunk.ok) continue;
    const key = `${mutants[0] ?? ''} ${findingSignature(shrunk.report.target)}`;
    const length = Math.min(handLength(decoded.value), shrunk.report.eventsAfter);
    out.set(key, Math.min(out.get(key) ?? Infinity, length));
  }
  return out;
}

/** Enough for stage 2 to reach its fixpoint on any hand trace (the longest takes a few thousand). */
const HAND_SHRINK_CANDIDATES = 20_000;

/** A hand-written trace's length: its calls, without the notes that tell the story. */
export function handLength(trace: Trace): number {
  return trace.steps.filter((s) => s.event.type !== 'sim.note').length;
}

function median(xs: readonly number[]): number | null {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : (s[Math.floor((s.length - 1) / 2)] ?? null);
}

const secs = (ms: number | null): string => (ms === null ? '-' : (ms / 1000).toFixed(1));

function mostCommon(xs: readonly string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '-';
}

export interface MutantCampaignRow {
  readonly mutant: string;
  readonly finds: readonly CampaignFind[];
  readonly hand: number | null;
}

export function formatMutantRow(row: MutantCampaignRow): string {
  const hits = row.finds.filter((f) => f.found);
  const ms = hits.map((f) => f.ms ?? 0);
  const runs = hits.map((f) => f.runs ?? 0);
  const signature = mostCommon(hits.map((f) => f.signature ?? '?'));
  const shrunk = median(hits.filter((f) => f.signature === signature).map((f) => f.shrunk ?? 0));
  const ratio = shrunk === null || row.hand === null ? '-' : (shrunk / row.hand).toFixed(2);
  return [
    row.mutant.padEnd(34),
    `${hits.length}/${row.finds.length}`.padStart(5),
    `${secs(median(ms))}/${secs(ms.length === 0 ? null : Math.max(...ms))}`.padStart(12),
    `${median(runs) ?? '-'}/${runs.length === 0 ? '-' : Math.max(...runs)}`.padStart(10),
    signature.padEnd(44),
    String(shrunk ?? '-').padStart(6),
    String(row.hand ?? '-').padStart(5),
    ratio.padStart(6),
    secs(median(hits.flatMap((f) => (f.shrinkMs === null ? [] : [f.shrinkMs])))).padStart(8),
  ].join(' ');
}

/** `run` over `items` with at most `size` at a time; results in the items' order. */
async function inPool<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let k = next++; k < items.length; k = next++) out[k] = await run(items[k] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, lane));
  return out;
}

export async function mutantCampaignTable(mutants: readonly string[], o: MutantCampaignOptions): Promise<MutantCampaignRow[]> {
  const hand = handMinimums(o.regressions);
  const workers = o.workers === null ? '' : ` --workers ${o.workers}`;
  o.print(`\nMutant benchmark: \`bvsim fuzz --mutant M --seed S --until-finding --time ${o.budget} --shrink-budget ${o.shrinkBudget}${workers}\`, seeds ${o.seeds.join(',')}, ${o.parallel} at a time\n`);
  o.print(`${'mutant'.padEnd(34)} found ${'time s md/max'.padStart(12)} ${'runs md/max'.padStart(10)} ${'first finding (most common)'.padEnd(44)} shrunk  hand  ratio shrink s`);
  const rows: MutantCampaignRow[] = [];
  for (const mutant of mutants) {
    const finds = await inPool(o.seeds, o.parallel, (seed) => campaignFind(mutant, seed, o));
    const signature = mostCommon(finds.filter((f) => f.found).map((f) => f.signature ?? '?'));
    const row = { mutant, finds, hand: hand.get(`${mutant} ${signature}`) ?? null };
    rows.push(row);
    o.print(formatMutantRow(row));
    for (const f of finds) if (f.exitCode !== 0 && f.exitCode !== 1) o.print(`  seed ${f.seed}: exit ${String(f.exitCode)}: ${f.tail}`);
  }
  return rows;
}
