// The findings store as data: the log's records (a line cut short by a kill is ignored), what a
// store holds (a trace with no record yet is adopted, not lost), and merge plans (counts add up
// over streams; merging the same store twice changes nothing).
import { describe, expect, it } from 'vitest';
import {
  encodeRecord,
  findingFileName,
  latestSeed,
  mergePlan,
  parseLog,
  signatureOfFile,
  viewOf,
  type LogRecord,
  type StatsRecord,
  type StreamKey,
} from '../../fuzz/index.ts';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const stream = (seed: number, index = 0, count = 1): StreamKey => ({ seed, shard: { index, count }, design: 'cursor', policy: 'swarm', mutants: [], canary: null });

function stats(key: StreamKey, runs: number, counts: Record<string, number>): StatsRecord {
  return { type: 'stats', stream: key, nextK: runs, boostNext: 0, runs, events: runs * 10, counts, coverage: { 'device.short': 1 }, elapsedMs: 5 };
}

function finding(signature: string, file: string, k: number): LogRecord {
  return { type: 'finding', signature, file, detail: 'd', k, boost: null, seed: k, configSeed: k, events: 3 };
}

const A = 'bug.folio.put_underflow';
const B = 'invariant.bvecq.chain_links';
const fileA = findingFileName(A, 'trace a');
const fileB = findingFileName(B, 'trace b');

describe('findingFileName', () => {
  it('should name the signature and a hash of the text, and parse back', () => {
    expect(fileA).toMatch(/^bug\.folio\.put_underflow__[0-9a-f]{8}\.trace\.jsonl$/);
    expect(findingFileName(A, 'trace a')).toBe(fileA);
    expect(findingFileName(A, 'trace a2')).not.toBe(fileA);
    expect(signatureOfFile(fileA)).toBe(A);
    expect(signatureOfFile('.tmp-12-0')).toBeNull();
    expect(signatureOfFile('notes.txt')).toBeNull();
  });
});

describe('parseLog', () => {
  const text = [finding(A, fileA, 3), stats(stream(1), 4, { [A]: 1 })].map(encodeRecord).join('');

  it('should read back what encodeRecord wrote', () => {
    const r = parseLog(text);
    expect(r.errors).toEqual([]);
    expect(r.partialTail).toBe(false);
    expect(r.records.map((x) => x.type)).toEqual(['finding', 'stats']);
  });

  it('should ignore a last line cut short, and report a bad line in the middle', () => {
    expect(parseLog(`${text}{"type":"sta`)).toMatchObject({ partialTail: true, errors: [] });
    const bad = parseLog(`{"type":"nope"}\n${text}`);
    expect(bad.records.length).toBe(2);
    expect(bad.errors.map((e) => e.line)).toEqual([1]);
  });
});

describe('viewOf', () => {
  it('should sum the last stats of each stream and follow shrunk files', () => {
    const shrunk = findingFileName(A, 'smaller');
    const v = viewOf(
      [
        finding(A, fileA, 3),
        stats(stream(1), 4, { [A]: 1 }),
        stats(stream(1), 9, { [A]: 2 }),
        stats(stream(1, 1, 2), 5, { [A]: 1, [B]: 2 }),
        { type: 'shrunk', signature: A, file: shrunk, replaces: fileA, eventsBefore: 9, events: 2 },
      ],
      [shrunk],
    );
    expect(v.counts).toEqual({ [A]: 3, [B]: 2 });
    expect(v.runs).toBe(14);
    expect(v.files.get(A)).toBe(shrunk);
    expect(v.coverage).toEqual({ 'device.short': 2 });
  });

  it('should adopt a trace file that has no record (renamed in just before a kill)', () => {
    const v = viewOf([finding(A, fileA, 3)], [fileA, fileB, '.tmp-1-0']);
    expect([...v.files.keys()].sort(byText)).toEqual([A, B]);
    expect(v.firsts.get(B)).toBeNull();
  });
});

describe('latestSeed', () => {
  it('should find the last campaign started with the same shard and options', () => {
    const start = (key: StreamKey): LogRecord => ({ type: 'start', stream: key, nextK: 0, workers: 1, timeMs: null, runsMax: null });
    const like = { shard: { index: 0, count: 1 }, design: 'cursor' as const, policy: 'swarm' as const, mutants: [], canary: null };
    expect(latestSeed([start(stream(5)), start(stream(7)), start(stream(9, 1, 2))], like)).toBe(7);
    expect(latestSeed([start(stream(9, 1, 2))], like)).toBeNull();
  });
});

describe('mergePlan', () => {
  const one = viewOf([finding(A, fileA, 0), stats(stream(1, 0, 2), 10, { [A]: 4 })], [fileA]);
  const two = viewOf([finding(A, findingFileName(A, 'other'), 1), finding(B, fileB, 3), stats(stream(1, 1, 2), 10, { [A]: 1, [B]: 6 })], []);

  it('should copy only new signatures and add the other stream', () => {
    const plan = mergePlan(one, two, 'two');
    expect(plan.copy).toEqual([fileB]);
    const merged = viewOf([finding(A, fileA, 0), stats(stream(1, 0, 2), 10, { [A]: 4 }), ...plan.append], []);
    expect(merged.counts).toEqual({ [A]: 5, [B]: 6 });
    expect([...merged.files.keys()].sort(byText)).toEqual([A, B]);
  });

  it('should change nothing when merged a second time', () => {
    const once = viewOf([finding(A, fileA, 0), stats(stream(1, 0, 2), 10, { [A]: 4 }), ...mergePlan(one, two, 'two').append], []);
    expect(mergePlan(once, two, 'two')).toEqual({ copy: [], append: [] });
  });

  it('should take the further record of a stream both stores ran', () => {
    const behind = viewOf([stats(stream(1, 0, 2), 4, { [A]: 1 })], []);
    expect(mergePlan(behind, one, 'one').append.filter((r) => r.type === 'stats')).toHaveLength(1);
    expect(mergePlan(one, behind, 'behind').append).toEqual([]);
  });
});
