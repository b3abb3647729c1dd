/**
 * Shrinking, stage 2: edit the events themselves, for a hand-readable minimum. Drop what
 * follows the first finding, delete chunks of events (halving down to single events), then
 * simplify arguments where it is cheap — lower sizes, offsets, counts and statuses, and turn
 * a failed allocation into a successful one. On a short trace, also delete an event while a
 * later one on the same object takes over what it moved, and merge two objects of one kind
 * (shrink_merge.ts). Ids are never lowered (a lowered id names an object that does not
 * exist), only merged into ids the trace already has. A candidate is valid only if the model
 * accepts every event (no rejection; events the model would reject are dropped with the
 * deletion that orphaned them) and its first finding has the target's kind and id. With
 * mutant flags on, the finding must also still be the mutant's (shrink_witness.ts): the clean
 * model must miss it, unless it reports it on the input too and the mutant changes nothing
 * there.
 */
import { createEngine, type BvsimEvent, type EngineMode, type Finding, type ModelOptions, type World } from '../core/index.ts';
import { specFor } from '../traces/index.ts';
import { mergePass } from './shrink_merge.ts';
import { trimPass } from './shrink_trim.ts';
import { mutantWitness, WITNESS_CLEAN_MISSES, WITNESS_MUTANT_DIFFERS, WITNESS_NONE } from './shrink_witness.ts';
import { deleteChunks, lowerValue, sameFinding, spend, type SearchCtx } from './shrink_search.ts';

/** An event and, for a simulated run, who proposed it (kept so the shrunk trace still says). */
export interface EventItem {
  readonly event: BvsimEvent;
  readonly by?: string;
}

/** Numeric event fields that are quantities (never ids), lowered towards 0. */
const QUANTITY_FIELDS: readonly string[] = [
  'amount', 'bi_bvec_done', 'bi_sector', 'bi_size', 'bytes', 'count', 'error', 'len', 'max_size', 'maxpages', 'maxsize',
  'npages', 'nr_segs', 'offset', 'opf', 'order', 'sector', 'sectors', 'size', 'status',
];

/** Boolean event fields whose `false` is the simpler story (no injected failure, faults allowed). */
const FLAG_FIELDS: readonly string[] = ['fail', 'nofault'];

export type EventsVerdict = { readonly rejected: number } | { readonly first: Finding | undefined; readonly at: number };

/** Folds events through a fresh model: the first rejected event, or the first finding and its step. */
export function judgeEvents(events: readonly BvsimEvent[], model: ModelOptions, mode: EngineMode = 'mutable'): EventsVerdict {
  const engine = createEngine(mode, model);
  let first: Finding | undefined;
  let at = -1;
  for (const [i, e] of events.entries()) {
    const out = engine.step(e);
    if (out.rejection !== null) return { rejected: i };
    if (first === undefined && out.findings.length > 0) {
      first = out.findings[0];
      at = i;
    }
  }
  return { first, at };
}

/** Stage 2 from `start` (whose first finding is the target); returns the smallest list found. */
export function shrinkEvents(ctx: SearchCtx, start: readonly EventItem[], model: ModelOptions, mode: EngineMode): EventItem[] {
  const state = { best: [...start] };
  const startVerdict = judgeEvents(start.map((x) => x.event), model, mode);
  const witness = 'first' in startVerdict ? mutantWitness(start.map((x) => x.event), ctx.target, startVerdict.at, model, mode) : WITNESS_NONE;
  // Events from actors that reacted to the bent world may be ones the clean model warns about
  // too; once they are edited, no actor vouches for them, so only the strong witness will do.
  const required = witness === WITNESS_MUTANT_DIFFERS ? WITNESS_CLEAN_MISSES : witness;
  const attempt = (cand: EventItem[]): boolean => {
    if (!spend(ctx)) return false;
    const { kept, verdict, same } = judgeWithoutRejected(cand, model, mode);
    // A recipe may have touched the working copy before rejecting: the survivors are judged afresh.
    const v = same ? verdict : judgeEvents(kept.map((x) => x.event), model, mode);
    const first = 'first' in v ? (v.first ?? null) : null;
    const accepted = 'first' in v && sameFinding(v.first, ctx.target) && mutantWitness(kept.map((x) => x.event), ctx.target, v.at, model, mode) >= required;
    if (accepted) {
      state.best = kept;
      ctx.accepted++;
    }
    ctx.budget.onProgress({ stage: 2, tried: ctx.tried, accepted: ctx.accepted, events: state.best.length, improved: accepted, first });
    return accepted;
  };
  const get = (): EventItem[] => state.best;
  // Whatever follows the first finding cannot change it: one candidate drops it all.
  const v = startVerdict;
  if ('first' in v && v.at >= 0 && v.at + 1 < start.length) attempt(start.slice(0, v.at + 1));
  // Rounds until one changes nothing (a fixpoint) or the budget is spent.
  while (ctx.stop === null) {
    const a = deleteChunks(ctx, get, attempt);
    const b = simplifyPass(ctx, get, attempt);
    const c = ctx.stop === null && jointPass(ctx, get, attempt);
    const d = ctx.stop === null && mergePass(ctx, get, attempt);
    const t = ctx.stop === null && trimPass(ctx, get, attempt);
    if (!a && !b && !c && !d && !t) break;
  }
  return state.best;
}

/**
 * The candidate without the events the model rejects, in one pass: deleting an object's
 * creation also deletes every later event that names it (and, in turn, what those created),
 * so one deletion removes a whole lifetime instead of being refused. An event refused for a
 * quantity (a completion of more bytes than the smaller bio now has) is kept with the largest
 * value the model accepts instead. `verdict` is the candidate's own when nothing was dropped
 * or edited (`same`); otherwise the caller judges `kept` afresh.
 */
export function judgeWithoutRejected(items: readonly EventItem[], model: ModelOptions, mode: EngineMode): { kept: EventItem[]; verdict: EventsVerdict; same: boolean } {
  const engine = createEngine(mode, model);
  const kept: EventItem[] = [];
  let first: Finding | undefined;
  let at = -1;
  let same = true;
  for (const item of items) {
    let out = engine.step(item.event);
    let event = item.event;
    if (out.rejection !== null) {
      same = false;
      const field = out.rejection.field;
      const repaired = QUANTITY_FIELDS.includes(field) ? largestAccepted(engine.snapshot(), item.event, field, model, mode) : null;
      if (repaired === null) continue;
      event = repaired;
      out = engine.step(event);
      if (out.rejection !== null) continue;
    }
    if (first === undefined && out.findings.length > 0) {
      first = out.findings[0];
      at = kept.length;
    }
    kept.push(event === item.event ? item : { ...item, event });
  }
  return { kept, verdict: { first, at }, same };
}

/**
 * The event with quantity `field` lowered to the largest value the model accepts from state
 * `base` (a binary search: these limits are upper bounds), or null when no value below the
 * refused one is accepted.
 */
function largestAccepted(base: World, e: BvsimEvent, field: string, model: ModelOptions, mode: EngineMode): BvsimEvent | null {
  const v = fieldOf(e, field);
  if (typeof v !== 'number' || v <= 0) return null;
  const accepted = (x: number): BvsimEvent | null => {
    const edited = editEvent(e, field, x);
    return edited !== null && createEngine(mode, model, base).step(edited).rejection === null ? edited : null;
  };
  let best = accepted(0);
  if (best === null) return null;
  let lo = 1;
  let hi = v - 1;
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const edited = accepted(mid);
    if (edited === null) {
      hi = mid - 1;
    } else {
      best = edited;
      lo = mid + 1;
    }
  }
  return best;
}

function simplifyPass(ctx: SearchCtx, get: () => EventItem[], attempt: (cand: EventItem[]) => boolean): boolean {
  let any = false;
  const withEvent = (k: number, field: string, value: number | boolean): boolean => {
    const item = get()[k];
    const edited = item === undefined ? null : editEvent(item.event, field, value);
    if (item === undefined || edited === null) return false;
    return attempt(get().map((x, j) => (j === k ? { ...item, event: edited } : x)));
  };
  for (let k = 0; k < get().length && ctx.stop === null; k++) {
    for (const field of QUANTITY_FIELDS) {
      const v = fieldOf(get()[k]?.event, field);
      if (typeof v === 'number') any = lowerValue(ctx, v, 0, (x) => withEvent(k, field, x)) || any;
    }
    for (const field of FLAG_FIELDS) {
      if (fieldOf(get()[k]?.event, field) === true && ctx.stop === null) any = withEvent(k, field, false) || any;
    }
  }
  return any;
}

/** The joint pass runs on traces at most this long: its candidates grow with the square of the length. */
const JOINT_MAX_EVENTS = 60;

/**
 * Deletes an event and hands what it moved to a later event on the same object: a slice of
 * 1508 bytes deleted, the position's later advance of 2589 becomes one of 4097. Single edits
 * cannot find that, as neither the deletion nor the larger advance keeps the finding alone.
 */
function jointPass(ctx: SearchCtx, get: () => EventItem[], attempt: (cand: EventItem[]) => boolean): boolean {
  if (get().length > JOINT_MAX_EVENTS) return false;
  let any = false;
  for (let k = get().length - 2; k >= 0 && ctx.stop === null; k--) {
    const cur = get();
    const gone = cur[k];
    if (gone === undefined) continue;
    const moved = quantitiesOf(gone.event).map(([, v]) => v).filter((v) => v > 0);
    for (let j = k + 1; j < cur.length && moved.length > 0 && ctx.stop === null; j++) {
      const later = cur[j];
      if (later === undefined || !sameObject(gone.event, later.event)) continue;
      const accepted = quantitiesOf(later.event).some(([field, v]) =>
        moved.some((add) => {
          const edited = editEvent(later.event, field, v + add);
          return edited !== null && attempt(cur.flatMap((x, i) => (i === k ? [] : i === j ? [{ ...x, event: edited }] : [x])));
        }),
      );
      if (accepted) {
        any = true;
        break;
      }
    }
  }
  return any;
}

function quantitiesOf(e: BvsimEvent): [string, number][] {
  const out: [string, number][] = [];
  for (const field of QUANTITY_FIELDS) {
    const v = fieldOf(e, field);
    if (typeof v === 'number') out.push([field, v]);
  }
  return out;
}

/** Whether two events name one object: a numeric id field (not a quantity) with the same value in both. */
function sameObject(a: BvsimEvent, b: BvsimEvent): boolean {
  return Object.keys(a).some((f) => !QUANTITY_FIELDS.includes(f) && typeof fieldOf(a, f) === 'number' && fieldOf(a, f) === fieldOf(b, f));
}

function fieldOf(e: BvsimEvent | undefined, field: string): unknown {
  if (e === undefined || !Object.hasOwn(e, field)) return undefined;
  const v: unknown = Reflect.get(e, field);
  return v;
}

/** The event with one field replaced, if the result is still a well-formed event of its type. */
function editEvent(e: BvsimEvent, field: string, value: number | boolean): BvsimEvent | null {
  const spec = specFor(e.type);
  if (spec === null) return null;
  const parsed = spec.schema.safeParse({ ...e, [field]: value });
  return parsed.success ? parsed.data : null;
}
