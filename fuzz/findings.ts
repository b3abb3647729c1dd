/**
 * The findings store, as data: a directory holding `findings/<signature>__<hash>.trace.jsonl`,
 * one trace per distinct finding (signature = kind + id of the first finding; hash = a short
 * hash of the trace text), and `campaign.jsonl`, a JSON Lines log — campaign starts, one record
 * per new distinct finding (run k and seed), cumulative stats per stream, ends. tools/ does the
 * reading and writing; this file decides what the bytes mean.
 *
 * A stream is one campaign seed on one shard with one set of run-shaping options. Its stats
 * records are cumulative and written in run order, so the last one says where to resume
 * (`nextK`) and how often each signature was seen; a store's counts are the sum over its
 * streams. Merging stores keeps the furthest record of each stream, so merging is idempotent.
 */
import { z } from 'zod';
import { canonicalJson, hash64 } from '../core/index.ts';
import { DESIGNS } from './campaign.ts';

export const STORE_LOG = 'campaign.jsonl';
export const STORE_FINDINGS = 'findings';

const count = z.number().int().nonnegative();
const tally = z.record(z.string(), count);
const streamSchema = z.strictObject({
  seed: count,
  shard: z.strictObject({ index: count, count: z.number().int().positive() }),
  // `swarm`: each run drew its own design (stores written before --design was honoured say `cursor`).
  design: z.enum([...DESIGNS, 'swarm']),
  policy: z.enum(['random', 'pct', 'swarm']),
  mutants: z.array(z.string()),
  canary: z.string().nullable(),
});

/** A stream: campaign seed, shard and the options that shape its runs (mutants sorted). */
export type StreamKey = z.infer<typeof streamSchema>;

const recordSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), stream: streamSchema, nextK: count, workers: count, timeMs: count.nullable(), runsMax: count.nullable() }),
  z.strictObject({
    type: z.literal('finding'),
    signature: z.string(),
    file: z.string(),
    detail: z.string(),
    k: count.nullable(),
    boost: count.nullable(),
    seed: count,
    configSeed: count,
    events: count,
    from: z.string().exactOptional(),
  }),
  z.strictObject({ type: z.literal('shrunk'), signature: z.string(), file: z.string(), replaces: z.string(), eventsBefore: count, events: count, shrinkMs: count.exactOptional() }),
  z.strictObject({
    type: z.literal('stats'),
    stream: streamSchema,
    nextK: count,
    boostNext: count,
    runs: count,
    events: count,
    counts: tally,
    coverage: tally,
    elapsedMs: count,
    from: z.string().exactOptional(),
  }),
  z.strictObject({ type: z.literal('end'), stream: streamSchema, reason: z.enum(['time', 'runs', 'finding', 'signal', 'aborted']), nextK: count, runs: count }),
]);

export type LogRecord = z.infer<typeof recordSchema>;
export type StatsRecord = Extract<LogRecord, { type: 'stats' }>;
export type FindingRecord = Extract<LogRecord, { type: 'finding' }>;
export type EndReason = Extract<LogRecord, { type: 'end' }>['reason'];

export function streamId(key: StreamKey): string {
  return canonicalJson(key);
}

export function encodeRecord(r: LogRecord): string {
  return `${canonicalJson(r)}\n`;
}

export interface ParsedLog {
  readonly records: LogRecord[];
  /** A last line cut short (a killed writer): ignored, and cut off before the next append. */
  readonly partialTail: boolean;
  readonly errors: { line: number; message: string }[];
}

export function parseLog(text: string): ParsedLog {
  const lines = text.split('\n');
  const partialTail = !text.endsWith('\n') && text !== '';
  const records: LogRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  const last = partialTail ? lines.length - 1 : lines.length;
  for (let n = 0; n < last; n++) {
    const line = lines[n] ?? '';
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push({ line: n + 1, message: 'not JSON' });
      continue;
    }
    const r = recordSchema.safeParse(value);
    if (r.success) records.push(r.data);
    else errors.push({ line: n + 1, message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  }
  return { records, partialTail, errors };
}

const FILE_RE = /^([a-z0-9_]+\.[a-z0-9_.]+)__([0-9a-f]{8})\.trace\.jsonl$/;

export function findingFileName(signature: string, traceText: string): string {
  return `${signature}__${hash64(traceText).slice(0, 8)}.trace.jsonl`;
}

export function signatureOfFile(name: string): string | null {
  return FILE_RE.exec(name)?.[1] ?? null;
}

export interface StoreView {
  /** The current trace file of each signature. */
  readonly files: ReadonlyMap<string, string>;
  /** The record that introduced each signature (null for a file adopted without one). */
  readonly firsts: ReadonlyMap<string, FindingRecord | null>;
  /** The furthest stats record of each stream, by `streamId`. */
  readonly streams: ReadonlyMap<string, StatsRecord>;
  readonly counts: Readonly<Record<string, number>>;
  readonly coverage: Readonly<Record<string, number>>;
  readonly runs: number;
  readonly events: number;
}

/** What a store holds, from its log and the names in its findings directory. */
export function viewOf(records: readonly LogRecord[], fileNames: readonly string[]): StoreView {
  const files = new Map<string, string>();
  const firsts = new Map<string, FindingRecord | null>();
  const streams = new Map<string, StatsRecord>();
  for (const r of records) {
    if (r.type === 'finding' && !files.has(r.signature)) {
      files.set(r.signature, r.file);
      firsts.set(r.signature, r);
    } else if (r.type === 'shrunk') {
      files.set(r.signature, r.file);
    } else if (r.type === 'stats') {
      const id = streamId(r.stream);
      const had = streams.get(id);
      if (had === undefined || had.runs <= r.runs) streams.set(id, r);
    }
  }
  // A trace renamed into place just before a kill has no record yet: adopt it, never lose it.
  const present = new Set(fileNames);
  for (const name of [...fileNames].sort(compare)) {
    const sig = signatureOfFile(name);
    if (sig !== null && !files.has(sig)) {
      files.set(sig, name);
      firsts.set(sig, null);
    } else if (sig !== null && !present.has(files.get(sig) ?? '')) {
      files.set(sig, name);
    }
  }
  return { files, firsts, streams, ...totals([...streams.values()]) };
}

function totals(stats: readonly StatsRecord[]): Pick<StoreView, 'counts' | 'coverage' | 'runs' | 'events'> {
  const counts: Record<string, number> = {};
  const coverage: Record<string, number> = {};
  let runs = 0;
  let events = 0;
  for (const s of stats) {
    addTally(counts, s.counts);
    addTally(coverage, s.coverage);
    runs += s.runs;
    events += s.events;
  }
  return { counts, coverage, runs, events };
}

export function addTally(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const key of Object.keys(from).sort(compare)) into[key] = (into[key] ?? 0) + (from[key] ?? 0);
}

/** Without `--seed`, a campaign resumes the latest stream started with the same shard and options. */
export function latestSeed(records: readonly LogRecord[], like: Omit<StreamKey, 'seed'>): number | null {
  const want = streamId({ ...like, seed: 0 });
  let seed: number | null = null;
  for (const r of records) if (r.type === 'start' && streamId({ ...r.stream, seed: 0 }) === want) seed = r.stream.seed;
  return seed;
}

export interface MergePlan {
  /** Trace files to copy from the source's findings directory (same name in the target). */
  readonly copy: readonly string[];
  readonly append: readonly LogRecord[];
}

/** How to fold `source` into `target`: its new signatures' traces and its streams that got further. */
export function mergePlan(target: StoreView, source: StoreView, sourceName: string): MergePlan {
  const copy: string[] = [];
  const append: LogRecord[] = [];
  for (const [sig, file] of [...source.files].sort((a, b) => compare(a[0], b[0]))) {
    if (target.files.has(sig)) continue;
    copy.push(file);
    const first = source.firsts.get(sig) ?? null;
    append.push(first === null ? adoptedRecord(sig, file, sourceName) : { ...first, file, from: sourceName });
  }
  for (const [id, stats] of [...source.streams].sort((a, b) => compare(a[0], b[0]))) {
    const had = target.streams.get(id);
    if (had === undefined || had.runs < stats.runs) append.push({ ...stats, from: sourceName });
  }
  return { copy, append };
}

function adoptedRecord(signature: string, file: string, from: string): FindingRecord {
  return { type: 'finding', signature, file, detail: 'adopted: a trace file with no log record', k: null, boost: null, seed: 0, configSeed: 0, events: 0, from };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
