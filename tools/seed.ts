/**
 * Seeds are u32s printed in decimal. `--seed` also takes a git commit hash (CI varies the
 * seed by commit yet reproduces it): its first eight hex digits. A fresh seed comes from
 * the OS's randomness — the only place a seed is not given.
 */
import { randomInt } from 'node:crypto';
import { InvalidArgumentError } from 'commander';

export function parseSeed(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n > 0xffffffff) throw new InvalidArgumentError(`seed ${value} is larger than a u32`);
    return n;
  }
  if (/^[0-9a-f]{7,40}$/i.test(value)) return Number.parseInt(value.slice(0, 8), 16) >>> 0;
  throw new InvalidArgumentError(`seed "${value}" is neither a u32 nor a commit hash`);
}

export function freshSeed(): number {
  return randomInt(0, 0xffffffff);
}
