/**
 * A campaign's books: what has been committed to the store. Campaign runs are committed in
 * run order (a reorder buffer holds the ones that finish early), so the stream's `nextK` is
 * always "every run below it is counted" and a killed campaign resumes without losing or
 * double-counting a run. Boost runs have no order to keep and are committed as they arrive.
 */
import { findingSignature } from '../../core/index.ts';
import {
  addTally,
  isRareGoal,
  shardRunK,
  type RunSummary,
  type StatsRecord,
  type StreamKey,
} from '../../fuzz/index.ts';
import type { StoreWriter } from './store.ts';

export interface NewFinding {
  readonly signature: string;
  readonly file: string;
  readonly summary: RunSummary;
}

export interface Ledger {
  readonly stream: StreamKey;
  /** Index in the shard of the first run not yet committed. */
  commitJ: number;
  boostNext: number;
  runs: number;
  events: number;
  readonly counts: Record<string, number>;
  readonly coverage: Record<string, number>;
  /** Current trace file per signature. */
  readonly files: Map<string, string>;
  /** This session only. */
  readonly session: { runs: number; events: number; findings: number; internal: number; found: NewFinding[] };
  /** Config seeds of runs that reached a rare goal, newest last. */
  readonly favoured: number[];
}

const FAVOURED_MAX = 64;

export function createLedger(stream: StreamKey, files: ReadonlyMap<string, string>, resume: StatsRecord | null, commitJ: number): Ledger {
  return {
    stream,
    commitJ,
    boostNext: resume?.boostNext ?? 0,
    runs: resume?.runs ?? 0,
    events: resume?.events ?? 0,
    counts: { ...(resume?.counts ?? {}) },
    coverage: { ...(resume?.coverage ?? {}) },
    files: new Map(files),
    session: { runs: 0, events: 0, findings: 0, internal: 0, found: [] },
    favoured: [],
  };
}

export function statsRecord(l: Ledger, elapsedMs: number): StatsRecord {
  return {
    type: 'stats',
    stream: l.stream,
    nextK: shardRunK(l.stream.shard, l.commitJ),
    boostNext: l.boostNext,
    runs: l.runs,
    events: l.events,
    counts: { ...l.counts },
    coverage: { ...l.coverage },
    elapsedMs: Math.max(0, Math.round(elapsedMs)),
  };
}

/**
 * Commits one run. A new signature's trace is written (atomically) before its record, and a
 * stats record follows at once, so the log never names a finding the counts do not include.
 * `traceOf` supplies the trace when the worker left it out (it believed the signature known).
 */
export function commitRun(l: Ledger, store: StoreWriter, r: RunSummary, traceOf: (r: RunSummary) => string, elapsedMs: number): NewFinding | null {
  l.runs++;
  l.events += r.events;
  l.session.runs++;
  l.session.events += r.events;
  addTally(l.coverage, Object.fromEntries(r.coverage.map((g) => [g, 1])));
  if (r.coverage.some((g) => isRareGoal(g, l.coverage, l.runs))) {
    l.favoured.push(r.spec.configSeed);
    if (l.favoured.length > FAVOURED_MAX) l.favoured.shift();
  }
  if (r.spec.k !== null) l.commitJ++;
  if (r.first === null) return null;
  const signature = findingSignature(r.first);
  l.session.findings++;
  if (r.first.kind === 'internal') l.session.internal++;
  l.counts[signature] = (l.counts[signature] ?? 0) + 1;
  if (l.files.has(signature)) return null;
  const file = store.writeTrace(signature, r.trace ?? traceOf(r));
  l.files.set(signature, file);
  const s = r.spec;
  store.append({ type: 'finding', signature, file, detail: r.first.detail, k: s.k, boost: s.boost, seed: s.seed, configSeed: s.configSeed, events: r.events });
  store.append(statsRecord(l, elapsedMs));
  const found: NewFinding = { signature, file, summary: r };
  l.session.found.push(found);
  return found;
}

/** Records a shrunk trace: the new file first, then its record, then the old file goes. */
export function commitShrunk(l: Ledger, store: StoreWriter, signature: string, text: string, counts: { before: number; after: number; ms: number }): string | null {
  const old = l.files.get(signature);
  if (old === undefined || counts.after >= counts.before) return null;
  const file = store.writeTrace(signature, text);
  if (file === old) return null;
  store.append({ type: 'shrunk', signature, file, replaces: old, eventsBefore: counts.before, events: counts.after, shrinkMs: Math.max(0, Math.round(counts.ms)) });
  l.files.set(signature, file);
  store.removeTrace(old);
  return file;
}
