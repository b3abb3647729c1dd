/**
 * Shrinking, stage 2: edit the events themselves, for a hand-readable minimum. Drop what
 * follows the first finding, delete chunks of events (halving down to single events), then
 * simplify arguments where it is cheap — lower sizes, offsets, counts and statuses, and turn
 * a failed allocation into a successful one. On a short trace, also delete an event while a
 * later one on the same object takes over what it moved, and merge two objects of one kind
 * (shrink_merge.ts). Ids are never lowered (a lowered id names an object that does not
 * exist), only merged into ids the trace already has. A candidate is valid only if the model
 * accepts every event (no rejection; events the model would reject are dropped with the
 * deletion that orphaned them, or repaired to fit: shrink_repair.ts) and its first finding
 * has the target's kind and id. With mutant flags on, the finding must also still be the
 * mutant's (shrink_witness.ts): the clean model must miss it, unless it reports it on the
 * input too and the mutant changes nothing there.
 */
import { createEngine, type BvsimEvent, type EngineMode, type Finding, type ModelOptions } from '../core/index.ts';
import { editEvent, fieldOf, FLAG_FIELDS, QUANTITY_FIELDS } from './shrink_fields.ts';
import { judgeWithoutRejected, type EventItem, type EventsVerdict } from './shrink_repair.ts';
import { foldPass } from './shrink_fold.ts';
import { mergePass } from './shrink_merge.ts';
import { trimPass } from './shrink_trim.ts';
import { mutantWitness, WITNESS_CLEAN_MISSES, WITNESS_MUTANT_DIFFERS, WITNESS_NONE } from './shrink_witness.ts';
import { deleteChunks, deletePairs, lowerValue, sameFinding, spend, type SearchCtx } from './shrink_search.ts';

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
    const { kept, verdict, same } = judgeWithoutRejected(cand, model, mode, ctx.target);
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
    const f = ctx.stop === null && foldPass(ctx, get, attempt);
    // The pair pass is the costliest: it runs only when the others found nothing.
    if (!a && !b && !c && !d && !t && !f && !(ctx.stop === null && get().length <= PAIRS_MAX_EVENTS && deletePairs(ctx, get, attempt))) break;
  }
  return state.best;
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

/** The pair pass runs on traces at most this long: it tries every pair of events. */
const PAIRS_MAX_EVENTS = 40;

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
