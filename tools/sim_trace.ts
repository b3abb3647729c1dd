/**
 * The simulated run behind a trace: its seed, its config (validated like `--config`) and the
 * choice sequence in its footer — what `replay --from-choices` and shrinking stage 1 re-run.
 */
import { STREAMS, type ChoiceLog, type SimConfig, type StreamName } from '../sim/index.ts';
import type { Trace } from '../traces/index.ts';
import { checkSimConfig } from './config_file.ts';

export interface SimRun {
  readonly seed: number;
  readonly config: SimConfig;
  readonly choices: Partial<ChoiceLog>;
}

export type SimRunOf = { ok: true; run: SimRun } | { ok: false; why: string };

const U32_MAX = 0xffff_ffff;

export function simRunOf(trace: Trace): SimRunOf {
  const given = trace.footer?.choices;
  if (given === undefined) {
    if (Object.hasOwn(trace.header.config, 'shrunk')) return { ok: false, why: 'its events were edited by bvsim shrink (header config.shrunk), so it has no choice sequence' };
    return { ok: false, why: 'no choice sequence in the footer (not a simulated run)' };
  }
  const seed = trace.header.seed;
  if (seed === null || !/^\d+$/.test(seed) || Number(seed) > U32_MAX) return { ok: false, why: `no u32 seed in the header (seed ${JSON.stringify(seed)})` };
  const config = checkSimConfig(trace.header.config);
  if (!config.ok) return { ok: false, why: `header config: ${config.message}` };
  const choices: Partial<ChoiceLog> = {};
  for (const name of Object.keys(given).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const values = given[name];
    if (!isStream(name)) return { ok: false, why: `unknown choice stream "${name}" (choices)` };
    if (values !== undefined) choices[name] = values;
  }
  return { ok: true, run: { seed: Number(seed), config: config.config, choices } };
}

function isStream(name: string): name is StreamName {
  return STREAMS.some((s) => s === name);
}
