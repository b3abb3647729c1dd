// Parsing `fuzz`, `check` and `findings`: defaults, every value checked (a bad one is a usage
// error, exit 2), and --list-mutants answering like `bvsim list-mutants`.
import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../tools/argv.ts';
import { parseShard } from '../../tools/argv_campaign.ts';

function parsed(argv: string[]) {
  const r = parseArgv(argv);
  if (!r.ok) throw new Error(r.message);
  return r.command;
}

describe('parseShard', () => {
  it('should take i/n with 0 <= i < n', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/4/2']) expect(() => parseShard(bad), bad).toThrow('--shard');
  });
});

describe('bvsim fuzz arguments', () => {
  it('should default to all cores, one shard, .bvsim, swarm design and policy, 60 s shrinks and no budget', () => {
    const c = parsed(['fuzz']);
    expect(c.kind === 'fuzz' && c.args).toMatchObject({
      timeMs: null,
      runs: null,
      seed: null,
      shard: { index: 0, count: 1 },
      out: '.bvsim',
      design: 'swarm',
      mutants: [],
      policy: null,
      untilFinding: false,
      canary: null,
      shrinkMs: 60_000,
    });
    expect(c.kind === 'fuzz' && c.args.workers).toBeGreaterThan(0);
  });

  it('should take every option', () => {
    const c = parsed(['fuzz', '--time', '8h', '--runs', '100', '--workers', '3', '--seed', '7', '--shard', '2/4', '--out', 'd', '--design', 'rolling', '--mutant', 'bvecq_pos_v1', '--policy', 'pct', '--until-finding', '--canary', 'device.short', '--no-shrink']);
    expect(c.kind === 'fuzz' && c.args).toMatchObject({ timeMs: 8 * 3_600_000, runs: 100, workers: 3, seed: 7, shard: { index: 2, count: 4 }, out: 'd', design: 'rolling', mutants: ['bvecq_pos_v1'], policy: 'pct', untilFinding: true, canary: 'device.short', shrinkMs: null });
  });

  it('should refuse bad values', () => {
    for (const argv of [['--design', 'spiral'], ['--policy', 'fifo'], ['--shard', '5/4'], ['--workers', '0'], ['--time', '0'], ['--mutant', 'nope'], ['--canary', 'no.such_goal'], ['--runs', 'x']]) {
      expect(parseArgv(['fuzz', ...argv]).ok, argv.join(' ')).toBe(false);
    }
  });

  it('should answer --list-mutants like list-mutants', () => {
    expect(parsed(['fuzz', '--list-mutants'])).toEqual({ kind: 'list-mutants' });
  });
});

describe('bvsim check and findings arguments', () => {
  it('should default check to 200 seeds of campaign seed 0 and the checkout regressions', () => {
    expect(parsed(['check'])).toEqual({ kind: 'check', args: { corpus: [], seeds: 200, seed: 0, junit: null, mutants: [], regressions: null } });
    const c = parsed(['check', '--corpus', 'a', '--corpus', 'b', '--seeds', '5', '--junit', 'r.xml']);
    expect(c.kind === 'check' && c.args).toMatchObject({ corpus: ['a', 'b'], seeds: 5, junit: 'r.xml' });
  });

  it('should parse findings merge and list', () => {
    expect(parsed(['findings', 'merge', 'a', 'b', '--out', 'c'])).toEqual({ kind: 'findings', args: { action: 'merge', dirs: ['a', 'b'], out: 'c' } });
    expect(parsed(['findings', 'list', 'a'])).toEqual({ kind: 'findings', args: { action: 'list', dirs: ['a'], out: null } });
    expect(parseArgv(['findings', 'merge']).ok).toBe(false);
  });
});
