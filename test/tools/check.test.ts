// `bvsim check` on directories made here: a trace that reproduces the finding its name says
// passes, one that does not fails (exit 1) and shows in the JUnit report; a seed budget of 0
// reaches no required coverage goal and fails; --mutant is applied to the corpus replay.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_GOALS } from '../../fuzz/index.ts';
import { realIo, type Io } from '../../tools/io.ts';
import { escapeXml, junitXml } from '../../tools/junit.ts';
import { main } from '../../tools/main.ts';

const REGRESSIONS = join(import.meta.dirname, '..', 'regressions');
const OVERFLOW = readFileSync(join(REGRESSIONS, 'bio.size_overflow__hand.trace.jsonl'), 'utf8');
/** The same events with no mutant in the header: the fixed kernel refuses the add, no finding. */
const FIXED = OVERFLOW.replace(',"mutants":["bio_size_overflow"]', '');

async function check(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { ...realIo(), isTty: false, out: (t) => void out.push(t), err: (t) => void err.push(t) };
  const code = await main(['check', ...argv], io);
  return { code, out: out.join(''), err: err.join('') };
}

function corpus(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bvsim-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('bvsim check', () => {
  it('should pass a trace that reproduces the finding its name names, by id or by signature', async () => {
    const dir = corpus({ 'bio.size_overflow__a.trace.jsonl': OVERFLOW, 'invariant.bio.size_overflow__b.trace.jsonl': OVERFLOW });
    const r = await check(['--regressions', dir, '--seeds', '0']);
    expect(r.out).toContain('regressions 2/2');
  });

  it('should fail a trace that does not reproduce its finding, and say so in the JUnit report', async () => {
    const dir = corpus({ 'bio.size_overflow__fixed.trace.jsonl': FIXED });
    const junit = join(dir, 'report.xml');
    const r = await check(['--regressions', dir, '--seeds', '0', '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not reproduce bio.size_overflow (replay gives no finding)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="regressions" tests="1" failures="1">/);
    expect(xml).toContain('<failure message=');
  });

  it('should turn on --mutant for the corpus replay', async () => {
    const dir = corpus({ 'bio.size_overflow__fixed.trace.jsonl': FIXED });
    const r = await check(['--regressions', corpus({}), '--corpus', dir, '--seeds', '0', '--mutant', 'bio_size_overflow']);
    expect(r.out).toContain(`corpus ${dir} 1/1`);
  });

  it('should fail every required coverage goal when no seed runs', async () => {
    const r = await check(['--regressions', corpus({}), '--seeds', '0']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`required coverage goals 0/${REQUIRED_GOALS.length}`);
  });

  it('should report a trace file that cannot be decoded as a trace error (exit 4)', async () => {
    const r = await check(['--regressions', corpus({ 'bio.size_overflow__bad.trace.jsonl': '{"format":"nope"}\n' }), '--seeds', '0']);
    expect(r.code).toBe(4);
  });

  it('should run the seed budget as one test case per run', async () => {
    const junit = join(corpus({}), 'report.xml');
    const r = await check(['--regressions', corpus({}), '--seeds', '2', '--seed', '5', '--junit', junit]);
    expect(r.out).toMatch(/seeds 5:0\.\.1 [0-2]\/2/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite name="seeds 5:0..1" tests="2"/);
  });

  it('should refuse an unknown mutant as a usage error', async () => {
    expect((await check(['--mutant', 'no_such'])).code).toBe(2);
  });
});

describe('junitXml', () => {
  it('should count tests and failures and escape what it quotes', () => {
    const xml = junitXml('s', [{ name: 'a<b', cases: [{ name: 'ok', failure: null }, { name: 'bad', failure: 'x & "y"\nmore' }] }]);
    expect(xml).toContain('<testsuites name="s" tests="2" failures="1">');
    expect(xml).toContain('<testsuite name="a&lt;b" tests="2" failures="1">');
    expect(xml).toContain('<failure message="x &amp; &quot;y&quot;">x &amp; &quot;y&quot;\nmore</failure>');
    expect(escapeXml('\u0001')).toBe(' ');
  });
});
