/**
 * Shrinking, stage 2: judging a candidate after repairing what an edit broke downstream. A
 * deletion or a cut leaves later events that no longer fit: a put of a folio never made, a
 * completion of more bytes than the smaller bio has, a request naming more nodes than its
 * folios need, a subrequest claiming bytes its request no longer holds. Refusing the
 * candidate would keep the long story; instead the unfit event is dropped (it named an object
 * that is gone, so its whole lifetime goes with it) or edited to the largest value, or the
 * longest prefix of a list, that still fits. The repaired candidate is then judged like any
 * other, so a repair can only help a candidate that keeps the finding.
 */
import { createEngine, type BvsimEvent, type EngineMode, type Finding, type ModelOptions, type StepOutcome, type World } from '../core/index.ts';
import { editEvent, fieldOf, QUANTITY_FIELDS } from './shrink_fields.ts';
import { sameFinding } from './shrink_search.ts';

/** An event and, for a simulated run, who proposed it (kept so the shrunk trace still says). */
export interface EventItem {
  readonly event: BvsimEvent;
  readonly by?: string;
}

export type EventsVerdict = { readonly rejected: number } | { readonly first: Finding | undefined; readonly at: number };

/** Rejections of one event repaired in turn (a list cut, then the parallel list it left too long). */
const REPAIRS_PER_EVENT = 3;

/** A WARN repair replays the prefix and searches values: only on traces this short. */
const WARN_REPAIR_MAX_EVENTS = 80;

/**
 * The candidate without the events the model rejects, in one pass: deleting an object's
 * creation also deletes every later event that names it (and, in turn, what those created),
 * so one deletion removes a whole lifetime instead of being refused. An event refused for a
 * quantity or a list (a completion of more bytes than the smaller bio now has, more nodes than
 * a shorter request needs) is kept with the largest value or longest prefix the model accepts.
 * Given the `target`, an event that WARNs about something else (a subrequest claiming more
 * than its request now holds) is kept with the largest quantity that does not. `verdict` is the
 * candidate's own when nothing was dropped or edited (`same`); otherwise the caller judges
 * `kept` afresh.
 */
export function judgeWithoutRejected(
  items: readonly EventItem[],
  model: ModelOptions,
  mode: EngineMode,
  target?: Finding,
): { kept: EventItem[]; verdict: EventsVerdict; same: boolean } {
  let engine = createEngine(mode, model);
  const kept: EventItem[] = [];
  let first: Finding | undefined;
  let at = -1;
  let same = true;
  for (const item of items) {
    let event = item.event;
    let out = engine.step(event);
    for (let r = 0; out.rejection !== null && r < REPAIRS_PER_EVENT; r++) {
      same = false;
      const repaired = repairRejected(engine.snapshot(), event, out.rejection.field, model, mode);
      if (repaired === null) break;
      event = repaired;
      out = engine.step(event);
    }
    if (out.rejection !== null) {
      same = false;
      continue;
    }
    if (first === undefined && target !== undefined && isForeignWarn(out, target) && items.length <= WARN_REPAIR_MAX_EVENTS) {
      const base = worldAfter(kept, model, mode);
      const quiet = quietestEdit(base, event, model, mode);
      if (quiet !== null) {
        same = false;
        event = quiet;
        engine = createEngine(mode, model, base);
        out = engine.step(event);
      }
    }
    if (first === undefined && out.findings.length > 0) {
      first = out.findings[0];
      at = kept.length;
    }
    kept.push(event === item.event ? item : { ...item, event });
  }
  return { kept, verdict: { first, at }, same };
}

function isForeignWarn(out: StepOutcome, target: Finding): boolean {
  const f = out.findings[0];
  return f !== undefined && f.kind === 'warn' && !sameFinding(f, target);
}

function worldAfter(items: readonly EventItem[], model: ModelOptions, mode: EngineMode): World {
  const engine = createEngine(mode, model);
  for (const { event } of items) engine.step(event);
  return engine.snapshot();
}

function steps(base: World, e: BvsimEvent, model: ModelOptions, mode: EngineMode): StepOutcome {
  return createEngine(mode, model, base).step(e);
}

/** The event edited so that the model accepts it from `base`: a quantity lowered or a list cut; null if neither does. */
function repairRejected(base: World, e: BvsimEvent, field: string, model: ModelOptions, mode: EngineMode): BvsimEvent | null {
  const fits = (x: BvsimEvent): boolean => steps(base, x, model, mode).rejection?.field !== field;
  if (QUANTITY_FIELDS.includes(field)) return largestFitting(e, field, fits);
  const list = fieldOf(e, field);
  return Array.isArray(list) ? longestPrefixFitting(e, field, list.length, fits) : null;
}

/** The event with quantity `field` as large as `fits` allows below its value (a binary search: these limits are upper bounds). */
function largestFitting(e: BvsimEvent, field: string, fits: (x: BvsimEvent) => boolean): BvsimEvent | null {
  const v = fieldOf(e, field);
  if (typeof v !== 'number' || v <= 0) return null;
  const at = (x: number): BvsimEvent | null => {
    const edited = editEvent(e, field, x);
    return edited !== null && fits(edited) ? edited : null;
  };
  let best = at(0);
  if (best === null) return null;
  let lo = 1;
  let hi = v - 1;
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const edited = at(mid);
    if (edited === null) {
      hi = mid - 1;
    } else {
      best = edited;
      lo = mid + 1;
    }
  }
  return best;
}

/**
 * The event with list `field` cut to its longest prefix that `fits`; lists of the same length
 * are cut with it (a request's nodes and their slot counts go in step).
 */
function longestPrefixFitting(e: BvsimEvent, field: string, len: number, fits: (x: BvsimEvent) => boolean): BvsimEvent | null {
  const parallel = Object.keys(e).filter((f) => f !== field && Array.isArray(fieldOf(e, f)) && (fieldOf(e, f) as unknown[]).length === len);
  for (let to = len - 1; to >= 1; to--) {
    const more = Object.fromEntries(parallel.map((f) => [f, (fieldOf(e, f) as unknown[]).slice(0, to)]));
    const edited = editEvent(e, field, (fieldOf(e, field) as unknown[]).slice(0, to), more);
    if (edited !== null && fits(edited)) return edited;
  }
  return null;
}

/**
 * The event with one quantity lowered to the largest value at which it steps from `base`
 * accepted and without a finding; quantities in their fixed order, the first that works.
 */
function quietestEdit(base: World, e: BvsimEvent, model: ModelOptions, mode: EngineMode): BvsimEvent | null {
  for (const field of QUANTITY_FIELDS) {
    const quiet = largestFitting(e, field, (x) => {
      const out = steps(base, x, model, mode);
      return out.rejection === null && out.findings.length === 0;
    });
    if (quiet !== null) return quiet;
  }
  return null;
}
