// parseArgv is pure: help and bad flags come back as values; replay options map to ReplayArgs.
// Table-driven over argument lists; nothing here touches the process or the filesystem.
import { describe, expect, it } from 'vitest';
import { mutantNames } from '../../core/index.ts';
import { parseArgv } from '../../tools/argv.ts';

describe('parseArgv', () => {
  it('should map replay options to ReplayArgs', () => {
    expect(parseArgv(['replay', '--json', '--state', '--until', '7', '--mode', 'mutable', 'a', 'b'])).toEqual({
      ok: true,
      command: { kind: 'replay', args: { files: ['a', 'b'], json: true, state: true, until: 7, mutants: [], mode: 'mutable', quiet: false, fromChoices: false } },
    });
  });

  it('should collect known mutants from comma lists and repeated flags', () => {
    const [a, b, c] = mutantNames();
    expect([a, b, c].every((n) => n !== undefined)).toBe(true);
    const r = parseArgv(['replay', '--mutant', `${a ?? ''},${b ?? ''}`, '--mutant', c ?? '', 'f']);
    expect(r.ok && r.command.kind === 'replay' && r.command.args.mutants).toEqual([a, b, c]);
  });

  it('should take --design for run and leave it to the seed without it', () => {
    const forced = parseArgv(['run', '--seed', '3', '--design', 'rolling']);
    expect(forced.ok && forced.command.kind === 'run' && forced.command.args.design).toBe('rolling');
    const drawn = parseArgv(['run', '--seed', '3']);
    expect(drawn.ok && drawn.command.kind === 'run' && drawn.command.args.design).toBeNull();
    expect(parseArgv(['run', '--design', 'spiral']).ok).toBe(false);
  });

  it('should hand everything after bench to the benchmark, options included', () => {
    expect(parseArgv(['bench', '--only', 'corpus,sim', '--traces', '20'])).toEqual({ ok: true, command: { kind: 'bench', args: ['--only', 'corpus,sim', '--traces', '20'] } });
    expect(parseArgv(['bench'])).toEqual({ ok: true, command: { kind: 'bench', args: [] } });
  });

  it('should return help as a command, never printing', () => {
    const r = parseArgv(['--help']);
    expect(r.ok && r.command.kind === 'help' && r.command.text).toMatch(/Usage: bvsim/);
  });

  it.each([
    [['replay'], /missing required argument/],
    [['replay', '--until', '-1', 'a'], /--until/],
    [['replay', '--until', '1.5', 'a'], /non-negative integer/],
    [['replay', '--mode', 'fast', 'a'], /--mode must be immutable or mutable, not "fast"/],
    [['replay', '--mutant', 'a,nope', 'f'], /unknown mutant "a"/],
    [['replay', '--bogus', 'a'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('should refuse %j with one line', (argv, message) => {
    const r = parseArgv(argv);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
    expect(!r.ok && r.message.includes('\n')).toBe(false);
  });
});
