/**
 * Durations on the command line (`--budget 60s`, later `fuzz --time 8h`): a positive integer
 * with a unit — ms, s, m or h; a bare number is seconds. Zero is refused: a budget of nothing
 * is a mistake, never a request.
 */
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration like "500ms", "60s", "5m", "8h" or "30"; throws commander's InvalidArgumentError. */
export function parseDuration(value: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (m === null) throw new InvalidArgumentError(`expected a duration such as 500ms, 60s, 5m or 8h, not "${value}"`);
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
  if (!Number.isSafeInteger(ms)) throw new InvalidArgumentError(`duration "${value}" is too large`);
  if (ms === 0) throw new InvalidArgumentError('a duration must be more than 0');
  return ms;
}
