/**
 * Shrinking, stage 1's restarts. Editing one run's choices keeps its interleaving: with every
 * actor drawing from shared streams, switching off a bystander or lowering the culprit's page
 * count shifts every later draw, and the story falls apart. So once the edits stop paying, the
 * actor that told the story is run again alone, from fresh seeds, as the run's config has it
 * and with its parameters at their least: a campaign found the bug in a few runs, and a lone
 * actor with one page finds it in a handful of short ones. A restart is kept on the terms of
 * every stage-1 candidate (same first finding, as strong a mutant witness, a smaller size
 * key), so the result is still a story the actors tell. The seeds are derived from the run's
 * own, so the shrink stays deterministic.
 */
import type { ActorConfig, SimConfig } from '../sim/index.ts';
import type { SeedRun } from './run_trace.ts';
import { leastActor, type ActorKnob } from './shrink_knobs.ts';

/** Fresh seeds tried per restart config. */
export const RESTART_SEEDS = 24;

/** Actors restarted alone, the finder first: a bystander alone rarely tells the story. */
export const RESTART_ACTORS = 3;

/** A config to restart from and the seeds to run it with, in the order they are tried. */
export interface Restart {
  readonly config: SimConfig;
  readonly seeds: readonly number[];
}

/**
 * The restarts of a run: for each of the first few actors that proposed its events (the one
 * whose event reported the finding first, then by first event), that actor alone as
 * configured, then alone with every knob at its least value.
 */
export function restartsOf(run: SeedRun, knobs: readonly ActorKnob[]): Restart[] {
  const out: Restart[] = [];
  for (const [k, actor] of actorsOf(run).slice(0, RESTART_ACTORS).entries()) {
    const alone: SimConfig = { ...run.config, actors: [actor] };
    const least: SimConfig = { ...run.config, actors: [leastActor(actor, knobs)] };
    out.push({ config: alone, seeds: seedsFor(run.seed, 2 * k) });
    if (JSON.stringify(least) !== JSON.stringify(alone)) out.push({ config: least, seeds: seedsFor(run.seed, 2 * k + 1) });
  }
  return out;
}

/** The config's actors that proposed events in the run: the finder first, then by first event. */
function actorsOf(run: SeedRun): ActorConfig[] {
  const names: string[] = [];
  const steps = run.result.steps;
  const at = steps.findIndex((s) => s.outcome.findings.length > 0);
  for (const s of at >= 0 ? [steps[at], ...steps] : steps) {
    const name = s === undefined ? null : actorName(s.by);
    if (name !== null && !names.includes(name)) names.push(name);
  }
  return names.flatMap((n) => run.config.actors.filter((a) => a.name === n));
}

/** `actor:netfs_writeback0.wb` → `netfs_writeback0`; the simulator's own steps name no actor. */
function actorName(by: string): string | null {
  if (!by.startsWith('actor:')) return null;
  const name = by.slice('actor:'.length);
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** Seeds derived from the run's seed and the restart's index (u32, distinct per index). */
function seedsFor(seed: number, index: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < RESTART_SEEDS; j++) out.push((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35) + j) >>> 0);
  return out;
}
